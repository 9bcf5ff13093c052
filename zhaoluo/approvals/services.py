"""All writes to approvals: the national project code, recording and updating an approval,
and the problem a late approval raises (on save and in `tick`).

Every approval's limit goes through supervision.deadlines.adjusted_workdays, so a
green-channel project's approvals get the shortened limit, and the rule that shortened it
is stored beside the figure and shown with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from zhaoluo.core import audit, calendar, clock
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.locking import claim_version
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Unit, User
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Category, Origin
from zhaoluo.problems.models import Problem
from zhaoluo.problems.permissions import can_assign
from zhaoluo.projects.models import Project
from zhaoluo.projects.services.common import unit_in_district
from zhaoluo.supervision.deadlines import adjusted_workdays

from .choices import DECIDED, Status
from .models import Approval, ApprovalItem
from .permissions import can_keep_catalogue, can_record, can_update

AUDITED = [
    "item",
    "department",
    "status",
    "submitted_on",
    "decided_on",
    "legal_workdays",
    "limit_workdays",
    "limit_rule",
    "due_on",
    "workdays_taken",
    "is_late",
    "note",
]
EDITABLE = ["department", "status", "submitted_on", "decided_on", "note"]
DERIVED = ["legal_workdays", "limit_workdays", "limit_rule", "due_on", "workdays_taken", "is_late"]
ITEM_FIELDS = ["name", "limit_workdays", "basis", "default_department", "position", "is_active"]


def problem_workdays() -> int:
    """Working days a department gets to settle the problem a late approval raises (before green-channel rules)."""
    return int(getattr(settings, "ZHAOLUO_APPROVALS_PROBLEM_WORKDAYS", 5))


def default_department(item: ApprovalItem, project: Project) -> Unit | None:
    """The catalogue names a department; the district's unit of that name handles it."""
    if not item.default_department:
        return None
    district = Q(region_id=project.district_id) | Q(region__parent_id=project.district_id)
    return Unit.objects.filter(district, name=item.default_department).select_related("region").first()


def derive_status(*, submitted_on: dt.date | None, decided_on: dt.date | None) -> str:
    if decided_on is not None:
        return Status.APPROVED
    return Status.HANDLING if submitted_on is not None else Status.NOT_SUBMITTED


def compute(approval: Approval, today: dt.date) -> None:
    """Fill the derived figures: the limit after the rules, the due date counted in Chinese
    working days (调休 included) from the day the department accepted the file, the working
    days taken, and whether it is late."""
    legal = approval.item.limit_workdays
    adjusted = adjusted_workdays(workdays=legal, project=approval.project, subject="approval")
    approval.legal_workdays = legal
    approval.limit_workdays = adjusted.workdays
    approval.limit_rule = adjusted.rule or ""
    submitted, decided = approval.submitted_on, approval.decided_on
    approval.due_on = calendar.add_workdays(submitted, adjusted.workdays) if submitted else None
    approval.workdays_taken = calendar.workdays_between(submitted, decided) if submitted and decided else None
    if approval.due_on is None:
        approval.is_late = False
    elif approval.status in DECIDED and decided is not None:
        approval.is_late = decided > approval.due_on
    else:
        approval.is_late = approval.status == Status.HANDLING and approval.due_on < today


def workdays_elapsed(approval: Approval, today: dt.date) -> int | None:
    """Working days the department has held the file so far (decided: the days it took)."""
    if approval.submitted_on is None:
        return None
    if approval.decided_on is not None:
        return approval.workdays_taken
    if approval.status != Status.HANDLING:
        return None
    return max(calendar.workdays_between(approval.submitted_on, today), 0)


