"""The enterprise registry as .xlsx, contact data masked unless the caller asked to unmask
(and may: the view checks and audits). The ledger engine will take this over; the masking
rule stays the same (core/pi.py)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from zhaoluo.core import pi
from zhaoluo.projects.exports import safe_text

from .models import Enterprise

PI_FIELDS = ["contact", "phone"]


def _columns(unmasked: bool) -> list[tuple[str, Callable[[Enterprise], str]]]:
    def shown(name: str) -> Callable[[Enterprise], str]:
        key = pi.key_of(Enterprise, name)
        return lambda e: getattr(e, name) if unmasked else pi.mask(key, getattr(e, name))

    return [
        ("统一社会信用代码", lambda e: e.uscc),
        ("企业名称", lambda e: e.name),
        ("所属镇街", lambda e: str(e.township or "")),
        ("产业集群", lambda e: str(e.cluster or "")),
        ("规上企业", lambda e: "是" if e.above_scale else "否"),
        ("高新技术企业", lambda e: "是" if e.high_tech else "否"),
        ("上市状态", lambda e: str(e.get_listing_display())),
        ("从业人员", lambda e: "" if e.employees is None else str(e.employees)),
        ("联系人", shown("contact")),
        ("联系电话", shown("phone")),
    ]


def write_xlsx(enterprises: Iterable[Enterprise], *, unmasked: bool = False) -> bytes:
    columns = _columns(unmasked)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "企业名录"
    sheet.append([header for header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, enterprise in enumerate(enterprises, start=2):
        for column, (_, value) in enumerate(columns, start=1):
            cell = sheet.cell(row=row_number, column=column, value=safe_text(value(enterprise)))
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
