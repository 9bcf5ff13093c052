"""Templates show personal data masked: ``{{ e.phone|pi_mask:"enterprises.Enterprise.phone" }}``."""

from __future__ import annotations

from typing import Any

from django import template

from zhaoluo.core import pi

register = template.Library()


@register.filter
def pi_mask(value: Any, field_key: str) -> Any:
    return pi.mask(field_key, value)


@register.filter
def can_unmask(user: Any, obj: Any) -> bool:
    return pi.can_unmask(user, obj)
