"""Visits: the instrument's answers raise flags by rules that are data; photos are resized and lose
their EXIF; bad input writes nothing; a need becomes a problem in one step and the cadre hears of
every hand-off."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.notify.models import Notification
from zhaoluo.problems import services as problem_services
from zhaoluo.problems.choices import Origin, Satisfaction, Status
from zhaoluo.service import services
from zhaoluo.service.models import FlagRule, Visit, VisitFlag, VisitNeed, VisitPhoto

pytestmark = pytest.mark.django_db
D = dt.date


def jpeg_with_gps(width: int = 3000, height: int = 2000) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (30.0, 1.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("现场.jpg", out.getvalue(), content_type="image/jpeg")


def record(service, **kw):
    values = {
        "by": service.cadre,
        "enterprise": service.enterprise,
        "visited_on": D(2021, 3, 30),
        "mode": "on_site",
        "answers": {},
    }
    values.update(kw)
    return services.visit_record(**values)


def test_answers_raise_the_flags_their_rules_name_and_no_others(service):
    visit = record(
        service,
        answers={
            "orders_change_pct": "-25",
            "layoffs_planned": "是",
            "lease_ends_on": "2021-08-31",
            "wage_arrears": "否",
        },
    )
    flags = {f.rule.code: f.message for f in VisitFlag.objects.filter(visit=visit)}
    assert set(flags) == {"orders-down-20", "layoffs-planned", "lease-ending-6m"}
    assert flags["orders-down-20"] == "订单同比（%）为 -25（≤ -20）"
    event = AuditEvent.objects.get(action="visit.recorded", object_id=str(visit.pk))
    assert event.after["flags"] == ["计划裁员", "租约 6 个月内到期", "订单下降 20% 以上"]  # in rule-code order


def test_a_threshold_changed_by_the_administrator_changes_which_visits_are_flagged(service):
    FlagRule.objects.filter(code="orders-down-20").update(threshold=-30)
    visit = record(service, answers={"orders_change_pct": -25})
    assert not visit.flags.exists()
    FlagRule.objects.filter(code="orders-down-20").update(threshold=-20, enabled=False)
    assert not record(service, answers={"orders_change_pct": -50}).flags.exists()


def test_a_visit_in_the_future_is_refused_and_nothing_is_written(service):
    with pytest.raises(ValidationError) as exc:
        record(service, visited_on=D(2021, 4, 1), answers={"layoffs_planned": "是"})
    assert exc.value.message_dict["visited_on"] == ["走访日期不能晚于今天"]
    assert not Visit.objects.exists() and not VisitFlag.objects.exists()


def test_a_bad_answer_is_named_by_its_question(service):
    with pytest.raises(ValidationError) as exc:
        record(service, answers={"employees": "-3", "layoffs_planned": "也许"})
    assert exc.value.message_dict["answers.employees"] == ["现有职工（人）：应为不小于 0 的整数"]
    assert exc.value.message_dict["answers.layoffs_planned"] == ["计划裁员：请填“是”或“否”"]
    assert not Visit.objects.exists()


def test_a_photo_is_resized_and_loses_its_exif(service):
    visit = record(service, photos=[jpeg_with_gps()])
    photo = VisitPhoto.objects.get(visit=visit)
    with Image.open(photo.image.open("rb")) as stored:
        assert max(stored.size) == services.PHOTO_MAX_SIDE
        assert not stored.getexif()
    assert AuditEvent.objects.get(action="visit.recorded").after["photos"] == 1


def test_a_file_that_is_not_an_image_is_refused_naming_it_and_nothing_is_written(service):
    fake = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        record(service, photos=[fake])
    assert exc.value.message_dict["photos"] == ["文件“现场.jpg”不是有效的图片"]
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(service, settings):
    settings.ZHAOLUO_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        record(service, photos=[big])
    assert "超过 1 MB 的上限" in exc.value.message_dict["photos"][0]
    assert not Visit.objects.exists()


def test_only_the_paired_cadre_records_a_visit(service):
    with pytest.raises(PermissionDeniedError):
        record(service, by=service.other_cadre)
    with pytest.raises(PermissionDeniedError):
        record(service, enterprise=service.other_enterprise)
    assert not Visit.objects.exists()


def test_a_need_becomes_a_problem_in_one_step_and_reaches_the_organiser_and_supervision(service):
    visit = record(service, needs=[("需要本地货架钢材供应商", "supply_chain"), ("", "other")])
    need = VisitNeed.objects.get(visit=visit)
    problem = services.need_to_problem(need=need, by=service.cadre)
    need.refresh_from_db()
    assert need.problem == problem
    assert problem.origin == Origin.VISIT and problem.enterprise == service.enterprise
    assert problem.raiser == service.cadre and problem.status == Status.PENDING and problem.raised_on == D(2021, 3, 30)
    assert "沈耀走访" in problem.origin_note
    told = set(Notification.objects.filter(object_id=str(problem.pk)).values_list("recipient__username", flat=True))
    assert told == {"kejing", "ducha"}
    assert AuditEvent.objects.filter(action="visit.need_raised", object_id=str(need.pk)).exists()
    with pytest.raises(ValidationError):
        services.need_to_problem(need=need, by=service.cadre)


def test_the_cadre_hears_each_hand_off_and_the_enterprise_confirms_and_rates(service):
    world = service.world
    visit = record(service, needs=[("厂区道路破损", "infrastructure")])
    problem = services.need_to_problem(need=visit.needs.get(), by=service.cadre)
    problem_services.problem_assign(problem=problem, by=world.supervision, unit=world.lead_unit, workdays=5)
    problem_services.problem_start(problem=problem, by=world.unit)
    problem_services.problem_resolve(problem=problem, by=world.unit, handling_note="已修复")
    problem_services.problem_close(problem=problem, by=world.enterprise_user)
    problem_services.problem_rate(problem=problem, by=world.enterprise_user, satisfaction=Satisfaction.SATISFIED)
    problem.refresh_from_db()
    assert problem.status == Status.CLOSED and problem.satisfaction == Satisfaction.SATISFIED
    to_cadre = list(
        Notification.objects.filter(recipient=service.cadre, object_id=str(problem.pk))
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert [s.split("：")[0] for s in to_cadre] == [
        "问题已交办",
        "问题已办结，请确认",
        "问题已销号",
        "问题已评价（满意）",
    ]
    assert Notification.objects.filter(recipient=world.enterprise_user, subject__startswith="问题已办结").exists()


def test_a_resolved_problem_tells_whoever_raised_it(world):
    problem = problem_services.problem_raise(
        by=world.investment, description="道路不通", project=world.project, origin="project"
    )
    problem_services.problem_assign(problem=problem, by=world.supervision, unit=world.lead_unit, workdays=5)
    problem_services.problem_start(problem=problem, by=world.unit)
    problem_services.problem_resolve(problem=problem, by=world.unit, handling_note="已修通")
    assert Notification.objects.filter(recipient=world.investment, subject__startswith="问题已办结").exists()


def test_the_enterprise_contact_submits_a_need_its_cadre_the_organiser_and_supervision_hear_of_it(service):
    problem = services.portal_need_submit(by=service.world.enterprise_user, description="希望对接本地包装材料供应商")
    assert problem.origin == Origin.ENTERPRISE and problem.enterprise == service.enterprise
    told = set(Notification.objects.filter(object_id=str(problem.pk)).values_list("recipient__username", flat=True))
    assert told == {"shenyao", "kejing", "ducha"}
    with pytest.raises(PermissionDeniedError):
        services.portal_need_submit(by=service.cadre, description="x")
