"""What the orgs app plugs into the kernel (core/registry.py): the roles behind the kernel's
own checks, the user account as a privacy subject, and the organisation's schema enums."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from zhaoluo.core import api_schema, privacy, roles

from .choices import Body, RegionLevel, Role, UnitKind
from .models import User

# 科经局 keeps the registry and 招商人员 work with investors: both phone and write to contacts.
UNMASK_ROLES = frozenset({Role.ECONOMY, Role.INVESTMENT})


def _role_is(role: Role) -> roles.RoleCheck:
    def check(user: Any, obj: Model | None) -> bool:
        return bool(getattr(user, "role", None) == role)

    return check


roles.register(roles.AUDIT_READER, _role_is(Role.AUDITADMIN))
roles.register(roles.PRIVACY_OFFICER, _role_is(Role.SECADMIN))
roles.register(roles.UNMASK, lambda user, obj: getattr(user, "role", "") in UNMASK_ROLES)


def _find_user(identifier: str, district_id: int | None, anywhere: bool) -> User | None:
    if anywhere:
        return User.objects.filter(username=identifier).first()
    user = User.objects.filter(username=identifier).select_related("region").first()
    if user is None or privacy.district_id_of(user) != district_id:
        return None
    return user


privacy.register_subject(
    privacy.PrivacySubject(
        kind="user",
        label="用户账号（姓名、邮箱，并停用）",
        find=_find_user,
        anonymise=lambda user, by, reason: privacy.user_anonymise(user=user, by=by, reason=reason),
        describe=lambda user, identifier: f"账号 {identifier}",
        missing="本区没有此登录名的用户",
        position=20,
    )
)

api_schema.register_enums(Body, RegionLevel, Role, UnitKind)
