"""Forms of the approval pages. They read and clean input; every write is a service call."""

from __future__ import annotations

from typing import Any

from django import forms

from zhaoluo.core.forms import DateInput, StyledFormMixin
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Unit

from .choices import Status
from .models import ApprovalItem


class VersionedForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class _ApprovalFields(forms.Form):
    department = forms.ModelChoiceField(
        label="办理部门", queryset=Unit.objects.none(), required=False, help_text="留空则按目录的默认办理部门"
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[
            ("", "按日期判断（未申报／办理中／已办结）"),
            (Status.REFUSED, Status.REFUSED.label),
            (Status.WITHDRAWN, Status.WITHDRAWN.label),
        ],
        required=False,
        help_text="不予许可、撤回须选择；其余状态按申报、办结日期判断",
    )
    submitted_on = forms.DateField(label="申报（受理）日期", widget=DateInput(), required=False)
    decided_on = forms.DateField(label="办结日期", widget=DateInput(), required=False)
    note = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def _scope_units(self, user: Any) -> None:
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = org_selectors.units(user=user)


class ApprovalCreateForm(StyledFormMixin, _ApprovalFields):
    item = forms.ModelChoiceField(label="审批事项", queryset=ApprovalItem.objects.none())
    field_order = ["item", "department", "status", "submitted_on", "decided_on", "note"]

    def __init__(self, *args: Any, user: Any, taken: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item = self.fields["item"]
        assert isinstance(item, forms.ModelChoiceField)
        # Items already recorded stay choosable: a repeated submission must reach the idempotency
        # check (and be led to the first record), and a true duplicate gets the service's message.
        item.queryset = ApprovalItem.objects.filter(is_active=True)
        item.help_text = "已登记：" + "、".join(taken) if taken else ""
        self._scope_units(user)


class ApprovalEditForm(VersionedForm, _ApprovalFields):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope_units(user)


class ItemForm(VersionedForm):
    name = forms.CharField(label="审批事项", max_length=64)
    limit_workdays = forms.IntegerField(label="法定/承诺时限（工作日）", min_value=1, max_value=365)
    basis = forms.CharField(label="时限依据", max_length=200, required=False)
    default_department = forms.CharField(label="默认办理部门", max_length=100, required=False)
    position = forms.IntegerField(label="排序", min_value=0, max_value=32767)
    is_active = forms.BooleanField(label="启用", required=False)
