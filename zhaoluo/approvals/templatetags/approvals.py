"""The approvals section of the project page, as one tag, so the projects app stays unaware of it."""

from __future__ import annotations

from typing import Any

from django import template

from zhaoluo.projects import permissions as project_permissions

from .. import permissions, selectors
from ..views import rows_for

register = template.Library()


@register.inclusion_tag("approvals/_project_section.html", takes_context=True)
def project_approvals(context: dict[str, Any], project: Any) -> dict[str, Any]:
    user = context["request"].user
    approvals = list(selectors.project_approvals(user=user, project=project))
    return {
        "project": project,
        "rows": rows_for(approvals),
        # The code lives on the project and is edited with it: the link goes to the project form.
        "can_edit_code": project_permissions.can_manage(user, project),
        "can_record": permissions.can_record(user, project),
        "can_update": {a.pk for a in approvals if permissions.can_update(user, a)},
    }
