"""All writes to assistance forms: open a draft (the last period's open needs carried over),
fill it in, and submit it, which turns every still-needed line into a problem in one step.

Submitting is one transaction: the form moves 草稿 → 已提交 with one conditional UPDATE
(… WHERE status = 草稿 AND version = n), then each still-needed line is raised through
problems.services (and 交办 straight away when the line names a unit and a deadline and the
submitter may assign). If any of it fails, nothing is written, so a form is never half
turned into problems; a second submission of the same version finds the row moved (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhaoluo.core import audit, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import check_version, claim_version
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Region, Unit, User
from zhaoluo.problems import permissions as problem_permissions
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import OPEN_STATUSES, Origin
from zhaoluo.problems.choices import Status as ProblemStatus
from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project
from zhaoluo.projects.services.common import unit_in_district

from . import periods, selectors
from .choices import FACTORS, FormStatus, PeriodKind
from .models import AssistanceForm, AssistanceLine
from .permissions import can_fill, may_fill_enterprises, may_fill_projects

FORM_AUDITED = ["project", "enterprise", "period_kind", "period_start", "status", "summary", "submitted_on"]
LINE_FIELDS = ("need", "done", "still_needed", "suggested_unit", "suggested_due_on")


@dataclass(frozen=True)
class LineData:
    need: str = ""
    done: str = ""
    still_needed: str = ""
    suggested_unit: Unit | None = None
    suggested_due_on: dt.date | None = None


def _line_snapshot(line: AssistanceLine) -> dict[str, object]:
    return audit.snapshot(line, list(LINE_FIELDS))


@transaction.atomic
def form_create(
    *,
    by: User,
    project: Project | None = None,
    enterprise: Enterprise | None = None,
    period_start: dt.date | None = None,
    carry_over: bool = True,
    filled_on: dt.date | None = None,
) -> AssistanceForm:
    """A new draft for one key project (this month) or one enterprise (this quarter).

    With `carry_over`, each factor still needing work on the previous period's form starts
    as this period's need, so nobody retypes what is still open.
    """
    if (project is None) == (enterprise is None):
        raise ValidationError({"project": "请选择一个重点项目或一家企业（二者选一）"})
    today = clock.today()
    filled_on = filled_on or today
    if filled_on > today:
        raise ValidationError({"filled_on": "填报日期不能晚于今天"})
    if project is not None:
        if not may_fill_projects(by):
            raise PermissionDeniedError("您的角色不能填报重点项目的帮扶情况收集表")
        if not project.is_key:
            raise ValidationError({"project": "只有重点项目按月填报帮扶情况收集表"})
        if not selectors.key_projects(user=by).filter(pk=project.pk).exists():
            raise ValidationError({"project": "项目不存在或不在您的查看范围内"})
        kind, district_id = PeriodKind.MONTH, project.district_id
    else:
        assert enterprise is not None
        if not may_fill_enterprises(by) or (by.role == Role.ENTERPRISE and by.enterprise_id != enterprise.pk):
            raise PermissionDeniedError("只有企业联系人（本企业）和科经局可以填报企业的帮扶情况收集表")
        if not selectors.enterprises(user=by).filter(pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": "企业不存在或不在您的查看范围内"})
        kind, district_id = PeriodKind.QUARTER, enterprise.district_id
    start = period_start or periods.start_of(kind, filled_on)
    if not periods.is_start(kind, start):
        raise ValidationError({"period_start": "所属期应为月初（重点项目）或季度首日（企业）"})
    if start > filled_on:
        raise ValidationError({"period_start": "不能为尚未开始的期间填报"})
    form = AssistanceForm(
        district=Region.objects.get(pk=district_id),
        project=project,
        enterprise=enterprise,
        period_kind=kind,
        period_start=start,
        filled_by=by,
        filled_on=filled_on,
    )
    form.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            form.save()
    except IntegrityError:
        raise ValidationError(
            {"period_start": f"{form.subject_name}{form.period_label}的收集表已存在，请打开已有的收集表"}
        ) from None
    previous = (
        selectors.previous_form(form_kind=kind, project=project, enterprise=enterprise, start=start)
        if carry_over
        else None
    )
    carried = {}
    if previous is not None:
        carried = {line.factor: line for line in previous.lines.all() if line.still_needed.strip()}
    AssistanceLine.objects.bulk_create(
        [
            AssistanceLine(
                form=form,
                factor=factor,
                need=carried[factor].still_needed if factor in carried else "",
                suggested_unit=carried[factor].suggested_unit if factor in carried else None,
            )
            for factor in FACTORS
        ]
    )
    note = f"沿用{previous.period_label}仍需解决事项 {len(carried)} 项" if carried and previous else ""
    audit.record(
        actor=by,
        action="assistance.created",
        obj=form,
        after=audit.snapshot(form, FORM_AUDITED),
        parent=form.project or form,
        note=note,
    )
    return form


@transaction.atomic
def form_update(
    *,
    form: AssistanceForm,
    by: User,
    lines: Mapping[str, LineData],
    summary: str | None = None,
    expected_version: int | None = None,
) -> AssistanceForm:
    """Save a draft's lines (by factor) and its summary."""
    if not can_fill(by, form):
        raise PermissionDeniedError("您的角色不能填报该收集表")
    check_version(form, expected_version)
    if not form.is_draft:
        raise ValidationError({"status": "收集表已提交，不能再修改"})
    unknown = set(lines) - {f.value for f in FACTORS}
    if unknown:
        raise ValidationError({"lines": f"未知的要素：{'、'.join(sorted(unknown))}"})
    errors: dict[str, str] = {}
    for factor, data in lines.items():
        if data.suggested_unit is not None and not unit_in_district(data.suggested_unit, form.district_id):
            errors[f"{factor}-suggested_unit"] = "建议责任单位不是本区单位"
        if data.suggested_due_on is not None and data.suggested_due_on < form.filled_on:
            errors[f"{factor}-suggested_due_on"] = "建议办结时限不能早于填报日期"
    if errors:
        raise ValidationError(errors)
    before_form = audit.snapshot(form, FORM_AUDITED)
    existing = {line.factor: line for line in form.lines.all()}
    before_lines: dict[str, object] = {}
    after_lines: dict[str, object] = {}
    for factor, data in lines.items():
        line = existing.get(factor) or AssistanceLine(form=form, factor=factor)
        old = _line_snapshot(line) if line.pk else {}
        line.need, line.done, line.still_needed = data.need.strip(), data.done.strip(), data.still_needed.strip()
        line.suggested_unit, line.suggested_due_on = data.suggested_unit, data.suggested_due_on
        line.full_clean(exclude=["form", "problem"], validate_unique=False)
        line.save()
        new = _line_snapshot(line)
        if new != old:
            before_lines[line.get_factor_display()] = old
            after_lines[line.get_factor_display()] = new
    if summary is not None:
        form.summary = summary.strip()
    claim_version(form, expected_version, {})
    form.save(update_fields=["summary", "updated_at"])
    old_form, new_form = audit.diff(before_form, audit.snapshot(form, FORM_AUDITED))
    if after_lines:
        old_form["lines"], new_form["lines"] = before_lines, after_lines
    audit.record(
        actor=by,
        action="assistance.updated",
        obj=form,
        before=old_form,
        after=new_form,
        parent=form.project or form,
    )
    return form


