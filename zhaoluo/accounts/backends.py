"""The one password check of the platform: the login page, the admin and the API token all come here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from zhaoluo.core import context
from zhaoluo.core.middleware import client_ip
from zhaoluo.orgs.models import User

from . import selectors, services

# Set on the request when the client address is throttled, so the login page can answer 429.
THROTTLED_ATTR = "zhaoluo_login_throttled"


class AccountBackend(ModelBackend):
    """Case-insensitive login names, per-account lockout and per-address throttling.

    Whatever went wrong, the caller gets None: the person at the login page learns neither
    whether the account exists nor whether it is locked. A locked account is refused even
    with the right password.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else context.current().ip
        if selectors.ip_is_throttled(ip):
            services.login_failed(username=username, user=None, ip=ip, reason=services.IP_THROTTLED)
            if request is not None:
                setattr(request, THROTTLED_ATTR, True)
            # PermissionDenied stops authenticate() from asking any other backend.
            raise PermissionDenied
        user = selectors.user_by_login_name(username)
        if user is None:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            User().set_password(password)
            services.login_failed(username=username, user=None, ip=ip, reason=services.UNKNOWN_USER)
            return None
        password_ok = user.check_password(password)
        if selectors.is_locked(user):
            services.login_failed(username=username, user=user, ip=ip, reason=services.LOCKED)
            return None
        if not password_ok:
            services.login_failed(username=username, user=user, ip=ip, reason=services.BAD_PASSWORD)
            return None
        if not self.user_can_authenticate(user):
            services.login_failed(username=username, user=user, ip=ip, reason=services.INACTIVE)
            return None
        services.login_succeeded(user=user)
        return user
