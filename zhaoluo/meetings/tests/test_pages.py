"""Meeting pages: lists, the agenda edited over HTMX, minutes and decisions through the forms, the .docx pack."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
import time_machine
from django.urls import reverse

from zhaoluo.core.models import AuditEvent
from zhaoluo.meetings import services
from zhaoluo.meetings.choices import Kind, Status
from zhaoluo.meetings.models import Decision, Meeting
from zhaoluo.meetings.pack import build_pack
from zhaoluo.problems.choices import Origin

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2021, 3, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(world, leaders):
    services.meetings_tick(TODAY)
    return Meeting.objects.get(kind=Kind.COORDINATION)


def _at(day, hour=10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=CST), tick=False)


def test_the_list_shows_upcoming_meetings_to_the_district_and_to_the_invited_only(world, scheduled):
    with _at(TODAY):
        page = world.client_for(world.supervision).get(reverse("meetings:list")).content.decode()
        assert "王海主持协调会（2021年4月上半月）" in page and "刘明锋主持现场会" in page
        # 赵牵头 (unit) leads the red project's 专班: invited wherever it is on the agenda; 李专 is not.
        page = world.client_for(world.unit).get(reverse("meetings:list")).content.decode()
        assert "王海主持协调会" in page and "刘明锋主持现场会" in page
        page = world.client_for(world.task_force).get(reverse("meetings:list")).content.decode()
        assert "王海主持协调会" not in page and "暂无计划召开的会议" in page
        assert "王海主持协调会" not in world.client_for(world.outsider).get(reverse("meetings:list")).content.decode()
        mine = world.client_for(world.leader).get(reverse("meetings:mine")).content.decode()
        assert "王海主持协调会" in mine and "刘明锋主持现场会" not in mine


def test_a_meeting_outside_ones_scope_is_404_and_an_attendee_reads_but_cannot_edit(world, scheduled):
    url = reverse("meetings:detail", args=[scheduled.pk])
    with _at(TODAY):
        assert world.client_for(world.outsider).get(url).status_code == 404
        assert world.client_for(world.township_user).get(url).status_code == 404
        page = world.client_for(world.unit).get(url)
        assert page.status_code == 200 and "增加议题" not in page.content.decode()
        agenda = reverse("meetings:agenda", args=[scheduled.pk])
        answer = world.client_for(world.unit).post(agenda, {"op": "add", "version": 1, "text": "越权议题"})
        assert answer.status_code == 403
    assert not scheduled.items.filter(text="越权议题").exists()


def test_the_chair_adds_and_moves_agenda_items_over_htmx_and_gets_the_agenda_back(world, scheduled):
    client = world.client_for(world.leader)
    agenda = reverse("meetings:agenda", args=[scheduled.pk])
    with _at(TODAY):
        answer = client.post(agenda, {"op": "add", "version": 1, "text": "研究项目观摩安排"}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200
        body = answer.content.decode()
        assert body.lstrip().startswith('<div class="card mb-3" id="agenda">') and "研究项目观摩安排" in body
        item = scheduled.items.get(text="研究项目观摩安排")
        client.post(agenda, {"op": "up", "version": 2, "item": item.pk}, HTTP_HX_REQUEST="true")
        stale = client.post(agenda, {"op": "remove", "version": 2, "item": item.pk}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    item.refresh_from_db()
    assert item.position == scheduled.items.count() - 1


def test_minutes_and_a_decision_through_the_forms_make_an_assigned_problem_shown_on_both_pages(world, leaders):
    with _at(dt.date(2021, 3, 18), 8):
        meeting = services.meeting_create(
            by=world.supervision,
            district=world.district,
            kind=Kind.COORDINATION,
            chair=world.leader_official,
            held_on=dt.date(2021, 3, 18),
        )
    client = world.client_for(world.supervision)
    row = meeting.attendance.get()
    with _at(dt.date(2021, 3, 18), 16):
        answer = client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {"version": meeting.version, "minutes": "研究盼盼项目供地。", f"present_{row.pk}": "on"},
        )
        assert answer.status_code == 302
        form = client.get(reverse("meetings:decision", args=[meeting.pk])).content.decode()
        token = form.split('name="idempotency_key" value="')[1].split('"')[0]
        answer = client.post(
            reverse("meetings:decision", args=[meeting.pk]),
            {
                "text": "区发改局3月底前完成项目核准",
                "project": world.project.pk,
                "category": "approval",
                "unit": world.lead_unit.pk,
                "workdays": 5,
                "idempotency_key": token,
            },
        )
        assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    decision = Decision.objects.get(meeting=meeting)
    assert decision.problem.origin == Origin.MEETING and decision.problem.category == "approval"
    assert decision.due_on == dt.date(2021, 3, 24)  # 5 working days × 0.8 for the red project: 4
    with _at(dt.date(2021, 3, 18), 17):
        meeting_page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        problem_page = client.get(reverse("problems:detail", args=[decision.problem.pk])).content.decode()
    assert decision.problem.code in meeting_page and "仍在办理" in meeting_page
    assert f'来自会议 <a href="{reverse("meetings:detail", args=[meeting.pk])}">{meeting.number}' in problem_page


def test_the_pack_reads_back_with_the_agenda_and_a_card_per_project(world, leaders, scheduled):
    body = build_pack(scheduled, TODAY)
    doc = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "王海主持协调会（2021年4月上半月）" in text
    assert "时间：2021年4月6日（星期二） 09:00" in text
    assert "1. 【红灯】盼盼食品精深加工基地：完成供地节点逾期 20 天" in text
    assert "3. WT2021-0002 冷库用电增容未批复" in text
    assert len(doc.tables) == 2  # the red project and the escalated problem's project
    card = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert card["灯色"] == "红灯" and card["亮灯原因"] == "完成供地节点逾期 20 天"
    assert card["包保领导"] == "王海" and card["牵头单位"] == "区发改局" and card["当前阶段"] == "在谈"
    assert card["未办结问题"].startswith(
        "WT2021-0001 盼盼食品精深加工基地用地指标未落实（区发改局，时限 2021-03-19，逾期 8"
    )
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"


def test_the_pack_is_downloaded_from_the_meeting_page_and_the_download_is_audited(world, scheduled):
    with _at(TODAY):
        answer = world.client_for(world.unit).get(reverse("meetings:pack", args=[scheduled.pk]))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert docx.Document(io.BytesIO(answer.content)).paragraphs
    assert AuditEvent.objects.filter(action="meeting.exported", actor=world.unit, object_id=str(scheduled.pk)).exists()


def test_the_list_filters_by_type_and_by_keyword_in_the_agenda(world, scheduled):
    client = world.client_for(world.supervision)
    with _at(TODAY):
        sites = client.get(reverse("meetings:list"), {"kind": "site"}).content.decode()
        by_agenda = client.get(reverse("meetings:list"), {"q": "冷库用电"}).content.decode()
    assert "刘明锋主持现场会" in sites and "王海主持协调会" not in sites
    # The escalated 冷库用电增容 problem is on 王海’s agenda and on the district-wide ones.
    assert "王海主持协调会" in by_agenda and "黄进主持调度会" in by_agenda
