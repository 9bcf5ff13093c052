"""Field validators shared by models, forms, the API and ledgers."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# 投资项目统一代码: 年份-行政区划-行业-项目类型-流水号, 24 characters with the hyphens.
_NATIONAL_PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")
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


def validate_national_project_code(value: str) -> None:
    if not _NATIONAL_PROJECT_CODE.match(value or ""):
        raise ValidationError(
            _("项目代码应为 24 位，形如 2020-320506-39-03-512345（全国投资项目在线审批监管平台赋码）")
        )


def validate_industry_code(value: str) -> None:
    if not _INDUSTRY_CODE.match(value or ""):
        raise ValidationError(_("行业代码应为 GB/T 4754-2017 的 4 位小类代码"))
