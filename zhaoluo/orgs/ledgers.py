"""The 干部名册 kind (shared/LEDGERS.md `officials`): key 姓名 + 所在单位, or 姓名 + 四大家 for a
leader without a unit. Everyone on the roster belongs to the district it is imported into."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from zhaoluo.core import parsing as p
from zhaoluo.core import pi
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, register

from . import selectors, services
from .choices import Body, Role
from .models import Official, mobile_validator

if TYPE_CHECKING:
    from zhaoluo.ledgers.engine import ImportContext
    from zhaoluo.ledgers.spec import Row

BODY_BY_LABEL = {str(label): value for value, label in Body.choices} | {
    "人大": Body.CONGRESS,
    "区人大": Body.CONGRESS,
    "政府": Body.GOVERNMENT,
    "政协": Body.CPPCC,
}
FIELD_TO_KEY = {"district": "unit"}
# Who keeps the roster: 督查室 (it supervises the cadres) and 招商人员 (they assign 包保领导).
ROSTER_ROLES = frozenset({Role.SUPERVISION, Role.INVESTMENT})


def mobile(value: Any) -> str:
    """A mainland mobile; a masked one (138****5678, from an export) is checked by the writer."""
    if p.is_blank(value):
        return ""
    number = p.normalise(p.text(value)).replace(" ", "").replace("-", "")
    if "*" in number:
        return number
    try:
        mobile_validator(number)
    except ValidationError as exc:
        raise p.ParseError(str(exc.messages[0])) from exc
    return number


COLUMNS = [
    Column("name", "姓名", p.text, required=True, help="必填；同名干部以所在单位区分", example="张伟"),
    Column("unit", "所在单位", p.text, help="本区单位名称；不填时须填四大家。系统中没有的单位将新建并提示"),
    Column("title", "职务", p.text, example="副局长"),
    Column("rank", "职级", p.text, help="如 正处级、副处级、正科级、副科级"),
    Column(
        "body",
        "四大家",
        partial(p.choice, options={str(label): value for value, label in Body.choices} | BODY_BY_LABEL),
        help="区委 / 区人大常委会 / 区政府 / 区政协（人大、政府、政协亦可），空白为无；只有四大家领导可任包保领导",
    ),
    Column(
        "mobile",
        "手机",
        mobile,
        pi=pi.key_of(Official, "mobile"),
        help="11 位手机号；导出时脱敏，脱敏值原样导回不作修改",
    ),
]


def check_row(values: Values) -> list[tuple[str, str]]:
    if not values.get("unit") and not values.get("body"):
        return [("unit", "所在单位和四大家至少填写一项")]
    return []


def row_key(values: Values) -> Any:
    return (values["name"], values.get("unit") or "", "" if values.get("unit") else values.get("body") or "")


def _key_of(official: Official) -> tuple[str, int | None, str]:
    return (official.name, official.unit_id, "" if official.unit_id else official.body)


def write(rows: Sequence[Row], ctx: ImportContext) -> None:
    present = set(ctx.shown)
    existing: dict[tuple[str, int | None, str], Official] = ctx.memo.setdefault(
        "officials",
        {_key_of(o): o for o in Official.objects.filter(district=ctx.district).select_related("unit__region")},
    )
    for row in rows:
        errors_before = ctx.result.error_count
        v = row.values
        unit = ctx.resolver.unit(row.number, "unit", v.get("unit") or "", declares=True)
        if ctx.result.error_count > errors_before:
            continue
        body = v.get("body") or ""
        key = (v["name"], unit.pk if unit is not None else None, "" if unit is not None else body)
        target = existing.get(key)
        number: str | None = v.get("mobile", "") if "mobile" in present else None
        if number and "*" in number:
            if target is None or not target.mobile or pi.mask(pi.key_of(Official, "mobile"), target.mobile) != number:
                ctx.error(row.number, "mobile", "这是脱敏后的手机号，无法导入；请填写完整号码", number)
                continue
            number = None  # the stored number, shown masked: unchanged
        try:
            if target is None:
                official = services.official_create(
                    by=ctx.by,
                    name=v["name"],
                    title=v.get("title") or "",
                    rank=v.get("rank") or "",
                    unit=unit,
                    body=body,
                    district=ctx.district,
                    mobile=number or "",
                )
                existing[key] = official
                ctx.result.created += 1
            elif services.official_update(
                by=ctx.by,
                official=target,
                title=(v.get("title") or "") if "title" in present else target.title,
                rank=(v.get("rank") or "") if "rank" in present else target.rank,
                unit=unit,
                body=body if "body" in present else target.body,
                mobile=number,
            ):
                ctx.result.updated += 1
            else:
                ctx.result.unchanged += 1
        except ValidationError as exc:
            ctx.validation_errors(row.number, exc, FIELD_TO_KEY)


def export_rows(queryset: QuerySet[Official]) -> Iterator[list[Cell]]:
    for o in queryset.select_related("unit").order_by("unit__name", "name", "id").iterator(chunk_size=2000):
        yield [
            o.name,
            o.unit.name if o.unit else "",
            o.title,
            o.rank,
            str(Body(o.body).label) if o.body else "",
            o.mobile,
        ]


def queryset(user: Any, params: Any) -> QuerySet[Official]:
    return selectors.officials(user=user)


OFFICIALS = register(
    Kind(
        name="officials",
        label="干部名册",
        columns=COLUMNS,
        key_help="以姓名 + 所在单位识别干部；没有所在单位的四大家领导以姓名 + 四大家识别",
        check_row=check_row,
        write=write,
        export_rows=export_rows,
        queryset=queryset,
        row_key=row_key,
        import_roles=ROSTER_ROLES,
    )
)
