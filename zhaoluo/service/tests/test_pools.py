"""Enterprise pools as dated memberships: entering and leaving with reasons, 小升规 candidates by a
data rule, the 高企 certificate's three years and its reminder, and the figures per year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.core.models import AuditEvent
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.notify.models import Notification
from zhaoluo.service import pools, services
from zhaoluo.service.choices import Pool
from zhaoluo.service.models import PoolMembership

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_high_tech_certificate_runs_three_years_and_leaving_keeps_the_history(service):
    economy = service.world.economy
    m = pools.pool_enter(
        by=economy, enterprise=service.enterprise, pool=Pool.HIGH_TECH, entered_on=D(2020, 11, 30), reason="认定"
    )
    assert m.certificate_expires_on == D(2023, 11, 30)
    pools.pool_leave(by=economy, membership=m, left_on=D(2021, 3, 1), reason="主动放弃资格")
    m.refresh_from_db()
    assert (m.left_on, m.left_reason) == (D(2021, 3, 1), "主动放弃资格")
    assert [
        e.action
        for e in AuditEvent.objects.filter(object_id=str(m.pk), object_type="service.poolmembership").order_by("seq")
    ] == [
        "pool.entered",
        "pool.left",
    ]
    with pytest.raises(PermissionDeniedError):
        pools.pool_enter(by=service.cadre, enterprise=service.enterprise, pool=Pool.LISTING, entered_on=D(2021, 1, 1))
    with pytest.raises(ValidationError):
        pools.pool_enter(by=economy, enterprise=service.enterprise, pool=Pool.ABOVE_SCALE, entered_on=D(2021, 4, 1))


def test_the_figures_per_year_count_new_members_and_year_end_sizes_and_drill_down(service):
    economy = service.world.economy
    other = service.other_enterprise
    pools.pool_enter(by=economy, enterprise=service.enterprise, pool=Pool.ABOVE_SCALE, entered_on=D(2019, 12, 31))
    pools.pool_enter(by=economy, enterprise=other, pool=Pool.ABOVE_SCALE, entered_on=D(2020, 8, 31), reason="小升规")
    left = pools.pool_enter(by=economy, enterprise=other, pool=Pool.LISTING, entered_on=D(2020, 1, 5))
    pools.pool_leave(by=economy, membership=left, left_on=D(2020, 12, 31), reason="上市")
    pools.pool_enter(by=economy, enterprise=other, pool=Pool.LISTED, entered_on=D(2020, 12, 31))
    result = pools.pool_figures(PoolMembership.objects.all(), 2020)
    assert result["new_above_scale"] == 1 and result["new_high_tech"] == 0
    assert result["size_above_scale"] == 2 and result["size_listing"] == 0 and result["size_listed"] == 1
    drilled = pools.drilldown(PoolMembership.objects.all(), 2020, "new_above_scale")
    assert [m.enterprise.name for m in drilled] == ["襄阳金恒昌纺织有限公司"]
    page = service.world.client_for(economy).get(reverse("service:pools"), {"year": 2020, "show": "new_above_scale"})
    assert page.context["figures"] == result and "小升规" in page.content.decode()


def test_an_enterprise_whose_visit_reports_2000_wan_revenue_is_a_candidate_for_above_scale(service):
    services.visit_record(
        by=service.cadre,
        enterprise=service.enterprise,
        visited_on=D(2021, 3, 1),
        mode="on_site",
        answers={"revenue": "2150"},
    )
    rule = pools.PROMOTION_RULES[0]
    found = pools.candidates(Enterprise.objects.all(), rule, D(2021, 3, 31))
    assert [(e.name, v) for e, v in found] == [("襄阳盼盼食品有限公司", 2150)]
    pools.pool_enter(
        by=service.world.economy, enterprise=service.enterprise, pool=Pool.ABOVE_SCALE, entered_on=D(2021, 3, 31)
    )
    assert pools.candidates(Enterprise.objects.all(), rule, D(2021, 3, 31)) == []


def test_the_organiser_hears_once_of_a_certificate_expiring_within_three_months(service):
    pools.pool_enter(
        by=service.world.economy, enterprise=service.enterprise, pool=Pool.HIGH_TECH, entered_on=D(2018, 5, 20)
    )
    pools.pool_enter(
        by=service.world.economy, enterprise=service.other_enterprise, pool=Pool.HIGH_TECH, entered_on=D(2019, 5, 20)
    )
    assert pools.pools_tick(D(2021, 3, 31)) == {"high_tech_expiry_reminders": 1}
    assert pools.pools_tick(D(2021, 3, 31)) == {"high_tech_expiry_reminders": 0}
    note = Notification.objects.get(recipient=service.world.economy)
    assert note.subject == "高企证书即将到期：襄阳盼盼食品有限公司" and "2021-05-20" in note.body
