"""The supervision pages: queue, rules, 督办单 print layout, the ladder forms and the green-channel toggle."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from zhaoluo.problems.models import Problem
from zhaoluo.projects.models import Project
from zhaoluo.supervision import services
from zhaoluo.supervision.models import Escalation, Notice

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 2, 24)


@pytest.fixture
def escalated(world, make_problem):
    problem = make_problem()
    services.supervision_tick(DAY)
    return problem


def test_the_queue_lists_level_three_with_its_red_notice_awaiting_reply(world, escalated):
    with time_machine.travel(at(DAY), tick=False):
        page = world.client_for(world.supervision).get(reverse("supervision:queue")).content.decode()
    level3 = page[page.index('id="queue-level-3"') : page.index('id="queue-level-2"')]
    assert escalated.code in level3 and "红色督办" in level3 and "10 个工作日" in level3
    assert "督办〔2021〕第1号" in page[page.index('id="queue-waiting"') :]


def test_green_channel_problems_come_first_in_the_queue_and_the_problem_list(world, make_problem):
    # Without the green-channel ordering the plain one would come first everywhere: it is newer
    # (问题清单 is newest first) and due earlier (时限清单 and the queue are by deadline).
    green = make_problem(project=world.other_project, due=dt.date(2021, 2, 8))
    plain = make_problem(due=dt.date(2021, 2, 5))
    Project.objects.filter(pk=world.other_project.pk).update(green_channel=True)
    later = dt.date(2021, 3, 10)
    services.supervision_tick(later)
    client = world.client_for(world.supervision)
    with time_machine.travel(at(later), tick=False):
        queue = client.get(reverse("supervision:queue")).content.decode()
        listing = client.get(reverse("problems:list")).content.decode()
        deadlines = client.get(reverse("problems:deadlines")).content.decode()
    for page in (queue, listing, deadlines):
        assert page.index(green.code) < page.index(plain.code)


def test_the_notice_prints_as_an_official_sheet_with_the_facts_and_the_reply_asked_for(world, escalated):
    notice = Notice.objects.get(problem=escalated)
    with time_machine.travel(at(DAY), tick=False):
        page = world.client_for(world.unit).get(reverse("supervision:notice", args=[notice.pk])).content.decode()
    assert 'id="notice-sheet"' in page and "督 办 单" in page and "督办〔2021〕第1号" in page
    assert "已逾期 10 个工作日" in page and "回复要求" in page and "回复督办单" in page
    assert "zhaoluo/supervision.css" in page and "<script>" not in page


def test_an_outsider_gets_404_for_a_notice_and_the_unit_replies_through_the_form(world, escalated):
    notice = Notice.objects.get(problem=escalated)
    url = reverse("supervision:notice", args=[notice.pk])
    assert world.client_for(world.outsider).get(url).status_code == 404
    with time_machine.travel(at(DAY), tick=False):
        response = world.client_for(world.unit).post(
            reverse("supervision:notice_reply", args=[notice.pk]),
            {"version": notice.version, "reply_text": "已落实用地指标，2月26日前办结"},
        )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.replied_on == DAY and notice.reply_text.startswith("已落实")


def test_the_rules_page_explains_each_rule_and_only_the_office_sees_edit(world):
    page = world.client_for(world.principal).get(reverse("supervision:rules")).content.decode()
    assert "逾期1个工作日" in page and "签发蓝色督办单" in page and "时限减半" in page
    assert reverse("supervision:rule_edit", args=["overdue-1-blue"]) not in page
    office = world.client_for(world.supervision).get(reverse("supervision:rules")).content.decode()
    assert reverse("supervision:rule_edit", args=["overdue-1-blue"]) in office


def test_the_office_edits_a_rule_through_the_form(world):
    from zhaoluo.supervision.models import EscalationRule

    rule = EscalationRule.objects.get(code="overdue-10-red")
    data = {
        "version": rule.version,
        "name": rule.name,
        "overdue_workdays": 8,
        "to_level": 3,
        "color": "red",
        "reply_workdays": 2,
        "enabled": "on",
        "explanation": rule.explanation,
        "basis": "本区2021年督查工作办法",
    }
    response = world.client_for(world.supervision).post(reverse("supervision:rule_edit", args=[rule.code]), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.overdue_workdays == 8 and rule.basis == "本区2021年督查工作办法"


def test_the_problem_page_shows_the_ladder_and_the_office_escalates_from_it(world, make_problem):
    problem = make_problem()
    client = world.client_for(world.supervision)
    with time_machine.travel(at(dt.date(2021, 2, 8)), tick=False):
        page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
        assert "督办层级：第1级" in page and reverse("supervision:escalate", args=[problem.pk]) in page
        response = client.post(
            reverse("supervision:escalate", args=[problem.pk]),
            {"version": problem.version, "to_level": 2, "color": "blue", "reason": "企业反映强烈"},
        )
        assert response.status_code == 302
        page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert "督办层级：第2级" in page and 'id="ladder"' in page and "人工升级" in page and "签发督办单" in page
    assert Escalation.objects.filter(problem=problem).count() == 1


def test_the_unit_sees_the_ladder_but_not_its_buttons(world, escalated):
    with time_machine.travel(at(DAY), tick=False):
        page = world.client_for(world.unit).get(reverse("problems:detail", args=[escalated.pk])).content.decode()
    assert "按规则升级" in page and reverse("supervision:escalate", args=[escalated.pk]) not in page


def test_the_leader_toggles_the_green_channel_on_the_project_page(world):
    client = world.client_for(world.leader)
    page = client.get(reverse("projects:detail", args=[world.project.pk])).content.decode()
    url = reverse("supervision:green_channel", args=[world.project.pk])
    assert url in page
    response = client.post(url, {"version": world.project.version, "on": "1", "reason": "市级重点项目"})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.green_channel
    other = world.client_for(world.investment).get(reverse("projects:detail", args=[world.project.pk]))
    assert url not in other.content.decode()


def test_a_resolved_problem_leaves_the_queue(world, escalated):
    Problem.objects.filter(pk=escalated.pk).update(status="resolved", resolved_on=DAY)
    with time_machine.travel(at(DAY), tick=False):
        page = world.client_for(world.supervision).get(reverse("supervision:queue")).content.decode()
    level3 = page[page.index('id="queue-level-3"') : page.index('id="queue-level-2"')]
    assert escalated.code not in level3


def test_the_queue_exports_to_excel_with_the_levels_and_an_audit_row(world, escalated):
    import io

    from openpyxl import load_workbook

    from zhaoluo.core.models import AuditEvent

    with time_machine.travel(at(DAY), tick=False):
        response = world.client_for(world.supervision).get(reverse("supervision:queue_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "问题编号" and rows[1][0] == escalated.code
    assert rows[1][4] == "第3级" and rows[1][5] == "红色" and rows[1][8] == 10
    assert AuditEvent.objects.filter(action="supervision_queue.exported", actor=world.supervision).count() == 1


def test_the_office_switches_a_deadline_rule_off_through_the_form(world):
    from zhaoluo.supervision.models import DeadlineRule

    rule = DeadlineRule.objects.get(code="red-light-80")
    data = {"version": rule.version, "name": rule.name, "subject": "problem", "factor": "0.80", "explanation": "停用"}
    response = world.client_for(world.supervision).post(
        reverse("supervision:deadline_rule_edit", args=[rule.code]), data
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.enabled and rule.explanation == "停用"
