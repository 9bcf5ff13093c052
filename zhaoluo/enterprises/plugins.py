"""What the enterprises app plugs into the kernel (core/registry.py): the enterprise contact
as a privacy subject (and as one who may unmask it), and the enterprises' schema enums."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from zhaoluo.core import api_schema, privacy, roles
from zhaoluo.orgs.choices import Role

from .choices import Listing
from .models import Enterprise


def _own_enterprise(user: Any, obj: Model | None) -> bool:
    """An enterprise contact may see their own enterprise's contact data in full."""
    if getattr(user, "role", "") != Role.ENTERPRISE or not isinstance(obj, Enterprise):
        return False
    return bool(user.enterprise_id) and user.enterprise_id == obj.pk


roles.register(roles.UNMASK, _own_enterprise)


def _find_enterprise(identifier: str, district_id: int | None, anywhere: bool) -> Enterprise | None:
    found = Enterprise.objects.filter(uscc=identifier.upper())
    return (found if anywhere else found.filter(district_id=district_id)).first()


privacy.register_subject(
    privacy.PrivacySubject(
        kind="enterprise",
        label="企业联系人（联系人、联系电话）",
        find=_find_enterprise,
        anonymise=lambda enterprise, by, reason: privacy.enterprise_contact_anonymise(
            enterprise=enterprise, by=by, reason=reason
        ),
        describe=lambda enterprise, identifier: enterprise.name,
        missing="本区没有此统一社会信用代码的企业",
        position=10,
    )
)

api_schema.register_enums(Listing)
