from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from zhaoluo.accounts.models import ApiToken
from zhaoluo.accounts.token_services import digest
from zhaoluo.core.models import AuditEvent
from zhaoluo.orgs.models import User
from zhaoluo.projects import services
from zhaoluo.projects.choices import FundOrigin, Stage, TransitionKind
from zhaoluo.projects.models import FundArrival, Milestone, ProgressReport, Project, StageTransition
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import otp_verify_session

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2020, 6, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
at_now = time_machine.travel(NOW, tick=False)


def client_for(user: User, ip: str = "10.20.30.40") -> APIClient:
    client = APIClient(REMOTE_ADDR=ip)
    client.force_login(user)
    if user.role in settings.ZHAOLUO_OTP_REQUIRED_ROLES:
        otp_verify_session(client, user)  # an admin role's session has passed 2FA
    return client


def url(path: str = "") -> str:
    return f"/api/projects/{path}"


def fields(response: Any) -> dict[str, list[str]]:
    return response.json()["error"]["fields"]


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


# ------------------------------------------------------------------ reading and scope


def test_investment_staff_list_every_project_of_their_district_with_names_and_labels(world):
    response = client_for(world.investment).get(url())
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"盼盼食品精深加工基地", "张湾物流园"}
    row = rows["盼盼食品精深加工基地"]
    assert row["leader"] == world.leader_official.pk and row["leader_name"] == "王海"
    assert row["lead_unit_name"] == "区发改局" and row["township_name"] == "双沟镇"
    assert row["stage"] == "negotiating" and row["stage_display"] == "在谈"
    assert row["planned_investment"] == "200000.00" and row["is_100m"] is True
    assert row["six_ones_missing"] == ["方案"]
    assert row["light"] in {"green", "yellow", "red"} and isinstance(row["light_reasons"], list)
    assert row["version"] == world.project.version


def test_a_task_force_member_sees_only_the_projects_they_serve_on(world):
    response = client_for(world.task_force).get(url())
    assert [row["name"] for row in response.json()["results"]] == ["盼盼食品精深加工基地"]


@pytest.mark.parametrize("persona", ["outsider", "nobody", "sysadmin"])
def test_users_outside_the_scope_get_an_empty_list_and_404_on_the_project(world, persona):
    client = client_for(getattr(world, persona))
    assert client.get(url()).json()["results"] == []
    for path in ["", "transitions/", "timeline/", "progress/", "milestones/", "task-force/"]:
        response = client.get(url(f"{world.project.pk}/{path}"))
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


def test_an_outsider_cannot_advance_a_project_of_another_district_and_nothing_changes(world):
    response = client_for(world.outsider).post(
        url(f"{world.project.pk}/advance/"), {"to": "signed", "on": "2020-05-20"}, format="json"
    )
    assert response.status_code == 404
    assert Project.objects.get(pk=world.project.pk).stage == Stage.NEGOTIATING


def test_the_list_uses_the_shared_filters(world):
    client = client_for(world.investment)
    assert [r["name"] for r in client.get(url(), {"is_100m": "true"}).json()["results"]] == ["盼盼食品精深加工基地"]
    assert [r["name"] for r in client.get(url(), {"q": "物流"}).json()["results"]] == ["张湾物流园"]
    assert client.get(url(), {"stage": "signed"}).json()["count"] == 0


def test_a_bad_filter_value_is_a_400_naming_the_filter(world):
    response = client_for(world.investment).get(url(), {"stage": "flying"})
    assert response.status_code == 400
    assert "stage" in fields(response)


def test_the_project_list_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(15):
        project = f.ProjectFactory.create(
            district=world.district, township=world.township, leader=world.leader_official, lead_unit=world.lead_unit
        )
        f.TaskForceMemberFactory.create(project=project, is_lead=True)
        f.MilestoneFactory.create(project=project, name=f"节点{i}")
    client = client_for(world.investment)
    with django_assert_max_num_queries(8):
        response = client.get(url())
    assert response.json()["count"] == 17


