"""Project pages: scope, rendering, every action through a normal POST and through HTMX."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from zhaoluo.core import clock
from zhaoluo.core.models import AuditEvent
from zhaoluo.projects import services
from zhaoluo.projects.choices import Stage
from zhaoluo.projects.models import FundArrival, Milestone, ProgressPhoto, ProgressReport, Project, StageTransition
from zhaoluo.testing import factories as f

pytestmark = pytest.mark.django_db


def detail(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


def actions(project: Project, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(parent_type="projects.project", parent_id=str(project.pk), action=action).order_by(
            "id"
        )
    )


def jpeg(name: str = "site.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#8b1a1a").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# --- seeing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["investment", "supervision", "principal", "economy", "leader", "unit", "task_force"]
)
def test_the_project_page_renders_for_everyone_whose_scope_holds_it(world, persona):
    response = world.client_for(getattr(world, persona)).get(detail(world.project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "盼盼食品精深加工基地" in html
    assert "六个一" in html and "项目动态" in html
    assert "王海" in html and "赵牵头" in html


@pytest.mark.parametrize("persona", ["outsider", "nobody", "sysadmin"])
def test_people_outside_the_scope_get_404_on_the_project_and_an_empty_list(world, persona):
    client = world.client_for(getattr(world, persona))
    assert client.get(detail(world.project)).status_code == 404
    assert client.get(reverse("projects:edit", args=[world.project.pk])).status_code == 404
    response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "盼盼食品" not in response.content.decode()


def test_a_township_user_sees_only_the_projects_of_their_township(world):
    client = world.client_for(world.township_user)
    names = [p.name for p in client.get(reverse("projects:list")).context["page"].object_list]
    assert names == ["盼盼食品精深加工基地"]
    assert client.get(detail(world.other_project)).status_code == 404
    assert client.get(detail(world.project)).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    response = client.get(detail(world.project))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_filters_sorts_and_answers_htmx_with_the_table_alone(world):
    client = world.client_for(world.investment)
    full = client.get(reverse("projects:list"), {"q": "盼盼"})
    assert [p.name for p in full.context["page"].object_list] == ["盼盼食品精深加工基地"]
    assert "<html" in full.content.decode() and 'id="project-table"' in full.content.decode()
    partial = client.get(reverse("projects:list"), {"is_key": "true"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and 'id="project-table"' in html
    assert "盼盼食品精深加工基地" in html and "张湾物流园" not in html
    assert "HX-Request" in partial["Vary"]
    by_amount = client.get(reverse("projects:list"), {"ordering": "planned_investment"})
    assert [p.name for p in by_amount.context["page"].object_list] == ["张湾物流园", "盼盼食品精深加工基地"]
    # The export link carries the same filters.
    assert "export.xlsx?is_key=true" in html


def test_a_history_restore_gets_the_whole_page(world):
    client = world.client_for(world.investment)
    response = client.get(reverse("projects:list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_the_list_pages_by_fifty(world):
    for n in range(55):
        f.ProjectFactory.create(district=world.district, name=f"分页项目{n:02d}")
    client = world.client_for(world.investment)
    first = client.get(reverse("projects:list"))
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.count == 57
    second = client.get(reverse("projects:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 7


def test_the_list_shows_light_reasons_in_the_badge_title(world):
    world.project.refresh_from_db()
    services.lights_refresh_all()
    html = world.client_for(world.investment).get(reverse("projects:list")).content.decode()
    assert "六个一未落实" in html  # the key project has no plan yet: red, and the title says why


def test_the_list_page_makes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    cluster = f.ClusterFactory.create()
    for n in range(30):
        f.ProjectFactory.create(
            district=world.district,
            name=f"批量项目{n}",
            township=world.township,
            cluster=cluster,
            leader=world.leader_official,
            lead_unit=world.lead_unit,
            light_reasons=[{"rule": "x", "rule_name": "规则", "level": "red", "message": "原因"}],
        )
    client = world.client_for(world.investment)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("projects:list"))
    assert response.context["page"].paginator.count == 32


def test_the_project_page_makes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(10):
        services.milestone_create(
            project=world.project, by=world.investment, name=f"节点{n}", planned_on=dt.date(2020, 1, n + 1)
        )
    client = world.client_for(world.investment)
    with django_assert_max_num_queries(20):
        assert client.get(detail(world.project)).status_code == 200


# --- the timeline ----------------------------------------------------------------------------


def test_the_timeline_reads_every_kind_of_event_in_chinese(world):
    p, by = world.project, world.investment
    services.project_update(
        project=p,
        by=by,
        data={"planned_investment": Decimal("250000"), "is_strategic": True},
        expected_version=p.version,
    )
    services.project_advance_stage(project=p, to=Stage.SIGNED, on=dt.date(2020, 5, 20), by=by, note="签约仪式")
    m = services.milestone_create(project=p, by=by, name="完成供地", planned_on=dt.date(2020, 6, 30))
    services.milestone_update(milestone=m, by=by, data={"actual_on": dt.date(2020, 6, 28)}, expected_version=m.version)
    services.progress_record(
        project=p,
        by=by,
        period=dt.date(2020, 6, 1),
        completed_investment=Decimal("1200"),
        image_progress=30,
        text="主体施工",
    )
    services.fund_record(project=p, by=by, period=dt.date(2020, 6, 1), amount=Decimal("3000"))
    services.project_terminate(project=p, on=dt.date(2020, 7, 1), reason="投资方撤资", by=by)
    services.project_reopen(project=p, on=dt.date(2020, 7, 2), reason="引入新投资方", by=by)
    html = world.client_for(by).get(detail(p)).content.decode()
    assert (
        "修改了项目信息" in html and "计划总投资（万元）：200000 → 250000" in html and "战略性新兴产业：否 → 是" in html
    )
    assert "项目由在谈推进到签约（2020-05-20）" in html
    assert "新增方案节点“完成供地”" in html and "已完成（2020-06-28）" in html
    assert "填报2020年6月进展：本月完成投资1200万元，形象进度30%" in html
    assert "登记2020年6月省外到位资金3000万元" in html
    assert "终止项目（2020-07-01），原因：投资方撤资" in html
    assert "重启项目，恢复到签约阶段" in html


# --- acting ----------------------------------------------------------------------------------


def test_investment_staff_edit_the_project_and_the_change_is_audited(world):
    p = world.project
    client = world.client_for(world.investment)
    form = client.get(reverse("projects:edit", args=[p.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"planned_investment": "210000", "source": "以商招商", "is_key": "on"})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("projects:edit", args=[p.pk]), data)
    assert response.status_code == 302 and response["Location"] == detail(p)
    p.refresh_from_db()
    assert p.planned_investment == Decimal("210000") and p.source == "以商招商" and p.version == 2
    [event] = actions(p, "project.updated")
    assert event.actor == world.investment and event.source == "web"
    assert event.after == {"planned_investment": "210000", "source": "以商招商"}


def _edit_data(project: Project, **changes: str) -> dict[str, str]:
    data = {
        "version": str(project.version),
        "name": project.name,
        "investor": project.investor,
        "kind": project.kind,
        "planned_investment": str(project.planned_investment),
        "township": str(project.township_id or ""),
        "leader": str(project.leader_id or ""),
        "lead_unit": str(project.lead_unit_id or ""),
        "enterprise": str(project.enterprise_id or ""),
        "is_key": "on" if project.is_key else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_stale_version_is_refused_with_409_and_nothing_is_overwritten(world):
    p = world.project
    stale = p.version
    services.project_update(project=p, by=world.investment, data={"investor": "盼盼集团（新）"}, expected_version=stale)
    client = world.client_for(world.investment)
    response = client.post(
        reverse("projects:edit", args=[p.pk]),
        _edit_data(p, version=str(stale), investor="我的修改", planned_investment="1"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "请刷新后再保存" in html and "投资方：盼盼集团（新）" in html
    p.refresh_from_db()
    assert p.investor == "盼盼集团（新）" and p.planned_investment == Decimal("200000")
    assert len(actions(p, "project.updated")) == 1


def test_the_stale_edit_through_htmx_is_also_409_and_shows_the_message_in_the_modal(world):
    p = world.project
    stale = p.version
    services.project_update(project=p, by=world.investment, data={"source": "展会招商"}, expected_version=stale)
    response = world.client_for(world.investment).post(
        reverse("projects:edit", args=[p.pk]),
        _edit_data(p, version=str(stale), source="委托招商"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" not in html and 'id="conflict"' in html and "招商方式：展会招商" in html


def test_form_errors_are_shown_in_chinese_naming_the_field(world):
    client = world.client_for(world.investment)
    response = client.post(
        reverse("projects:edit", args=[world.project.pk]),
        _edit_data(world.project, planned_investment="-5", investor_uscc="123"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "计划总投资（万元）：金额不能为负数" in html
    assert "统一社会信用代码应为 18 位" in html


def test_a_service_rule_becomes_an_error_on_the_field(world):
    # Leaders must come from the 四大家: the service says so, on the leader field.
    other_leader = f.OfficialFactory.create(name="普通干部", district=world.district)
    client = world.client_for(world.investment)
    form = client.get(reverse("projects:edit", args=[world.project.pk])).context["form"]
    assert other_leader not in form.fields["leader"].queryset  # the picker offers leaders only
    response = client.post(
        reverse("projects:edit", args=[world.project.pk]), _edit_data(world.project, leader=str(other_leader.pk))
    )
    assert response.status_code == 422
    assert "包保领导" in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.leader == world.leader_official


def test_a_role_that_may_not_manage_gets_403_on_edit_and_sees_no_edit_button(world):
    client = world.client_for(world.leader)
    assert client.get(reverse("projects:edit", args=[world.project.pk])).status_code == 403
    assert (
        client.post(
            reverse("projects:advance", args=[world.project.pk]), {"to": "signed", "on": "2020-05-01", "version": "1"}
        ).status_code
        == 403
    )
    html = client.get(detail(world.project)).content.decode()
    assert reverse("projects:edit", args=[world.project.pk]) not in html
    assert reverse("projects:progress", args=[world.project.pk]) in html  # but may report progress
    world.project.refresh_from_db()
    assert world.project.stage == Stage.NEGOTIATING


def test_advancing_to_the_next_stage_with_evidence(world):
    p = world.project
    client = world.client_for(world.investment)
    page = client.get(reverse("projects:advance", args=[p.pk]))
    assert "推进到签约" in page.content.decode()
    evidence = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", content_type="application/pdf")
    response = client.post(
        reverse("projects:advance", args=[p.pk]),
        {"to": "signed", "on": "2020-05-20", "note": "签约仪式", "version": str(p.version), "evidence": evidence},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.stage == Stage.SIGNED and p.signed_on == dt.date(2020, 5, 20)
    transition = StageTransition.objects.get(project=p, to_stage=Stage.SIGNED)
    assert transition.evidence and transition.by == world.investment
    [event] = actions(p, "project.stage_advanced")
    assert event.after == {"stage": "signed", "signed_on": "2020-05-20"}
    # The evidence is served to those who see the project, and to nobody else.
    url = reverse("projects:file", args=[p.pk, "evidence", transition.pk])
    ok = client.get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 contract"
    assert "attachment" in ok["Content-Disposition"]
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert (
        world.client_for(world.township_user).get(reverse("projects:file", args=[p.pk, "evidence", 999])).status_code
        == 404
    )


def test_skipping_a_stage_is_refused_with_the_services_message(world):
    p = world.project
    response = world.client_for(world.investment).post(
        reverse("projects:advance", args=[p.pk]), {"to": "started", "on": "2020-05-20", "version": str(p.version)}
    )
    assert response.status_code == 422
    assert "下一阶段应为签约" in response.content.decode()
    p.refresh_from_db()
    assert p.stage == Stage.NEGOTIATING and not StageTransition.objects.filter(project=p).exists()


def test_a_future_date_is_an_error_on_the_date_field(world):
    p = world.project
    # Next month: past today, inside the plausible window (a far-future year is refused by that).
    next_month = (clock.today() + dt.timedelta(days=31)).isoformat()
    response = world.client_for(world.investment).post(
        reverse("projects:advance", args=[p.pk]), {"to": "signed", "on": next_month, "version": str(p.version)}
    )
    assert response.status_code == 422
    assert "日期：日期不能晚于今天" in response.content.decode()


def test_terminating_needs_a_reason_and_reopening_brings_it_back(world):
    p = world.project
    client = world.client_for(world.investment)
    missing = client.post(
        reverse("projects:terminate", args=[p.pk]), {"on": "2020-06-01", "reason": "", "version": str(p.version)}
    )
    assert missing.status_code == 422 and "终止原因：该字段是必填项。" in missing.content.decode()
    done = client.post(
        reverse("projects:terminate", args=[p.pk]),
        {"on": "2020-06-01", "reason": "投资方撤资", "version": str(p.version)},
    )
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.stage == Stage.TERMINATED and p.termination_reason == "投资方撤资"
    assert reverse("projects:reopen", args=[p.pk]) in client.get(detail(p)).content.decode()
    back = client.post(
        reverse("projects:reopen", args=[p.pk]), {"on": "2020-07-01", "reason": "新投资方", "version": str(p.version)}
    )
    assert back.status_code == 302
    p.refresh_from_db()
    assert p.stage == Stage.NEGOTIATING
    assert [
        e.action
        for e in AuditEvent.objects.filter(
            parent_id=str(p.pk), action__in=["project.terminated", "project.reopened"]
        ).order_by("id")
    ] == ["project.terminated", "project.reopened"]


def test_setting_the_task_force_with_one_lead(world):
    p = world.project
    newcomer = f.OfficialFactory.create(name="钱新", district=world.district)
    client = world.client_for(world.investment)
    bad = client.post(
        reverse("projects:task_force", args=[p.pk]),
        {"members": [newcomer.pk], "lead": world.member_official.pk, "version": p.version},
    )
    assert bad.status_code == 422 and "专班负责人须是专班成员之一" in bad.content.decode()
    ok = client.post(
        reverse("projects:task_force", args=[p.pk]),
        {"members": [newcomer.pk, world.member_official.pk], "lead": newcomer.pk, "version": p.version},
    )
    assert ok.status_code == 302
    members = {(m.official.name, m.is_lead) for m in p.task_force.select_related("official")}
    assert members == {("钱新", True), ("李专", False)}
    [event] = actions(p, "project.task_force_set")
    stale = client.post(
        reverse("projects:task_force", args=[p.pk]),
        {"members": [world.member_official.pk], "lead": world.member_official.pk, "version": 1},
    )
    assert stale.status_code == 409
    assert {m.official.name for m in p.task_force.select_related("official")} == {"钱新", "李专"}
    assert event.after == {"task_force": ["钱新（负责人）", "李专"]}


def test_milestones_are_added_edited_completed_and_deleted_by_the_task_force(world):
    p = world.project
    client = world.client_for(world.task_force)
    assert (
        client.post(
            reverse("projects:milestone_create", args=[p.pk]),
            {"name": "完成供地", "planned_on": "2020-06-30", "weight": "2"},
        ).status_code
        == 302
    )
    m = Milestone.objects.get(project=p, name="完成供地")
    assert m.weight == Decimal("2")
    html = client.get(detail(p)).content.decode()
    assert "完成供地" in html and "已逾期" in html  # planned in 2020, not done
    edit = client.post(
        reverse("projects:milestone_edit", args=[p.pk, m.pk]),
        {"name": "完成供地手续", "planned_on": "2020-07-31", "weight": "2", "version": str(m.version)},
    )
    assert edit.status_code == 302
    m.refresh_from_db()
    assert m.name == "完成供地手续" and m.planned_on == dt.date(2020, 7, 31)
    stale = client.post(
        reverse("projects:milestone_complete", args=[p.pk, m.pk]), {"actual_on": "2020-07-20", "version": "1"}
    )
    assert stale.status_code == 409
    done = client.post(
        reverse("projects:milestone_complete", args=[p.pk, m.pk]),
        {"actual_on": "2020-07-20", "version": str(m.version)},
    )
    assert done.status_code == 302
    m.refresh_from_db()
    assert m.actual_on == dt.date(2020, 7, 20)
    gone = client.post(reverse("projects:milestone_delete", args=[p.pk, m.pk]), {"version": str(m.version)})
    assert gone.status_code == 302
    assert not Milestone.objects.filter(pk=m.pk).exists()
    assert [e.action for e in AuditEvent.objects.filter(object_type="projects.milestone").order_by("id")] == [
        "milestone.created",
        "milestone.updated",
        "milestone.completed",
        "milestone.deleted",
    ]


def test_a_milestone_of_another_project_is_404_through_this_one(world):
    m = f.MilestoneFactory.create(project=world.other_project)
    client = world.client_for(world.investment)
    assert client.get(reverse("projects:milestone_edit", args=[world.project.pk, m.pk])).status_code == 404


def test_monthly_progress_with_photos_served_only_within_scope(world):
    p = world.project
    client = world.client_for(world.task_force)
    response = client.post(
        reverse("projects:progress", args=[p.pk]),
        {
            "period": "2020-06",
            "completed_investment": "1200.5",
            "image_progress": "35",
            "text": "主体施工",
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=p)
    assert report.period == dt.date(2020, 6, 1) and report.completed_investment == Decimal("1200.5")
    assert report.image_progress == 35 and report.photos.count() == 2
    [event] = actions(p, "progress.recorded")
    assert event.after["photos"] == 2
    photo = ProgressPhoto.objects.filter(report=report).first()
    url = reverse("projects:file", args=[p.pk, "photo", photo.pk])
    assert url in client.get(detail(p)).content.decode()
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert world.client_for(world.outsider).get(url).status_code == 404
    assert world.client_for(world.nobody).get(url).status_code == 404


def test_progress_input_errors_are_chinese(world):
    response = world.client_for(world.task_force).post(
        reverse("projects:progress", args=[world.project.pk]),
        {
            "period": "六月",
            "completed_investment": "abc",
            "image_progress": "150",
            "photos": [SimpleUploadedFile("x.jpg", b"not an image")],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "月份：“六月”不是月份，应为 2020-03、2020/3 或 2020年3月" in html
    assert "本月完成投资（万元）：“abc”不是金额" in html
    assert "形象进度（%）：确保该值小于或等于100。" in html
    assert "现场照片：请上传有效图片" in html
    assert not ProgressReport.objects.exists()


def test_funds_are_recorded_by_investment_staff_only(world):
    p = world.project
    assert world.client_for(world.task_force).get(reverse("projects:funds", args=[p.pk])).status_code == 403
    response = world.client_for(world.investment).post(
        reverse("projects:funds", args=[p.pk]), {"period": "2020年6月", "amount": "3000", "origin": "abroad"}
    )
    assert response.status_code == 302
    fund = FundArrival.objects.get(project=p)
    assert fund.period == dt.date(2020, 6, 1) and fund.amount == Decimal("3000") and fund.origin == "abroad"
    assert len(actions(p, "funds.recorded")) == 1
    assert "3,000" in world.client_for(world.investment).get(detail(p)).content.decode()


def test_an_htmx_action_opens_as_a_fragment_and_redirects_the_page_when_done(world):
    p = world.project
    client = world.client_for(world.investment)
    fragment = client.get(reverse("projects:funds", args=[p.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'hx-post="/projects/' in fragment
    response = client.post(
        reverse("projects:funds", args=[p.pk]),
        {"period": "2020-06", "amount": "10", "origin": "in_city"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Redirect"] == detail(p)


def test_investment_staff_create_a_project_in_their_district(world):
    client = world.client_for(world.investment)
    response = client.post(
        reverse("projects:create"),
        {
            "stage": "lead",
            "name": "新能源电池材料",
            "planned_investment": "1.5",
            "kind": "new",
            "township": world.township.pk,
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(name="新能源电池材料")
    assert project.district == world.district and project.stage == Stage.LEAD and project.code is None
    assert response["Location"] == detail(project)
    assert len(actions(project, "project.created")) == 1


def test_creating_a_duplicate_name_shows_the_error_and_others_may_not_create(world):
    client = world.client_for(world.investment)
    response = client.post(
        reverse("projects:create"),
        {"stage": "negotiating", "name": world.project.name, "planned_investment": "100", "kind": "new"},
    )
    assert response.status_code == 422 and "项目名称" in response.content.decode()
    assert Project.objects.filter(name=world.project.name).count() == 1
    assert world.client_for(world.township_user).get(reverse("projects:create")).status_code == 403
    assert world.client_for(world.outsider).get(reverse("projects:create")).status_code == 200  # their own district


# --- review fixes ---------------------------------------------------------------------------


def test_a_milestone_is_deleted_only_at_the_version_the_user_saw(world):
    p = world.project
    m = services.milestone_create(project=p, by=world.investment, name="完成供地", planned_on=dt.date(2020, 6, 30))
    seen = m.version
    client = world.client_for(world.task_force)
    link = f"{reverse('projects:milestone_delete', args=[p.pk, m.pk])}?version={seen}"
    assert link in client.get(detail(p)).content.decode()
    # Someone else moves the date after the page was read.
    services.milestone_update(
        milestone=m, by=world.investment, data={"planned_on": dt.date(2020, 8, 31)}, expected_version=seen
    )
    form = client.get(link, HTTP_HX_REQUEST="true")
    assert f'name="version" value="{seen}"' in form.content.decode()
    stale = client.post(link, {"version": str(seen)}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'id="conflict"' in html and "计划完成日期：2020-08-31" in html
    assert Milestone.objects.filter(pk=m.pk).exists()
    assert not actions(p, "milestone.deleted")
    missing = client.post(reverse("projects:milestone_delete", args=[p.pk, m.pk]), {})
    assert missing.status_code == 422 and Milestone.objects.filter(pk=m.pk).exists()
    current = Milestone.objects.get(pk=m.pk).version
    done = client.post(reverse("projects:milestone_delete", args=[p.pk, m.pk]), {"version": str(current)})
    assert done.status_code == 302 and not Milestone.objects.filter(pk=m.pk).exists()
    assert [e.actor for e in actions(p, "milestone.deleted")] == [world.task_force]


def test_a_conflict_names_every_field_others_changed_in_chinese(world):
    p = world.project
    stale = p.version
    services.project_advance_stage(
        project=p, to=Stage.SIGNED, on=dt.date(2020, 5, 20), by=world.investment, expected_version=stale
    )
    response = world.client_for(world.investment).post(
        reverse("projects:edit", args=[p.pk]), _edit_data(p, version=str(stale), investor="我的修改")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "阶段：签约" in html and "签约日期：2020-05-20" in html
    assert "signed_on" not in html and ">stage" not in html
    p.refresh_from_db()
    assert p.investor == "福建盼盼食品集团"


def test_conflict_labels_come_from_the_model_for_any_field():
    from zhaoluo.core.actions import Action, conflict_context
    from zhaoluo.core.errors import ConflictError
    from zhaoluo.enterprises.models import Enterprise

    action = Action(title="t", url="/", form=None, perform=lambda f: "", model=Enterprise)  # type: ignore[arg-type]
    exc = ConflictError(
        message="已被修改",
        current_version=3,
        changes={"listing": "reserve", "high_tech": True, "district": "襄州区", "employees": None, "not_a_field": 1},
    )
    rows = [(c["label"], c["value"]) for c in conflict_context(exc, action)["changes"]]
    assert rows == [
        ("上市状态", "上市后备"),
        ("高新技术企业", "是"),
        (str(Enterprise._meta.get_field("district").verbose_name), "襄州区"),
        (str(Enterprise._meta.get_field("employees").verbose_name), "（空）"),
        ("not_a_field", "1"),
    ]


def test_overdue_milestones_count_chinese_working_days_like_the_light(world, settings):
    # 2020 National Day: 10-01 … 10-08 off, Saturday 10-10 a make-up working day.
    p = world.project
    m = services.milestone_create(project=p, by=world.investment, name="完成供地", planned_on=dt.date(2020, 9, 30))
    client = world.client_for(world.investment)
    settings.ZHAOLUO_TODAY = "2020-10-08"
    response = client.get(detail(p))
    table = response.content.decode().split('id="milestones"')[1].split("</table>")[0]
    row = response.context["milestones"][0]
    assert row["m"] == m and not row["overdue"] and "未到期" in table and "逾期" not in table
    for today, late in [("2020-10-09", 1), ("2020-10-10", 2), ("2020-10-11", 2)]:  # Sat make-up day counts, Sun not
        settings.ZHAOLUO_TODAY = today
        response = client.get(detail(p))
        row = response.context["milestones"][0]
        assert row["overdue"] and row["late_workdays"] == late, today
        table = response.content.decode().split('id="milestones"')[1].split("</table>")[0]
        assert f"逾期{late}个工作日" in table


def test_next_stage_follows_the_forward_path():
    from zhaoluo.projects.choices import next_stage

    assert next_stage(Stage.LEAD) == Stage.NEGOTIATING
    assert next_stage(Stage.PRODUCING) == Stage.AT_CAPACITY
    assert next_stage(Stage.AT_CAPACITY) is None and next_stage(Stage.TERMINATED) is None
    assert next_stage("nonsense") is None


def test_the_create_form_is_styled_once(world, monkeypatch):
    from zhaoluo.core import forms as core_forms
    from zhaoluo.projects import forms as project_forms

    calls: list[object] = []
    real = core_forms.style_form

    def counting(form):
        calls.append(form)
        return real(form)

    monkeypatch.setattr(core_forms, "style_form", counting)
    monkeypatch.setattr(project_forms, "style_form", counting, raising=False)
    form = project_forms.ProjectCreateForm(user=world.investment)
    assert len(calls) == 1
    assert "form-select" in form.fields["stage"].widget.attrs["class"]
    assert "form-control" in form.fields["name"].widget.attrs["class"]


def test_the_export_is_named_by_the_platforms_today(world, settings):
    settings.ZHAOLUO_TODAY = "2021-01-31"
    response = world.client_for(world.investment).get(reverse("projects:export"))
    assert "20210131" in response["Content-Disposition"]


def test_an_enterprise_contact_sees_no_project_pages(world):
    client = world.client_for(world.enterprise_user)
    listing = client.get(reverse("projects:list"))
    assert listing.status_code == 200 and listing.context["page"].paginator.count == 0
    assert world.project.name not in listing.content.decode()
    assert client.get(detail(world.project)).status_code == 404
    assert client.get(reverse("projects:export")).status_code == 200
    assert client.get(reverse("stats:funnel")).context["stages"][0]["count"] == 0


def test_amounts_are_read_the_way_the_ledgers_read_them(world):
    client = world.client_for(world.investment)
    response = client.post(
        reverse("projects:edit", args=[world.project.pk]), _edit_data(world.project, planned_investment="1.5亿元")
    )
    assert response.status_code in (200, 302)
    world.project.refresh_from_db()
    assert world.project.planned_investment == Decimal("15000")


def test_a_national_code_typed_full_width_without_hyphens_is_stored_hyphenated_and_audited(world):
    p = world.project
    response = world.client_for(world.investment).post(
        reverse("projects:edit", args=[p.pk]), _edit_data(p, national_code="２０２０３２０５０６３９０３５１２３４５")
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.national_code == "2020-320506-39-03-512345" and p.version == 2
    [event] = actions(p, "project.updated")
    assert event.after == {"national_code": "2020-320506-39-03-512345"}


def test_a_national_code_already_on_another_project_is_refused_in_chinese_naming_the_field(world):
    services.project_update(
        project=world.other_project,
        by=world.investment,
        data={"national_code": "2020-320506-39-03-512345"},
        expected_version=world.other_project.version,
    )
    p = world.project
    response = world.client_for(world.investment).post(
        reverse("projects:edit", args=[p.pk]), _edit_data(p, national_code="20203205063903512345")
    )
    assert response.status_code == 422
    assert "全国投资项目代码：该全国投资项目代码已登记在其他项目上" in response.content.decode()
    p.refresh_from_db()
    assert p.national_code == "" and p.version == 1
    assert actions(p, "project.updated") == []
