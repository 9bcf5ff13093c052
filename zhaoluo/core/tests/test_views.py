"""Login, logout, the layout and 我的工作."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from zhaoluo.projects import services
from zhaoluo.projects.choices import Light
from zhaoluo.projects.models import Project
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
# Wednesday 2020-06-10: the week is Monday 06-08 .. Sunday 06-14.
WEDNESDAY = dt.datetime(2020, 6, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_the_login_page_is_chinese_and_logs_in(client, world):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "登录招落通" in page.content.decode()
    wrong = client.post(reverse("login"), {"username": "zhaoshang", "password": "wrong"})
    assert wrong.status_code == 200 and "用户名或密码错误" in wrong.content.decode()
    response = client.post(reverse("login"), {"username": "zhaoshang", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_logout_is_a_post_and_returns_to_login(world):
    client = world.client_for(world.investment)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_the_layout_shows_the_name_role_and_nav_without_admin_for_others(world):
    html = world.client_for(world.leader).get(reverse("home")).content.decode()
    assert "王海" in html and "包保领导" in html
    for label in ("我的工作", "项目", "漏斗", "企业"):
        assert label in html
    assert "管理后台" not in html
    assert "管理后台" in world.client_for(world.sysadmin).get(reverse("home")).content.decode()


def test_pages_load_nothing_from_a_cdn_and_carry_no_inline_script(world):
    html = world.client_for(world.investment).get(reverse("projects:list")).content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    scripts = html.split("<script")[1:]
    assert scripts and all(chunk.lstrip().startswith("src=") for chunk in scripts)
    assert "/static/django_htmx/htmx-2.min.js" in html


@time_machine.travel(WEDNESDAY, tick=False)
def test_my_work_lists_my_projects_this_weeks_milestones_and_overdue_ones(world):
    p = world.project
    services.milestone_create(project=p, by=world.investment, name="本周节点", planned_on=dt.date(2020, 6, 12))
    services.milestone_create(project=p, by=world.investment, name="逾期节点", planned_on=dt.date(2020, 6, 1))
    services.milestone_create(project=p, by=world.investment, name="下周节点", planned_on=dt.date(2020, 6, 16))
    services.milestone_create(
        project=p, by=world.investment, name="已完成节点", planned_on=dt.date(2020, 6, 9), actual_on=dt.date(2020, 6, 9)
    )
    response = world.client_for(world.leader).get(reverse("home"))
    assert response.status_code == 200
    assert [(r["m"].name, r["late_workdays"]) for r in response.context["milestones"]] == [
        ("逾期节点", 7),  # 06-02 … 06-10: seven working days
        ("本周节点", 0),
    ]
    assert (response.context["monday"], response.context["sunday"]) == (dt.date(2020, 6, 8), dt.date(2020, 6, 14))
    html = response.content.decode()
    assert "逾期7个工作日" in html and "下周节点" not in html
    assert [q.name for q in response.context["projects"]] == ["盼盼食品精深加工基地"]
    p.refresh_from_db()
    assert p.light == Light.RED  # an overdue milestone > 5 working days
    assert response.context["red_count"] == 1 and response.context["yellow_count"] == 0


def test_my_work_counts_red_and_yellow_among_my_own_projects_only(world):
    f.ProjectFactory.create(district=world.district, name="黄灯项目", leader=world.leader_official, light=Light.YELLOW)
    f.ProjectFactory.create(district=world.district, name="别人的红灯项目", light=Light.RED)
    response = world.client_for(world.leader).get(reverse("home"))
    names = [p.name for p in response.context["projects"]]
    assert "黄灯项目" in names and "别人的红灯项目" not in names
    assert response.context["yellow_count"] == 1


def test_my_work_is_empty_for_someone_with_no_scope(world):
    response = world.client_for(world.nobody).get(reverse("home"))
    assert response.status_code == 200 and response.context["projects"] == []


def test_an_enterprise_contact_gets_their_enterprise_and_no_project_navigation(world):
    client = world.client_for(world.enterprise_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    enterprise = world.project.enterprise
    assert reverse("enterprises:detail", args=[enterprise.pk]) in html and enterprise.name in html
    assert reverse("projects:list") not in html and reverse("stats:funnel") not in html
    assert world.project.name not in html and "红灯项目" not in html
    assert response.context["projects"] == []
    # Staff who see projects keep the project pages in their navigation.
    staff = world.client_for(world.investment).get(reverse("home")).content.decode()
    assert reverse("projects:list") in staff and reverse("stats:funnel") in staff


def test_my_projects_are_ordered_red_yellow_green_then_unlit(world):
    lights = [("绿灯项目", Light.GREEN), ("黄灯项目", Light.YELLOW), ("未亮灯项目", ""), ("红灯项目", Light.RED)]
    for name, light in lights:
        project = f.ProjectFactory.create(district=world.district, name=name, leader=world.leader_official)
        Project.objects.filter(pk=project.pk).update(light=light)
    Project.objects.filter(pk=world.project.pk).update(light=Light.GREEN)
    names = [p.name for p in world.client_for(world.leader).get(reverse("home")).context["projects"]]
    assert names == ["红灯项目", "黄灯项目", "盼盼食品精深加工基地", "绿灯项目", "未亮灯项目"]
