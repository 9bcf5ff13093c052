"""The user's own API tokens, on 账号安全: create (the key shown once) and revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhaoluo.core.forms import StyledFormMixin, apply_service_errors
from zhaoluo.core.htmx import AuthedRequest
from zhaoluo.orgs.models import User

from . import token_services
from .models import ApiToken


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


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


@never_cache
@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = token_services.api_token_issue(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {}, {})
        else:
            response = render(request, "accounts/token_created.html", {"token": token, "key": key})
            response["Cache-Control"] = "no-store"
            return response
    from .views import security_context

    context = {**security_context(request.user), "token_form": form}
    return render(request, "accounts/security.html", context, status=422)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    token_services.api_token_revoke(user=request.user, token=token)
    messages.success(request, f"已撤销接口令牌“{token.name}”")
    return redirect("accounts:security")
