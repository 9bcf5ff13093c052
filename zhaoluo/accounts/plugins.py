"""What the accounts app plugs into the kernel (core/registry.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model

from zhaoluo.core import privacy, roles, scheduled
from zhaoluo.orgs.choices import Role

from .permissions import SYSTEM_CONFIGURE, can


def _dormant(today: dt.date) -> dict[str, int]:
    from .services import dormant_accounts_disable

    # Dormant accounts and audit retention go by the real clock, not the demo's ZHAOLUO_TODAY.
    with transaction.atomic():
        return {"dormant_disabled": dormant_accounts_disable()}


def _login_failures(today: dt.date) -> dict[str, int]:
    from .services import login_failures_purge

    return {"login_failures_purged": login_failures_purge()}


scheduled.register_step(scheduled.Step("dormant", "停用长期未登录账号", _dormant, order=30))
scheduled.register_step(scheduled.Step("login_failures", "清理登录失败记录", _login_failures, order=40))


def _enters_admin(user: Any, obj: Model | None) -> bool:
    """三员分立: the Django admin is the 系统管理员's (the admin site adds the second factor)."""
    return bool(can(user, SYSTEM_CONFIGURE) and user.role == Role.SYSADMIN)


roles.register(roles.ADMIN_SITE, _enters_admin)


def _end_api_tokens(user: Any) -> None:
    from .token_services import api_tokens_end

    api_tokens_end(user=user)


# An anonymised account keeps no API token (core/privacy.user_anonymise).
privacy.register_credential_ender(_end_api_tokens)
