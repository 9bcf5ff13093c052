"""Forms of the meeting pages. They only read and clean input; every write is a service call."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import DateInput, StyledFormMixin, style_form
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Official, Unit
from zhaoluo.problems.choices import Category
from zhaoluo.projects import selectors as project_selectors
from zhaoluo.projects.models import Project

from .models import Attendance, Meeting


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the version the user read, so an edit of a meeting changed since is refused (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AgendaForm(forms.Form):
    """One agenda edit: add a free-text item, remove an item, or move it up or down."""

    op = forms.ChoiceField(choices=[("add", "增加"), ("remove", "删除"), ("up", "上移"), ("down", "下移")])
    version = forms.IntegerField(min_value=1)
    item = forms.IntegerField(required=False)
    text = forms.CharField(label="议题", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("op") == "add" and not (data.get("text") or "").strip():
            self.add_error("text", "请填写议题内容")
        if data.get("op") in {"remove", "up", "down"} and not data.get("item"):
            self.add_error("item", "请选择议题")
        return data


class MinutesForm(VersionedForm):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Attendance, str, str]] = []
        for row in meeting.attendance.select_related("official").order_by("pk"):
            present, reason = f"present_{row.pk}", f"reason_{row.pk}"
            self.fields[present] = forms.BooleanField(
                label=f"{row.official.name}（{row.official.title}）出席",
                required=False,
                initial=row.present is not False,
            )
            self.fields[reason] = forms.CharField(
                label=f"{row.official.name} 缺席原因", max_length=100, required=False, initial=row.absence_reason
            )
            self.rows.append((row, present, reason))
        style_form(self)


class DecisionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), required=False)
    category = forms.ChoiceField(label="问题类别", choices=Category.choices, initial=Category.OTHER)
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label="责任人", queryset=Official.objects.none(), required=False)
    due_on = forms.DateField(label="办结时限", widget=DateInput(), required=False)
    workdays = forms.IntegerField(
        label="或：办理工作日数",
        min_value=1,
        max_value=250,
        required=False,
        help_text="自会议之日起按法定工作日（含调休）计算；绿色通道项目减半",
    )

    def __init__(self, *args: Any, meeting: Meeting, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        project, unit, owner = fields["project"], fields["unit"], fields["owner"]
        assert isinstance(project, forms.ModelChoiceField)
        assert isinstance(unit, forms.ModelChoiceField)
        assert isinstance(owner, forms.ModelChoiceField)
        project.queryset = project_selectors.project_list(user=user).order_by("name")
        unit.queryset = org_selectors.units(user=user)
        owner.queryset = org_selectors.officials(user=user)
        style_form(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("due_on") and not data.get("workdays"):
            self.add_error("due_on", "请填写办结时限或办理工作日数")
        return data


class CancelForm(VersionedForm):
    reason = forms.CharField(label="取消原因", max_length=200)
