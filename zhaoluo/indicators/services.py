"""Writes to indicator values: only through the 指标台账 import, which records provenance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from zhaoluo.core import audit
from zhaoluo.core.models import AuditEvent

from .models import Indicator, IndicatorValue

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

Key = tuple[int, str, Any, int]


def indicator_values_write(rows: Sequence[Row], ctx: ImportContext) -> None:
    """A chunk of 指标台账 rows, keyed by (地区, 期间, 指标). Each written value carries the
    file, its SHA-256, the importer and the time; an unchanged value keeps its provenance."""
    catalogue = {i.name: i for i in Indicator.objects.all()}
    regions = _regions(ctx)
    planned: list[tuple[Row, Key, Any]] = []
    # The engine compares keys as written; 襄州区 and 420607 are one region, so the resolved
    # key is checked here (across chunks too), before two rows race for one record.
    seen: dict[Key, int] = ctx.memo.setdefault("indicator_keys", {})
    for row in rows:
        values = row.values
        indicator = catalogue.get(values["indicator"])
        region = regions.get(values["region"])
        if indicator is None:
            names = "、".join(catalogue)
            ctx.error(
                row.number, "indicator", f"指标目录中没有“{values['indicator']}”，可用：{names}", values["indicator"]
            )
        if region is None:
            ctx.error(row.number, "region", "系统中没有这个地区（或不在本区范围内）", values["region"])
        if indicator is None or region is None:
            continue
        if values.get("unit") and values["unit"] != indicator.unit:
            ctx.error(row.number, "unit", f"单位应为{indicator.unit}", values["unit"])
            continue
        if values["value"] < 0 and not indicator.signed:
            ctx.error(row.number, "value", f"{indicator.name}不能为负数", row.raw.get("value"))
            continue
        kind, period = values["period"]
        key = (region.pk, kind, period, indicator.pk)
        if key in seen:
            ctx.error(row.number, "", f"与第{seen[key]}行重复（同一地区、期间、指标）", values["region"])
            continue
        seen[key] = row.number
        planned.append((row, key, values["value"]))
    if ctx.has_errors:
        return
    _write(planned, ctx)


def _regions(ctx: ImportContext) -> dict[str, Any]:
    from zhaoluo.orgs.models import Region

    district = ctx.district
    ids = [district.pk, *Region.objects.filter(parent=district).values_list("pk", flat=True)]
    node = district.parent
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    found: dict[str, Any] = {}
    for region in Region.objects.filter(pk__in=ids):
        found[region.code] = region
        found.setdefault(region.name, region)
    return found


def _write(planned: list[tuple[Row, Key, Any]], ctx: ImportContext) -> None:
    existing = {
        (v.region_id, v.period_kind, v.period, v.indicator_id): v
        for v in IndicatorValue.objects.select_for_update()
        .filter(region_id__in={k[0] for _, k, _ in planned}, period__in={k[2] for _, k, _ in planned})
        .select_related("region", "indicator")
    }
    now = timezone.now()
    by = ctx.by if ctx.by is not None and ctx.by.is_authenticated else None
    provenance = {
        "source_file": ctx.result.file_name[:255],
        "source_sha256": ctx.result.sha256,
        "imported_by": by,
        "imported_at": now,
    }
    new: list[IndicatorValue] = []
    changed: list[tuple[IndicatorValue, audit.Snapshot]] = []
    for _, (region_id, kind, period, indicator_id), value in planned:
        current = existing.get((region_id, kind, period, indicator_id))
        if current is None:
            new.append(
                IndicatorValue(
                    region_id=region_id,
                    period_kind=kind,
                    period=period,
                    indicator_id=indicator_id,
                    value=value,
                    **provenance,
                )
            )
        elif current.value.compare(value) != 0:
            before = audit.snapshot(current, ["value", "source_file"])
            current.value = value
            for name, origin in provenance.items():
                setattr(current, name, origin)
            current.version += 1
            current.updated_at = now  # bulk_update does not apply auto_now
            changed.append((current, before))
        else:
            ctx.result.unchanged += 1
    created = IndicatorValue.objects.bulk_create(new, batch_size=1000)
    events: list[AuditEvent] = []
    fresh = IndicatorValue.objects.filter(pk__in=[v.pk for v in created]).select_related("region", "indicator")
    for value_row in fresh:
        events.append(audit.build(actor=ctx.by, action="indicator.recorded", obj=value_row, after=_snapshot(value_row)))
    for value_row, before in changed:
        old, after = audit.diff(before, audit.snapshot(value_row, ["value", "source_file"]))
        events.append(audit.build(actor=ctx.by, action="indicator.updated", obj=value_row, before=old, after=after))
    IndicatorValue.objects.bulk_update(
        [v for v, _ in changed],
        ["value", "source_file", "source_sha256", "imported_by", "imported_at", "version", "updated_at"],
        batch_size=1000,
    )
    audit.record_many(events)
    ctx.result.created += len(created)
    ctx.result.updated += len(changed)


def _snapshot(item: IndicatorValue) -> audit.Snapshot:
    return {
        "region": item.region.name,
        "indicator": item.indicator.name,
        "period": item.period_label,
        "value": audit.snapshot(item, ["value"])["value"],
        "source_file": item.source_file,
    }
