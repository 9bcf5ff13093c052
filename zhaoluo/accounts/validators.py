"""The password policy, as Django password validators with Chinese messages.

等保 asks for 复杂度 (length and character classes) and the ASVS for a common-password
and a context list; both are here, each a setting in AUTH_PASSWORD_VALIDATORS.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation as django_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from pypinyin import lazy_pinyin

# Region suffixes dropped to get the name people put in passwords: 襄州区 → 襄州.
_REGION_SUFFIXES = ("街道", "区", "县", "市", "镇", "乡", "省")
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})


def _letters_and_digits(text: str) -> str:
    """Lower case with separators removed: "Xiang-Zhou_123" → "xiangzhou123"."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _variants(password: str) -> set[str]:
    plain = _letters_and_digits(password)
    return {plain, _letters_and_digits(password.lower().translate(_LEET))}


class LengthValidator:
    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符。"


def character_classes(password: str) -> int:
    """How many of 大写字母, 小写字母, 数字, 符号 a password uses (any other character is a 符号)."""
    classes = set()
    for ch in password:
        if ch.isascii() and ch.isupper():
            classes.add("upper")
        elif ch.isascii() and ch.islower():
            classes.add("lower")
        elif ch.isdigit():
            classes.add("digit")
        elif not ch.isspace() or ch == " ":
            classes.add("symbol")
    return len(classes)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, also matched with digits and symbols trimmed off
    the ends ("Password123!" is "password") and with look-alike digits read as letters ("P@ssw0rd")."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower().strip()
        candidates = {lowered, lowered.translate(_LEET)}
        for text in list(candidates):
            candidates.add(re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text))
            candidates.add(_letters_and_digits(text))
        if any(c and c in self.passwords for c in candidates):
            raise ValidationError("这个密码太常见了，请换一个。", code="password_too_common")

    def get_help_text(self) -> str:
        return "不能是常见密码。"


@lru_cache(maxsize=64)
def _forms_of(name: str) -> frozenset[str]:
    """A place name as people type it: 襄州区, 襄州, xiangzhouqu, xiangzhou."""
    name = unicodedata.normalize("NFKC", name).strip()
    forms = {name}
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            forms.add(name[: -len(suffix)])
    forms |= {"".join(lazy_pinyin(f)) for f in list(forms)}
    return frozenset(f.lower() for f in forms if len(f) >= 2)


def blocked_terms(user: Any = None) -> set[str]:
    """The platform's names and the district's, its townships' and the user's region chain's, in
    Chinese and pinyin."""
    from zhaoluo.orgs.models import Region

    terms = {"zhaoluo", "zhaoluotong", "招落通", "招落"}
    terms |= _forms_of(settings.ZHAOLUO_PLATFORM_NAME)
    code = settings.ZHAOLUO_DISTRICT_CODE
    # The district, its townships, and (below) the user's own region up to the province.
    regions = list(Region.objects.filter(Q(code=code) | Q(parent__code=code)))
    node = getattr(user, "region", None) if user is not None else None
    while node is not None:
        regions.append(node)
        node = node.parent
    for region in regions:
        terms |= _forms_of(region.name)
    return terms


class BlocklistValidator:
    """No password built on the platform's or the district's name: "Xiangzhou@2020" is the first
    thing anyone tries against a district's system."""

    def validate(self, password: str, user: Any = None) -> None:
        variants = _variants(password) | {password.lower()}
        for term in blocked_terms(user):
            if any(term in v for v in variants):
                raise ValidationError(
                    "密码不能包含平台名称或本地地名（含拼音），例如“招落通”“襄州”“xiangzhou”。",
                    code="password_blocklisted",
                )

    def get_help_text(self) -> str:
        return "不能包含平台名称或本地地名（含拼音）。"


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    """Django's similarity check, plus a plain test: the password must not contain the username."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        username = _letters_and_digits(user.get_username() or "")
        if len(username) >= 3 and any(username in v for v in _variants(password)):
            raise ValidationError("密码不能包含用户名。", code="password_too_similar")
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError("密码与用户名或姓名过于相似。", code="password_too_similar") from exc

    def get_help_text(self) -> str:
        return "不能与用户名、姓名相似。"
