"""Turning the names a ledger uses into records: units, townships, officials, clusters, links.

Everything the district already has is loaded once per import. A name the platform does not
know is created through the owning app's service and reported as a warning (so a typo is
seen), or, under --strict, reported as an error instead.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Q

from zhaoluo.chains import services as chain_services
from zhaoluo.chains.models import Chain, ChainLink, Cluster
from zhaoluo.orgs import services as org_services
from zhaoluo.orgs.choices import Body, RegionLevel, UnitKind
from zhaoluo.orgs.models import Official, Region, Unit


class ResolveContext(Protocol):
    """What the resolver reads of the import it serves (engine.ImportContext is one): the engine
    builds the resolver, so the resolver names only this, not the engine."""

    by: Any
    district: Any
    strict: bool

    def error(self, row: int, key: str, message: str, value: Any = None) -> None: ...

    def unknown_name(self, row: int, key: str, message: str, value: Any) -> None: ...


# A township created from a ledger gets a provisional code in this range under the district
# (GB/T 2260 township codes are 3 more digits); the administrator corrects it later.
_PROVISIONAL_TOWNSHIP_CODES = range(990, 900, -1)


class Resolver:
    def __init__(self, ctx: ResolveContext) -> None:
        self.ctx = ctx
        self._townships: dict[str, Region] | None = None
        self._units: dict[str, Unit] | None = None
        self._officials: dict[str, list[Official]] | None = None
        self._clusters: dict[str, Cluster] | None = None
        self._links: dict[tuple[str, str], ChainLink] | None = None
        self._chains: dict[str, Chain] | None = None

    # Townships ---------------------------------------------------------------------------
    def township(self, row: int, key: str, name: str) -> Region | None:
        if not name:
            return None
        if self._townships is None:
            self._townships = {
                r.name: r for r in Region.objects.filter(parent=self.ctx.district, level=RegionLevel.TOWNSHIP)
            }
        found = self._townships.get(name)
        if found is None:
            found = self._create_township(row, key, name)
        return found

    def _create_township(self, row: int, key: str, name: str) -> Region | None:
        self.ctx.unknown_name(row, key, f"已新建镇街“{name}”（临时地区代码，请在系统管理中核实）", name)
        if self.ctx.strict:
            return None
        used = set(Region.objects.filter(parent=self.ctx.district).values_list("code", flat=True))
        code = next(
            (
                f"{self.ctx.district.code}{n:03d}"
                for n in _PROVISIONAL_TOWNSHIP_CODES
                if f"{self.ctx.district.code}{n:03d}" not in used
            ),
            None,
        )
        if code is None:
            self.ctx.error(row, key, f"无法为镇街“{name}”分配临时代码，请先在系统管理中建立", name)
            return None
        region = org_services.region_create(
            by=self.ctx.by, code=code, name=name, level=RegionLevel.TOWNSHIP, parent=self.ctx.district
        )
        assert self._townships is not None
        self._townships[name] = region
        return region

    # Units -------------------------------------------------------------------------------
    def unit(self, row: int, key: str, name: str, *, declares: bool = False) -> Unit | None:
        """The district's unit of that name. A name only another district has is an error, not a
        guess; the roster (`declares`) is where a district names its own units, so there a second
        district's 区发改局 is created beside the first one's."""
        if not name:
            return None
        if self._units is None:
            district = self.ctx.district
            self._units = {
                u.name: u
                for u in Unit.objects.filter(Q(region=district) | Q(region__parent=district)).select_related("region")
            }
        found = self._units.get(name)
        if found is not None:
            return found
        if not declares and Unit.objects.filter(name=name).exists():
            self.ctx.error(row, key, f"单位“{name}”不是本区单位", name)
            return None
        self.ctx.unknown_name(row, key, f"已新建单位“{name}”", name)
        if self.ctx.strict:
            return None
        kind = UnitKind.TOWNSHIP if name.endswith(("镇人民政府", "街道办事处", "乡人民政府")) else UnitKind.DEPARTMENT
        unit = org_services.unit_create(by=self.ctx.by, name=name, region=self.ctx.district, kind=kind)
        self._units[name] = unit
        return unit

    # Officials ---------------------------------------------------------------------------
    def _load_officials(self) -> dict[str, list[Official]]:
        if self._officials is None:
            by_name: dict[str, list[Official]] = {}
            for official in Official.objects.filter(district=self.ctx.district).select_related("unit"):
                by_name.setdefault(official.name, []).append(official)
            self._officials = by_name
        return self._officials

    def official(self, row: int, key: str, name: str, *, leader: bool = False) -> Official | None:
        if not name:
            return None
        candidates = self._load_officials().get(name, [])
        if leader:
            candidates = [o for o in candidates if o.body] or candidates
        if len(candidates) > 1:
            self.ctx.error(row, key, f"本区有 {len(candidates)} 名干部同名“{name}”，请在系统中区分后再导入", name)
            return None
        if candidates:
            return candidates[0]
        if leader:
            message = f"已新建领导“{name}”（默认列入区政府，请在系统管理中核实所属四大家）"
        else:
            message = f"已新建干部“{name}”"
        self.ctx.unknown_name(row, key, message, name)
        if self.ctx.strict:
            return None
        official = org_services.official_create(
            by=self.ctx.by, name=name, body=Body.GOVERNMENT if leader else "", district=self.ctx.district
        )
        self._load_officials()[name] = [official]
        return official

    # Clusters and chain links -------------------------------------------------------------
    def cluster(self, row: int, key: str, name: str) -> Cluster | None:
        if not name:
            return None
        if self._clusters is None:
            self._clusters = {c.name: c for c in Cluster.objects.all()}
        found = self._clusters.get(name)
        if found is None:
            self.ctx.unknown_name(row, key, f"已新建产业集群“{name}”", name)
            if self.ctx.strict:
                return None
            found = chain_services.cluster_create(by=self.ctx.by, name=name)
            self._clusters[name] = found
        return found

    def chain_link(self, row: int, key: str, value: str, cluster: Cluster | None) -> ChainLink | None:
        """`链/环节`, e.g. 纺织服装/纺纱."""
        if not value:
            return None
        chain_name, _, link_name = (part.strip() for part in value.partition("/"))
        if not chain_name or not link_name:
            self.ctx.error(row, key, "应写成“产业链/环节”，如 纺织服装/纺纱", value)
            return None
        if self._links is None:
            self._links = {(lk.chain.name, lk.name): lk for lk in ChainLink.objects.select_related("chain")}
            self._chains = {c.name: c for c in Chain.objects.all()}
        assert self._chains is not None
        found = self._links.get((chain_name, link_name))
        if found is not None:
            return found
        self.ctx.unknown_name(row, key, f"已新建产业链环节“{chain_name}/{link_name}”", value)
        if self.ctx.strict:
            return None
        chain = self._chains.get(chain_name)
        if chain is None:
            chain = chain_services.chain_create(by=self.ctx.by, name=chain_name, cluster=cluster)
            self._chains[chain_name] = chain
        found = chain_services.link_create(by=self.ctx.by, chain=chain, name=link_name)
        self._links[(chain_name, link_name)] = found
        return found
