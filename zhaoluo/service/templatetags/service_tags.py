"""The 包联 section of the enterprise page, as one tag, so the enterprises app stays unaware of it."""

from __future__ import annotations

from typing import Any

from django import template

from zhaoluo.core import clock

from .. import selectors

register = template.Library()
RECENT_VISITS = 5


@register.inclusion_tag("service/_enterprise_section.html", takes_context=True)
def enterprise_service(context: dict[str, Any], enterprise: Any) -> dict[str, Any]:
    """Its cadres today and its latest visits with their flags, for whoever sees them in this app."""
    user = context["request"].user
    if not selectors.service_enterprises(user=user).filter(pk=enterprise.pk).exists():
        return {"shown": False}
    today = clock.today()
    pairings = selectors.pairing_list(user=user).filter(enterprise=enterprise)
    visits = selectors.visit_list(user=user).filter(enterprise=enterprise).prefetch_related("flags__rule")
    return {
        "shown": True,
        "enterprise": enterprise,
        "cadres": [p for p in pairings if p.is_active(today)],
        "visits": list(visits[:RECENT_VISITS]),
        "more": visits.count() > RECENT_VISITS,
    }
