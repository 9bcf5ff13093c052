"""The 干部名册 (`officials` ledger): who is on it, how it is keyed, and that a district's
officials, leaders without a unit included, stay that district's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhaoluo.core import crypto
from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.tests.conftest import counts, write_csv, zhaoluo
from zhaoluo.orgs import selectors
from zhaoluo.orgs.choices import Body
from zhaoluo.orgs.models import Official, Unit
from zhaoluo.projects import services as project_services
from zhaoluo.testing import factories as f
from zhaoluo.testing.fixtures import World

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "所在单位", "职务", "职级", "四大家", "手机"]
ROSTER = [
    HEADER,
    ["刘明锋", "", "区委副书记、区长", "正处级", "区政府", "13907100001"],
    ["黄进", "", "区委书记", "正处级", "区委", ""],
    ["陈红", "", "区人大常委会主任", "正处级", "人大", ""],
    ["张伟", "区发改局", "局长", "正科级", "", "13907100002"],
    ["张伟", "区商务局", "副局长", "副科级", "", ""],
]


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


def import_roster(tmp_path, rows, *args: str):
    return zhaoluo("import", "officials", str(write_csv(tmp_path / "干部名册.csv", rows)), "--district", *args)


def test_the_roster_puts_every_official_in_the_district_leaders_without_a_unit_included(world: World, tmp_path):
    result = import_roster(tmp_path, ROSTER, "420607")

    assert result.code == 0, result.err
    assert "新增 5" in result.out
    mayor = Official.objects.get(name="刘明锋")
    assert (mayor.unit, mayor.body, mayor.district, mayor.rank) == (None, Body.GOVERNMENT, world.district, "正处级")
    assert mayor.mobile == "13907100001"
    assert Official.objects.get(name="陈红").body == Body.CONGRESS
    # The same name in two units is two people.
    assert sorted(Official.objects.filter(name="张伟").values_list("unit__name", "title")) == [
        ("区发改局", "局长"),
        ("区商务局", "副局长"),
    ]
    assert set(Unit.objects.filter(name__in=["区发改局", "区商务局"]).values_list("region", flat=True)) == {
        world.district.pk
    }
    assert AuditEvent.objects.filter(action="official.created").count() == 5


def test_the_mobile_number_is_stored_encrypted(world: World, tmp_path):
    import_roster(tmp_path, ROSTER, "420607")

    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM orgs_official WHERE name = %s", ["刘明锋"])
        (stored,) = cursor.fetchone()
    assert crypto.is_encrypted(stored)
    assert "13907100001" not in stored
    assert Official.objects.get(name="刘明锋").mobile == "13907100001"


def test_the_roster_imported_again_and_its_masked_export_imported_back_change_nothing(world: World, tmp_path):
    import_roster(tmp_path, ROSTER, "420607")
    before = counts()

    again = import_roster(tmp_path, ROSTER, "420607")
    exported = tmp_path / "导出.xlsx"
    assert zhaoluo("export", "officials", str(exported), "--district", "420607").code == 0
    back = zhaoluo("import", "officials", str(exported), "--district", "420607")

    assert "新增 0，更新 0，未变 5" in again.out
    assert back.code == 0, back.err
    # The world's three officials are exported too.
    assert "新增 0，更新 0，未变 8" in back.out
    assert Official.objects.get(name="刘明锋").mobile == "13907100001"
    assert counts()["AuditEvent"] == before["AuditEvent"] + 1 + 1 + 1  # two imports' and one export's rows


def test_a_changed_title_updates_the_official_with_an_audit_row(world: World, tmp_path):
    import_roster(tmp_path, ROSTER, "420607")
    changed = [HEADER, ["张伟", "区发改局", "党组书记、局长", "正科级", "", "13907100002"]]

    result = import_roster(tmp_path, changed, "420607")

    assert "更新 1" in result.out
    assert Official.objects.get(name="张伟", unit__name="区发改局").title == "党组书记、局长"
    event = AuditEvent.objects.get(action="official.updated")
    assert event.after == {"title": "党组书记、局长"}


def test_bad_roster_rows_are_named_by_row_and_column_and_nothing_is_written(world: World, tmp_path):
    before = counts()
    rows = [
        HEADER,
        ["李四", "区发改局", "局长", "正科级", "", "1390710000"],
        ["王五", "", "副区长", "副处级", "区法院", ""],
        ["赵六", "", "科员", "", "", ""],
        ["钱七", "区发改局", "科员", "", "", "0710-3214567"],
    ]

    result = import_roster(tmp_path, rows, "420607")

    assert result.code == 2
    assert result.errors == [
        "第2行 手机: 手机号码应为 11 位大陆手机号（1 开头，第二位 3–9）",
        "第3行 四大家: “区法院”应为 区委 / 区人大常委会 / 区政府 / 区政协 / 人大 / 区人大 / 政府 / 政协",
        "第4行 所在单位: 所在单位和四大家至少填写一项",
        "第5行 手机: 手机号码应为 11 位大陆手机号（1 开头，第二位 3–9）",
    ]
    assert counts() == before


def test_a_leader_without_a_unit_is_neither_listed_nor_assignable_in_another_district(world: World, tmp_path):
    import_roster(tmp_path, ROSTER, "420607")
    mayor = Official.objects.get(name="刘明锋")
    other_project = f.ProjectFactory.create(
        district=world.other_district, name="襄城项目", planned_investment=Decimal(100)
    )

    # Pages and pickers, and the API the pickers call.
    assert mayor in selectors.leaders(user=world.investment)
    assert mayor not in selectors.officials(user=world.outsider)
    assert mayor not in selectors.leaders(user=world.outsider)
    response = world.client_for(world.outsider).get("/api/orgs/officials/?leaders=1")
    assert response.status_code == 200
    assert "刘明锋" not in {row["name"] for row in response.json()}
    # The service behind the page and the API.
    with pytest.raises(ValidationError, match="包保领导不是本区干部"):
        project_services.project_update(
            project=other_project, by=world.outsider, data={"leader": mayor}, expected_version=None
        )
    # A ledger of the other district naming the leader does not reach this district's leader.
    ledger = write_csv(
        tmp_path / "项目台账.csv",
        [["项目名称", "计划总投资（万元）", "包保领导"], ["襄城新项目", "100", "刘明锋"]],
    )
    strict = zhaoluo("import", "projects", str(ledger), "--district", "420602", "--strict")
    assert strict.code == 2
    assert strict.errors == ["第2行 包保领导: 未找到领导“刘明锋”（--strict 模式下不自动新建）"]
    other_project.refresh_from_db()
    assert other_project.leader is None


def test_a_roster_import_into_another_district_keeps_its_officials_and_units_apart(world: World, tmp_path):
    import_roster(tmp_path, ROSTER, "420607")

    result = import_roster(tmp_path, ROSTER, "420602")

    assert result.code == 0, result.err
    assert "新增 5" in result.out
    # Each district has its own 区发改局, and its own 张伟 in it.
    assert set(Unit.objects.filter(name="区发改局").values_list("region__code", flat=True)) == {"420607", "420602"}
    assert Official.objects.filter(name="张伟", unit__name="区发改局").count() == 2
    assert Official.objects.filter(name="刘明锋").count() == 2
    assert set(Official.objects.filter(name="刘明锋").values_list("district__code", flat=True)) == {
        "420607",
        "420602",
    }
    assert [o.district.code for o in selectors.officials(user=world.outsider) if o.name == "刘明锋"] == ["420602"]


def test_a_leader_created_without_unit_or_district_is_refused(world: World):
    from zhaoluo.orgs import services

    with pytest.raises(ValidationError, match="须指定所属区县"):
        services.official_create(by=None, name="无处安放", body=Body.GOVERNMENT)
    assert not Official.objects.filter(name="无处安放").exists()


def test_a_unit_name_is_unique_within_a_district_townships_included(world: World):
    from zhaoluo.orgs import services

    with pytest.raises(ValidationError, match="襄州区已有单位“区发改局”"):
        services.unit_create(by=None, name="区发改局", region=world.township)
    other = services.unit_create(by=None, name="区发改局", region=world.other_district)
    assert other.region == world.other_district
    assert Unit.objects.filter(name="区发改局").count() == 2
