"""Writing checked ledger rows (项目台账, 资金到位台账) in batches.

The ledger engine calls these inside its one transaction, a chunk of rows at a time. They
apply the same rules as the single-record services (stage_date_errors, project_rule_errors,
the 专班 rules) but read and write a chunk with a handful of queries, so a 100,000-row ledger
imports in seconds. Each created or changed record gets its audit row; an unchanged row
writes nothing at all, which is what makes a re-import idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from zhaoluo.core import audit, bulk, clock
from zhaoluo.core import calendar as workdays
from zhaoluo.core.dates import month_start
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.models import Official

from .. import lights
from ..choices import STAGE_DATE_FIELD, FundOrigin, Stage, TransitionKind
from ..models import FundArrival, LightRule, Project, StageTransition, TaskForceMember, stage_date_errors
from .common import project_rule_errors
from .light_refresh import with_light_inputs
from .projects import history_steps

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

# Column key → model field where they differ.
FIELD_OF = {"key": "is_key", "strategic": "is_strategic"}
KEY_OF = {"is_key": "key", "is_strategic": "strategic"}
PLAIN = ["name", "investor", "investor_uscc", "kind", "planned_investment", "key", "strategic", "source"]
STAGE_COLUMNS = [
    "signed_on",
    "started_on",
    "producing_on",
    "at_capacity_on",
    "terminated_on",
    "termination_reason",
    "stage",
]
_PROJECT_FIELDS = [f for f in Project._meta.concrete_fields if not getattr(f, "generated", False)]
_MAX_LENGTH = {
    f.name: f.max_length for f in Project._meta.concrete_fields if getattr(f, "max_length", None) and f.choices is None
}


def projects_write(rows: Sequence[Row], ctx: ImportContext) -> None:
    present = set(ctx.shown)
    existing = _existing_projects(rows)
    created: list[tuple[Project, list[Official]]] = []
    changed: list[tuple[Project, dict[str, Any], list[Official] | None, str]] = []
    for row in rows:
        errors_before = ctx.result.error_count
        target = _match(row, existing, ctx)
        if ctx.result.error_count > errors_before:
            continue
        fields = _resolved_fields(row, present, ctx)
        members = _members(row, present, ctx)
        if ctx.result.error_count > errors_before:
            continue
        if target is None:
            project = Project(district=ctx.district, **fields)
            if _valid(project, row, ctx, members or []):
                created.append((project, members or []))
        else:
            outcome = _update(target, fields, members, row, ctx)
            if outcome is not None:
                changed.append(outcome)
            elif ctx.result.error_count == errors_before:
                ctx.result.unchanged += 1
    if ctx.has_errors:
        return  # the engine rolls back; writing more would only cost time
    _insert(created, ctx)
    _apply_updates(changed, ctx)
    _refresh_lights([p.pk for p, *_ in changed], ctx)


def _existing_projects(rows: Sequence[Row]) -> dict[tuple[str, str], Project]:
    codes = [r.values["code"] for r in rows if r.values.get("code")]
    names = [r.values["name"] for r in rows]
    members = Prefetch(
        "task_force", queryset=TaskForceMember.objects.select_related("official").order_by("-is_lead", "id")
    )
    found: dict[tuple[str, str], Project] = {}
    query = Project.objects.select_for_update(of=("self",)).filter(Q(code__in=codes) | Q(name__in=names))
    for project in query.select_related(
        "leader", "lead_unit", "township", "cluster", "chain_link__chain"
    ).prefetch_related(members):
        if project.code:
            found[("code", project.code)] = project
        found[("name", project.name)] = project
    return found


def _match(row: Row, existing: dict[tuple[str, str], Project], ctx: ImportContext) -> Project | None:
    """The record a row updates: by 项目编号 when given, else by 项目名称; a name or code that
    belongs to a different project (or another district) is an error, not a silent merge."""
    code, name = row.values.get("code"), row.values["name"]
    by_name = existing.get(("name", name))
    if code:
        target = existing.get(("code", code))
        if target is None and by_name is not None:
            if by_name.code:
                ctx.error(row.number, "name", f"项目名称已被编号为 {by_name.code} 的项目使用", name)
                return None
            target = by_name  # a project entered without a code gets the ledger's code
        elif target is not None and by_name is not None and by_name.pk != target.pk:
            ctx.error(row.number, "name", f"项目名称已被编号为 {by_name.code or '（无编号）'} 的项目使用", name)
            return None
    else:
        target = by_name
    if target is not None and target.district_id != ctx.district.pk:
        ctx.error(row.number, "code" if code else "name", "该项目属于其他区，不能在本区导入", code or name)
        return None
    return target


def _resolved_fields(row: Row, present: set[str], ctx: ImportContext) -> dict[str, Any]:
    """Model field values of the columns the file has; a column the file lacks is left alone."""
    values = row.values
    fields: dict[str, Any] = {}
    for key in PLAIN:
        if key in present:
            value = values[key]
            fields[FIELD_OF.get(key, key)] = "" if value is None and key != "planned_investment" else value
    if values.get("code"):
        fields["code"] = values["code"]
    for key in STAGE_COLUMNS:
        if key in values:
            fields[key] = values[key] if values[key] is not None or key != "termination_reason" else ""
    for key, value in fields.items():
        limit = _MAX_LENGTH.get(key)
        if limit and isinstance(value, str) and len(value) > limit:
            ctx.error(row.number, KEY_OF.get(key, key), f"不能超过 {limit} 个字", value)
    resolver = ctx.resolver
    if "township" in present:
        fields["township"] = resolver.township(row.number, "township", values["township"])
    if "cluster" in present:
        fields["cluster"] = resolver.cluster(row.number, "cluster", values["cluster"])
    if "chain_link" in present:
        cluster = fields.get("cluster")
        fields["chain_link"] = resolver.chain_link(row.number, "chain_link", values["chain_link"], cluster)
    if "leader" in present:
        fields["leader"] = resolver.official(row.number, "leader", values["leader"], leader=True)
    if "lead_unit" in present:
        fields["lead_unit"] = resolver.unit(row.number, "lead_unit", values["lead_unit"])
    return fields


def _members(row: Row, present: set[str], ctx: ImportContext) -> list[Official] | None:
    if "task_force" not in present:
        return None
    names: list[str] = row.values["task_force"]
    if len(names) != len(set(names)):
        ctx.error(row.number, "task_force", "专班成员不能重复", "、".join(names))
        return []
    found = [ctx.resolver.official(row.number, "task_force", name) for name in names]
    return [official for official in found if official is not None]


def _valid(project: Project, row: Row, ctx: ImportContext, members: list[Official]) -> bool:
    errors = {**stage_date_errors(project), **project_rule_errors(project)}
    for field, message in errors.items():
        ctx.error(row.number, KEY_OF.get(field, field), message, row.raw.get(KEY_OF.get(field, field)))
    return not errors


def _insert(created: list[tuple[Project, list[Official]]], ctx: ImportContext) -> None:
    """New projects with their history, 专班, light and audit rows, in a few executemany calls."""
    if not created:
        return
    rules = list(LightRule.objects.filter(enabled=True))
    today = clock.today()
    now = timezone.now()
    ids = bulk.reserve_ids(Project, len(created))
    project_rows: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    by_id = ctx.by.pk if ctx.by is not None and ctx.by.is_authenticated else None
    with workdays.preloaded():
        for (project, officials), pk in zip(created, ids, strict=True):
            project.pk = pk
            team = [SimpleNamespace(official_id=o.pk, is_lead=i == 0) for i, o in enumerate(officials)]
            # What the light rules read, as a prefetch would leave it: a new project has this
            # 专班 and no plan or progress yet.
            project._prefetched_objects_cache = {  # type: ignore[attr-defined]
                "task_force": team,
                "milestones": [],
                "progress_reports": [],
            }
            verdict = lights.evaluate(project, rules, today)
            project.light, project.light_at = verdict.light, now
            project.light_reasons = [r.as_dict() for r in verdict.reasons]
            project_rows.append({f.attname: getattr(project, f.attname) for f in _PROJECT_FIELDS})
            transitions += [
                {"project_id": pk, "kind": kind, "from_stage": src, "to_stage": dst, "on": on, "by_id": by_id,
                 "note": note, "evidence": ""}
                for kind, src, dst, on, note in history_steps(project)
            ]  # fmt: skip
            members += [
                {"project_id": pk, "official_id": m.official_id, "is_lead": m.is_lead, "duty": ""} for m in team
            ]
            after = audit.snapshot(project)
            after["task_force"] = [o.name for o in officials]
            event = audit.build_row(actor=ctx.by, action="project.created", obj=project, after=after, parent=project)
            # One time for the chunk, as for its projects' light_at: written in one statement, committed together.
            event["at"] = now
            events.append(event)
    bulk.insert(Project, project_rows)
    bulk.insert(StageTransition, bulk.with_ids(StageTransition, transitions))
    bulk.insert(TaskForceMember, bulk.with_ids(TaskForceMember, members))
    audit.record_rows(events)
    ctx.result.created += len(created)


def _update(
    project: Project, fields: dict[str, Any], members: list[Official] | None, row: Row, ctx: ImportContext
) -> tuple[Project, dict[str, Any], list[Official] | None, str] | None:
    """Apply a row to a loaded project in memory; None when nothing would change."""
    changes = {name: value for name, value in fields.items() if _differs(getattr(project, name), value)}
    current = [m.official_id for m in project.task_force.all()]
    new_members = members if members is not None and [o.pk for o in members] != current else None
    if not changes and new_members is None:
        return None
    before = audit.snapshot(project)
    old_stage = project.stage
    for name, value in changes.items():
        setattr(project, name, value)
    if not _valid(project, row, ctx, members or []):
        return None
    return project, before, new_members, old_stage


def _differs(old: Any, new: Any) -> bool:
    if hasattr(old, "pk") or hasattr(new, "pk"):
        return getattr(old, "pk", None) != getattr(new, "pk", None)
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old.compare(new) != 0
    return bool(old != new)


def _apply_updates(
    changed: list[tuple[Project, dict[str, Any], list[Official] | None, str]], ctx: ImportContext
) -> None:
    if not changed:
        return
    events: list[AuditEvent] = []
    transitions: list[StageTransition] = []
    touched_fields: set[str] = {"version", "updated_at"}
    now = timezone.now()
    for project, before, new_members, old_stage in changed:
        old, new = audit.diff(before, audit.snapshot(project))
        touched_fields.update(old)
        project.version += 1
        project.updated_at = now
        if new_members is not None:
            old["task_force"] = [m.official.name for m in project.task_force.all()]
            new["task_force"] = [o.name for o in new_members]
        events.append(
            audit.build(actor=ctx.by, action="project.updated", obj=project, before=old, after=new, parent=project)
        )
        if project.stage != old_stage:
            transitions.append(_import_transition(project, old_stage, ctx))
    fields = sorted(f.name for f in Project._meta.concrete_fields if f.name in touched_fields)
    Project.objects.bulk_update([p for p, *_ in changed], fields, batch_size=500)
    replaced = [(p, m) for p, _, m, _ in changed if m is not None]
    TaskForceMember.objects.filter(project__in=[p for p, _ in replaced]).delete()
    TaskForceMember.objects.bulk_create(
        [
            TaskForceMember(project=p, official=o, is_lead=i == 0)
            for p, officials in replaced
            for i, o in enumerate(officials)
        ]
    )
    StageTransition.objects.bulk_create(transitions)
    audit.record_many(events)
    ctx.result.updated += len(changed)


def _import_transition(project: Project, old_stage: str, ctx: ImportContext) -> StageTransition:
    field = STAGE_DATE_FIELD.get(project.stage)
    on: dt.date = getattr(project, field) if field else (project.terminated_on or clock.today())
    kind = TransitionKind.TERMINATE if project.stage == Stage.TERMINATED else TransitionKind.IMPORT
    return StageTransition(
        project=project, kind=kind, from_stage=old_stage, to_stage=project.stage, on=on, by=ctx.by, note="台账导入"
    )


def _refresh_lights(pks: list[int], ctx: ImportContext) -> None:
    """Lights of the chunk's new and changed projects, in one pass (a key project imported
    without its 六个一 turns red right away, not at the next tick)."""
    if not pks:
        return
    rules = list(LightRule.objects.filter(enabled=True))
    today = clock.today()
    now = timezone.now()
    changed: list[Project] = []
    events: list[AuditEvent] = []
    with workdays.preloaded():
        for project in with_light_inputs(Project.objects.filter(pk__in=pks)):
            verdict = lights.evaluate(project, rules, today)
            reasons = [r.as_dict() for r in verdict.reasons]
            if project.light == verdict.light and project.light_reasons == reasons:
                continue
            before = {"light": project.light, "light_reasons": project.light_reasons}
            if project.light != verdict.light:
                after = {"light": verdict.light, "light_reasons": reasons}
                events.append(
                    audit.build(
                        actor=ctx.by,
                        action="project.light_changed",
                        obj=project,
                        before=before,
                        after=after,
                        parent=project,
                    )
                )
            project.light, project.light_reasons, project.light_at = verdict.light, reasons, now
            changed.append(project)
    Project.objects.bulk_update(changed, ["light", "light_reasons", "light_at"], batch_size=500)
    audit.record_many(events)


# 资金到位台账 ------------------------------------------------------------------------------


def _fund_origin(row: Row) -> str:
    # A file without the 资金来源 column is a file whose every origin is blank: 省外, as the contract says.
    return str(row.values.get("origin") or FundOrigin.OUT_OF_PROVINCE)


def funds_write(rows: Sequence[Row], ctx: ImportContext) -> None:
    projects = _fund_projects(rows, ctx)
    keys = [(p.pk, r.values["period"], _fund_origin(r)) for r in rows if (p := projects.get(r.number))]
    existing = {
        (f.project_id, f.period, f.origin): f
        for f in FundArrival.objects.select_for_update()
        .filter(project_id__in={k[0] for k in keys}, period__in={k[1] for k in keys})
        .select_related("project")
    }
    this_month = month_start(clock.today())
    new: list[FundArrival] = []
    updated: list[tuple[FundArrival, dict[str, Any]]] = []
    # The engine compares keys as written; a project named by 编号 in one row and by 名称 in
    # another is one project, so the resolved key is checked here (across chunks too).
    seen: dict[tuple[int, dt.date, str], int] = ctx.memo.setdefault("fund_keys", {})
    for row in rows:
        project = projects.get(row.number)
        if project is None:
            continue
        period, origin, amount = row.values["period"], _fund_origin(row), row.values["amount"]
        if period > this_month:
            ctx.error(row.number, "period", "不能登记未来月份的到位资金", row.raw.get("period"))
            continue
        if (project.pk, period, origin) in seen:
            earlier = seen[(project.pk, period, origin)]
            ctx.error(row.number, "", f"与第{earlier}行重复（同一项目、期间、资金来源）", project.name)
            continue
        seen[(project.pk, period, origin)] = row.number
        fund = existing.get((project.pk, period, origin))
        if fund is None:
            new.append(FundArrival(project=project, period=period, origin=origin, amount=amount))
        elif fund.amount.compare(amount) != 0:
            before = audit.snapshot(fund)
            fund.amount = amount
            updated.append((fund, before))
        else:
            ctx.result.unchanged += 1
    if ctx.has_errors:
        return
    _write_funds(new, updated, ctx)


def _fund_projects(rows: Sequence[Row], ctx: ImportContext) -> dict[int, Project]:
    """Each row's project, which must be a known project of this district."""
    codes = {r.values["project_code"] for r in rows if r.values.get("project_code")}
    names = {r.values["project_name"] for r in rows if r.values.get("project_name")}
    known = Project.objects.filter(district=ctx.district).filter(Q(code__in=codes) | Q(name__in=names))
    by_code = {p.code: p for p in known if p.code}
    by_name = {p.name: p for p in known}
    found: dict[int, Project] = {}
    for row in rows:
        code, name = row.values.get("project_code"), row.values.get("project_name")
        project = by_code.get(code) if code else by_name.get(name or "")
        if project is None:
            ctx.error(row.number, "project_code" if code else "project_name", "系统中没有这个项目", code or name)
        elif code and name and project.name != name:
            ctx.error(row.number, "project_name", f"与项目编号 {code} 的项目名称“{project.name}”不一致", name)
        else:
            found[row.number] = project
    return found


def _write_funds(new: list[FundArrival], updated: list[tuple[FundArrival, dict[str, Any]]], ctx: ImportContext) -> None:
    created = FundArrival.objects.bulk_create(new, batch_size=1000)
    events = [
        audit.build(actor=ctx.by, action="funds.recorded", obj=f, after=audit.snapshot(f), parent=f.project)
        for f in created
    ]
    now = timezone.now()
    for fund, before in updated:
        fund.version += 1
        fund.updated_at = now
        old, new_values = audit.diff(before, audit.snapshot(fund))
        events.append(
            audit.build(
                actor=ctx.by, action="funds.updated", obj=fund, before=old, after=new_values, parent=fund.project
            )
        )
    FundArrival.objects.bulk_update([f for f, _ in updated], ["amount", "version", "updated_at"], batch_size=1000)
    audit.record_many(events)
    ctx.result.created += len(created)
    ctx.result.updated += len(updated)
