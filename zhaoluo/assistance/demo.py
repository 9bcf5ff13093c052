"""Demo 帮扶情况收集表: December 2020 to March 2021 for a few key projects (monthly) and
2020 Q4 / 2021 Q1 for a few enterprises (quarterly), written through the services.

Every still-needed line is submitted in 2021, so the 2020 figures (problems resolved in
2020 among them) do not move; the forms of 2020 record work that was settled in the period.
March's project forms suggest a unit and an April deadline and are submitted by 招商人员,
who may 交办, so those problems arrive already assigned; the earlier ones wait for 交办.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zhaoluo.core import clock
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import Unit, User
from zhaoluo.problems.choices import Category
from zhaoluo.projects.models import Project

from . import selectors, services
from .models import AssistanceForm

D = dt.date


@dataclass(frozen=True)
class Item:
    factor: str
    need: str
    done: str
    still: str  # still needed after the period's work; "" when settled
    unit: str  # the unit that would handle it


# What key projects under construction ask for, by factor (month by month the "still" part narrows).
PROJECT_ITEMS = [
    Item(
        Category.LAND,
        "二期用地约 80 亩需纳入年度供地计划",
        "已完成用地预审和勘测定界",
        "二期用地指标尚未下达，影响二期厂房开工",
        "区自然资源和规划局",
    ),
    Item(
        Category.UTILITIES,
        "新建 10 千伏双回路专线及天然气管网接入",
        "供电方案已报市供电公司",
        "10 千伏专线接入工程待排期施工",
        "区发改局",
    ),
    Item(
        Category.APPROVAL,
        "办理施工许可及消防设计审查",
        "已完成规划许可，施工图审查合格",
        "施工许可证待核发，需压缩办理时限",
        "区政务服务和大数据管理局",
    ),
    Item(
        Category.LABOUR,
        "投产前招聘一线操作工 300 名",
        "人社局组织专场招聘会两场，已招 180 人",
        "仍缺熟练技术工人约 120 名",
        "区人社局",
    ),
    Item(
        Category.INFRASTRUCTURE,
        "厂区外道路及雨污管网配套",
        "园区道路已完成路基施工",
        "厂区东侧道路及雨污管网未贯通",
        "区住建局",
    ),
    Item(
        Category.FINANCE,
        "设备购置资金缺口约 8000 万元",
        "已与农商行、建行对接，授信 5000 万元",
        "剩余 3000 万元贷款待审批",
        "区财政局",
    ),
    Item(Category.POLICY, "兑现招商引资协议约定的设备补贴", "已提交补贴申报材料", "设备补贴资金尚未拨付", "区财政局"),
    Item(Category.SUPPLY_CHAIN, "就近配套包装材料和零部件", "商务局已推荐本地供应商 3 家", "", "区商务局"),
]

# What established enterprises ask for in the cadres' quarterly forms.
ENTERPRISE_ITEMS = [
    Item(
        Category.FINANCE,
        "流动资金贷款 2000 万元续贷",
        "科经局协调银企对接会，已续贷 1200 万元",
        "剩余 800 万元续贷待银行审批",
        "区财政局",
    ),
    Item(
        Category.LABOUR,
        "招聘数控技工和质检员 40 名",
        "参加春风行动招聘会，已到岗 25 人",
        "高级技工仍缺 15 名",
        "区人社局",
    ),
    Item(
        Category.SUPPLY_CHAIN,
        "寻找本地铸件和纸箱供应商",
        "已对接本地企业 2 家并试样",
        "铸件质量未达标，需再推荐供应商",
        "区商务局",
    ),
    Item(Category.POLICY, "申报高新技术企业和技改补贴", "已完成高企申报辅导", "技改补贴申报结果待公示", "区科经局"),
    Item(Category.UTILITIES, "天然气用量增加，需扩容调压站", "燃气公司已现场查勘", "", "区发改局"),
]

PROJECT_MONTHS = [D(2020, 12, 1), D(2021, 1, 1), D(2021, 2, 1), D(2021, 3, 1)]
ENTERPRISE_QUARTERS = [(D(2020, 10, 1), D(2021, 1, 8)), (D(2021, 1, 1), D(2021, 3, 26))]


def _submitted_on(start: dt.date) -> dt.date:
    """Project forms are handed in near the month's end; a 2020 month's within it."""
    return D(start.year, start.month, 25) if start.month != 3 or start.year != 2021 else D(2021, 3, 26)


def _lines(
    items: list[Item], *, turn: int, last: bool, units: dict[str, Unit], due: dt.date | None
) -> dict[str, services.LineData]:
    """Items rotate with `turn` so projects differ; only the last period leaves things open."""
    chosen = [items[(turn + k) % len(items)] for k in range(4)]
    lines = {}
    for index, item in enumerate(chosen):
        still = item.still if last and index < 3 else ""
        lines[item.factor] = services.LineData(
            need=item.need,
            done=item.done if still else f"{item.done}，已解决",
            still_needed=still,
            suggested_unit=units.get(item.unit) if still else None,
            suggested_due_on=due if still and due is not None and due >= clock.today() else None,
        )
    return lines


def _fill(form: AssistanceForm, *, by: User, lines: dict[str, services.LineData], summary: str, on: dt.date) -> None:
    # What was carried over from last period and is not taken up again this period was settled in it.
    for line in form.lines.exclude(need="").exclude(factor__in=list(lines)):
        lines[line.factor] = services.LineData(need=line.need, done="经协调已解决")
    form = services.form_update(form=form, by=by, lines=lines, summary=summary, expected_version=form.version)
    services.form_submit(form=form, by=by, expected_version=form.version, submitted_on=on)


def load(*, users: dict[str, User]) -> int:
    """The demo's forms; returns how many were written."""
    investment, task_force = users[Role.INVESTMENT], users[Role.TASK_FORCE]
    economy, contact = users[Role.ECONOMY], users.get(Role.ENTERPRISE)
    units = {u.name: u for u in Unit.objects.all()}
    mine = list(selectors.key_projects(user=task_force).order_by("code", "pk")[:2])
    others = list(
        selectors.key_projects(user=investment).exclude(pk__in=[p.pk for p in mine]).order_by("code", "pk")[:4]
    )
    count = 0
    for turn, project in enumerate([*mine, *others]):
        by = task_force if project in mine else investment
        count += _project_forms(project, by=by, submitter=investment, turn=turn, units=units)
    enterprises = list(Enterprise.objects.filter(district=investment.region).order_by("name")[:4])
    if contact is not None and contact.enterprise is not None and contact.enterprise not in enterprises:
        enterprises.append(contact.enterprise)
    for turn, enterprise in enumerate(enterprises):
        by = contact if contact is not None and contact.enterprise_id == enterprise.pk else economy
        count += _enterprise_forms(enterprise, by=by, turn=turn, units=units)
    return count


