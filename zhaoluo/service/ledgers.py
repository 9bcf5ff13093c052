"""The 包联台账 kind (shared/LEDGERS.md `pairings`, key 干部姓名 + enterprise)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from zhaoluo.core import audit, clock
from zhaoluo.core import parsing as p
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register
from zhaoluo.orgs import services as org_services
from zhaoluo.orgs.models import Official

from . import selectors
from .filters import PairingFilterSet
from .models import Pairing
from .permissions import ORGANISER_ROLES
from .services import PAIRING_AUDITED

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

DATE_HELP = "日期：2020-03-14、2020/3/14、2020.3.14、2020年3月14日或 Excel 日期"
DATE_FORMAT = "yyyy-mm-dd"

COLUMNS = [
    Column("cadre", "干部姓名", p.text, required=True, help="必填；系统中没有的干部将新建并提示"),
    Column("title", "职务", p.text),
    Column("rank", "职级", p.text, help="如 正科级、副科级、正处级"),
    Column("unit", "所在单位", p.text, help="本区单位名称；同名干部以单位区分"),
    Column("enterprise_uscc", "企业信用代码", p.uscc, help="与企业名称二选一，须为系统中已有的企业"),
    Column("enterprise_name", "企业名称", p.text, help="与企业信用代码二选一，须为系统中已有的企业"),
    Column("since", "起始日期", p.date, help=f"空白为导入当天。{DATE_HELP}", number_format=DATE_FORMAT),
    Column("until", "结束日期", p.date, help=f"不早于起始日期；空白为仍在包联。{DATE_HELP}", number_format=DATE_FORMAT),
]


def check_row(values: Values) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if not values.get("enterprise_uscc") and not values.get("enterprise_name"):
        errors.append(("enterprise_uscc", "企业信用代码和企业名称须至少填写一项"))
    since, until = values.get("since"), values.get("until")
    if since and until and until < since:
        errors.append(("until", "结束日期不能早于起始日期"))
    return errors


def _enterprise_key(values: Values) -> str:
    return values.get("enterprise_uscc") or f"name:{values.get('enterprise_name')}"


def row_key(values: Values) -> Any:
    return (values.get("cadre"), values.get("unit") or "", _enterprise_key(values))


def _enterprise(row: Row, ctx: ImportContext) -> Enterprise | None:
    v = row.values
    district = Q(district=ctx.district)
    found = None
    if v.get("enterprise_uscc"):
        found = Enterprise.objects.filter(district, uscc=v["enterprise_uscc"]).first()
        if found is None:
            ctx.error(row.number, "enterprise_uscc", "本区没有该信用代码的企业", v["enterprise_uscc"])
            return None
        if v.get("enterprise_name") and found.name != v["enterprise_name"]:
            ctx.error(row.number, "enterprise_name", f"与信用代码对应的企业“{found.name}”不一致", v["enterprise_name"])
            return None
        return found
    found = Enterprise.objects.filter(district, name=v["enterprise_name"]).first()
    if found is None:
        ctx.error(row.number, "enterprise_name", "本区没有该名称的企业", v["enterprise_name"])
    return found


def _cadre(row: Row, ctx: ImportContext) -> Official | None:
    v = row.values
    name = v["cadre"]
    unit = ctx.resolver.unit(row.number, "unit", v.get("unit") or "")
    if v.get("unit") and unit is None:
        return None
    district = ctx.district
    in_district = Q(unit__region=district) | Q(unit__region__parent=district) | Q(unit__isnull=True)
    candidates = list(Official.objects.filter(in_district, name=name).select_related("unit"))
    if unit is not None:
        candidates = [o for o in candidates if o.unit_id == unit.pk]
    if len(candidates) > 1:
        ctx.error(row.number, "cadre", f"本区有 {len(candidates)} 名干部同名“{name}”，请填写所在单位加以区分", name)
        return None
    if candidates:
        return candidates[0]
    ctx.unknown_name(row.number, "cadre", f"已新建干部“{name}”", name)
    if ctx.strict:
        return None
    return org_services.official_create(
        by=ctx.by, name=name, title=v.get("title") or "", rank=v.get("rank") or "", unit=unit
    )


def write(rows: Sequence[Row], ctx: ImportContext) -> None:
    today = clock.today()
    events = []
    for row in rows:
        errors_before = ctx.result.error_count
        enterprise = _enterprise(row, ctx)
        cadre = _cadre(row, ctx)
        if ctx.result.error_count > errors_before or enterprise is None or cadre is None:
            continue
        v = row.values
        since = v.get("since") or today
        until = v.get("until")
        if until is not None and until < since:
            ctx.error(row.number, "until", "结束日期不能早于起始日期", until)
            continue
        target = Pairing.objects.filter(cadre=cadre, enterprise=enterprise).order_by("-since").first()
        if target is not None and not v.get("since"):
            since = target.since  # blank 起始 keeps the recorded one: a re-import changes nothing
        pairing = target or Pairing(district=ctx.district, cadre=cadre, enterprise=enterprise)
        before = audit.snapshot(pairing, PAIRING_AUDITED) if target is not None else {}
        pairing.since, pairing.until = since, until
        after = audit.snapshot(pairing, PAIRING_AUDITED)
        if target is not None:
            old, new = audit.diff(before, after)
            if not new:
                ctx.result.unchanged += 1
                continue
            pairing.version += 1
            pairing.save()
            ctx.result.updated += 1
            events.append(
                audit.build(
                    actor=ctx.by, action="pairing.imported", obj=pairing, before=old, after=new, parent=enterprise
                )
            )
        else:
            pairing.save()
            ctx.result.created += 1
            events.append(
                audit.build(actor=ctx.by, action="pairing.imported", obj=pairing, after=after, parent=enterprise)
            )
    if not ctx.has_errors:
        audit.record_many(events)


def export_rows(queryset: QuerySet[Pairing]) -> Iterator[list[Cell]]:
    for pr in queryset.select_related("cadre", "cadre__unit", "enterprise").order_by(
        "cadre__name", "enterprise__name", "since"
    ):
        yield [
            pr.cadre.name,
            pr.cadre.title,
            pr.cadre.rank,
            pr.cadre.unit.name if pr.cadre.unit else "",
            pr.enterprise.uscc,
            pr.enterprise.name,
            pr.since,
            pr.until,
        ]


def queryset(user: Any, params: Any) -> QuerySet[Pairing]:
    return PairingFilterSet(params, queryset=selectors.pairing_list(user=user), request=as_request(user)).qs


PAIRINGS = register(
    Kind(
        name="pairings",
        label="包联台账",
        columns=COLUMNS,
        key_help="以干部姓名（同名时加所在单位）和企业识别一条包联关系",
        check_row=check_row,
        write=write,
        export_rows=export_rows,
        queryset=queryset,
        row_key=row_key,
        filterset=PairingFilterSet,
        import_roles=frozenset(ORGANISER_ROLES),
    )
)

# The 走访台账 kind lives in its own module (one kind per module keeps each under the size limit).
from . import visit_ledger  # noqa: E402, F401
