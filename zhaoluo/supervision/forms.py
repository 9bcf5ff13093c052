from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import style_form

from .choices import Color, Level
from .models import DeadlineRule, EscalationRule

LEVELS = [("", "请选择")] + [(str(v), str(label)) for v, label in Level.choices]
COLORS = [("", "请选择")] + [(str(v), str(label)) for v, label in Color.choices]


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class RuleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = EscalationRule
        fields = ["name", "overdue_workdays", "to_level", "color", "reply_workdays", "enabled", "explanation", "basis"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self) -> None:
        # The service validates the rule (model clean included) and reports its errors.
        pass


class DeadlineRuleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = DeadlineRule
        fields = ["name", "subject", "factor", "enabled", "explanation"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self) -> None:
        pass


class EscalateForm(_Styled):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_level = forms.TypedChoiceField(label="升至层级", choices=LEVELS, coerce=int)
    color = forms.ChoiceField(label="督办单颜色", choices=COLORS)
    reason = forms.CharField(label="升级原因", widget=forms.Textarea(attrs={"rows": 3}))


class DeescalateForm(_Styled):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_level = forms.TypedChoiceField(label="降至层级", choices=LEVELS, coerce=int)
    reason = forms.CharField(label="降级原因", widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(_Styled):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reply_text = forms.CharField(label="回复内容", widget=forms.Textarea(attrs={"rows": 6}))


class ListingForm(_Styled):
    leader_name = forms.CharField(label="挂牌领导", max_length=32, help_text="例如：区长 张明")
    since = forms.DateField(label="挂牌日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="挂牌原因", widget=forms.Textarea(attrs={"rows": 3}))


class LiftForm(_Styled):
    lifted_on = forms.DateField(label="摘牌日期", widget=forms.DateInput(attrs={"type": "date"}))
    lift_reason = forms.CharField(label="摘牌原因", widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(_Styled):
    on = forms.DateField(label="约谈日期", widget=forms.DateInput(attrs={"type": "date"}))
    interviewee = forms.CharField(label="被约谈人", max_length=64, help_text="责任单位负责人姓名和职务")
    interviewer = forms.CharField(label="约谈人", max_length=64)
    outcome = forms.CharField(label="约谈结果", widget=forms.Textarea(attrs={"rows": 4}))


class GreenChannelForm(_Styled):
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.TypedChoiceField(
        label="绿色通道",
        choices=[("", "请选择"), ("1", "列入绿色通道"), ("0", "移出绿色通道")],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))
