"""The light engine: each preset rule, its thresholds as data, and time passing via tick."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from zhaoluo.core.models import AuditEvent
from zhaoluo.projects import lights, services
from zhaoluo.projects.choices import Light, Stage
from zhaoluo.projects.models import LightRule, Project
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db


def verdict(project: Project, today: dt.date) -> lights.Verdict:
    fresh = services.with_light_inputs(Project.objects.filter(pk=project.pk)).get()
    return lights.evaluate(fresh, LightRule.objects.filter(enabled=True), today)


@pytest.fixture
def plain(world) -> Project:
    """A non-key project, so 六个一 does not colour it."""
    return f.ProjectFactory.create(district=world.district, name="普通项目", investor="某公司")


def test_presets_ship_with_the_platform():
    assert set(LightRule.objects.values_list("code", flat=True)) == {
        "six-ones",
        "milestone-overdue",
        "progress-wuhan",
        "signed-not-started-yinchuan",
    }


def test_a_key_project_missing_its_leader_is_red_and_the_reason_names_the_rule(world):
    world.project.leader = None
    world.project.save()
    f.MilestoneFactory.create(project=world.project, planned_on=dt.date(2030, 1, 1))
    v = verdict(world.project, dt.date(2020, 6, 1))
    assert v.light == Light.RED
    assert [(r.rule, r.message) for r in v.reasons] == [("six-ones", "六个一未落实：缺包保领导")]


def test_a_non_key_project_is_not_held_to_six_ones(plain):
    assert verdict(plain, dt.date(2020, 6, 1)).light == Light.GREEN


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2020, 6, 1), Light.GREEN),  # due today: not late
        (dt.date(2020, 6, 2), Light.YELLOW),  # 1 working day
        (dt.date(2020, 6, 8), Light.YELLOW),  # 5 working days (Mon 1 June → Mon 8 June)
        (dt.date(2020, 6, 9), Light.RED),  # 6 working days
    ],
)
def test_an_overdue_milestone_is_yellow_for_five_working_days_then_red(plain, today, expected):
    f.MilestoneFactory.create(project=plain, name="土地摘牌", planned_on=dt.date(2020, 6, 1))
    v = verdict(plain, today)
    assert v.light == expected
    if expected != Light.GREEN:
        assert v.reasons[0].rule == "milestone-overdue"
        assert "土地摘牌" in v.reasons[0].message


def test_overdue_counts_chinese_working_days_so_the_dragon_boat_holiday_does_not_count(plain):
    # Planned Thu 2020-06-24; 25–27 June is the Dragon Boat holiday, Sun 28 June a make-up day.
    f.MilestoneFactory.create(project=plain, planned_on=dt.date(2020, 6, 24))
    assert verdict(plain, dt.date(2020, 6, 27)).light == Light.GREEN
    v = verdict(plain, dt.date(2020, 7, 2))  # 28, 29, 30 June, 1, 2 July: 5 working days
    assert v.light == Light.YELLOW
    assert "5个工作日" in v.reasons[0].message


def test_an_administrator_changes_the_overdue_threshold_and_the_light_follows(plain):
    f.MilestoneFactory.create(project=plain, planned_on=dt.date(2020, 6, 1))
    rule = LightRule.objects.get(code="milestone-overdue")
    rule.params = {"yellow_max_workdays": 0}
    rule.full_clean()
    rule.save()
    assert verdict(plain, dt.date(2020, 6, 2)).light == Light.RED


def test_rule_parameters_are_validated_in_chinese():
    rule = LightRule.objects.get(code="progress-wuhan")
    rule.params = {"yellow_below_pct": 50, "red_below_pct": 70}
    with pytest.raises(ValidationError, match="红灯阈值不能高于黄灯阈值"):
        rule.full_clean()
    rule.params = {"yellow_below_pct": "八十"}
    with pytest.raises(ValidationError, match="缺少或无效的参数"):
        rule.full_clean()


@pytest.mark.parametrize(("image_progress", "expected"), [(80, Light.GREEN), (79, Light.YELLOW), (59, Light.RED)])
def test_progress_below_plan_uses_the_wuhan_thresholds(world, plain, image_progress, expected):
    # Plan: half the weight due by 1 June, all of it by 1 December. On 1 July the plan says 50 %.
    f.MilestoneFactory.create(
        project=plain, name="主体", planned_on=dt.date(2020, 6, 1), weight=Decimal(1), actual_on=dt.date(2020, 6, 1)
    )
    f.MilestoneFactory.create(project=plain, name="设备", planned_on=dt.date(2020, 12, 1), weight=Decimal(1))
    plain.progress_reports.create(
        period=dt.date(2020, 6, 1), completed_investment=Decimal(100), image_progress=image_progress * 50 // 100
    )
    v = verdict(plain, dt.date(2020, 7, 1))
    assert v.light == expected
    if expected != Light.GREEN:
        assert v.reasons[0].rule == "progress-wuhan"


def test_a_project_signed_three_months_ago_and_not_started_is_red(plain):
    Project.objects.filter(pk=plain.pk).update(stage=Stage.SIGNED, signed_on=dt.date(2020, 3, 31))
    assert verdict(plain, dt.date(2020, 6, 30)).light == Light.GREEN
    v = verdict(plain, dt.date(2020, 7, 1))
    assert v.light == Light.RED
    assert v.reasons[0].rule == "signed-not-started-yinchuan"


def test_closed_projects_carry_no_light(plain):
    f.MilestoneFactory.create(project=plain, planned_on=dt.date(2020, 1, 1))
    Project.objects.filter(pk=plain.pk).update(stage=Stage.TERMINATED)
    assert verdict(plain, dt.date(2020, 7, 1)).light == Light.GREEN


def test_tick_turns_lights_as_time_passes_and_writes_the_change_to_the_timeline(plain, capsys):
    f.MilestoneFactory.create(project=plain, planned_on=dt.date(2020, 6, 1))
    call_command("tick", "--today", "2020-06-02")
    plain.refresh_from_db()
    assert plain.light == Light.YELLOW
    call_command("tick", "--today", "2020-06-30")
    plain.refresh_from_db()
    assert plain.light == Light.RED
    # Idempotent: the same day again changes nothing.
    call_command("tick", "--today", "2020-06-30")
    assert "变化 0 个" in capsys.readouterr().out
    changes = list(AuditEvent.objects.filter(parent_id=str(plain.pk), action="project.light_changed"))
    assert len(changes) == 2
    assert all(e.source == "tick" and e.actor is None for e in changes)


@pytest.mark.parametrize(
    ("code", "params", "message"),
    [
        ("signed-not-started-yinchuan", {"months": "3.5"}, "应为整数"),
        ("signed-not-started-yinchuan", {"months": 3.5}, "应为整数"),
        ("milestone-overdue", {"yellow_max_workdays": "NaN"}, "应为数字"),
        ("milestone-overdue", {"yellow_max_workdays": True}, "应为数字"),
        ("milestone-overdue", {"yellow_max_workdays": None}, "应为数字"),
    ],
)
def test_parameters_that_would_break_the_engine_are_refused(code, params, message):
    rule = LightRule.objects.get(code=code)
    rule.params = params
    with pytest.raises(ValidationError, match=message):
        rule.full_clean()


def test_a_broken_rule_saved_around_validation_is_skipped_and_project_writes_go_on(world, plain, caplog):
    LightRule.objects.filter(code="signed-not-started-yinchuan").update(params={"months": "three"})
    Project.objects.filter(pk=plain.pk).update(stage=Stage.SIGNED, signed_on=dt.date(2019, 1, 1))
    services.project_update(project=plain, by=world.investment, data={"description": "照常保存"}, expected_version=None)
    assert Project.objects.get(pk=plain.pk).description == "照常保存"
    assert "signed-not-started-yinchuan" in caplog.text
