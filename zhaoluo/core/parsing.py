"""Reading the values clerks type: one parser per kind of value (shared/LEDGERS.md "Values").

Forms, the API and the ledger engine all parse through these, so `1.5亿元` means 15000 万元
everywhere. A parser takes what a cell holds (text, or the number, date or boolean an .xlsx
cell carries) and returns the value, `None` for a blank, or raises `ParseError` with a
Chinese message that names the problem, never the column (the caller knows the column).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .dates import implausible_date_message
from .validators import (
    normalise_national_project_code,
    normalise_uscc,
    validate_national_project_code,
    validate_uscc,
)

# Amounts are 万元 with two decimals in the database (max_digits 14): 10^12 万元 is far
# above any real project and keeps a typo of twelve zeros out of the totals.
AMOUNT_MAX = Decimal("999999999999.99")
_CENT = Decimal("0.01")
_WAN_PER_YI = Decimal(10000)

_PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_GROUPED_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_SIGNED_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_DATE_SEPARATED = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DATE_CHINESE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_MONTH = re.compile(r"^(\d{4})(?:[-/](\d{1,2})|年(\d{1,2})月)$")
_YEAR = re.compile(r"^(\d{4})年?$")
_LIST_SEPARATORS = re.compile(r"[、，,；;]")

YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√"})
NO_WORDS = frozenset({"否", "n", "no", "false", "0", "×"})


class ParseError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise(value: str) -> str:
    """Full-width digits, letters and punctuation to half-width; spaces of either width
    trimmed at the ends. NFKC also turns （） into (), which header matching relies on."""
    return unicodedata.normalize("NFKC", value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """Trimmed text. A number cell in a text column (项目编号 12345) reads as the clerk sees it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _decimal_from_cell(value: float | int) -> Decimal:
    if isinstance(value, float) and not math.isfinite(value):
        raise ParseError("不是有效的数字")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    # A float cell carries binary noise (0.1 + 0.2); what the clerk sees is rounded.
    rounded = number.quantize(Decimal("0.000001"))
    return rounded.normalize() if rounded == rounded.to_integral() else rounded


def amount(value: Any) -> Decimal | None:
    """万元, two decimals at most: `15,000`, `1.5亿元` (= 15000), `15000万`, full-width digits."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError("应为金额（万元）")
    if isinstance(value, int | float):
        number = _decimal_from_cell(value)
    elif isinstance(value, str):
        number = _amount_text(value)
    else:
        raise ParseError("应为金额（万元）")
    return _checked_amount(number)


def _amount_text(raw: str) -> Decimal:
    value = normalise(raw).replace(" ", "")
    scale = Decimal(1)
    for suffix, factor in (("亿元", _WAN_PER_YI), ("亿", _WAN_PER_YI), ("万元", Decimal(1)), ("万", Decimal(1))):
        if value.endswith(suffix):
            value, scale = value[: -len(suffix)], factor
            break
    if value.startswith("-"):
        raise ParseError("金额不能为负数")
    if _GROUPED_NUMBER.match(value):
        value = value.replace(",", "")
    elif not _PLAIN_NUMBER.match(value):
        raise ParseError(f"“{raw.strip()}”不是金额，应为万元数字，如 15000、15,000、1.5亿元")
    return Decimal(value) * scale


def _checked_amount(number: Decimal) -> Decimal:
    if number < 0:
        raise ParseError("金额不能为负数")
    if number > AMOUNT_MAX:
        raise ParseError("金额超出合理范围（单位为万元）")
    if number != number.quantize(_CENT):
        raise ParseError("金额最多保留两位小数（万元）")
    return number.quantize(_CENT)


def number(value: Any) -> Decimal | None:
    """A signed number (indicator values: growth rates may be negative)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError("应为数字")
    if isinstance(value, int | float):
        return _decimal_from_cell(value)
    if not isinstance(value, str):
        raise ParseError("应为数字")
    cleaned = normalise(value).replace(" ", "")
    sign = ""
    if cleaned[:1] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    if _GROUPED_NUMBER.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _SIGNED_NUMBER.match(sign + cleaned):
        raise ParseError(f"“{value.strip()}”不是数字")
    try:
        return Decimal(sign + cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise ParseError(f"“{value.strip()}”不是数字") from exc


def whole(value: Any) -> int | None:
    """A whole number ≥ 0 (从业人员)."""
    parsed = number(value)
    if parsed is None:
        return None
    if parsed != parsed.to_integral_value():
        raise ParseError("应为整数")
    if parsed < 0:
        raise ParseError("不能为负数")
    return int(parsed)


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ParseError(f"日期不存在：{shown}") from exc


def _plausible(value: dt.date, *, month: bool = False) -> dt.date:
    message = implausible_date_message(value, month=month)
    if message:
        raise ParseError(message)
    return value


def date(value: Any) -> dt.date | None:
    """An Excel date cell, `2020-03-14`, `2020/3/14`, `2020.3.14` or `2020年3月14日`, inside
    the plausible window (core/dates.py)."""
    parsed = _any_date(value)
    return None if parsed is None else _plausible(parsed)


def _any_date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ParseError("应为日期，如 2020-03-14、2020/3/14、2020.3.14 或 2020年3月14日")
    cleaned = normalise(value).replace(" ", "")
    match = _DATE_SEPARATED.match(cleaned)
    if match:
        return _make_date(int(match[1]), int(match[3]), int(match[4]), value.strip())
    match = _DATE_CHINESE.match(cleaned)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]), value.strip())
    raise ParseError(f"“{value.strip()}”不是日期，应为 2020-03-14、2020/3/14、2020.3.14 或 2020年3月14日")


