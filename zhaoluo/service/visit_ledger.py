"""The 走访台账 kind `visits` (docs/ledgers.md), following the contract's conventions: a district
brings its existing visit records. Key 干部姓名 (+ 所在单位) + enterprise + 走访日期; the cadre must be
paired with the enterprise on that date. One column per question of the instrument; the flag
rules run on each imported visit as on one recorded by hand."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from zhaoluo.core import audit
from zhaoluo.core import parsing as p
from zhaoluo.enterprises.models import Enterprise
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register
from zhaoluo.orgs.models import Official

from . import flags, selectors
from .choices import VisitMode
from .filters import VisitFilterSet
from .instrument import QUESTIONS, Question, answer_text
from .models import FlagRule, Pairing, Visit, VisitFlag, VisitNeed
from .permissions import ORGANISER_ROLES
from .services import VISIT_AUDITED

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

MODE_BY_LABEL = {str(label): value for value, label in VisitMode.choices}
DATE_FORMAT = "yyyy-mm-dd"


def _answer(question: Question, value: Any) -> Any:
    if p.is_blank(value):
        return None
    if question.kind == "yes_no":
        return p.yes_no(value)
    if question.kind == "date":
        day = p.date(value)
        return day.isoformat() if day else None
    if question.kind in {"pct", "count", "amount"}:
        number = p.number(value)
        if number is None:
            return None
        if question.kind == "count":
            if number < 0 or number != number.to_integral_value():
                raise p.ParseError("应为不小于 0 的整数")
            return int(number)
        if question.kind == "amount" and number < 0:
            raise p.ParseError("不能为负数")
        return int(number) if number == number.to_integral_value() else str(number.normalize())
    return p.text(value)


def _header(question: Question) -> tuple[str, str]:
    label, _, unit = question.label.partition("（")
    return label, unit.rstrip("）")


COLUMNS = [
    Column("cadre", "干部姓名", p.text, required=True, help="必填；须为在走访日期包联该企业的干部"),
    Column("unit", "所在单位", p.text, help="同名干部以单位区分"),
    Column("enterprise_uscc", "企业信用代码", p.uscc, help="与企业名称二选一"),
    Column("enterprise_name", "企业名称", p.text, help="与企业信用代码二选一"),
    Column("visited_on", "走访日期", p.date, required=True, help="不晚于今天", number_format=DATE_FORMAT),
    Column(
        "mode",
        "走访方式",
        partial(p.choice, options=MODE_BY_LABEL, default=VisitMode.ON_SITE),
        help="实地 / 电话 / 视频，空白为实地",
    ),
    Column("participants", "参加人员", p.text),
    *[
        Column(f"q_{q.key}", _header(q)[0], partial(_answer, q), unit=_header(q)[1], help=q.help or q.section)
        for q in QUESTIONS
    ],
    Column("notes", "走访情况", p.text),
    Column("needs", "企业需求", p.items, help="多项用、或；分隔，每项一条需求，可在系统中一键转为问题"),
]


def check_row(values: Values) -> list[tuple[str, str]]:
    if not values.get("enterprise_uscc") and not values.get("enterprise_name"):
        return [("enterprise_uscc", "企业信用代码和企业名称须至少填写一项")]
    return []


def row_key(values: Values) -> Any:
    return (
        values.get("cadre"),
        values.get("unit") or "",
        values.get("enterprise_uscc") or values.get("enterprise_name"),
        values.get("visited_on"),
    )


def _enterprise(row: Row, ctx: ImportContext) -> Enterprise | None:
    v = row.values
    if v.get("enterprise_uscc"):
        found = Enterprise.objects.filter(district=ctx.district, uscc=v["enterprise_uscc"]).first()
        if found is None:
            ctx.error(row.number, "enterprise_uscc", "本区没有该信用代码的企业", v["enterprise_uscc"])
        return found
    found = Enterprise.objects.filter(district=ctx.district, name=v["enterprise_name"]).first()
    if found is None:
        ctx.error(row.number, "enterprise_name", "本区没有该名称的企业", v["enterprise_name"])
    return found


def _pairing(row: Row, ctx: ImportContext, enterprise: Enterprise) -> Pairing | None:
    v = row.values
    district = ctx.district
    officials = Official.objects.filter(
        Q(unit__region=district) | Q(unit__region__parent=district) | Q(unit__isnull=True)
    )
    officials = officials.filter(name=v["cadre"])
    if v.get("unit"):
        officials = officials.filter(unit__name=v["unit"])
    pairings = Pairing.objects.filter(cadre__in=officials, enterprise=enterprise).active_on(v["visited_on"])
    found = list(pairings.select_related("cadre")[:2])
    if len(found) != 1:
        message = "该干部在走访日期没有包联该企业" if not found else "同名干部多人包联该企业，请填写所在单位"
        ctx.error(row.number, "cadre", message, v["cadre"])
        return None
    return found[0]


def write(rows: Sequence[Row], ctx: ImportContext) -> None:
    from zhaoluo.core import clock

    today = clock.today()
    rules = list(FlagRule.objects.filter(enabled=True).order_by("code"))
    events = []
    for row in rows:
        errors_before = ctx.result.error_count
        v = row.values
        if v["visited_on"] > today:
            ctx.error(row.number, "visited_on", "走访日期不能晚于今天", v["visited_on"])
        enterprise = _enterprise(row, ctx)
        pairing = _pairing(row, ctx, enterprise) if enterprise is not None and v["visited_on"] <= today else None
        if ctx.result.error_count > errors_before or enterprise is None or pairing is None:
            continue
        answers = {q.key: v[f"q_{q.key}"] for q in QUESTIONS if v.get(f"q_{q.key}") is not None}
        visit = Visit.objects.filter(enterprise=enterprise, cadre=pairing.cadre, visited_on=v["visited_on"]).first()
        before = audit.snapshot(visit, VISIT_AUDITED) if visit is not None else {}
        target = visit or Visit(
            district=ctx.district, enterprise=enterprise, cadre=pairing.cadre, visited_on=v["visited_on"]
        )
        target.pairing = pairing
        target.mode = v.get("mode") or VisitMode.ON_SITE
        target.participants = v.get("participants") or ""
        target.answers = answers
        target.notes = v.get("notes") or ""
        after = audit.snapshot(target, VISIT_AUDITED)
        needs = list(v.get("needs") or [])
        known = set(target.needs.values_list("description", flat=True)) if visit is not None else set()
        new_needs = [n for n in needs if n not in known]
        if visit is not None:
            old, new = audit.diff(before, after)
            if not new and not new_needs:
                ctx.result.unchanged += 1
                continue
            target.version += 1
            ctx.result.updated += 1
        else:
            old, new = {}, after
            target.recorded_by = ctx.by
            ctx.result.created += 1
        target.save()
        VisitNeed.objects.bulk_create([VisitNeed(visit=target, description=n) for n in new_needs])
        VisitFlag.objects.filter(visit=target).delete()
        VisitFlag.objects.bulk_create(
            [VisitFlag(visit=target, rule=rule, message=msg) for rule, msg in flags.evaluate(target, rules)]
        )
        events.append(
            audit.build(
                actor=ctx.by, action="visit.imported", obj=target, before=old or None, after=new, parent=enterprise
            )
        )
    if not ctx.has_errors:
        audit.record_many(events)


def export_rows(queryset: QuerySet[Visit]) -> Iterator[list[Cell]]:
    for visit in (
        queryset.select_related("cadre", "cadre__unit", "enterprise")
        .prefetch_related("needs")
        .order_by("visited_on", "id")
    ):
        answers = visit.answers or {}
        yield [
            visit.cadre.name,
            visit.cadre.unit.name if visit.cadre.unit else "",
            visit.enterprise.uscc,
            visit.enterprise.name,
            visit.visited_on,
            str(VisitMode(visit.mode).label),
            visit.participants,
            *[answer_text(q, answers[q.key]) if q.key in answers else "" for q in QUESTIONS],
            visit.notes,
            "；".join(n.description for n in visit.needs.all()),
        ]


def queryset(user: Any, params: Any) -> QuerySet[Visit]:
    return VisitFilterSet(params, queryset=selectors.visit_list(user=user), request=as_request(user)).qs


VISITS = register(
    Kind(
        name="visits",
        label="走访台账",
        columns=COLUMNS,
        key_help="以干部姓名（同名时加所在单位）、企业和走访日期识别一次走访",
        check_row=check_row,
        write=write,
        export_rows=export_rows,
        queryset=queryset,
        row_key=row_key,
        filterset=VisitFilterSet,
        import_roles=frozenset(ORGANISER_ROLES),
    )
)
