"""Display of the projects' stages, medals and lights: filters and tags of the `zl` library.

Registered into the kernel's library (zhaoluo/core/templatetags/zl.py) when the app starts
(projects/plugins.py imports this module), so templates keep `{% load zl %}`.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html

from zhaoluo.core.templatetags.zl import register

from . import selectors as project_selectors
from .choices import MEDAL, Light, Stage

MEDAL_LABEL = {"copper": "铜", "silver": "银", "gold": "金"}
LIGHT_CSS = {Light.GREEN: "success", Light.YELLOW: "warning", Light.RED: "danger"}


@register.filter
def stage_label(value: str) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return value or ""


def _medal(stage: str) -> str:
    return MEDAL.get(Stage(stage), "") if stage in Stage.values else ""


@register.filter
def medal(stage: str) -> str:
    return _medal(stage)


@register.simple_tag
def stage_badge(stage: str, big: bool = False) -> str:
    label = stage_label(stage)
    kind = _medal(stage)
    size = " medal-big" if big else ""
    if kind:
        return format_html(
            '<span class="badge stage-badge medal-{}{}" title="{}牌">{} <span class="medal-mark">{}</span></span>',
            kind,
            size,
            MEDAL_LABEL[kind],
            label,
            MEDAL_LABEL[kind],
        )
    css = "stage-terminated" if stage == Stage.TERMINATED else "stage-plain"
    return format_html('<span class="badge stage-badge {}{}">{}</span>', css, size, label)


@register.filter
def reason_message(reason: Any) -> str:
    """The reason's message without a leading "rule name：" that repeats the rule's name."""
    if not isinstance(reason, dict):
        return ""
    message, name = str(reason.get("message", "")), str(reason.get("rule_name", ""))
    prefix = f"{name}："
    return message[len(prefix) :] if name and message.startswith(prefix) else message


def reasons_text(reasons: Any) -> str:
    if not reasons:
        return "无亮灯原因"
    return "；".join(f"{r.get('rule_name', '')}：{reason_message(r)}" for r in reasons if isinstance(r, dict))


@register.simple_tag
def light_badge(light: str, reasons: Any = None) -> str:
    try:
        label = str(Light(light).label)
    except ValueError:
        return ""
    return format_html(
        '<span class="badge light-badge text-bg-{}" title="{}"><span class="light-dot"></span>{}</span>',
        LIGHT_CSS[Light(light)],
        reasons_text(reasons),
        label,
    )


@register.filter
def light_css(light: str) -> str:
    try:
        return LIGHT_CSS[Light(light)]
    except ValueError:
        return "secondary"


@register.filter
def sees_projects(user: Any) -> bool:
    """Whether the user's scope holds project records at all (an enterprise contact's does not).

    Asks the selector, without a query: a scope that sees nothing is `none()`.
    """
    return not project_selectors.project_list(user=user).query.is_empty()