def month(value: Any) -> dt.date | None:
    """A 期间: `2020-03`, `2020/3`, `2020年3月`, or an Excel date (its month). Returns the first
    day, inside the plausible window (core/dates.py)."""
    parsed = _any_month(value)
    return None if parsed is None else _plausible(parsed, month=True)


def _any_month(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if not isinstance(value, str):
        raise ParseError("应为月份，如 2020-03、2020/3 或 2020年3月")
    cleaned = normalise(value).replace(" ", "")
    match = _MONTH.match(cleaned)
    if match:
        month_number = int(match[2] or match[3])
        if 1 <= month_number <= 12:
            return dt.date(int(match[1]), month_number, 1)
        raise ParseError(f"月份不存在：{value.strip()}")
    raise ParseError(f"“{value.strip()}”不是月份，应为 2020-03、2020/3 或 2020年3月")


def year(value: Any) -> int | None:
    """`2020` or `2020年` (a number cell too)."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2999:
            return int(value)
        raise ParseError("应为四位年份，如 2020")
    if not isinstance(value, str):
        raise ParseError("应为四位年份，如 2020")
    match = _YEAR.match(normalise(value).replace(" ", ""))
    if not match:
        raise ParseError(f"“{value.strip()}”不是年份，应为 2020 或 2020年")
    return int(match[1])


def yes_no(value: Any) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0, √/×, Excel TRUE/FALSE; blank is no."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = normalise(str(value)).lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ParseError(f"“{str(value).strip()}”应为 是 或 否")


def uscc(value: Any) -> str | None:
    """GB 32100-2015, 18 characters with a correct check character; lower case and full-width normalised."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An all-digit code typed into a General cell becomes a number, and Excel keeps only
        # 15 significant digits: the last three are already lost, whatever the check says.
        raise ParseError("统一社会信用代码被 Excel 存成了数字（只保留 15 位有效数字），请将该列设为文本格式后重新填写")
    code = normalise_uscc(text(value))
    try:
        validate_uscc(code)
    except ValidationError as exc:
        raise ParseError(str(exc.messages[0])) from exc
    return code


def national_project_code(value: Any) -> str | None:
    """全国投资项目代码 as 2020-320506-39-03-512345, from full-width or bare 20-digit input."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        # 20 digits in a General cell: Excel keeps 15 significant digits, the serial is gone.
        raise ParseError("项目代码被 Excel 存成了数字（只保留 15 位有效数字），请将该列设为文本格式后重新填写")
    code = normalise_national_project_code(text(value))
    try:
        validate_national_project_code(code)
    except ValidationError as exc:
        raise ParseError(str(exc.messages[0])) from exc
    return code


def items(value: Any) -> list[str]:
    """A list written in one cell: items separated by 、，,；; (blank items dropped)."""
    if is_blank(value):
        return []
    return [item.strip() for item in _LIST_SEPARATORS.split(text(value)) if item.strip()]


def choice(value: Any, options: dict[str, str], default: str | None = None) -> str | None:
    """One of a fixed set of labels (e.g. 项目类型 新建/扩建/技改), returned as its code."""
    if is_blank(value):
        return default
    label = normalise(text(value))
    if label in options:
        return options[label]
    raise ParseError(f"“{text(value)}”应为 " + " / ".join(options))