def test_the_detail_shows_the_task_force_and_the_plan(world):
    f.MilestoneFactory.create(project=world.project, name="土地摘牌")
    data = client_for(world.leader).get(url(f"{world.project.pk}/")).json()
    assert [(m["official_name"], m["is_lead"]) for m in data["task_force"]] == [("赵牵头", True), ("李专", False)]
    assert [m["name"] for m in data["milestones"]] == ["土地摘牌"]
    assert data["enterprise_name"] == "襄阳盼盼食品有限公司"


def test_anonymous_calls_get_401_with_the_error_shape(world):
    response = APIClient().get(url())
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_from_the_token_endpoint_authenticates(world):
    cache.clear()  # the login throttle counts per address across tests
    anonymous = APIClient()
    response = anonymous.post("/api/auth/token/", {"username": "zhaoshang", "password": "Zl-test-passw0rd"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=world.investment).digest == digest(token)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get(url()).json()["count"] == 2


def test_a_wrong_password_gets_no_token(world):
    cache.clear()
    response = APIClient().post("/api/auth/token/", {"username": "zhaoshang", "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not ApiToken.objects.exists()


# ------------------------------------------------------------------ creating and editing


def test_investment_staff_create_a_project_and_the_audit_row_names_the_api_and_the_address(world):
    payload = {
        "name": "国药集团襄阳产业园",
        "investor": "国药集团",
        "planned_investment": "150000",
        "leader": world.leader_official.pk,
        "lead_unit": world.lead_unit.pk,
        "township": world.township.pk,
        "is_key": True,
        "stage": "lead",
    }
    response = client_for(world.investment, ip="10.1.2.3").post(url(), payload, format="json")
    assert response.status_code == 201, response.json()
    project = Project.objects.get(name="国药集团襄阳产业园")
    assert project.district == world.district and project.stage == Stage.LEAD
    assert project.planned_investment == Decimal("150000") and project.is_100m
    assert response.json()["id"] == project.pk and response.json()["planned_investment"] == "150000.00"
    event = AuditEvent.objects.get(action="project.created", object_id=str(project.pk))
    assert (event.source, event.ip, event.actor) == ("api", "10.1.2.3", world.investment)


def test_a_client_cannot_mass_assign_the_district_the_stage_dates_or_the_light(world):
    payload = {
        "name": "试图越权的项目",
        "planned_investment": "100",
        "district": world.other_district.pk,
        "signed_on": "2020-01-01",
        "light": "green",
        "is_100m": True,
    }
    response = client_for(world.investment).post(url(), payload, format="json")
    assert response.status_code == 201
    project = Project.objects.get(name="试图越权的项目")
    assert project.district == world.district and project.signed_on is None and project.is_100m is False


def test_a_task_force_member_cannot_create_or_edit_a_project(world):
    client = client_for(world.task_force)
    assert client.post(url(), {"name": "x", "planned_investment": "1"}, format="json").status_code == 403
    response = client.patch(url(f"{world.project.pk}/"), {"name": "改名", "version": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Project.objects.get(pk=world.project.pk).name == "盼盼食品精深加工基地"


def test_a_negative_amount_is_a_400_naming_the_field_in_chinese(world):
    response = client_for(world.investment).post(url(), {"name": "负数", "planned_investment": "-5"}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and body["message"] == "提交的数据有误"
    assert body["fields"]["planned_investment"][0].startswith("计划总投资（万元）：")
    assert not Project.objects.filter(name="负数").exists()


def test_an_invalid_investor_credit_code_is_refused(world):
    valid = f.uscc_with_check("91420607MA0000001")
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    payload = {"name": "坏代码", "planned_investment": "1", "investor_uscc": wrong_check}
    response = client_for(world.investment).post(url(), payload, format="json")
    assert response.status_code == 400
    assert "统一社会信用代码校验位错误" in fields(response)["investor_uscc"][0]
    assert not Project.objects.filter(name="坏代码").exists()


def test_a_leader_outside_the_four_bodies_is_refused_by_the_service_under_the_field_name(world):
    response = client_for(world.investment).patch(
        url(f"{world.project.pk}/"), {"leader": world.member_official.pk, "version": world.project.version}, "json"
    )
    assert response.status_code == 400
    assert "四大家" in fields(response)["leader"][0]
    assert Project.objects.get(pk=world.project.pk).leader == world.leader_official


def test_an_edit_without_a_version_is_refused(world):
    response = client_for(world.investment).patch(url(f"{world.project.pk}/"), {"name": "改名"}, format="json")
    assert response.status_code == 400
    assert "version" in fields(response)
    assert Project.objects.get(pk=world.project.pk).name == "盼盼食品精深加工基地"


def test_an_edit_with_the_current_version_saves_and_returns_the_next_version(world):
    version = world.project.version
    response = client_for(world.investment).patch(
        url(f"{world.project.pk}/"), {"planned_investment": "9000", "version": version}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == version + 1 and response.json()["is_100m"] is False
    project = Project.objects.get(pk=world.project.pk)
    assert project.planned_investment == Decimal("9000") and project.version == version + 1
    assert AuditEvent.objects.filter(action="project.updated", source="api").count() == 1


def test_a_stale_edit_is_a_409_with_what_changed_and_the_database_keeps_the_other_edit(world):
    version = world.project.version
    client = client_for(world.investment)
    first = client.patch(url(f"{world.project.pk}/"), {"planned_investment": "250000", "version": version}, "json")
    assert first.status_code == 200
    stale = client.patch(url(f"{world.project.pk}/"), {"planned_investment": "1", "version": version}, "json")
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict" and error["current_version"] == version + 1
    assert error["changes"] == {"planned_investment": "250000"}
    project = Project.objects.get(pk=world.project.pk)
    assert project.planned_investment == Decimal("250000") and project.version == version + 1


def test_a_duplicate_project_name_is_a_400_on_the_name(world):
    response = client_for(world.investment).post(
        url(), {"name": "张湾物流园", "planned_investment": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in fields(response)
    assert Project.objects.filter(name="张湾物流园").count() == 1


# ------------------------------------------------------------------ stages


@at_now
def test_investment_staff_advance_a_project_with_evidence_and_the_transition_is_recorded(world):
    evidence = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"),
        {
            "to": "signed",
            "on": "2020-05-20",
            "note": "签约仪式",
            "evidence": evidence,
            "version": world.project.version,
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "signed" and response.json()["signed_on"] == "2020-05-20"
    transition = StageTransition.objects.get(project=world.project)
    assert (transition.kind, transition.to_stage, transition.by) == (TransitionKind.ADVANCE, "signed", world.investment)
    assert transition.evidence.name.endswith(".pdf")
    event = AuditEvent.objects.get(action="project.stage_advanced")
    assert event.source == "api" and event.ip == "10.20.30.40"
    listed = client_for(world.investment).get(url(f"{world.project.pk}/transitions/")).json()
    assert [(t["to_stage"], t["to_stage_display"], t["by"]) for t in listed] == [
        ("signed", "签约", world.investment.pk)
    ]


@at_now
def test_an_unknown_stage_is_a_400_naming_the_target_stage(world):
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"), {"to": "flying", "on": "2020-05-20"}, format="json"
    )
    assert response.status_code == 400
    assert fields(response)["to"][0].startswith("目标阶段：")
    assert not StageTransition.objects.exists()


@at_now
def test_skipping_a_stage_is_a_400_with_the_services_reason(world):
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"),
        {"to": "started", "on": "2020-05-20", "version": world.project.version},
        format="json",
    )
    assert response.status_code == 400
    assert "下一阶段应为签约" in fields(response)["to"][0]
    assert Project.objects.get(pk=world.project.pk).stage == Stage.NEGOTIATING


@at_now
def test_an_impossible_date_is_a_400_naming_the_date(world):
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"), {"to": "signed", "on": "2020-02-30"}, format="json"
    )
    assert response.status_code == 400
    assert fields(response)["on"] == ["日期：应为真实存在的日期，格式 YYYY-MM-DD"]


@at_now
def test_a_future_date_is_refused_by_the_service(world):
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"),
        {"to": "signed", "on": "2020-07-01", "version": world.project.version},
        format="json",
    )
    assert response.status_code == 400
    assert "不能晚于今天" in fields(response)["on"][0]


@at_now
def test_evidence_of_a_forbidden_type_is_refused_before_anything_is_written(world):
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"), {"to": "signed", "on": "2020-05-20", "evidence": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "内容与扩展名" in fields(response)["evidence"][0]
    assert not StageTransition.objects.exists()


@at_now
def test_a_stale_advance_is_a_409_and_the_stage_is_unchanged(world):
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"),
        {"to": "signed", "on": "2020-05-20", "version": world.project.version + 5},
        format="json",
    )
    assert response.status_code == 409
    assert Project.objects.get(pk=world.project.pk).stage == Stage.NEGOTIATING
    assert not StageTransition.objects.exists()


@at_now
def test_a_project_is_terminated_with_a_reason_and_reopened(world):
    client = client_for(world.investment)
    path = url(f"{world.project.pk}/")
    version = world.project.version
    no_reason = client.post(path + "terminate/", {"on": "2020-06-01", "reason": " ", "version": version}, format="json")
    assert no_reason.status_code == 400 and "原因" in fields(no_reason)["reason"][0]
    done = client.post(
        path + "terminate/", {"on": "2020-06-01", "reason": "投资方撤资", "version": version}, format="json"
    )
    assert done.status_code == 200 and done.json()["stage"] == "terminated"
    assert Project.objects.get(pk=world.project.pk).termination_reason == "投资方撤资"
    back = client.post(
        path + "reopen/", {"on": "2020-06-05", "reason": "新投资方", "version": done.json()["version"]}, format="json"
    )
    assert back.status_code == 200 and back.json()["stage"] == "negotiating"
    kinds = list(StageTransition.objects.filter(project=world.project).values_list("kind", flat=True))
    assert kinds == [TransitionKind.TERMINATE, TransitionKind.REOPEN]


def test_a_task_force_member_cannot_advance_a_project(world):
    response = client_for(world.task_force).post(
        url(f"{world.project.pk}/advance/"), {"to": "signed", "on": "2020-05-20"}, format="json"
    )
    assert response.status_code == 403
    assert not StageTransition.objects.exists()


# ------------------------------------------------------------------ 专班


def test_investment_staff_replace_the_task_force(world):
    a, b = world.member_official, world.lead_member_official
    payload = {
        "version": world.project.version,
        "members": [{"official": a.pk, "is_lead": True, "duty": "总协调"}, {"official": b.pk}],
    }
    response = client_for(world.investment).put(url(f"{world.project.pk}/task-force/"), payload, format="json")
    assert response.status_code == 200, response.json()
    assert [(m["official_name"], m["is_lead"], m["duty"]) for m in response.json()] == [
        ("李专", True, "总协调"),
        ("赵牵头", False, ""),
    ]
    assert list(world.project.task_force.values_list("official__name", "is_lead")) == [
        ("李专", True),
        ("赵牵头", False),
    ]
    assert AuditEvent.objects.get(action="project.task_force_set").source == "api"


def test_a_task_force_without_a_lead_is_a_400_and_the_old_one_stays(world):
    payload = {"version": world.project.version, "members": [{"official": world.member_official.pk}]}
    response = client_for(world.investment).put(url(f"{world.project.pk}/task-force/"), payload, format="json")
    assert response.status_code == 400
    assert "负责人" in fields(response)["members"][0]
    assert world.project.task_force.count() == 2


def test_a_task_force_member_may_read_but_not_replace_the_task_force(world):
    client = client_for(world.task_force)
    assert len(client.get(url(f"{world.project.pk}/task-force/")).json()) == 2
    payload = {"version": world.project.version, "members": []}
    assert client.put(url(f"{world.project.pk}/task-force/"), payload, format="json").status_code == 403
    assert world.project.task_force.count() == 2


def test_a_stale_task_force_version_is_a_409(world):
    payload = {"version": world.project.version + 1, "members": []}
    response = client_for(world.investment).put(url(f"{world.project.pk}/task-force/"), payload, format="json")
    assert response.status_code == 409
    assert world.project.task_force.count() == 2


# ------------------------------------------------------------------ milestones


def test_the_task_force_keeps_the_plan_through_milestones(world):
    client = client_for(world.task_force)
    created = client.post(
        url(f"{world.project.pk}/milestones/"), {"name": "土地摘牌", "planned_on": "2020-12-01"}, format="json"
    )
    assert created.status_code == 201, created.json()
    milestone = Milestone.objects.get(project=world.project)
    assert created.json()["weight"] == "1.00" and milestone.name == "土地摘牌"
    stale = client.patch(f"/api/milestones/{milestone.pk}/", {"name": "x", "version": 99}, format="json")
    assert stale.status_code == 409
    changed = client.patch(
        f"/api/milestones/{milestone.pk}/", {"planned_on": "2021-01-15", "version": milestone.version}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["planned_on"] == "2021-01-15"
    assert Milestone.objects.get(pk=milestone.pk).planned_on == dt.date(2021, 1, 15)
    assert client.delete(f"/api/milestones/{milestone.pk}/?version={changed.json()['version']}").status_code == 204
    assert not Milestone.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="projects.milestone").order_by("id").values_list("action", "source")
    )
    assert actions == [("milestone.created", "api"), ("milestone.updated", "api"), ("milestone.deleted", "api")]


def test_a_duplicate_milestone_name_is_a_400_on_the_name(world):
    f.MilestoneFactory.create(project=world.project, name="土地摘牌")
    response = client_for(world.task_force).post(
        url(f"{world.project.pk}/milestones/"), {"name": "土地摘牌", "planned_on": "2020-12-01"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in fields(response)
    assert Milestone.objects.count() == 1


def test_a_milestone_outside_the_scope_is_404(world):
    milestone = f.MilestoneFactory.create(project=world.project, name="土地摘牌")
    client = client_for(world.outsider)
    assert client.get(f"/api/milestones/{milestone.pk}/").status_code == 404
    assert client.delete(f"/api/milestones/{milestone.pk}/").status_code == 404
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_principal_may_read_but_not_change_the_plan(world):
    milestone = f.MilestoneFactory.create(project=world.project, name="土地摘牌")
    client = client_for(world.principal)
    assert client.get(f"/api/milestones/{milestone.pk}/").status_code == 200
    assert client.delete(f"/api/milestones/{milestone.pk}/").status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


# ------------------------------------------------------------------ progress


@at_now
def test_the_task_force_reports_monthly_progress_with_photos(world):
    response = client_for(world.task_force).post(
        url(f"{world.project.pk}/progress/"),
        {
            "period": "2020-05",
            "completed_investment": "1200.50",
            "image_progress": 35,
            "text": "主体结构施工",
            "photos": [png("a.png"), png("b.png")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    report = ProgressReport.objects.get(project=world.project)
    assert report.period == dt.date(2020, 5, 1) and report.completed_investment == Decimal("1200.50")
    assert report.photos.count() == 2 and report.reported_by == world.task_force
    assert response.json()["completed_investment"] == "1200.50" and len(response.json()["photos"]) == 2
    event = AuditEvent.objects.get(action="progress.recorded")
    assert event.source == "api" and event.after["photos"] == 2
    listed = client_for(world.leader).get(url(f"{world.project.pk}/progress/")).json()
    assert [(r["period"], r["reported_by_name"]) for r in listed] == [("2020-05-01", "李专")]


@at_now
def test_progress_above_100_percent_or_for_a_future_month_is_refused(world):
    client = client_for(world.task_force)
    over = client.post(
        url(f"{world.project.pk}/progress/"),
        {"period": "2020-05", "completed_investment": "1", "image_progress": 120},
        format="json",
    )
    assert over.status_code == 400 and fields(over)["image_progress"][0].startswith("形象进度（%）：")
    future = client.post(
        url(f"{world.project.pk}/progress/"),
        {"period": "2020-08", "completed_investment": "1", "image_progress": 10},
        format="json",
    )
    assert future.status_code == 400 and "未来月份" in fields(future)["period"][0]
    assert not ProgressReport.objects.exists()


@at_now
def test_a_photo_that_is_not_an_image_is_refused(world):
    bogus = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = client_for(world.task_force).post(
        url(f"{world.project.pk}/progress/"),
        {"period": "2020-05", "completed_investment": "1", "image_progress": 10, "photos": [bogus]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "photos" in fields(response)
    assert not ProgressReport.objects.exists()


def test_the_principal_cannot_report_progress(world):
    response = client_for(world.principal).post(
        url(f"{world.project.pk}/progress/"),
        {"period": "2020-05", "completed_investment": "1", "image_progress": 10},
        format="json",
    )
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


# ------------------------------------------------------------------ funds


@at_now
def test_investment_staff_record_funds_and_a_second_record_of_the_same_key_corrects_it(world):
    client = client_for(world.investment)
    payload = {"project": world.project.pk, "period": "2020-05", "amount": "3000.25", "origin": "out_of_province"}
    first = client.post("/api/funds/", payload, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["amount"] == "3000.25" and first.json()["origin_display"] == "省外"
    second = client.post("/api/funds/", {**payload, "amount": "3100"}, format="json")
    assert second.status_code == 200
    fund = FundArrival.objects.get(project=world.project)
    assert fund.amount == Decimal("3100") and fund.period == dt.date(2020, 5, 1)
    actions = list(AuditEvent.objects.filter(object_type="projects.fundarrival").values_list("action", "source"))
    assert sorted(actions) == [("funds.recorded", "api"), ("funds.updated", "api")]


@at_now
def test_negative_funds_are_refused_with_the_field_named(world):
    response = client_for(world.investment).post(
        "/api/funds/", {"project": world.project.pk, "period": "2020-05", "amount": "-1"}, format="json"
    )
    assert response.status_code == 400
    assert fields(response)["amount"][0].startswith("到位资金（万元）：")
    assert not FundArrival.objects.exists()


@at_now
def test_funds_for_a_project_outside_the_scope_are_refused_as_unknown(world):
    response = client_for(world.outsider).post(
        "/api/funds/", {"project": world.project.pk, "period": "2020-05", "amount": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "不在您的查看范围内" in fields(response)["project"][0]
    assert not FundArrival.objects.exists()


def _funds(world: Any) -> None:
    for project, period, amount, origin in [
        (world.project, dt.date(2020, 3, 1), "100", FundOrigin.ABROAD),
        (world.project, dt.date(2019, 3, 1), "50", FundOrigin.IN_CITY),
        (world.other_project, dt.date(2020, 4, 1), "70", FundOrigin.IN_CITY),
    ]:
        services.fund_record(
            project=project, by=None, period=period, amount=Decimal(amount), origin=origin, check_permission=False
        )


def test_the_funds_list_is_scoped_and_filtered(world, django_assert_max_num_queries):
    _funds(world)
    client = client_for(world.investment)
    with django_assert_max_num_queries(5):
        everything = client.get("/api/funds/").json()
    assert everything["count"] == 3
    assert [r["amount"] for r in client.get("/api/funds/", {"year": 2020}).json()["results"]] == ["70.00", "100.00"]
    only = client.get("/api/funds/", {"project": world.project.pk, "origin": "abroad"}).json()["results"]
    assert [(r["project_name"], r["period"]) for r in only] == [("盼盼食品精深加工基地", "2020-03-01")]
    assert client_for(world.task_force).get("/api/funds/").json()["count"] == 2
    assert client_for(world.outsider).get("/api/funds/").json()["count"] == 0


def test_a_task_force_member_cannot_record_funds(world):
    response = client_for(world.task_force).post(
        "/api/funds/", {"project": world.project.pk, "period": "2020-05", "amount": "1"}, format="json"
    )
    assert response.status_code == 403
    assert not FundArrival.objects.exists()


# ------------------------------------------------------------------ timeline


@at_now
def test_the_timeline_lists_what_happened_newest_first(world):
    client = client_for(world.investment)
    client.post(
        url(f"{world.project.pk}/advance/"),
        {"to": "signed", "on": "2020-05-20", "version": world.project.version},
        format="json",
    )
    client.post("/api/funds/", {"project": world.project.pk, "period": "2020-05", "amount": "10"}, format="json")
    rows = client.get(url(f"{world.project.pk}/timeline/")).json()["results"]
    actions = [r["action"] for r in rows if r["action"] != "project.light_changed"]
    assert actions == ["funds.recorded", "project.stage_advanced"]
    assert rows[0]["actor_name"] == "zhaoshang" and "ip" not in rows[0]


def test_me_tells_the_role_and_the_scope(world):
    data = client_for(world.task_force).get("/api/me/").json()
    assert (data["username"], data["role"], data["role_display"], data["scope"]) == (
        "zhuanban",
        "task_force",
        "专班成员",
        "portfolio",
    )
    assert data["display_name"] == "李专" and data["can_report_progress"] and not data["can_manage_projects"]
    assert client_for(world.nobody).get("/api/me/").json()["scope"] == "none"
    assert client_for(world.investment).get("/api/me/").json()["district_name"] == "襄州区"


@at_now
def test_evidence_above_the_upload_limit_is_refused(world, settings):
    settings.ZHAOLUO_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("合同.pdf", b"%PDF-" + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/advance/"), {"to": "signed", "on": "2020-05-20", "evidence": big}, format="multipart"
    )
    assert response.status_code == 400
    assert "超过 1 MB" in fields(response)["evidence"][0]
    assert not StageTransition.objects.exists()


# ------------------------------------------------------------------ review fixes


@at_now
def test_files_in_the_api_link_to_the_scoped_file_view_never_to_media(world):
    client = client_for(world.investment)
    evidence = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    advanced = client.post(
        url(f"{world.project.pk}/advance/"),
        {"to": "signed", "on": "2020-05-20", "evidence": evidence, "version": world.project.version},
        format="multipart",
    )
    assert advanced.status_code == 200, advanced.json()
    reported = client_for(world.task_force).post(
        url(f"{world.project.pk}/progress/"),
        {"period": "2020-05", "completed_investment": "10", "image_progress": 5, "photos": [png()]},
        format="multipart",
    )
    assert reported.status_code == 201, reported.json()
    transitions = client.get(url(f"{world.project.pk}/transitions/"))
    progress = client.get(url(f"{world.project.pk}/progress/"))
    for response in (transitions, progress, reported):
        assert "/media/" not in response.content.decode()
    transition = StageTransition.objects.get(project=world.project)
    photo = ProgressReport.objects.get(project=world.project).photos.get()
    evidence_url = transitions.json()[0]["evidence"]
    photo_url = progress.json()[0]["photos"][0]["image"]
    assert evidence_url == f"/projects/{world.project.pk}/files/evidence/{transition.pk}/"
    assert photo_url == f"/projects/{world.project.pk}/files/photo/{photo.pk}/"
    assert reported.json()["photos"][0]["image"] == photo_url
    for link in (evidence_url, photo_url):
        assert client.get(link).status_code == 200
        assert client_for(world.outsider).get(link).status_code == 404
    assert client.get(evidence_url).getvalue() == b"%PDF-1.4 signed"


def test_a_transition_without_evidence_has_no_link(world):
    services.project_advance_stage(project=world.project, to=Stage.SIGNED, on=dt.date(2020, 5, 20), by=world.investment)
    listed = client_for(world.investment).get(url(f"{world.project.pk}/transitions/")).json()
    assert listed[0]["evidence"] is None


@at_now
@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("advance/", {"to": "signed", "on": "2020-05-20"}),
        ("terminate/", {"on": "2020-05-20", "reason": "投资方撤资"}),
    ],
)
def test_stage_moves_without_the_version_read_are_400_and_change_nothing(world, path, payload):
    response = client_for(world.investment).post(url(f"{world.project.pk}/{path}"), payload, format="json")
    assert response.status_code == 400
    assert fields(response)["version"][0].startswith("版本号：")
    project = Project.objects.get(pk=world.project.pk)
    assert (project.stage, project.version) == (Stage.NEGOTIATING, world.project.version)
    assert not StageTransition.objects.exists()
    assert not AuditEvent.objects.filter(object_type="projects.project", action__startswith="project.stage").exists()
    assert not AuditEvent.objects.filter(action="project.terminated").exists()


@at_now
def test_reopening_without_the_version_read_is_400_and_the_project_stays_terminated(world):
    services.project_terminate(
        project=world.project, on=dt.date(2020, 6, 1), reason="撤资", by=world.investment, expected_version=None
    )
    response = client_for(world.investment).post(
        url(f"{world.project.pk}/reopen/"), {"on": "2020-06-05", "reason": "新投资方"}, format="json"
    )
    assert response.status_code == 400 and "version" in fields(response)
    assert Project.objects.get(pk=world.project.pk).stage == Stage.TERMINATED
    assert not AuditEvent.objects.filter(action="project.reopened").exists()


def test_deleting_a_milestone_needs_the_version_read(world):
    milestone = services.milestone_create(
        project=world.project, by=world.investment, name="土地摘牌", planned_on=dt.date(2020, 12, 1)
    )
    read = milestone.version
    services.milestone_update(
        milestone=milestone, by=world.investment, data={"planned_on": dt.date(2021, 1, 15)}, expected_version=read
    )
    client = client_for(world.task_force)
    path = f"/api/milestones/{milestone.pk}/"

    missing = client.delete(path)
    assert missing.status_code == 400 and fields(missing)["version"][0].startswith("版本号：")
    stale = client.delete(f"{path}?version={read}")
    assert stale.status_code == 409
    assert "planned_on" in stale.json()["error"]["changes"]
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert not AuditEvent.objects.filter(action="milestone.deleted").exists()

    current = Milestone.objects.get(pk=milestone.pk).version
    assert client.delete(path, {"version": current}, format="json").status_code == 204
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    event = AuditEvent.objects.get(action="milestone.deleted")
    assert event.actor == world.task_force and event.source == "api"


def test_an_enterprise_contact_sees_no_internal_project_data_through_the_api(world):
    client = client_for(world.enterprise_user)
    assert client.get(url()).json()["count"] == 0
    assert client.get(url(f"{world.project.pk}/")).status_code == 404
    assert client.get(url(f"{world.project.pk}/timeline/")).status_code == 404
    assert client.get("/api/funds/").json()["count"] == 0
    assert client.get("/api/orgs/officials/").json() == []
    assert client.get("/api/orgs/officials/", {"leaders": "1"}).json() == []
    assert client.get("/api/orgs/units/").json() == []
    own = client.get("/api/enterprises/").json()
    assert [e["id"] for e in own["results"]] == [world.project.enterprise_id]


def test_the_api_stores_a_bare_twenty_digit_national_code_hyphenated_and_refuses_a_duplicate_under_the_field(world):
    client = client_for(world.investment)
    ok = client.patch(
        url(f"{world.project.pk}/"), {"national_code": "20203205063903512345", "version": world.project.version}, "json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["national_code"] == "2020-320506-39-03-512345"
    assert Project.objects.get(pk=world.project.pk).national_code == "2020-320506-39-03-512345"
    clash = client.patch(
        url(f"{world.other_project.pk}/"),
        {"national_code": "2020－320506－39－03－512345", "version": world.other_project.version},
        "json",
    )
    assert clash.status_code == 400
    assert "该全国投资项目代码已登记在其他项目上" in fields(clash)["national_code"][0]
    assert Project.objects.get(pk=world.other_project.pk).national_code == ""
    wrong = client.patch(
        url(f"{world.other_project.pk}/"),
        {"national_code": "2020-320506-39-09-512345", "version": world.other_project.version},
        "json",
    )
    assert wrong.status_code == 400 and "项目类型" in fields(wrong)["national_code"][0]
