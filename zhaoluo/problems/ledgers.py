"""The 问题台账 kind (shared/LEDGERS.md `problems`): columns, row rules, the writer, the export."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from zhaoluo.core import audit, filtering
from zhaoluo.core import parsing as p
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register
from zhaoluo.projects.models import Project

from . import selectors
from .choices import OPEN_STATUSES, Category, Origin, Satisfaction, Status
from .filters import ProblemFilterSet
from .models import Problem
from .permissions import ASSIGNING_ROLES
from .services import AUDITED, next_code

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

CATEGORY_BY_LABEL = {str(label): value for value, label in Category.choices}
ORIGIN_BY_LABEL = {str(label): value for value, label in Origin.choices}
SATISFACTION_BY_LABEL = {str(label): value for value, label in Satisfaction.choices}
DATE_HELP = "日期：2020-03-14、2020/3/14、2020.3.14、2020年3月14日或 Excel 日期"
DATE_FORMAT = "yyyy-mm-dd"

COLUMNS = [
    Column("code", "问题编号", p.text, help="唯一；填写后以编号识别问题，留空则新建并自动编号", example="WT2020-0001"),
    Column("origin", "来源", partial(p.choice, options=ORIGIN_BY_LABEL), help="项目 / 企业 / 走访 / 会议 / 其他"),
    Column("project_code", "项目编号", p.text, help="须为系统中已有的项目"),
    Column("enterprise_uscc", "企业信用代码", p.uscc, help="须为系统中已有的企业"),
    Column("description", "问题描述", p.text, required=True, help="必填"),
    Column(
        "category",
        "类别",
        partial(p.choice, options=CATEGORY_BY_LABEL, default=Category.OTHER),
        help="用地 / 用工 / 融资 / 用电用气 / 审批 / 基础设施 / 供应链 / 政策 / 其他，空白为其他",
    ),
    Column(
        "unit",
        "责任单位",
        p.text,
        help="本区单位名称，与办结时限同填；两者都空为待交办。系统中没有的单位将新建并提示",
    ),
    Column("owner", "责任人", p.text, help="干部姓名；系统中没有的将新建并提示"),
    Column("raised_on", "提出日期", p.date, required=True, help=f"必填。{DATE_HELP}", number_format=DATE_FORMAT),
    Column(
        "due_on",
        "办结时限",
        p.date,
        help=f"与责任单位同填，不早于提出日期；两者都空为待交办。{DATE_HELP}",
        number_format=DATE_FORMAT,
    ),
    Column("resolved_on", "办结日期", p.date, help=f"不早于提出日期。{DATE_HELP}", number_format=DATE_FORMAT),
    Column(
        "satisfaction",
        "满意度",
        partial(p.choice, options=SATISFACTION_BY_LABEL),
        help="满意 / 基本满意 / 不满意；须已办结。不满意后重新办理的问题不填（评价留在其历史中）",
    ),
]
FIELD_TO_KEY = {"project": "project_code", "enterprise": "enterprise_uscc"}


def check_row(values: Values) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    raised, due, resolved = values.get("raised_on"), values.get("due_on"), values.get("resolved_on")
    if raised and due and due < raised:
        errors.append(("due_on", "办结时限不能早于提出日期"))
    if raised and resolved and resolved < raised:
        errors.append(("resolved_on", "办结日期不能早于提出日期"))
    if values.get("satisfaction") and not resolved:
        errors.append(("satisfaction", "未办结的问题不能评价满意度"))
    has_unit = bool(values.get("unit"))
    if has_unit and not due:
        errors.append(("due_on", "填写了责任单位时须填写办结时限"))
    if due and not has_unit:
        errors.append(("unit", "填写了办结时限时须填写责任单位"))
    if resolved and not has_unit:
        errors.append(("unit", "已办结的问题须填写责任单位"))
    return errors


def row_key(values: Values) -> Any:
    # Rows without a code are new problems each: no two of them are "the same".
    return ("code", values["code"]) if values.get("code") else ("row", id(values))


def _links(rows: Sequence[Row], ctx: ImportContext) -> tuple[dict[str, Project], dict[str, Enterprise]]:
    codes = {r.values["project_code"] for r in rows if r.values.get("project_code")}
    usccs = {r.values["enterprise_uscc"] for r in rows if r.values.get("enterprise_uscc")}
    projects = {pr.code: pr for pr in Project.objects.filter(district=ctx.district, code__in=codes) if pr.code}
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(district=ctx.district, uscc__in=usccs)}
    return projects, enterprises


def _status(existing: Problem | None, resolved: bool, assigned: bool) -> str:
    """A ledger never closes (销号 is the raiser's act) and never un-closes silently; a row
    without 责任单位 and 办结时限 is still waiting to be assigned (待交办)."""
    if not assigned:
        return Status.PENDING
    if resolved:
        if existing is not None and existing.status == Status.CLOSED:
            return Status.CLOSED
        return Status.RESOLVED
    if existing is None or existing.status == Status.PENDING:
        return Status.ASSIGNED
    if existing.status in OPEN_STATUSES:
        return existing.status
    return Status.HANDLING  # its 办结日期 was cleared in the ledger: it is being handled again


def write(rows: Sequence[Row], ctx: ImportContext) -> None:
    present = set(ctx.shown)
    projects, enterprises = _links(rows, ctx)
    codes = [r.values["code"] for r in rows if r.values.get("code")]
    existing = {
        pr.code: pr
        for pr in Problem.objects.select_for_update(of=("self",)).select_related("project").filter(code__in=codes)
    }
    events = []
    for row in rows:
        errors_before = ctx.result.error_count
        v = row.values
        code = v.get("code") or ""
        target = existing.get(code) if code else None
        if target is not None and target.district_id != ctx.district.pk:
            ctx.error(row.number, "code", "该问题属于其他区，不能在本区导入", code)
            continue
        project = projects.get(v["project_code"]) if v.get("project_code") else None
        if not v.get("project_code") and target is not None and target.project is not None and not target.project.code:
            # A project without a 项目编号 cannot be named in the ledger; its blank keeps the link.
            project = target.project
        if v.get("project_code") and project is None:
            ctx.error(row.number, "project_code", "本区没有该编号的项目", v["project_code"])
        enterprise = enterprises.get(v["enterprise_uscc"]) if v.get("enterprise_uscc") else None
        if v.get("enterprise_uscc") and enterprise is None:
            ctx.error(row.number, "enterprise_uscc", "本区没有该信用代码的企业", v["enterprise_uscc"])
        unit = ctx.resolver.unit(row.number, "unit", v.get("unit") or "")
        if not v.get("unit") and target is not None and target.status != Status.PENDING:
            ctx.error(
                row.number, "unit", f"该问题当前为“{target.get_status_display()}”，不能清空责任单位和办结时限", ""
            )
        owner = ctx.resolver.official(row.number, "owner", v.get("owner") or "") if "owner" in present else None
        if ctx.result.error_count > errors_before:
            continue
        origin = v.get("origin") or (Origin.PROJECT if project else Origin.ENTERPRISE if enterprise else Origin.OTHER)
        fields: dict[str, Any] = {
            "description": v["description"],
            "category": v.get("category") or Category.OTHER,
            "origin": origin,
            "project": project,
            "enterprise": enterprise,
            "unit": unit,
            "raised_on": v["raised_on"],
            "due_on": v["due_on"],
            "resolved_on": v.get("resolved_on"),
        }
        if "owner" in present:
            fields["owner"] = owner
        if "satisfaction" in present:
            fields["satisfaction"] = v.get("satisfaction") or ""
            if not v.get("resolved_on") and target is not None and target.resolved_on is None:
                # Reopened after 不满意: the rating stays on the record (and in its history);
                # the ledger shows an open problem without one.
                fields["satisfaction"] = target.satisfaction
        fields["status"] = _status(target, fields["resolved_on"] is not None, unit is not None)
        problem = target or Problem(district=ctx.district, raiser=None, code=code or "WT-PENDING")
        before = audit.snapshot(problem, AUDITED) if target is not None else {}
        for name, value in fields.items():
            setattr(problem, name, value)
        if target is None and not code:
            problem.code = next_code(problem.raised_on.year)
        try:
            problem.full_clean(exclude=["code"], validate_unique=False)
        except ValidationError as exc:
            ctx.validation_errors(row.number, exc, FIELD_TO_KEY)
            continue
        after = audit.snapshot(problem, AUDITED)
        if target is not None:
            old, new = audit.diff(before, after)
            if not new:
                ctx.result.unchanged += 1
                continue
            problem.version += 1
            problem.save()
            ctx.result.updated += 1
            events.append(
                audit.build(actor=ctx.by, action="problem.imported", obj=problem, before=old, after=new, parent=problem)
            )
        else:
            if code and Problem.objects.filter(code=code).exists():
                ctx.error(row.number, "code", "问题编号已被其他区使用", code)
                continue
            problem.save()
            existing[problem.code] = problem
            ctx.result.created += 1
            events.append(
                audit.build(actor=ctx.by, action="problem.imported", obj=problem, after=after, parent=problem)
            )
    if not ctx.has_errors:
        audit.record_many(events)


def export_rows(queryset: QuerySet[Problem]) -> Iterator[list[Cell]]:
    for pr in (
        queryset.select_related("project", "enterprise", "unit", "owner")
        .order_by("raised_on", "id")
        .iterator(chunk_size=2000)
    ):
        yield [
            pr.code,
            str(Origin(pr.origin).label),
            (pr.project.code or "") if pr.project else "",
            pr.enterprise.uscc if pr.enterprise else "",
            pr.description,
            str(Category(pr.category).label),
            pr.unit.name if pr.unit else "",
            pr.owner.name if pr.owner else "",
            pr.raised_on,
            pr.due_on,
            pr.resolved_on,
            # A problem reopened after 不满意 is open again: no 办结日期, so no 满意度 either.
            str(Satisfaction(pr.satisfaction).label) if pr.satisfaction and pr.resolved_on else "",
        ]


def queryset(user: Any, params: Any) -> QuerySet[Problem]:
    return filtering.refuse_invalid(
        ProblemFilterSet(params, queryset=selectors.problem_list(user=user), request=as_request(user))
    )


PROBLEMS = register(
    Kind(
        name="problems",
        label="问题台账",
        columns=COLUMNS,
        key_help="有问题编号时以编号识别问题；没有编号的每行新建一个问题并自动编号",
        check_row=check_row,
        write=write,
        export_rows=export_rows,
        queryset=queryset,
        row_key=row_key,
        filterset=ProblemFilterSet,
        import_roles=frozenset(ASSIGNING_ROLES),
    )
)
