"""Two gates in front of every view.

AdminNetworkMiddleware: the Django admin and the 安全管理员's pages answer only to clients in
ZHAOLUO_ADMIN_NETWORKS (404 elsewhere, so an outsider does not even learn they exist).

AccountGateMiddleware: a logged-in session older than ZHAOLUO_SESSION_MAX_HOURS is ended; a
session that still owes a step (2FA code, forced or expired password change, 2FA enrolment)
reaches only that step's page. Pages redirect; the API answers 403 JSON naming the step.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from zhaoluo.core import context

from . import selectors

# Session keys: when this login began, when the session was last renewed, and until when the
# steps need not be checked again.
SESSION_STARTED = "zhaoluo_auth_at"
SESSION_TOUCHED = "zhaoluo_touched_at"
GATE_PASSED = "zhaoluo_gate_passed_until"
# The idle timeout is the session's expiry (SESSION_COOKIE_AGE after its last save). Saving it at
# most once a minute, rather than on every request, spares SQLite a write lock per page; the
# session then ends between 29 and 30 minutes after the last request.
TOUCH_SECONDS = 60

# The admin interfaces (三员's own pages), by URL namespace and by view name: the Django admin,
# the 安全管理员's account pages and the 审计管理员's audit search and export.
ADMIN_NAMESPACES = frozenset({"admin", "secadmin"})
# The admin pages outside those namespaces: the audit log, anonymisation (安全管理员) and the
# notification channels (系统管理员), whose webhooks and secrets are configuration (issue #11 point 4).
ADMIN_VIEW_NAMES = frozenset(
    {
        "audit-search",
        "audit-export",
        "privacy:anonymise",
        "notify:channels",
        "notify:channel_create",
        "notify:channel_edit",
        "notify:channel_test",
        "notify:delivery_retry",
    }
)
STEP_VIEWS = {
    selectors.Step.OTP_VERIFY: "accounts:otp-verify",
    selectors.Step.PASSWORD_CHANGE: "accounts:password-change",
    selectors.Step.PASSWORD_EXPIRED: "accounts:password-change",
    selectors.Step.OTP_ENROL: "accounts:otp-enrol",
}
# What a session owing a step may still reach: the step pages themselves and the way out.
EXEMPT_VIEWS = frozenset({*STEP_VIEWS.values(), "accounts:otp-qr", "logout"})


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


def admin_network_allows(ip: str | None) -> bool:
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in net for net in _networks(tuple(settings.ZHAOLUO_ADMIN_NETWORKS)))


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class AdminNetworkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return None
        if not ADMIN_NAMESPACES.intersection(match.namespaces) and match.view_name not in ADMIN_VIEW_NAMES:
            return None
        if not admin_network_allows(context.current().ip):
            raise Http404
        return None


def stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At login (user_logged_in): start the session's clocks, and skip the step check on the next
    requests when nothing is owed even before a second factor (most accounts)."""
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_TOUCHED] = now
    if selectors.pending_step(user, verified=False) is None:
        request.session[GATE_PASSED] = AccountGateMiddleware._recheck_at(user, now)


def forget_gate(request: HttpRequest) -> None:
    """Check the steps again on the next request (after a password change or a 2FA change)."""
    request.session.pop(GATE_PASSED, None)


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        now = timezone.now().timestamp()
        session = request.session
        started = session.get(SESSION_STARTED)
        if started is None:
            session[SESSION_STARTED] = now
        elif now - started > settings.ZHAOLUO_SESSION_MAX_HOURS * 3600:
            logout(request)
            return self._login_again(request)
        if now - session.get(SESSION_TOUCHED, 0) >= TOUCH_SECONDS:
            session[SESSION_TOUCHED] = now
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if now < request.session.get(GATE_PASSED, 0):
            return None
        is_verified = getattr(user, "is_verified", None)
        step = selectors.pending_step(user, verified=bool(is_verified and is_verified()))
        if step is None:
            request.session[GATE_PASSED] = self._recheck_at(user, now)
            return None
        return self._send_to_step(request, step)

    @staticmethod
    def _recheck_at(user: Any, now: float) -> float:
        """Until the password expires, or the session's end, whichever comes first."""
        expires = selectors.password_expires_at(user, selectors.security_of(user))
        limit = now + settings.ZHAOLUO_SESSION_MAX_HOURS * 3600
        return min(limit, expires.timestamp()) if expires is not None else limit

    @staticmethod
    def _send_to_step(request: HttpRequest, step: selectors.Step) -> HttpResponse:
        message = selectors.STEP_MESSAGES[step]
        if _is_api(request):
            return JsonResponse({"error": {"code": step.value, "message": message}}, status=403)
        url = f"{reverse(STEP_VIEWS[step])}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)

    @staticmethod
    def _login_again(request: HttpRequest) -> HttpResponse:
        message = "登录已超过最长时限，请重新登录"
        if _is_api(request):
            return JsonResponse({"error": {"code": "session_expired", "message": message}}, status=401)
        url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", None):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
