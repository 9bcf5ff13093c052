"""Forms of the project pages. They only read and clean input; every write is a service call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import fields_for_model, model_to_dict

from zhaoluo.chains.models import ChainLink, Cluster
from zhaoluo.core import clock
from zhaoluo.core.forms import (
    AmountField,
    DateInput,
    MonthField,
    MultipleImageField,
    NationalProjectCodeField,
    StyledFormMixin,
    UsccField,
    style_form,
)
from zhaoluo.core.uploads import validate_evidence, validate_photo
from zhaoluo.enterprises import selectors as enterprise_selectors
from zhaoluo.orgs import selectors as org_selectors
from zhaoluo.orgs.models import Official

from .choices import FundOrigin, Stage
from .models import Milestone, Project
from .services import EDITABLE_FIELDS


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the version the user read, so a stale save is refused (HTTP 409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProjectForm(forms.Form):
    """Every field services.EDITABLE_FIELDS lets the edit form change.

    Its fields are built here, so it styles them itself, once, when they all exist
    (subclasses declare theirs on the class and need no second pass).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, user: Any, with_version: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(Project, fields=EDITABLE_FIELDS).items():
            self.fields[name] = field
        self.fields["planned_investment"] = AmountField(label="计划总投资（万元）")
        self.fields["investor_uscc"] = UsccField(label="投资方信用代码", required=False)
        self.fields["national_code"] = NationalProjectCodeField(label="全国投资项目代码", required=False)
        if not with_version:
            del self.fields["version"]
        self.fields["township"].queryset = org_selectors.townships(user=user)  # type: ignore[attr-defined]
        self.fields["leader"].queryset = org_selectors.leaders(user=user)  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = org_selectors.units(user=user)  # type: ignore[attr-defined]
        self.fields["enterprise"].queryset = enterprise_selectors.enterprise_list(user=user)  # type: ignore[attr-defined]
        self.fields["cluster"].queryset = Cluster.objects.all()  # type: ignore[attr-defined]
        self.fields["chain_link"].queryset = ChainLink.objects.select_related("chain")  # type: ignore[attr-defined]
        self.fields["description"].widget.attrs["rows"] = 3
        style_form(self)

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        data = model_to_dict(project, fields=EDITABLE_FIELDS)
        data["version"] = project.version
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        for name in ("code",):
            if not data[name]:
                data[name] = None  # unique but optional: blank is NULL, not ""
        return data


class ProjectCreateForm(ProjectForm):
    stage = forms.ChoiceField(
        label="起始阶段",
        choices=[(Stage.LEAD, Stage.LEAD.label), (Stage.NEGOTIATING, Stage.NEGOTIATING.label)],
        initial=Stage.NEGOTIATING,
        help_text="新项目从线索或在谈开始，之后在项目页逐级推进",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, with_version=False, **kwargs)
        self.order_fields(["stage", *EDITABLE_FIELDS])


class AdvanceForm(VersionedForm):
    to = forms.ChoiceField(label="推进到", choices=Stage.choices, widget=forms.HiddenInput)
    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(
        label="佐证材料",
        required=False,
        validators=[validate_evidence],
        help_text="可选：合同、开工证明、照片等（PDF、图片、Office 文件）",
    )


class TerminateForm(VersionedForm):
    on = forms.DateField(label="终止日期", widget=DateInput())
    reason = forms.CharField(label="终止原因", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="佐证材料", required=False, validators=[validate_evidence])


class ReopenForm(VersionedForm):
    on = forms.DateField(label="重启日期", widget=DateInput())
    reason = forms.CharField(label="重启原因", widget=forms.Textarea(attrs={"rows": 3}))


class TaskForceForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    members = forms.ModelMultipleChoiceField(
        label="专班成员",
        queryset=Official.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="按住 Ctrl（手机上直接点选）可选择多人",
    )
    lead = forms.ModelChoiceField(label="专班负责人", queryset=Official.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officials = org_selectors.officials(user=user)
        self.fields["members"].queryset = officials  # type: ignore[attr-defined]
        self.fields["lead"].queryset = officials  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        members, lead = data.get("members"), data.get("lead")
        if members is not None and lead is not None and lead not in members:
            self.add_error("lead", "专班负责人须是专班成员之一")
        return data


class MilestoneForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="节点", max_length=64)
    planned_on = forms.DateField(label="计划完成日期", widget=DateInput())
    actual_on = forms.DateField(label="实际完成日期", required=False, widget=DateInput())
    weight = forms.DecimalField(
        label="权重",
        max_digits=5,
        decimal_places=2,
        initial=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="该节点占整个方案的份量，用于计算计划进度",
    )


class MilestoneEditForm(MilestoneForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_for(milestone: Milestone) -> dict[str, Any]:
        return {
            "name": milestone.name,
            "planned_on": milestone.planned_on,
            "actual_on": milestone.actual_on,
            "weight": milestone.weight,
            "version": milestone.version,
        }


class MilestoneDeleteForm(VersionedForm):
    """Only the version of the node the user saw: a node changed since is not deleted unseen."""


class MilestoneCompleteForm(StyledFormMixin, forms.Form):
    actual_on = forms.DateField(label="实际完成日期", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProgressForm(StyledFormMixin, forms.Form):
    period = MonthField(label="月份")
    completed_investment = AmountField(label="本月完成投资（万元）")
    image_progress = forms.IntegerField(label="形象进度（%）", min_value=0, max_value=100)
    text = forms.CharField(label="进展情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageField(
        label="现场照片", required=False, help_text="可一次选择多张", validators=[validate_photo]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"period": clock.today().replace(day=1)})
        super().__init__(*args, **kwargs)


class FundForm(StyledFormMixin, forms.Form):
    period = MonthField(label="期间")
    amount = AmountField(label="到位资金（万元）")
    origin = forms.ChoiceField(label="资金来源", choices=FundOrigin.choices, initial=FundOrigin.OUT_OF_PROVINCE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"period": clock.today().replace(day=1)})
        super().__init__(*args, **kwargs)
