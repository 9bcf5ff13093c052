from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhaoluo.chains.services import chain_create, cluster_create, link_create
from zhaoluo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_cluster_chain_link_are_created_and_audited() -> None:
    cluster = cluster_create(by=None, name=" 纺织服装 ", is_leading=True)
    chain = chain_create(by=None, name="卫材", cluster=cluster)
    link = link_create(by=None, chain=chain, name="无纺布")
    assert cluster.name == "纺织服装" and cluster.is_leading
    assert str(link) == "卫材/无纺布"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["cluster.created", "chain.created", "chain_link.created"]
    assert AuditEvent.objects.get(action="chain_link.created").parent_id == str(chain.pk)


def test_a_link_name_is_unique_within_its_chain() -> None:
    chain = chain_create(by=None, name="卫材")
    link_create(by=None, chain=chain, name="熔喷布")
    with pytest.raises(ValidationError):
        link_create(by=None, chain=chain, name="熔喷布")
