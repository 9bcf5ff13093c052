from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhaoluo.core.errors import ConflictError, PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises import services
from zhaoluo.enterprises.choices import Listing
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.testing.factories import uscc_with_check

pytestmark = pytest.mark.django_db

KEDE = uscc_with_check("91420607MA4900001")


def test_the_economy_bureau_registers_an_enterprise_with_lower_case_full_width_code_normalised(world):
    typed = KEDE.lower().replace("9", "９")
    e = services.enterprise_create(
        by=world.economy,
        district=world.district,
        data={
            "uscc": typed,
            "name": "湖北科德智能装备有限公司",
            "high_tech": True,
            "high_tech_since": dt.date(2019, 11, 28),
            "listing": Listing.RESERVE,
            "employees": 320,
            "phone": "0710-3456789",
        },
    )
    assert Enterprise.objects.get(pk=e.pk).uscc == KEDE
    event = AuditEvent.objects.get(action="enterprise.created", object_id=str(e.pk))
    assert event.actor == world.economy and event.after["uscc"] == KEDE


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91420607MA49000", "应为 18 位"),
        (KEDE[:-1] + ("0" if KEDE[-1] != "0" else "1"), "校验位错误"),
        ("91420607MA49000I1", None),  # I is outside the code set (and the length is wrong too)
    ],
)
def test_invalid_credit_codes_are_rejected_with_the_reason(world, uscc, message):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(by=world.economy, district=world.district, data={"uscc": uscc, "name": "某企业"})
    assert "uscc" in exc.value.message_dict
    if message:
        assert message in exc.value.message_dict["uscc"][0]
    assert not Enterprise.objects.filter(name="某企业").exists()


def test_a_bad_phone_and_a_certificate_date_without_the_certificate_are_rejected(world):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(
            by=world.economy,
            district=world.district,
            data={"uscc": KEDE, "name": "某企业", "phone": "12345", "high_tech_since": dt.date(2020, 1, 1)},
        )
    assert set(exc.value.message_dict) == {"phone", "high_tech_since"}


def test_a_task_force_member_cannot_edit_the_registry(world):
    with pytest.raises(PermissionDeniedError):
        services.enterprise_create(by=world.task_force, district=world.district, data={"uscc": KEDE, "name": "x"})


def test_a_stale_enterprise_edit_is_refused(world):
    e = Enterprise.objects.get(name="襄阳盼盼食品有限公司")
    v = e.version
    services.enterprise_update(enterprise=e, by=world.economy, data={"employees": 800}, expected_version=v)
    with pytest.raises(ConflictError):
        services.enterprise_update(
            enterprise=Enterprise.objects.get(pk=e.pk), by=world.economy, data={"employees": 1}, expected_version=v
        )
    assert Enterprise.objects.get(pk=e.pk).employees == 800
