"""Filters every app's FilterSet builds on, so a list page, the API and the Excel export refuse
the same bad query values with the same Chinese message naming the parameter (issue #11).

django-filter's defaults let three kinds of value through to the database, where they became
500s or were silently ignored:

- a year (`signed_year=0`, `10000`, a 30-digit number): Django turns `__year` into the dates
  1 January … 31 December of that year, and Python dates stop at 1 and 9999;
- an id beyond 64 bits (`project=`, `item=`): SQLite cannot bind it (OverflowError);
- a yes/no value that is neither (`green_channel=-1`): NullBooleanField reads it as "no
  filter", so the caller got everything instead of being told.

Each message starts with the filter's label, so the API's `fields` entry and the page both
say which parameter is wrong.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters.fields import ModelMultipleChoiceField
from drf_spectacular.utils import extend_schema_field

YEAR_MIN = 1
YEAR_MAX = 9999  # the years a Python (and so a Django) date can have
ID_MAX = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can hold
TRUE_VALUES = frozenset({"true", "True", "1"})
FALSE_VALUES = frozenset({"false", "False", "0"})
YES_NO = [("", "不限"), ("true", "是"), ("false", "否")]
_DIGITS = re.compile(r"\d{1,19}")


def _label(field: forms.Field, default: str) -> str:
    return str(field.label) if field.label else default


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)
        message = f"{_label(self, '年度')}：应为 {YEAR_MIN} 至 {YEAR_MAX} 之间的整数年份"
        self.error_messages.update(invalid=message, min_value=message, max_value=message)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)
        message = f"{_label(self, '编号')}：应为正整数编号（不超过 {ID_MAX}）"
        self.error_messages.update(invalid=message, min_value=message, max_value=message)


class YesNoSelect(forms.Select):
    """Passes the submitted text on as it is (NullBooleanSelect turns anything unknown into None)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=YES_NO)


class StrictNullBooleanField(forms.NullBooleanField):
    widget = YesNoSelect

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or value == "" or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        text = str(value).strip()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValidationError(f"{_label(self, '该条件')}：应为 true 或 false（也可写 1 或 0）", code="invalid")

    def validate(self, value: Any) -> None:
        return None


class IdModelMultipleChoiceField(ModelMultipleChoiceField):
    """Checks every id is one the database can hold before it reaches the `IN (…)` query."""

    def _check_values(self, value: Any) -> QuerySet[Any]:
        for pk in value:
            text = str(pk).strip()
            if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= ID_MAX:
                raise ValidationError(
                    f"{_label(self, '编号')}：“{text[:30]}”不是有效的编号（应为正整数）", code="invalid_pk_value"
                )
        return super()._check_values(value)


# The schema states the bounds (drf-spectacular would call a NumberFilter a plain "number").
@extend_schema_field({"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX})
class YearFilter(filters.NumberFilter):
    field_class = YearField

    def get_max_validator(self) -> None:
        return None  # the field's own bound says it in words


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX})
class IdFilter(filters.NumberFilter):
    field_class = IdField

    def get_max_validator(self) -> None:
        return None


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictNullBooleanField


class ModelMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    field_class = IdModelMultipleChoiceField


def filter_errors(filterset: filters.FilterSet) -> list[str]:
    """The bound filter form's errors as sentences for a page ("签约年度：应为 …")."""
    if not filterset.is_bound or filterset.form.is_valid():
        return []
    return [str(message) for messages in filterset.form.errors.values() for message in messages]


def refuse_invalid(filterset: filters.FilterSet) -> QuerySet[Any]:
    """The filtered queryset, or a ValidationError keyed by parameter when a value is bad —
    for an export, which must not quietly export more than was asked for."""
    if filterset.is_bound and not filterset.form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.form.errors.items()})
    return filterset.qs
