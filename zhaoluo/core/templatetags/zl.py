"""Display helpers: amounts in 万元, yes/no in Chinese.

`{% load zl %}` is the platform's one display library. Apps add their own filters and tags to
it (`@register.filter` on this module's `register`) from a module their plugins.py imports —
the projects app's stages, medals and lights are in zhaoluo/projects/display.py — so every
template keeps loading `zl` while the kernel knows no app.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def wan(value: Any) -> str:
    """15000.50 → "15,000.5"; empty stays empty."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number:,.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def yesno_cn(value: Any) -> str:
    return "是" if value else "否"
