"""The navbar's unread count: one indexed COUNT, only on pages that render the navbar."""

from __future__ import annotations

from typing import Any

from django import template

from zhaoluo.notify import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    user = context.get("user")
    return selectors.unread_count(user=user) if user is not None else 0
