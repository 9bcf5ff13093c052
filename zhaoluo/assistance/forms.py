"""Forms of the assistance pages. They only read and clean input; every write is a service call."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import DateInput, StyledFormMixin, style_form
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Unit
from zhaoluo.projects.models import Project

from . import selectors
from .choices import FACTORS
from .models import AssistanceForm, AssistanceLine
from .permissions import may_fill_enterprises, may_fill_projects
from .services import LineData


class StartForm(forms.Form):
    project = forms.ModelChoiceField(label="重点项目", queryset=Project.objects.none(), required=False)
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none(), required=False)
    carry_over = forms.BooleanField(
        label="沿用上期“仍需解决”事项", required=False, initial=True, help_text="上期未解决的事项作为本期需求预填"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields["project"]
        enterprise = self.fields["enterprise"]
        assert isinstance(project, forms.ModelChoiceField) and isinstance(enterprise, forms.ModelChoiceField)
        if may_fill_projects(user):
            project.queryset = selectors.key_projects(user=user).order_by("name")
        else:
            del self.fields["project"]
        if may_fill_enterprises(user):
            enterprise.queryset = selectors.enterprises(user=user).order_by("name")
        else:
            del self.fields["enterprise"]
        style_form(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("project")) == bool(data.get("enterprise")):
            raise forms.ValidationError("请选择一个重点项目或一家企业（二者选一）")
        return data


def line_field(factor: str, name: str) -> str:
    return f"{factor}-{name}"


class LinesForm(StyledFormMixin, forms.Form):
    """The draft's table: for each factor 需求 / 已做工作 / 仍需解决 / 建议责任单位 / 建议时限."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    summary = forms.CharField(
        label="总体情况", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, form: AssistanceForm, lines: list[AssistanceLine], user: Any, **kwargs: Any):
        initial = {"version": form.version, "summary": form.summary}
        for line in lines:
            initial.update(
                {
                    line_field(line.factor, "need"): line.need,
                    line_field(line.factor, "done"): line.done,
                    line_field(line.factor, "still_needed"): line.still_needed,
                    line_field(line.factor, "suggested_unit"): line.suggested_unit_id,
                    line_field(line.factor, "suggested_due_on"): line.suggested_due_on,
                }
            )
        super().__init__(*args, initial=initial, **kwargs)
        units = org_selectors.units(user=user)
        self.rows = []
        for factor in FACTORS:
            names = {
                "need": forms.CharField(label="需求", required=False, max_length=2000),
                "done": forms.CharField(label="已做工作", required=False, max_length=2000),
                "still_needed": forms.CharField(label="仍需解决", required=False, max_length=2000),
                "suggested_unit": forms.ModelChoiceField(label="建议责任单位", queryset=units, required=False),
                "suggested_due_on": forms.DateField(label="建议办结时限", widget=DateInput(), required=False),
            }
            for name, field in names.items():
                if name in ("need", "done", "still_needed"):
                    field.widget = forms.Textarea(attrs={"rows": 2})
                self.fields[line_field(factor, name)] = field
            self.rows.append((factor, [line_field(factor, n) for n in names]))
        style_form(self)

    def factor_rows(self) -> list[dict[str, Any]]:
        return [{"label": factor.label, "fields": [self[name] for name in names]} for factor, names in self.rows]

    def lines(self) -> dict[str, LineData]:
        c = self.cleaned_data
        return {
            factor.value: LineData(
                need=c.get(line_field(factor, "need")) or "",
                done=c.get(line_field(factor, "done")) or "",
                still_needed=c.get(line_field(factor, "still_needed")) or "",
                suggested_unit=c.get(line_field(factor, "suggested_unit")),
                suggested_due_on=c.get(line_field(factor, "suggested_due_on")),
            )
            for factor in FACTORS
        }


class SubmitForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


__all__ = ["LinesForm", "StartForm", "SubmitForm", "Unit"]
