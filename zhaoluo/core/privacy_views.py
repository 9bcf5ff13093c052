"""The 安全管理员's page for personal-data deletion requests (PIPL 第四十七条): anonymise an
enterprise contact or a user account of the administrator's own district."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from . import privacy, roles
from .actions import Action, run_action
from .forms import StyledFormMixin
from .htmx import AuthedRequest


def _kinds() -> list[tuple[str, str]]:
    return [(subject.kind, subject.label) for subject in privacy.subjects()]


class AnonymiseForm(StyledFormMixin, forms.Form):
    # The subjects the apps registered (core/privacy.py), read when the form is built.
    kind = forms.ChoiceField(label="对象", choices=_kinds)
    identifier = forms.CharField(label="统一社会信用代码或登录名", max_length=150)
    reason = forms.CharField(label="申请依据", max_length=200, help_text="例如申请单号、申请日期")


def _perform(request: AuthedRequest, form: forms.Form) -> str:
    data = form.cleaned_data
    subject = privacy.SUBJECTS[data["kind"]]
    identifier = data["identifier"].strip()
    record = subject.find(identifier, privacy.district_id_of(request.user), False)
    if record is None:
        raise ValidationError({"identifier": subject.missing})
    cleared = subject.anonymise(record, request.user, data["reason"])
    target = subject.describe(record, identifier)
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
        allowed=roles.allows(roles.PRIVACY_OFFICER, request.user),
        denied="只有安全管理员可以办理个人信息删除申请",
        page="core/anonymise.html",
        success_url=url,
    )


app_name = "privacy"
urlpatterns: list[URLPattern] = [path("anonymise/", anonymise, name="anonymise")]
