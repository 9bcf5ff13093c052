"""Validation and small helpers shared by the project services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from zhaoluo.core import clock
from zhaoluo.core.uploads import validate_evidence
from zhaoluo.core.validators import normalise_national_project_code
from zhaoluo.orgs.models import Official, Unit

from ..models import Project, StageTransition

# What the edit form and API may change; stage and its dates move only through transitions.
EDITABLE_FIELDS = [
    "code",
    "national_code",
    "name",
    "investor",
    "investor_uscc",
    "enterprise",
    "township",
    "cluster",
    "chain_link",
    "kind",
    "planned_investment",
    "is_key",
    "is_strategic",
    "source",
    "leader",
    "lead_unit",
    "green_channel",
    "description",
]
STAGE_FIELDS = [
    "stage",
    "signed_on",
    "started_on",
    "producing_on",
    "at_capacity_on",
    "terminated_on",
    "termination_reason",
]


@dataclass(frozen=True)
class MemberSpec:
    official: Official
    is_lead: bool = False
    duty: str = ""


def unit_in_district(unit: Unit | None, district_id: int) -> bool:
    """A unit of the district itself or of one of its townships; None says nothing."""
    if unit is None:
        return True
    region = unit.region
    return region.pk == district_id or region.parent_id == district_id


def validate_project(project: Project) -> None:
    project.full_clean(validate_unique=True)
    errors = project_rule_errors(project)
    if errors:
        raise ValidationError(errors)


def project_rule_errors(project: Project) -> dict[str, str]:
    """The rules beyond the fields themselves: who may lead, where, and the investor from 签约 on."""
    errors: dict[str, str] = {}
    if project.leader is not None and not project.leader.is_leader:
        errors["leader"] = "包保领导须为“四大家”（区委、区人大、区政府、区政协）领导"
    elif project.leader is not None and project.leader.district_id != project.district_id:
        errors["leader"] = "包保领导不是本区干部"
    if project.lead_unit is not None and not unit_in_district(project.lead_unit, project.district_id):
        errors["lead_unit"] = "牵头单位不是本区单位"
    # The ledger asks for the investor from 签约 on; a project dropped in talks may have none.
    if project.signed_on is not None and not (project.investor or "").strip():
        errors["investor"] = "签约及以后阶段的项目必须填写投资方"
    if project.township is not None and project.township.parent_id != project.district_id:
        errors["township"] = "所属镇街不在本区"
    return errors


def assign(obj: Any, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "该字段不能在此修改"))
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if key == "code" and not value:
            value = None  # unique but optional: blank is NULL, so two blank codes do not clash
        if key == "national_code":
            # Every way in (form, API, other apps' callers) stores the one hyphenated form.
            value = normalise_national_project_code(value or "")
        setattr(obj, key, value)


def check_not_future(on: dt.date, field: str = "on") -> None:
    if on > clock.today():
        raise ValidationError({field: "日期不能晚于今天"})


def attach_evidence(transition: StageTransition, evidence: UploadedFile) -> None:
    try:
        validate_evidence(evidence)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from exc
    transition.evidence.save(evidence.name or "evidence", evidence, save=False)
