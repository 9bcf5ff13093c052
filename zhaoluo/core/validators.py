"""Field validators shared by models, forms, the API and ledgers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from .dates import implausible_date_message

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# 投资项目统一代码 (国家发展改革委《全国投资项目在线审批监管平台运行管理暂行办法》, 发改投资〔2017〕1280号 and
# the coding rule published with it): 年份(4)-赋码机关行政区划代码(6)-国民经济行业分类大类(2)-项目类型(2)-流水号(6),
# 24 characters with the hyphens, e.g. 2020-320506-39-03-512345. 项目类型: 01 审批, 02 核准, 03 备案.
_NATIONAL_PROJECT_CODE = re.compile(
    r"^(?P<year>\d{4})-(?P<region>\d{6})-(?P<industry>\d{2})-(?P<type>\d{2})-(?P<serial>\d{6})$"
)
_NATIONAL_PROJECT_CODE_DIGITS = re.compile(r"^\d{20}$")
# Dashes a clerk's input method or a copied PDF gives instead of the ASCII hyphen.
_DASHES = str.maketrans(dict.fromkeys("－—–‐‑‒―−", "-"))
NATIONAL_PROJECT_TYPES = ("01", "02", "03")
# GB 32100-2015: registration authority and institution type (positions 1–2) may be letters;
# python-stdnum insists on eight digits, so those two are checked here and the rest by it.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_HEAD = re.compile(r"^[1-9A-HJ-NP-RTUWXY]{2}\d{6}")
_INDUSTRY_CODE = re.compile(r"^\d{4}$")


def normalise_uscc(value: str) -> str:
    """Full-width to half-width, upper case, no spaces: what a clerk means by the code."""
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").strip().upper()


def validate_uscc(value: str) -> None:
    """GB 32100-2015, check character included (python-stdnum does the arithmetic)."""
    code = normalise_uscc(value)
    if len(code) == 18 and _USCC_HEAD.match(code) and not code[:2].isdigit():
        # Letters in the head: same length, alphabet and check character as stdnum checks.
        if any(c not in _USCC_ALPHABET for c in code[8:]):
            raise ValidationError(_("统一社会信用代码含有不允许的字符"))
        if code[-1] != stdnum_uscc.calc_check_digit(code):
            raise ValidationError(_("统一社会信用代码校验位错误"))
        return
    try:
        stdnum_uscc.validate(code)
    except InvalidLength as exc:
        raise ValidationError(_("统一社会信用代码应为 18 位，实际 %(n)s 位"), params={"n": len(code)}) from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("统一社会信用代码校验位错误")) from exc
    except InvalidFormat as exc:
        raise ValidationError(_("统一社会信用代码含有不允许的字符")) from exc
    except StdnumError as exc:
        raise ValidationError(_("统一社会信用代码无效")) from exc


def validate_phone(value: str) -> None:
    if not _PHONE.match(value or ""):
        raise ValidationError(_("联系电话应为 11 位手机号（1 开头）或带区号的座机（如 0710-1234567）"))


def normalise_national_project_code(value: str) -> str:
    """What a clerk means by the code: full-width digits and dashes folded, spaces dropped,
    the 20 digits alone given their hyphens. Anything else is left for the validator to refuse."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASHES)
    text = "".join(text.split())
    if _NATIONAL_PROJECT_CODE_DIGITS.match(text):
        text = f"{text[:4]}-{text[4:10]}-{text[10:12]}-{text[12:14]}-{text[14:]}"
    return text


def validate_national_project_code(value: str) -> None:
    match = _NATIONAL_PROJECT_CODE.match(value or "")
    if match is None:
        raise ValidationError(
            _("项目代码应为 24 位，形如 2020-320506-39-03-512345（全国投资项目在线审批监管平台赋码）"),
            code="format",
        )
    if match["type"] not in NATIONAL_PROJECT_TYPES:
        raise ValidationError(_("项目代码的项目类型（第 4 段）应为 01 审批、02 核准或 03 备案"), code="type")
    # The national platform began assigning codes in 2014 (国办发〔2014〕59号).
    if not 2014 <= int(match["year"]) <= 2100:
        raise ValidationError(_("项目代码的年份（第 1 段）不正确"), code="year")


def validate_plausible_date(value: dt.date | None) -> None:
    """Dates entering the platform (forms, API, ledgers, models) lie in core.dates' window."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        message = implausible_date_message(value)
        if message:
            raise ValidationError(message, code="implausible_date")


def validate_industry_code(value: str) -> None:
    if not _INDUSTRY_CODE.match(value or ""):
        raise ValidationError(_("行业代码应为 GB/T 4754-2017 的 4 位小类代码"))