def _origin_note(form: AssistanceForm, line: AssistanceLine) -> str:
    note = f"{form.period_label}帮扶情况收集表"
    if line.suggested_unit is not None or line.suggested_due_on is not None:
        parts = []
        if line.suggested_unit is not None:
            parts.append(f"建议责任单位：{line.suggested_unit.name}")
        if line.suggested_due_on is not None:
            parts.append(f"建议时限：{line.suggested_due_on:%Y-%m-%d}")
        note = f"{note}（{'，'.join(parts)}）"
    return note[:200]


def _assign_if_suggested(form: AssistanceForm, line: AssistanceLine, problem: Problem, *, by: User) -> None:
    if (
        problem.status == ProblemStatus.PENDING
        and line.suggested_unit is not None
        and line.suggested_due_on is not None
        and problem_permissions.can_assign(by, problem)
    ):
        problem_services.problem_assign(
            problem=problem,
            by=by,
            unit=line.suggested_unit,
            due_on=line.suggested_due_on,
            note=f"按{form.period_label}帮扶情况收集表交办",
        )


def _raise(form: AssistanceForm, line: AssistanceLine, *, by: User, on: dt.date) -> Problem:
    problem = problem_services.problem_raise(
        by=by,
        description=line.still_needed,
        category=line.factor,
        origin=Origin.PROJECT if form.project_id else Origin.ENTERPRISE,
        project=form.project,
        enterprise=form.enterprise,
        origin_note=_origin_note(form, line),
        raised_on=on,
    )
    _assign_if_suggested(form, line, problem, by=by)
    return problem