def _project_forms(project: Project, *, by: User, submitter: User, turn: int, units: dict[str, Unit]) -> int:
    count = 0
    for index, start in enumerate(PROJECT_MONTHS):
        last = start == PROJECT_MONTHS[-1]
        form = services.form_create(by=by, project=project, period_start=start, filled_on=start + dt.timedelta(days=19))
        count += 1
        if last and turn % 3 == 2:
            continue  # March still a draft on this one: the due page shows it
        # March goes in through 招商人员, who may 交办 what has a unit and a deadline.
        who = submitter if last else by
        lines = _lines(
            PROJECT_ITEMS, turn=turn + index, last=index >= 1, units=units, due=D(2021, 4, 30) if last else None
        )
        summary = (
            "项目按计划推进，本月完成投资进度符合要求" if index % 2 == 0 else "项目主体施工有序推进，部分要素保障需协调"
        )
        _fill(form, by=who, lines=lines, summary=summary, on=_submitted_on(start))
    return count


def _enterprise_forms(enterprise: Enterprise, *, by: User, turn: int, units: dict[str, Unit]) -> int:
    count = 0
    for index, (start, on) in enumerate(ENTERPRISE_QUARTERS):
        form = services.form_create(
            by=by, enterprise=enterprise, period_start=start, filled_on=on - dt.timedelta(days=3)
        )
        count += 1
        lines = _lines(ENTERPRISE_ITEMS, turn=turn + index, last=True, units=units, due=None)
        _fill(form, by=by, lines=lines, summary="企业生产经营总体平稳，订单较上季度有所增长", on=on)
    return count
