"""The 督查室's queue as .xlsx."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhaoluo.core import audit, calendar, clock
from zhaoluo.orgs.models import User
from zhaoluo.problems.models import Problem

from ..choices import Color

# ---------------------------------------------------------------- export


QUEUE_COLUMNS = [
    "问题编号",
    "问题描述",
    "项目",
    "绿色通道",
    "督办层级",
    "督办颜色",
    "责任单位",
    "办结时限",
    "逾期工作日",
]


@transaction.atomic
def queue_export(*, by: User, district: Any, problems: list[Problem], out: Any) -> int:
    """The 督查室 queue as .xlsx (the rows the user sees), with the export audited like a ledger's."""
    from openpyxl import Workbook

    today = clock.today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办队列")
    sheet.append(QUEUE_COLUMNS)
    colors = dict(Color.choices)
    with calendar.preloaded():
        for p in problems:
            late = max(calendar.workdays_between(p.due_on, today), 0) if p.due_on and p.due_on < today else 0
            sheet.append(
                [
                    p.code,
                    p.description,
                    p.project.name if p.project else "",
                    "是" if p.project and p.project.green_channel else "",
                    f"第{p.supervision_level}级",
                    str(colors.get(p.notice_color, "")),
                    p.unit.name if p.unit else "",
                    p.due_on,
                    late,
                ]
            )
    workbook.save(out)
    audit.record(actor=by, action="supervision_queue.exported", obj=district, after={"rows": len(problems)})
    return len(problems)
