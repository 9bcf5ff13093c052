"""Pairing and unpairing: the organiser does it, bad input writes nothing, every write is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.service import selectors, services
from zhaoluo.service.models import Pairing

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_organiser_pairs_a_cadre_with_an_enterprise_and_the_audit_row_says_so(service):
    pairing = services.pairing_create(
        by=service.world.economy,
        cadre=service.other_cadre.official,
        enterprise=service.other_enterprise,
        since=D(2021, 1, 4),
    )
    assert Pairing.objects.filter(pk=pairing.pk, since=D(2021, 1, 4), until=None).exists()
    event = AuditEvent.objects.get(action="pairing.created", object_id=str(pairing.pk))
    assert event.after["cadre"] == "周平" and event.after["enterprise"] == "襄阳金恒昌纺织有限公司"


def test_a_cadre_cannot_pair_themselves_and_nothing_is_written(service):
    with pytest.raises(PermissionDeniedError):
        services.pairing_create(by=service.cadre, cadre=service.cadre_official, enterprise=service.other_enterprise)
    assert Pairing.objects.count() == 1


def test_a_pairing_ending_before_it_starts_is_refused_naming_the_field(service):
    with pytest.raises(ValidationError) as exc:
        services.pairing_create(
            by=service.world.economy,
            cadre=service.other_cadre.official,
            enterprise=service.other_enterprise,
            since=D(2021, 3, 1),
            until=D(2021, 2, 1),
        )
    assert exc.value.message_dict == {"until": ["结束日期不能早于起始日期"]}
    assert Pairing.objects.count() == 1 and not AuditEvent.objects.filter(action="pairing.created").exists()


def test_a_second_pairing_of_the_same_cadre_and_enterprise_is_refused(service):
    with pytest.raises(ValidationError) as exc:
        services.pairing_create(by=service.world.economy, cadre=service.cadre_official, enterprise=service.enterprise)
    assert "已包联" in exc.value.message_dict["enterprise"][0]


def test_unpairing_sets_the_end_date_and_keeps_the_record(service):
    services.pairing_end(pairing=service.pairing, by=service.world.economy, reason="干部调岗")
    service.pairing.refresh_from_db()
    assert service.pairing.until == D(2021, 3, 31) and service.pairing.end_reason == "干部调岗"
    event = AuditEvent.objects.get(action="pairing.ended")
    assert event.after["until"] == "2021-03-31"


def test_a_cadre_sees_only_their_own_pairings_and_outsiders_see_none(service):
    services.pairing_create(
        by=service.world.economy, cadre=service.other_cadre.official, enterprise=service.other_enterprise
    )
    assert list(selectors.pairing_list(user=service.cadre)) == [service.pairing]
    assert selectors.pairing_list(user=service.world.economy).count() == 2
    assert list(selectors.pairing_list(user=service.world.enterprise_user)) == [service.pairing]
    for persona in (service.world.outsider, service.world.nobody, service.world.unit, service.world.sysadmin):
        assert not selectors.pairing_list(user=persona).exists()
