"""The meeting pack (.docx): the agenda, then one card per project on it.

python-docx writes the document; East Asian text needs the font set on `w:eastAsia` as well as
the run's font name, or Word falls back to a Latin face for the Chinese characters. The
official 公文 fonts are proprietary, so the face is a setting (ZHAOLUO_MEETING_PACK_FONT).
"""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Pt

from zhaoluo.problems.choices import OPEN_STATUSES
from zhaoluo.problems.models import Problem
from zhaoluo.problems.services import workdays_overdue
from zhaoluo.projects.models import Project

from .choices import ItemKind, Outcome
from .models import Meeting
from .selectors import decision_outcome
from .services import light_reasons_text

WEEKDAYS = "一二三四五六日"


def _font(doc: DocumentObject) -> None:
    face: str = settings.ZHAOLUO_MEETING_PACK_FONT
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        style.font.name = face
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), face)
    doc.styles["Normal"].font.size = Pt(12)


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"


def build_pack(meeting: Meeting, today: dt.date) -> bytes:
    doc = Document()
    _font(doc)
    doc.add_heading(meeting.title, level=0)
    doc.add_paragraph(f"会议编号：{meeting.number}")
    doc.add_paragraph(f"时间：{_day(meeting.held_on)} {meeting.start_time:%H:%M}")
    if meeting.place:
        doc.add_paragraph(f"地点：{meeting.place}")
    doc.add_paragraph(f"主持：{meeting.chair.name}（{meeting.chair.title}）")
    invited = [a.official.name for a in meeting.attendance.select_related("official").order_by("pk")]
    if invited:
        doc.add_paragraph(f"参会：{'、'.join(invited)}")

    doc.add_heading("一、会议议程", level=1)
    items = list(meeting.items.select_related("decision__problem", "problem").order_by("position", "pk"))
    for n, item in enumerate(items, start=1):
        line = f"{n}. {item.text}"
        if item.kind == ItemKind.REVIEW and item.decision is not None:
            line += f"【{Outcome(decision_outcome(item.decision.problem, today)).label}】"
        doc.add_paragraph(line)
    if not items:
        doc.add_paragraph("（暂无议题）")

    project_ids = list(dict.fromkeys(i.project_id for i in items if i.project_id is not None))
    projects = Project.objects.filter(pk__in=project_ids).select_related("leader", "lead_unit")
    by_id = {p.pk: p for p in projects}
    doc.add_heading("二、项目卡片", level=1)
    for pk in project_ids:
        _card(doc, by_id[pk], today)
    if not project_ids:
        doc.add_paragraph("（本次会议无项目议题）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _card(doc: DocumentObject, project: Project, today: dt.date) -> None:
    doc.add_heading(project.name, level=2)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    reasons = light_reasons_text(project) or "（无）"
    rows = [
        ("当前阶段", project.get_stage_display()),
        ("灯色", project.get_light_display()),
        ("亮灯原因", reasons),
        ("包保领导", project.leader.name if project.leader else "（未定）"),
        ("牵头单位", project.lead_unit.name if project.lead_unit else "（未定）"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)
    open_problems = Problem.objects.filter(project=project, status__in=OPEN_STATUSES).select_related("unit")
    lines = []
    for p in open_problems.order_by("due_on", "pk"):
        late = workdays_overdue(p, today)
        due = f"时限 {p.due_on:%Y-%m-%d}" if p.due_on else "未交办"
        lines.append(
            f"{p.code} {p.description}（{p.unit or '未交办'}，{due}{f'，逾期 {late} 个工作日' if late else ''}）"
        )
    cells = table.add_row().cells
    cells[0].text = "未办结问题"
    cells[1].text = "\n".join(lines) if lines else "（无）"
