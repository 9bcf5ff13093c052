"""The 项目台账 and 资金到位台账 kinds (shared/LEDGERS.md): columns, row rules, exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.db.models import Prefetch, QuerySet

from zhaoluo.core import filtering
from zhaoluo.core import parsing as p
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register
from zhaoluo.orgs.choices import Role

from . import selectors
from .choices import STAGE_DATE_FIELD, FundOrigin, ProjectKind, Stage
from .filters import FundFilterSet, ProjectFilterSet
from .models import FundArrival, Project, TaskForceMember
from .permissions import MANAGE_ROLES
from .services import ledger as ledger_services

STAGE_BY_LABEL = {str(label): value for value, label in Stage.choices}
KIND_BY_LABEL = {str(label): value for value, label in ProjectKind.choices}
ORIGIN_BY_LABEL = {str(label): value for value, label in FundOrigin.choices}
DATE_HELP = "日期：2020-03-14、2020/3/14、2020.3.14、2020年3月14日或 Excel 日期"
AMOUNT_HELP = "金额（万元）：15000、15,000、1.5亿元、15000万元均可"
YES_HELP = "是/否（Y/N、√/×、1/0 均可），空白为否"
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"


def _date(key: str, header: str, help_text: str) -> Column:
    return Column(key, header, p.date, help=f"{help_text}。{DATE_HELP}", number_format=DATE_FORMAT)


PROJECT_COLUMNS = [
    Column("code", "项目编号", p.text, help="本区项目编号，唯一；填写后以编号识别项目", example="XZ2020-001"),
    Column("name", "项目名称", p.text, required=True, help="必填，文件内不得重复；未填编号时以名称识别项目"),
    Column("investor", "投资方", p.text, help="签约及以后阶段必填"),
    Column("investor_uscc", "投资方信用代码", p.uscc, help="18 位统一社会信用代码（校验位须正确）"),
    Column("township", "所属镇街", p.text, help="本区镇街名称；系统中没有的将新建并提示"),
    Column("cluster", "产业集群", p.text, help="如 纺织服装；系统中没有的将新建并提示"),
    Column("chain_link", "产业链环节", p.text, help="写成“产业链/环节”，如 纺织服装/纺纱"),
    Column(
        "kind",
        "项目类型",
        partial(p.choice, options=KIND_BY_LABEL, default=ProjectKind.NEW),
        help="新建 / 扩建 / 技改，空白为新建",
    ),
    Column(
        "planned_investment",
        "计划总投资",
        p.amount,
        required=True,
        unit="万元",
        help=f"必填。{AMOUNT_HELP}",
        number_format=AMOUNT_FORMAT,
    ),
    Column("key", "重点项目", p.yes_no, help=YES_HELP),
    Column("strategic", "战略性新兴产业", p.yes_no, help=YES_HELP),
    Column("source", "招商方式", p.text, help="如 以商招商、委托招商、驻点招商、展会招商"),
    Column("leader", "包保领导", p.text, help="四大家领导姓名"),
    Column("lead_unit", "牵头单位", p.text, help="本区单位名称"),
    Column("task_force", "专班成员", p.items, help="干部姓名，用顿号、逗号或分号分隔；第一位为专班负责人"),
    _date("signed_on", "签约日期", "签约 ≤ 开工 ≤ 投产 ≤ 达产"),
    _date("started_on", "开工日期", "须有签约日期"),
    _date("producing_on", "投产日期", "须有开工日期"),
    _date("at_capacity_on", "达产日期", "须有投产日期"),
    _date("terminated_on", "终止日期", "终止的项目填写"),
    Column("termination_reason", "终止原因", p.text, help="有终止日期时必填"),
    Column(
        "stage",
        "当前阶段",
        partial(p.choice, options=STAGE_BY_LABEL),
        help="线索 / 在谈 / 签约 / 开工 / 投产 / 达产 / 终止；须与日期一致，空白时按最晚的日期推定",
    ),
]


def check_project_row(values: Values) -> list[tuple[str, str]]:
    """A blank 当前阶段 is derived from the dates: 终止 with a 终止日期, else the latest dated
    stage, else 在谈. Whether a given stage agrees with the dates is the model's rule
    (stage_date_errors), reported by the writer, so every write path says it the same way.
    A file with neither 当前阶段 nor any date column leaves stages alone."""
    dated_columns = [*STAGE_DATE_FIELD.values(), "terminated_on"]
    if values.get("stage") is None and ("stage" in values or any(f in values for f in dated_columns)):
        if values.get("terminated_on"):
            values["stage"] = Stage.TERMINATED
        else:
            reached = [stage for stage, field in STAGE_DATE_FIELD.items() if values.get(field)]
            values["stage"] = reached[-1] if reached else Stage.NEGOTIATING
    return []


def project_key(values: Values) -> Any:
    return ("code", values["code"]) if values.get("code") else ("name", values.get("name"))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def project_export_queryset(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("township", "cluster", "chain_link__chain", "leader", "lead_unit").prefetch_related(
        Prefetch("task_force", queryset=TaskForceMember.objects.select_related("official").order_by("-is_lead", "id"))
    )


def project_rows(queryset: QuerySet[Project]) -> Iterator[list[Cell]]:
    for project in project_export_queryset(queryset).iterator(chunk_size=1000):
        yield [
            _text(project.code),
            project.name,
            project.investor,
            project.investor_uscc,
            _text(project.township),
            _text(project.cluster),
            _text(project.chain_link),
            str(ProjectKind(project.kind).label),
            project.planned_investment,
            _yes(project.is_key),
            _yes(project.is_strategic),
            project.source,
            _text(project.leader),
            _text(project.lead_unit),
            "、".join(m.official.name for m in project.task_force.all()),
            project.signed_on,
            project.started_on,
            project.producing_on,
            project.at_capacity_on,
            project.terminated_on,
            project.termination_reason,
            str(Stage(project.stage).label),
        ]


def project_queryset(user: Any, params: Any) -> QuerySet[Project]:
    return filtering.refuse_invalid(
        ProjectFilterSet(params, queryset=selectors.project_list(user=user), request=as_request(user))
    )


PROJECTS = register(
    Kind(
        name="projects",
        label="项目台账",
        columns=PROJECT_COLUMNS,
        key_help="有项目编号时以编号识别项目，否则以项目名称识别",
        check_row=check_project_row,
        write=ledger_services.projects_write,
        export_rows=project_rows,
        queryset=project_queryset,
        unique_in_file=("name",),
        row_key=project_key,
        filterset=ProjectFilterSet,
        import_roles=frozenset(MANAGE_ROLES),
    )
)


# 资金到位台账 ------------------------------------------------------------------------------


def check_fund_row(values: Values) -> list[tuple[str, str]]:
    if not values.get("project_code") and not values.get("project_name"):
        return [("project_code", "项目编号和项目名称至少填写一项")]
    return []


def fund_key(values: Values) -> Any:
    project = ("code", values["project_code"]) if values.get("project_code") else ("name", values.get("project_name"))
    return (project, values.get("period"), values.get("origin"))


FUND_COLUMNS = [
    Column("project_code", "项目编号", p.text, help="与项目名称至少填一项；须为系统中已有的项目"),
    Column("project_name", "项目名称", p.text, help="与项目编号至少填一项"),
    Column(
        "period",
        "期间",
        p.month,
        required=True,
        help="月份：2020-03、2020/3、2020年3月或 Excel 日期",
        number_format="yyyy-mm",
    ),
    Column(
        "amount",
        "到位资金",
        p.amount,
        required=True,
        unit="万元",
        help=f"必填。{AMOUNT_HELP}",
        number_format=AMOUNT_FORMAT,
    ),
    Column(
        "origin",
        "资金来源",
        partial(p.choice, options=ORIGIN_BY_LABEL, default=FundOrigin.OUT_OF_PROVINCE),
        help="境外 / 省外 / 省内市外 / 市内，空白为省外",
    ),
]


def fund_rows(queryset: QuerySet[FundArrival]) -> Iterator[list[Cell]]:
    for fund in (
        queryset.select_related("project").order_by("project__name", "period", "origin").iterator(chunk_size=2000)
    ):
        period: dt.date = fund.period
        yield [
            _text(fund.project.code),
            fund.project.name,
            period,
            fund.amount,
            str(FundOrigin(fund.origin).label),
        ]


def fund_queryset(user: Any, params: Any) -> QuerySet[FundArrival]:
    return filtering.refuse_invalid(
        FundFilterSet(params, queryset=selectors.fund_list(user=user), request=as_request(user))
    )


FUNDS = register(
    Kind(
        name="funds",
        label="资金到位台账",
        columns=FUND_COLUMNS,
        key_help="同一项目、同一期间、同一资金来源为一条记录",
        check_row=check_fund_row,
        write=ledger_services.funds_write,
        export_rows=fund_rows,
        queryset=fund_queryset,
        row_key=fund_key,
        key_columns=("project_code", "project_name", "period", "origin"),
        filterset=FundFilterSet,
        import_roles=frozenset({Role.INVESTMENT}),
    )
)
