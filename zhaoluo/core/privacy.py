"""Writes about personal information itself: audited unmasking and anonymisation on request.

Each call writes its audit row in the same transaction. The audit rows name the fields,
never their values: an anonymisation must not leave the data it removed in the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from . import audit, pi, roles
from .errors import PermissionDeniedError
from .locking import claim_version

UNMASKED = "pi.unmasked"
ANONYMISED = "pi.anonymised"


@dataclass(frozen=True)
class PrivacySubject:
    """Whose personal data a deletion request can name (an enterprise contact, a user account).

    The app that owns the records registers one from its plugins.py; the 安全管理员's page and
    `zhaoluo anonymise-person` offer every registered subject, in `position` order.
    """

    kind: str  # the page's choice value: "enterprise", "user"
    label: str  # the page's choice label
    # (identifier, district id, anywhere) -> the record or None; `anywhere` is the command line's
    # search across districts, the page always searches the administrator's own district.
    find: Callable[[str, int | None, bool], Any]
    # (record, by, reason) -> the names of the fields it cleared
    anonymise: Callable[[Any, Any, str], list[str]]
    # (record, identifier) -> how the page names the anonymised record ("某企业", "账号 zhangsan")
    describe: Callable[[Any, str], str]
    missing: str  # the page's error when the district holds no such record
    position: int = 500


SUBJECTS: dict[str, PrivacySubject] = {}


# What else an anonymised account must lose besides its sessions (API tokens …): the app that
# issues the credential registers how to end it, from its plugins.py.
_CREDENTIAL_ENDERS: list[Callable[[Any], None]] = []


def register_credential_ender(end: Callable[[Any], None]) -> None:
    _CREDENTIAL_ENDERS.append(end)


def register_subject(subject: PrivacySubject) -> None:
    SUBJECTS[subject.kind] = subject


def subjects() -> list[PrivacySubject]:
    return sorted(SUBJECTS.values(), key=lambda subject: subject.position)


def district_id_of(user: Any) -> int | None:
    """The district of a user's region (None without a region): anonymisation stays within it."""
    district = user.region.district() if user.region_id else None
    return district.pk if district is not None else None


@transaction.atomic
def pi_unmask(*, user: Any, objects: Sequence[models.Model], fields: Sequence[str], channel: str) -> None:
    """Record that `user` was shown the full `fields` of `objects` (page, api or xlsx).

    The caller has found the objects through a scoped selector; this refuses a user who
    may not unmask them, so a view cannot forget the permission.
    """
    for obj in objects:
        if not pi.can_unmask(user, obj):
            raise PermissionDeniedError("您的角色不能查看完整的个人信息")
    labels = "、".join(pi.CATALOGUE[pi.key_of(obj, name)].label for obj in objects[:1] for name in fields)
    events = [
        audit.build(
            actor=user,
            action=UNMASKED,
            obj=obj,
            after={"fields": list(fields), "channel": channel},
            note=f"查看完整个人信息：{labels}（{channel}）",
        )
        for obj in objects
    ]
    audit.record_many(events)


def _require_secadmin(by: Any) -> None:
    if by is not None and not roles.allows(roles.PRIVACY_OFFICER, by):
        raise PermissionDeniedError("只有安全管理员可以办理个人信息删除（匿名化）申请")


@transaction.atomic
def enterprise_contact_anonymise(*, enterprise: models.Model, by: Any, reason: str) -> list[str]:
    """Clear an enterprise's contact person and phone (the enterprise record itself stays).

    `by` is the 安全管理员 handling the request, or None from the command line.
    """
    _require_secadmin(by)
    cleared = [name for name in ("contact", "phone") if getattr(enterprise, name)]
    for name in cleared:
        setattr(enterprise, name, "")
    claim_version(enterprise, None, {})
    enterprise.save(update_fields=[*cleared, "updated_at"])
    audit.record(
        actor=by,
        action=ANONYMISED,
        obj=enterprise,
        after=dict.fromkeys(cleared, ""),
        note=f"按申请匿名化企业联系人信息（{'、'.join(cleared) or '无'}）：{reason}",
    )
    return cleared


@transaction.atomic
def user_anonymise(*, user: Any, by: Any, reason: str) -> list[str]:
    """Clear a user's name and e-mail, rename the login and disable it for good.

    The account row stays so that audit rows keep pointing at an actor (the 184-day log
    retention is the legal exception to deletion); its sessions and API tokens go.
    """
    _require_secadmin(by)
    if by is not None and by.pk == user.pk:
        raise PermissionDeniedError("不能匿名化自己的账号")
    cleared = [name for name in ("first_name", "last_name", "email") if getattr(user, name)]
    for name in cleared:
        setattr(user, name, "")
    user.username = f"anonymised-{user.pk}"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    _end_sessions(user.pk)
    for end_credentials in _CREDENTIAL_ENDERS:
        end_credentials(user)
    audit.record(
        actor=by,
        action=ANONYMISED,
        obj=user,
        after={**dict.fromkeys(cleared, ""), "username": user.username, "is_active": False},
        note=f"按申请匿名化用户个人信息并停用账号（{'、'.join(cleared) or '无'}）：{reason}",
    )
    return cleared


def _end_sessions(user_pk: Any) -> None:
    ids: Iterable[str] = (
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if str(s.get_decoded().get("_auth_user_id")) == str(user_pk)
    )
    Session.objects.filter(session_key__in=list(ids)).delete()
