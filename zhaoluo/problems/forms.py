"""Forms of the problem pages. They only read and clean input; every write is a service call."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import DateInput, StyledFormMixin, style_form
from zhaoluo.enterprises import selectors as enterprise_selectors
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Official, Unit
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.models import Project

from .choices import Category, Origin, Satisfaction


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the version the user read, so a stale move is refused (HTTP 409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RaiseForm(forms.Form):
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)
    origin = forms.ChoiceField(label="来源", choices=Origin.choices, initial=Origin.PROJECT)
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), required=False)
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), required=False)
    origin_note = forms.CharField(label="来源说明", max_length=200, required=False, help_text="走访、会议等来源的说明")
    raised_on = forms.DateField(label="提出日期", widget=DateInput(), required=False)
    code = forms.CharField(label="问题编号", max_length=32, required=False, help_text="留空则自动编号")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_field = self.fields["project"]
        enterprise_field = self.fields["enterprise"]
        assert isinstance(project_field, forms.ModelChoiceField)
        assert isinstance(enterprise_field, forms.ModelChoiceField)
        project_field.queryset = project_selectors.project_list(user=user).order_by("name")
        enterprise_field.queryset = enterprise_selectors.enterprise_list(user=user).order_by("name")
        if getattr(user, "role", "") == Role.ENTERPRISE:
            # An enterprise contact raises for their own enterprise; the service sets it.
            for name in ("origin", "project", "enterprise", "origin_note", "code"):
                del self.fields[name]
        style_form(self)


class AssignForm(VersionedForm):
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=Unit.objects.none(), required=False)
    owner = forms.ModelChoiceField(label="责任人", queryset=Official.objects.none(), required=False)
    due_on = forms.DateField(label="办结时限", widget=DateInput(), required=False)
    workdays = forms.IntegerField(
        label="或：办理工作日数", min_value=1, max_value=250, required=False, help_text="按法定工作日（含调休）计算"
    )
    note = forms.CharField(label="交办意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = org_selectors.units(user=user)
        for name in ("unit", "co_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = org_selectors.officials(user=user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("due_on") and not data.get("workdays"):
            self.add_error("due_on", "请填写办结时限或办理工作日数")
        return data


class NoteForm(VersionedForm):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ResolveForm(VersionedForm):
    handling_note = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 4}))
    resolved_on = forms.DateField(label="办结日期", widget=DateInput(), required=False, help_text="留空为今天")


class ReturnForm(VersionedForm):
    reason = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}))


class RateForm(VersionedForm):
    satisfaction = forms.ChoiceField(label="满意度", choices=Satisfaction.choices)
    note = forms.CharField(
        label="说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="不满意须说明原因，问题将重新办理",
    )