def _check(approval: Approval, today: dt.date) -> None:
    errors: dict[str, str] = {}
    s, d = approval.submitted_on, approval.decided_on
    if s is not None and s > today:
        errors["submitted_on"] = "申报日期不能晚于今天"
    if d is not None and d > today:
        errors["decided_on"] = "办结日期不能晚于今天"
    if approval.status == Status.NOT_SUBMITTED and (s or d):
        errors["status"] = "已填写申报日期的事项不能是“未申报”"
    if approval.status in (Status.HANDLING, Status.WITHDRAWN) and s is None:
        errors["submitted_on"] = "请填写申报（受理）日期"
    if approval.status in (Status.HANDLING, Status.WITHDRAWN, Status.NOT_SUBMITTED) and d is not None:
        errors["decided_on"] = "未办结的事项不能有办结日期"
    if approval.status in DECIDED and (s is None or d is None):
        errors["decided_on"] = "已办结或不予许可的事项须填写申报日期和办结日期"
    if s and d and d < s:
        errors["decided_on"] = "办结日期不能早于申报日期"
    if approval.department is not None and not unit_in_district(approval.department, approval.project.district_id):
        errors["department"] = "办理部门不是本区单位"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def approval_record(
    *,
    by: User,
    project: Project,
    item: ApprovalItem,
    department: Unit | None = None,
    status: str | None = None,
    submitted_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    note: str = "",
) -> Approval:
    """Add an approval item to a project; a late one raises its problem in the same transaction."""
    if not can_record(by, project):
        raise PermissionDeniedError("只有本区招商人员可以登记项目审批事项")
    if Approval.objects.filter(project=project, item=item).exists():
        raise ValidationError({"item": f"该项目已登记“{item.name}”"})
    today = clock.today()
    approval = Approval(
        project=project,
        item=item,
        department=department or default_department(item, project),
        status=status or derive_status(submitted_on=submitted_on, decided_on=decided_on),
        submitted_on=submitted_on,
        decided_on=decided_on,
        note=note.strip(),
        recorded_by=by,
    )
    _check(approval, today)
    compute(approval, today)
    approval.full_clean(exclude=["problem", "recorded_by"], validate_unique=False)
    approval.save()
    audit.record(
        actor=by, action="approval.recorded", obj=approval, after=audit.snapshot(approval, AUDITED), parent=project
    )
    raise_late_problem(approval, today=today, by=by)
    return approval


@transaction.atomic
def approval_update(
    *,
    approval: Approval,
    by: User,
    expected_version: int | None,
    **data: Any,
) -> Approval:
    """Change the department, status, dates or note (only the keys given); stale versions get 409."""
    if not can_update(by, approval):
        raise PermissionDeniedError("只有招商人员或该事项的办理部门可以修改审批事项")
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "不能修改该字段"))
    today = clock.today()
    before = audit.snapshot(approval, AUDITED)
    claim_version(approval, expected_version, dict(data))
    for name, value in data.items():
        setattr(approval, name, value.strip() if isinstance(value, str) and name == "note" else value)
    # 不予许可 and 撤回 are said, not read from the dates; the other statuses follow the dates.
    if not data.get("status") and approval.status not in (Status.REFUSED, Status.WITHDRAWN):
        approval.status = derive_status(submitted_on=approval.submitted_on, decided_on=approval.decided_on)
    _check(approval, today)
    compute(approval, today)
    approval.full_clean(exclude=["problem", "recorded_by"], validate_unique=False)
    # Not `problem`: tick may have linked one since this instance was read.
    approval.save(update_fields=[*EDITABLE, *DERIVED, "version", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(approval, AUDITED))
    if new:
        audit.record(actor=by, action="approval.updated", obj=approval, before=old, after=new, parent=approval.project)
    raise_late_problem(approval, today=today, by=by)
    return approval


@transaction.atomic
def item_update(*, item: ApprovalItem, by: User, expected_version: int | None, **data: Any) -> ApprovalItem:
    """Change a catalogue entry. Recorded approvals keep the limit they were given until next saved."""
    if not can_keep_catalogue(by):
        raise PermissionDeniedError("只有招商人员或政务服务部门可以维护审批事项目录")
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "不能修改该字段"))
    before = audit.snapshot(item, ITEM_FIELDS)
    claim_version(item, expected_version, dict(data))
    for name, value in data.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean(validate_unique=False)
    item.save()
    old, new = audit.diff(before, audit.snapshot(item, ITEM_FIELDS))
    if new:
        audit.record(actor=by, action="approval_item.updated", obj=item, before=old, after=new)
    return item


def _is_late_now(approval: Approval, today: dt.date) -> bool:
    if approval.due_on is None:
        return False
    if approval.status in DECIDED:
        return approval.decided_on is not None and approval.decided_on > approval.due_on
    return approval.status == Status.HANDLING and approval.due_on < today


def _raiser(approval: Approval, by: User | None) -> User | None:
    """Who raises and assigns the problem: the person saving (when a district role may assign),
    else whoever recorded the approval, else the district's 督查室 or 招商人员 (for tick)."""
    probe = Problem(district_id=approval.project.district_id, project=approval.project)
    for user in (by, approval.recorded_by):
        if user is not None and user.is_active and can_assign(user, probe) and user.role != Role.LEADER:
            return user
    for role in (Role.SUPERVISION, Role.INVESTMENT):
        for user in User.objects.filter(is_active=True, role=role).select_related("region", "unit").order_by("pk"):
            if can_assign(user, probe):
                return user
    return None


