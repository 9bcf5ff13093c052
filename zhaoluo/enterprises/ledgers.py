"""The 企业台账 kind (shared/LEDGERS.md): key 统一社会信用代码."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from zhaoluo.core import filtering, pi
from zhaoluo.core import parsing as p
from zhaoluo.core.validators import validate_industry_code, validate_phone
from zhaoluo.ledgers.spec import Cell, Column, Kind, Values, as_request, register

from . import selectors
from .choices import Listing
from .filters import EnterpriseFilterSet
from .models import Enterprise
from .services import MANAGE_ROLES, enterprises_write

LISTING_BY_LABEL = {str(label): value for value, label in Listing.choices}
YES_HELP = "是/否（Y/N、√/×、1/0 均可），空白为否"


def industry_code(value: Any) -> str:
    """A GB/T 4754-2017 class; a number cell lost its leading zero (0111 → 111), so it is put back."""
    if p.is_blank(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        code = f"{int(value):04d}"
    else:
        code = p.normalise(p.text(value))
    _validated(validate_industry_code, code)
    return code


def phone(value: Any) -> str:
    """A phone number; a masked one (138****5678, from an export) is kept as written and
    checked against the stored number by the writer."""
    if p.is_blank(value):
        return ""
    number = p.normalise(p.text(value)).replace(" ", "")
    if "*" in number:
        return number
    _validated(validate_phone, number)
    return number


def _validated(validator: Any, value: str) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise p.ParseError(str(exc.messages[0])) from exc


COLUMNS = [
    Column("uscc", "统一社会信用代码", p.uscc, required=True, help="必填，18 位，校验位须正确；以此识别企业"),
    Column("name", "企业名称", p.text, required=True, help="必填，文件内不得重复"),
    Column("township", "所属镇街", p.text, help="本区镇街名称；系统中没有的将新建并提示"),
    Column("industry_code", "行业代码", industry_code, help="GB/T 4754-2017 小类，4 位数字"),
    Column("cluster", "产业集群", p.text, help="如 纺织服装；系统中没有的将新建并提示"),
    Column("above_scale", "规上企业", p.yes_no, help=YES_HELP),
    Column("high_tech", "高新技术企业", p.yes_no, help=YES_HELP),
    Column("high_tech_since", "高企认定日期", p.date, help="高新技术企业填写", number_format="yyyy-mm-dd"),
    Column(
        "listing",
        "上市状态",
        partial(p.choice, options=LISTING_BY_LABEL, default=Listing.NONE),
        help="已上市 / 上市后备 / 无，空白为无",
    ),
    Column("products", "主要产品", p.text),
    Column("needs", "主要需求", p.text),
    Column("employees", "从业人员", p.whole, help="整数，不小于 0"),
    Column("contact", "联系人", p.text, pi=pi.key_of(Enterprise, "contact"), help="导出时脱敏；脱敏值原样导回不作修改"),
    Column(
        "phone",
        "联系电话",
        phone,
        pi=pi.key_of(Enterprise, "phone"),
        help="11 位手机号或带区号的座机，如 0710-1234567；导出时脱敏，脱敏值原样导回不作修改",
    ),
]


def check_row(values: Values) -> list[tuple[str, str]]:
    if values.get("high_tech_since") and "high_tech" in values and not values["high_tech"]:
        return [("high_tech_since", "不是高新技术企业时不应填写认定日期")]
    return []


def rows(queryset: QuerySet[Enterprise]) -> Iterator[list[Cell]]:
    for e in queryset.select_related("township", "cluster").order_by("name").iterator(chunk_size=1000):
        yield [
            e.uscc,
            e.name,
            "" if e.township is None else e.township.name,
            e.industry_code,
            "" if e.cluster is None else e.cluster.name,
            "是" if e.above_scale else "否",
            "是" if e.high_tech else "否",
            e.high_tech_since,
            str(Listing(e.listing).label),
            e.products,
            e.needs,
            e.employees,
            e.contact,
            e.phone,
        ]


def queryset(user: Any, params: Any) -> QuerySet[Enterprise]:
    return filtering.refuse_invalid(
        EnterpriseFilterSet(params, queryset=selectors.enterprise_list(user=user), request=as_request(user))
    )


ENTERPRISES = register(
    Kind(
        name="enterprises",
        label="企业台账",
        columns=COLUMNS,
        key_help="以统一社会信用代码识别企业",
        check_row=check_row,
        write=enterprises_write,
        export_rows=rows,
        queryset=queryset,
        unique_in_file=("name",),
        row_key=lambda values: values.get("uscc"),
        key_columns=("uscc",),
        filterset=EnterpriseFilterSet,
        import_roles=MANAGE_ROLES,
    )
)
