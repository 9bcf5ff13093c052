from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from zhaoluo.core.forms import StyledFormMixin
from zhaoluo.orgs.choices import ADMIN_ROLES, Role
from zhaoluo.orgs.models import Official, Region, Unit

# One answer for an unknown name, a wrong password and a locked account (docs/accounts.md):
# telling them apart would tell a guesser which names exist and when to come back.
LOGIN_REFUSED = _("用户名或密码错误，或账号已被临时锁定。连续多次失败将锁定账号，请稍后再试或联系安全管理员。")
LOGIN_THROTTLED = _("本机登录失败次数过多，请稍后再试。")


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": LOGIN_REFUSED, "inactive": LOGIN_REFUSED}


class PasswordForm(StyledFormMixin, PasswordChangeForm):
    error_messages = {
        "password_mismatch": _("两次输入的新密码不一致。"),
        "password_incorrect": _("当前密码不正确。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("当前密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")
        self.fields["new_password1"].help_text = ""


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("动态验证码为 6 位数字"))
        return token


# The roles the 安全管理员 may hand out on the web: the three admin roles are the server's (services.ADMIN_ON_SERVER).
WEB_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value not in ADMIN_ROLES]


class AccountCreateForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"), choices=WEB_ROLE_CHOICES)
    region = forms.ModelChoiceField(label=_("管辖地区"), queryset=Region.objects.none())
    unit = forms.ModelChoiceField(label=_("所在单位"), queryset=Unit.objects.none(), required=False)
    official = forms.ModelChoiceField(
        label=_("对应干部"),
        queryset=Official.objects.none(),
        required=False,
        help_text=_("一人只能有一个账号"),
    )

    def __init__(self, *args: Any, regions: Any, units: Any, officials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["official"].queryset = officials  # type: ignore[attr-defined]


class RoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=WEB_ROLE_CHOICES)


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=64, help_text=_("例如：台账同步脚本"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The longest lifetime is a setting, read when the form is made (tests change it).
        longest = settings.ZHAOLUO_API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("有效期（天）"),
            min_value=1,
            max_value=longest,
            initial=longest,
            help_text=f"最长 {longest} 天；退出登录、修改密码或被重置密码时全部失效",
        )
