"""`zhaoluo setup --district CODE`: a fresh install moves its district in from the code alone."""

from __future__ import annotations

import pytest

from zhaoluo.core.models import AuditEvent
from zhaoluo.ledgers.tests.conftest import zhaoluo
from zhaoluo.orgs import divisions
from zhaoluo.orgs.choices import RegionLevel
from zhaoluo.orgs.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _configured_field_key(settings):
    settings.ZHAOLUO_FIELD_KEYS, settings.ZHAOLUO_FIELD_KEY_ID = "test:bGVkZ2VyLXRlc3RzLWtleQ==", "test"


def chain_of(code: str) -> list[tuple[str, str, str]]:
    region: Region | None = Region.objects.get(code=code)
    out = []
    while region is not None:
        out.append((region.code, region.name, region.level))
        region = region.parent
    return out


def test_setup_builds_province_city_and_district_with_their_official_names_and_makes_it_home():
    result = zhaoluo("setup", "--district", "420607")

    assert result.code == 0, result.err
    assert chain_of("420607") == [
        ("420607", "襄州区", RegionLevel.DISTRICT),
        ("420600", "襄阳市", RegionLevel.CITY),
        ("420000", "湖北省", RegionLevel.PROVINCE),
    ]
    assert list(Region.objects.filter(is_home=True).values_list("code", flat=True)) == ["420607"]
    assert AuditEvent.objects.filter(action="region.created").count() == 3
    assert "湖北省 / 襄阳市 / 襄州区" in result.out
    for step in ("--role sysadmin", "--role secadmin", "--role auditadmin", "import officials", "import problems"):
        assert step in result.out


def test_running_setup_again_changes_nothing_and_says_so():
    zhaoluo("setup", "--district", "420607")
    events = AuditEvent.objects.count()

    again = zhaoluo("setup", "--district", "420607")

    assert again.code == 0
    assert "已经建立，未作任何修改" in again.out
    assert Region.objects.count() == 3
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("code", "message"),
    [("999999", "代码表中没有 999999"), ("420600", "请填写区县一级"), ("42060", "应为 6 位数字")],
)
def test_an_unknown_or_non_county_code_is_refused_with_exit_status_1_and_nothing_written(code, message):
    result = zhaoluo("setup", "--district", code)

    assert result.code == 1
    assert message in result.err
    assert Region.objects.count() == 0


def test_a_second_district_joins_the_same_city_without_taking_over_the_home_district():
    zhaoluo("setup", "--district", "420607")

    second = zhaoluo("setup", "--district", "420606")

    assert second.code == 0
    assert Region.objects.get(code="420606").parent == Region.objects.get(code="420600")
    assert Region.objects.filter(level=RegionLevel.CITY).count() == 1
    assert Region.objects.get(is_home=True).code == "420607"
    assert "--district 420606" in second.out


def test_a_directly_administered_county_level_city_gets_the_provinces_direct_group():
    assert divisions.chain("429004") == divisions.Chain(
        province=("420000", "湖北省"), city=("429000", "省直辖县级行政区划"), district=("429004", "仙桃市")
    )


def test_the_import_command_defaults_to_the_home_district_once_two_exist(tmp_path):
    zhaoluo("setup", "--district", "420606")
    zhaoluo("setup", "--district", "420607")
    roster = tmp_path / "名册.csv"
    roster.write_text("姓名,四大家\n刘明锋,区政府\n", encoding="utf-8")

    result = zhaoluo("import", "officials", str(roster))

    assert result.code == 0, result.err
    assert Region.objects.get(is_home=True).code == "420606"
    assert Region.objects.get(code="420606").officials.get().name == "刘明锋"
