"""Template filters for pages of other apps that show a supervision action (the project page's toggle)."""

from __future__ import annotations

from typing import Any

from django import template

from zhaoluo.supervision import permissions

register = template.Library()


@register.filter
def can_set_green_channel(user: Any, project: Any) -> bool:
    return permissions.can_set_green_channel(user, project)
