"""The 安全管理员's page for personal-data deletion requests (PIPL 第四十七条): anonymise an
enterprise contact or a user account of the administrator's own district."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from zhaoluo.orgs.choices import Role

from . import privacy
from .actions import Action, run_action
from .forms import StyledFormMixin
from .htmx import AuthedRequest


class AnonymiseForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="对象",
        choices=[("enterprise", "企业联系人（联系人、联系电话）"), ("user", "用户账号（姓名、邮箱，并停用）")],
    )
    identifier = forms.CharField(label="统一社会信用代码或登录名", max_length=150)
    reason = forms.CharField(label="申请依据", max_length=200, help_text="例如申请单号、申请日期")


def _district_id(user: Any) -> int | None:
    district = user.region.district() if user.region_id else None
    return district.pk if district is not None else None


def _perform(request: AuthedRequest, form: forms.Form) -> str:
    from zhaoluo.enterprises.models import Enterprise
    from zhaoluo.orgs.models import User

    data = form.cleaned_data
    district_id = _district_id(request.user)
    identifier = data["identifier"].strip()
    if data["kind"] == "enterprise":
        enterprise = Enterprise.objects.filter(uscc=identifier.upper(), district_id=district_id).first()
        if enterprise is None:
            raise ValidationError({"identifier": "本区没有此统一社会信用代码的企业"})
        cleared = privacy.enterprise_contact_anonymise(enterprise=enterprise, by=request.user, reason=data["reason"])
        target = enterprise.name
    else:
        user = User.objects.filter(username=identifier).select_related("region").first()
        if user is None or _district_id(user) != district_id:
            raise ValidationError({"identifier": "本区没有此登录名的用户"})
        cleared = privacy.user_anonymise(user=user, by=request.user, reason=data["reason"])
        target = f"账号 {identifier}"
    return f"已匿名化{target}（清除 {len(cleared)} 项个人信息），已记入审计日志"


@login_required
@require_http_methods(["GET", "POST"])
def anonymise(request: AuthedRequest) -> HttpResponse:
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    url = reverse("privacy:anonymise")
    action = Action(
        title="个人信息删除（匿名化）",
        url=url,
        form=form,
        perform=lambda f: _perform(request, f),
        submit="匿名化",
        danger=True,
        aliases={"contact": "identifier", "phone": "identifier", "email": "identifier"},
        intro="按个人信息主体的删除申请清除其个人信息。此操作不可撤销；审计日志只记录清除了哪些字段，不记录其内容。",
    )
    return run_action(
        request,
        action,
        allowed=request.user.role == Role.SECADMIN,
        denied="只有安全管理员可以办理个人信息删除申请",
        page="core/anonymise.html",
        success_url=url,
    )


app_name = "privacy"
urlpatterns: list[URLPattern] = [path("anonymise/", anonymise, name="anonymise")]
