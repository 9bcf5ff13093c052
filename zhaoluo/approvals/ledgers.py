"""The 审批台账 kind (shared/LEDGERS.md `approvals`): key project + 审批事项. A district brings its
一网通办 history; the project is found by its 项目编号 or its national 项目代码."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from zhaoluo.core import parsing as p
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register
from zhaoluo.projects.models import Project

from . import selectors, services
from .choices import Status
from .filters import ApprovalFilterSet
from .models import Approval, ApprovalItem
from .permissions import RECORD_ROLES

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

# 结果 → status. 退回 is the file handed back to the applicant (撤回 on the platform): the
# department's clock stopped without a decision, so it has no 办结日期.
RESULT_BY_LABEL: dict[str, str] = {"通过": Status.APPROVED, "不予许可": Status.REFUSED, "退回": Status.WITHDRAWN}
LABEL_OF_STATUS: dict[str, str] = {value: label for label, value in RESULT_BY_LABEL.items()}
DATE_HELP = "日期：2020-03-14、2020/3/14、2020.3.14、2020年3月14日或 Excel 日期"
FIELD_TO_KEY = {"department": "department", "submitted_on": "submitted_on", "decided_on": "decided_on"}

COLUMNS = [
    Column("project_code", "项目编号", p.text, help="与项目代码至少填一项，须为系统中已有的项目"),
    Column(
        "national_code",
        "项目代码",
        p.national_project_code,
        help="全国投资项目在线审批监管平台的 24 位项目代码，如 2020-420607-39-03-512345；请设为文本格式",
    ),
    Column("item", "审批事项", p.text, required=True, help="审批事项目录中的名称，如 立项备案/核准"),
    Column("department", "审批部门", p.text, help="本区单位名称；空白为事项目录的默认部门"),
    Column("submitted_on", "申报日期", p.date, required=True, help=f"必填。{DATE_HELP}", number_format="yyyy-mm-dd"),
    Column(
        "decided_on",
        "办结日期",
        p.date,
        help=f"不早于申报日期；通过、不予许可须填。{DATE_HELP}",
        number_format="yyyy-mm-dd",
    ),
    Column(
        "result",
        "结果",
        partial(p.choice, options=RESULT_BY_LABEL),
        help="通过 / 不予许可 / 退回，空白为办理中",
    ),
]


def check_row(values: Values) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if not values.get("project_code") and not values.get("national_code"):
        errors.append(("project_code", "项目编号和项目代码至少填写一项"))
    submitted, decided, result = values.get("submitted_on"), values.get("decided_on"), values.get("result")
    if submitted and decided and decided < submitted:
        errors.append(("decided_on", "办结日期不能早于申报日期"))
    if result in (Status.APPROVED, Status.REFUSED) and not decided:
        errors.append(("decided_on", "结果为通过或不予许可时须填写办结日期"))
    if decided and not result:
        errors.append(("result", "填写了办结日期时须填写结果（通过 / 不予许可）"))
    if decided and result == Status.WITHDRAWN:
        errors.append(("decided_on", "退回的事项没有办结日期"))
    return errors


def row_key(values: Values) -> Any:
    return (values.get("project_code") or "", values.get("national_code") or "", values["item"])


def _projects(rows: Sequence[Row], ctx: ImportContext) -> tuple[dict[str, Project], dict[str, Project]]:
    codes = {r.values["project_code"] for r in rows if r.values.get("project_code")}
    nationals = {r.values["national_code"] for r in rows if r.values.get("national_code")}
    found = Project.objects.filter(district=ctx.district).filter(Q(code__in=codes) | Q(national_code__in=nationals))
    by_code = {pr.code: pr for pr in found if pr.code}
    by_national = {pr.national_code: pr for pr in found if pr.national_code}
    return by_code, by_national


def _project(
    row: Row, ctx: ImportContext, by_code: dict[str, Project], by_national: dict[str, Project]
) -> Project | None:
    code, national = row.values.get("project_code"), row.values.get("national_code")
    one = by_code.get(code) if code else None
    other = by_national.get(national) if national else None
    if code and one is None:
        ctx.error(row.number, "project_code", "本区没有该编号的项目", code)
    if national and other is None:
        ctx.error(row.number, "national_code", "本区没有该项目代码的项目", national)
    if one is not None and other is not None and one.pk != other.pk:
        ctx.error(row.number, "national_code", f"项目代码属于“{other.name}”，与项目编号不是同一项目", national)
        return None
    return one or other


def write(rows: Sequence[Row], ctx: ImportContext) -> None:
    by_code, by_national = _projects(rows, ctx)
    items = {i.name: i for i in ApprovalItem.objects.all()}
    for row in rows:
        errors_before = ctx.result.error_count
        v = row.values
        project = _project(row, ctx, by_code, by_national)
        item = items.get(v["item"])
        if item is None:
            ctx.error(row.number, "item", "审批事项目录中没有该事项（可在“审批事项目录”页面查看或新增）", v["item"])
        department = ctx.resolver.unit(row.number, "department", v.get("department") or "")
        if ctx.result.error_count > errors_before or project is None or item is None:
            continue
        seen: set[tuple[int, int]] = ctx.memo.setdefault("approval_keys", set())
        if (project.pk, item.pk) in seen:
            ctx.error(row.number, "item", f"与前面的行重复：同一项目的“{item.name}”", v["item"])
            continue
        seen.add((project.pk, item.pk))
        existing = Approval.objects.select_for_update(of=("self",)).filter(project=project, item=item).first()
        try:
            _, outcome = services.approval_import(
                by=ctx.by,
                project=project,
                item=item,
                existing=existing,
                department=department,
                status=v.get("result") or Status.HANDLING,
                submitted_on=v["submitted_on"],
                decided_on=v.get("decided_on"),
            )
        except ValidationError as exc:
            ctx.validation_errors(row.number, exc, FIELD_TO_KEY)
            continue
        setattr(ctx.result, outcome, getattr(ctx.result, outcome) + 1)


def export_rows(queryset: QuerySet[Approval]) -> Iterator[list[Cell]]:
    # 未申报 items are a plan, not history: a ledger row needs its 申报日期.
    for a in (
        queryset.exclude(status=Status.NOT_SUBMITTED)
        .select_related("project", "item", "department")
        .order_by("project__code", "project_id", "item__position", "id")
    ):
        yield [
            a.project.code or "",
            a.project.national_code or "",
            a.item.name,
            a.department.name if a.department else "",
            a.submitted_on,
            a.decided_on,
            LABEL_OF_STATUS.get(a.status, ""),
        ]


def queryset(user: Any, params: Any) -> QuerySet[Approval]:
    return ApprovalFilterSet(params, queryset=selectors.approval_list(user=user), request=as_request(user)).qs


APPROVALS = register(
    Kind(
        name="approvals",
        label="审批台账",
        columns=COLUMNS,
        key_help="以项目（项目编号或项目代码）+ 审批事项识别",
        check_row=check_row,
        write=write,
        export_rows=export_rows,
        queryset=queryset,
        row_key=row_key,
        filterset=ApprovalFilterSet,
        import_roles=RECORD_ROLES,
    )
)
