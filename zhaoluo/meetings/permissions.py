"""Who may change a meeting. Seeing it at all is the selectors' business (404 outside scope).

The chair runs their own meeting; 督查室 (which in the district also serves as the
government office's meeting secretariat) prepares agendas and takes minutes for every chair.
"""

from __future__ import annotations

from typing import Any

from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.scope import ScopeKind, scope_for

from .models import Meeting

SECRETARIAT_ROLES = frozenset({Role.SUPERVISION})


def can_edit(user: Any, meeting: Meeting) -> bool:
    scope = scope_for(user)
    if scope.kind is ScopeKind.NONE or scope.district_id != meeting.district_id:
        return False
    if user.role in SECRETARIAT_ROLES:
        return True
    return user.official_id is not None and user.official_id == meeting.chair_id