def raise_late_problem(approval: Approval, *, today: dt.date, by: User | None = None) -> Problem | None:
    """Raise and assign the problem of a late approval, once: a second call finds it linked.

    Runs in the caller's transaction; the approval row is locked first, so a save and a
    tick racing for the same approval raise one problem between them.
    """
    if approval.problem_id is not None or not _is_late_now(approval, today):
        return None
    locked = (
        Approval.objects.select_for_update(of=("self",))
        .select_related("item", "project", "department")
        .get(pk=approval.pk)
    )
    if locked.problem_id is not None:
        approval.problem_id = locked.problem_id
        return None
    raiser = _raiser(locked, by)
    if raiser is None:
        return None
    now = clock.today()
    project = locked.project
    assert locked.due_on is not None
    if locked.decided_on is not None:
        late = calendar.workdays_between(locked.due_on, locked.decided_on)
        what = f"于{locked.decided_on:%Y-%m-%d}办结，超出时限{late}个工作日"
    else:
        late = calendar.workdays_between(locked.due_on, today)
        what = f"至{today:%Y-%m-%d}仍未办结，已超出时限{late}个工作日"
    rule = f"（{locked.limit_rule}）" if locked.limit_rule else ""
    description = (
        f"{project.name}“{locked.item.name}”审批超时：{locked.submitted_on:%Y-%m-%d}申报，"
        f"时限{locked.limit_workdays}个工作日{rule}，应于{locked.due_on:%Y-%m-%d}前办结，{what}。"
    )
    problem = problem_services.problem_raise(
        by=raiser,
        description=description,
        category=Category.APPROVAL,
        origin=Origin.PROJECT,
        project=project,
        origin_note=f"审批事项超时自动生成：{locked.item.name}",
        raised_on=min(today, now),
    )
    unit = locked.department or project.lead_unit
    if unit is not None:
        adjusted = adjusted_workdays(workdays=problem_workdays(), project=project, subject="problem")
        problem_services.problem_assign(
            problem=problem,
            by=raiser,
            unit=unit,
            due_on=calendar.add_workdays(max(today, now), adjusted.workdays),
            note=f"审批超时，请{adjusted.workdays}个工作日内办结" + (f"（{adjusted.rule}）" if adjusted.rule else ""),
        )
    Approval.objects.filter(pk=locked.pk).update(problem=problem, is_late=True)
    approval.problem, approval.is_late = problem, True
    audit.record(
        actor=raiser,
        action="approval.late_problem",
        obj=approval,
        after={"problem": problem.code, "is_late": True},
        parent=project,
        note=what,
    )
    return problem


def approvals_tick(today: dt.date | None = None) -> dict[str, int]:
    """The scheduled step: pending approvals past their due date that have no problem yet.

    Incremental: the query reads only those rows (index on status, due_on), so a run with
    nothing new late costs one query whatever the size of the table.
    """
    today = today or clock.today()
    raised = 0
    candidates = (
        Approval.objects.filter(status=Status.HANDLING, due_on__lt=today, problem__isnull=True)
        .select_related("project", "item", "department", "recorded_by")
        .order_by("due_on", "pk")
    )
    with calendar.preloaded():
        for approval in candidates:
            with transaction.atomic():
                if raise_late_problem(approval, today=today) is not None:
                    raised += 1
    return {"approvals_late_problems": raised}


def approval_import(
    *,
    by: User | None,
    project: Project,
    item: ApprovalItem,
    existing: Approval | None,
    department: Unit | None,
    status: str,
    submitted_on: dt.date,
    decided_on: dt.date | None,
) -> tuple[Approval, str]:
    """One row of the 审批台账 (inside the import's transaction): "created", "updated" or
    "unchanged". History brought in raises no problems here: a decided one is over, and `tick`
    raises the problem of one still late and open, as it does for any other."""
    today = clock.today()
    approval = existing or Approval(project=project, item=item, recorded_by=by)
    before = audit.snapshot(approval, AUDITED) if existing is not None else {}
    department = department or (existing.department if existing else default_department(item, project))
    if existing is not None and (
        existing.department_id,
        existing.status,
        existing.submitted_on,
        existing.decided_on,
    ) == (
        department.pk if department else None,
        status,
        submitted_on,
        decided_on,
    ):
        # The row says what the record says. Lateness moving with the calendar is tick's to
        # record, not a change the ledger made.
        return approval, "unchanged"
    approval.department = department
    approval.status, approval.submitted_on, approval.decided_on = status, submitted_on, decided_on
    _check(approval, today)
    compute(approval, today)
    approval.full_clean(exclude=["problem", "recorded_by"], validate_unique=False)
    after = audit.snapshot(approval, AUDITED)
    if existing is not None:
        old, new = audit.diff(before, after)
        if not new:
            return approval, "unchanged"
        approval.version += 1
        approval.save()
        audit.record(actor=by, action="approval.imported", obj=approval, before=old, after=new, parent=project)
        return approval, "updated"
    approval.save()
    audit.record(actor=by, action="approval.imported", obj=approval, after=after, parent=project)
    return approval, "created"
