"""All writes to clusters, chains and links (补链/延链/强链 data)."""

from __future__ import annotations

from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.orgs.models import User

from .models import Chain, ChainLink, Cluster


@transaction.atomic
def cluster_create(*, by: User | None, name: str, is_leading: bool = False) -> Cluster:
    cluster = Cluster(name=name.strip(), is_leading=is_leading)
    cluster.full_clean()
    cluster.save()
    audit.record(actor=by, action="cluster.created", obj=cluster, after=audit.snapshot(cluster))
    return cluster


@transaction.atomic
def chain_create(*, by: User | None, name: str, cluster: Cluster | None = None) -> Chain:
    chain = Chain(name=name.strip(), cluster=cluster)
    chain.full_clean()
    chain.save()
    audit.record(actor=by, action="chain.created", obj=chain, after=audit.snapshot(chain))
    return chain


@transaction.atomic
def link_create(*, by: User | None, chain: Chain, name: str) -> ChainLink:
    link = ChainLink(chain=chain, name=name.strip())
    link.full_clean()
    link.save()
    audit.record(actor=by, action="chain_link.created", obj=link, after=audit.snapshot(link), parent=chain)
    return link
