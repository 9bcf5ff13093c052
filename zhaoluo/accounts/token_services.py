"""API tokens: several named ones per user, each ending (models.ApiToken, docs/api.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.models import User

from .models import ApiToken

MAX_TOKENS_PER_USER = 10
# last_used_at is written at most this often: not a write on every API call.
TOUCH_EVERY = dt.timedelta(minutes=5)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def max_days() -> int:
    days: int = settings.ZHAOLUO_API_TOKEN_MAX_DAYS
    return days


@transaction.atomic
def api_token_issue(*, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token and its key (shown this once; only its digest is kept)."""
    longest = max_days()
    if days is None:
        days = longest
    if not 1 <= days <= longest:
        raise ValidationError({"days": f"有效期须为 1 至 {longest} 天"})
    key = secrets.token_hex(20)
    name = name.strip() or f"接口令牌 {key[:8]}"
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": f"已有名为“{name}”的令牌，请换一个名称"})
    if ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError({"name": f"每个账号最多 {MAX_TOKENS_PER_USER} 个有效令牌，请先撤销不用的令牌"})
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        digest=digest(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit.record(
        actor=user,
        action="api_token.created",
        obj=user,
        after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDeniedError("该令牌不属于您")
    before = {"name": token.name, "prefix": token.prefix}
    token.delete()
    audit.record(actor=user, action="api_token.revoked", obj=user, before=before)


def api_tokens_end(*, user: User) -> int:
    """Delete every token of the user; the caller's own audit row says why (logout, password …)."""
    deleted: int = ApiToken.objects.filter(user=user).delete()[0]
    return deleted


def api_token_by_key(key: str) -> ApiToken | None:
    """The live token of this key, or None (unknown or past its end)."""
    token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
    now = timezone.now()
    if token is None or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
