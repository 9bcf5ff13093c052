"""Forms of 百名干部进百企. The visit form is built from the instrument (instrument.py), one
column wide so it works one-handed on a 390 px phone."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import DateInput, MultipleImageField, StyledFormMixin
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.models import Official
from zhaoluo.problems.choices import Category

from .choices import ListingStage, Pool, VisitMode
from .instrument import QUESTIONS

YES_NO = [("", "未答"), ("是", "是"), ("否", "否")]
NEED_ROWS = 3


class PairingForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label="包联干部", queryset=Official.objects.none())
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    since = forms.DateField(label="起始日期", required=False, widget=DateInput(), help_text="空白为今天")
    until = forms.DateField(label="结束日期", required=False, widget=DateInput(), help_text="空白为长期包联")

    def __init__(self, *args: Any, cadres: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["cadre"].label_from_instance = lambda o: f"{o.name}（{o.unit or '区领导'}）"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "结束日期不能早于起始日期")
        return data


class PairingEndForm(StyledFormMixin, forms.Form):
    until = forms.DateField(label="结束日期", widget=DateInput())
    reason = forms.CharField(label="结束原因", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label="走访日期", widget=DateInput())
    mode = forms.ChoiceField(label="走访方式", choices=VisitMode.choices, widget=forms.RadioSelect)
    participants = forms.CharField(label="参加人员", required=False, max_length=200, help_text="一同走访的人员")
    notes = forms.CharField(label="走访情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageField(label="照片", required=False, help_text="可拍照上传；保存时自动缩小并去除位置等信息")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in QUESTIONS:
            field: forms.Field
            if q.kind == "yes_no":
                field = forms.ChoiceField(label=q.label, choices=YES_NO, required=False)
            elif q.kind == "date":
                field = forms.DateField(label=q.label, required=False, widget=DateInput())
            elif q.kind == "count":
                field = forms.IntegerField(label=q.label, required=False, min_value=0)
            else:
                field = forms.DecimalField(label=q.label, required=False, max_digits=12, decimal_places=2)
                field.widget.attrs["inputmode"] = "decimal"
            field.help_text = q.help
            self.fields[f"q_{q.key}"] = field
        for i in range(NEED_ROWS):
            self.fields[f"need_{i}"] = forms.CharField(
                label=f"企业需求 {i + 1}", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"need_category_{i}"] = forms.ChoiceField(
                label=f"需求类别 {i + 1}", choices=Category.choices, initial=Category.OTHER, required=False
            )
        super_style = self.fields["mode"].widget
        super_style.attrs.pop("class", None)

    def sections(self) -> list[tuple[str, list[Any]]]:
        result: dict[str, list[Any]] = {}
        for q in QUESTIONS:
            result.setdefault(q.section, []).append(self[f"q_{q.key}"])
        return list(result.items())

    def need_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"need_{i}"], self[f"need_category_{i}"]) for i in range(NEED_ROWS)]

    def answers(self) -> dict[str, Any]:
        return {q.key: self.cleaned_data.get(f"q_{q.key}") for q in QUESTIONS}

    def needs(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data.get(f"need_{i}") or "", self.cleaned_data.get(f"need_category_{i}") or Category.OTHER)
            for i in range(NEED_ROWS)
        ]


class PortalNeedForm(StyledFormMixin, forms.Form):
    description = forms.CharField(label="需求内容", widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.OTHER)


class PoolEnterForm(StyledFormMixin, forms.Form):
    pool = forms.ChoiceField(label="企业库", choices=Pool.choices)
    entered_on = forms.DateField(label="入库日期", widget=DateInput())
    reason = forms.CharField(label="入库依据", max_length=200, help_text="如：小升规，上年营业收入 2680 万元")
    listing_stage = forms.ChoiceField(
        label="上市进程", choices=[("", "（不适用）"), *ListingStage.choices], required=False
    )