def _open_problems_of_previous_period(form: AssistanceForm) -> dict[tuple[str, str], Problem]:
    """The previous period's still-open problems of the same subject, by (factor, still-needed text)."""
    previous = selectors.previous_form(
        form_kind=form.period_kind, project=form.project, enterprise=form.enterprise, start=form.period_start
    )
    if previous is None:
        return {}
    rows = previous.lines.filter(problem__status__in=OPEN_STATUSES).select_related("problem")
    return {(line.factor, line.still_needed.strip()): line.problem for line in rows if line.problem is not None}


@transaction.atomic
def form_submit(
    *,
    form: AssistanceForm,
    by: User,
    expected_version: int | None,
    submitted_on: dt.date | None = None,
) -> AssistanceForm:
    """已提交: every line with 仍需解决 becomes a problem, all in this one transaction."""
    if not can_fill(by, form):
        raise PermissionDeniedError("您的角色不能提交该收集表")
    check_version(form, expected_version)
    if not form.is_draft:
        raise ValidationError({"status": f"收集表已于{form.submitted_on:%Y-%m-%d}提交，不能重复提交"})
    today = clock.today()
    submitted_on = submitted_on or today
    if submitted_on > today or submitted_on < form.filled_on:
        raise ValidationError({"submitted_on": "提交日期应在填报日期与今天之间"})
    lines = selectors.form_lines(form=form)
    if all(line.is_empty for line in lines) and not form.summary.strip():
        raise ValidationError({"lines": "收集表尚未填写任何内容，不能提交"})
    late = [line.get_factor_display() for line in lines if line.suggested_due_on and line.suggested_due_on < today]
    if late:
        raise ValidationError({"lines": f"{'、'.join(late)}的建议办结时限已过，请修改后再提交"})
    rows = AssistanceForm.objects.filter(pk=form.pk, status=FormStatus.DRAFT)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    moved = rows.update(
        status=FormStatus.SUBMITTED,
        submitted_by=by,
        submitted_on=submitted_on,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not moved:
        # Someone submitted it between our read and our write.
        check_version(form, expected_version)
        raise ValidationError({"status": "收集表已被他人提交，请刷新后查看"})
    form.refresh_from_db()
    still_open = _open_problems_of_previous_period(form)
    codes, kept = [], []
    for line in lines:
        if not line.still_needed.strip():
            continue
        carried = still_open.get((line.factor, line.still_needed.strip()))
        if carried is not None:
            # The same need, still open from last period: one problem, not one per month.
            line.problem = carried
            kept.append(carried.code)
            # Still waiting for 交办, and this period names a unit and a deadline: hand it over now.
            _assign_if_suggested(form, line, carried, by=by)
        else:
            line.problem = _raise(form, line, by=by, on=submitted_on)
            codes.append(line.problem.code)
        line.save(update_fields=["problem"])
    audit.record(
        actor=by,
        action="assistance.submitted",
        obj=form,
        before={"status": str(FormStatus.DRAFT.label)},
        after={
            "status": str(FormStatus.SUBMITTED.label),
            "submitted_on": submitted_on.isoformat(),
            "problems": codes,
            "problems_kept": kept,
        },
        parent=form.project or form,
        note="；".join(
            part
            for part in (
                f"仍需解决事项 {len(codes)} 项转为问题" + (f"：{'、'.join(codes)}" if codes else ""),
                f"{len(kept)} 项沿用上期未办结问题：{'、'.join(kept)}" if kept else "",
            )
            if part
        ),
    )
    return form
