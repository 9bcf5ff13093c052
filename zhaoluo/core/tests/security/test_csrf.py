"""B5: every state-changing request needs the CSRF token (no GET changes the database:
see test_matrix.py, which checks it on every request it makes).

Token-authenticated API calls (`Authorization: Token …`) are exempt by design: a browser
never sends that header on its own, so another site cannot make a victim's browser send
it (CSRF rides on cookies). Session-authenticated API calls are checked like pages (DRF's
SessionAuthentication), and the token endpoint takes credentials, not a session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from rest_framework.authentication import SessionAuthentication

import zhaoluo
from zhaoluo.accounts.token_services import api_token_issue
from zhaoluo.core.models import AuditEvent, Outcome
from zhaoluo.testing import permission_matrix as pm

from .conftest import client_as, send
from .test_matrix import NAMED

pytestmark = pytest.mark.django_db

# Where `csrf_exempt` may appear in the platform's source, and why. Empty: nothing is exempt.
CSRF_EXEMPT_ALLOWLIST: dict[str, str] = {}
# Public routes that change nothing for a cookie-holding victim: the token endpoint takes a
# username and password in its body and answers the token only to the caller.
NO_SESSION_ROUTES = frozenset({"api-token"})


def _actor(route: pm.Route, method: str) -> str:
    """Someone the route would let through for this method, so only CSRF can stop them."""
    rule = route.methods[method]
    return next((p for p in pm.PERSONAS if p in rule.ok), "investment")


WRITES = [
    (r.name, m)
    for r in pm.ROUTES
    for m in pm.WRITE_METHODS
    if m in r.methods and r.name in NAMED and r.name not in NO_SESSION_ROUTES
]


@pytest.mark.parametrize(("name", "method"), WRITES)
def test_a_write_without_the_csrf_token_is_refused(world, targets, name, method):
    route = pm.BY_NAME[name]
    url = reverse(name, kwargs=route.kwargs(targets))
    persona = _actor(route, method)
    client = client_as(world, persona, enforce_csrf_checks=True)
    before = AuditEvent.objects.count()
    response = send(client, method, url, api=route.api, multipart=route.multipart)
    assert response.status_code == 403, f"{method} {url} as {persona}"
    if route.api:
        assert "CSRF" in response.json()["error"]["message"]
    # Nothing was done: the only audit row may be the refusal itself (DeniedAccessAuditMiddleware).
    new = {(e.action, e.outcome) for e in AuditEvent.objects.order_by("pk")[before:]}
    assert new <= {("access.denied", Outcome.DENIED)}, new


def test_an_anonymous_login_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": world.investment.username, "password": "x"})
    assert response.status_code == 403


def test_with_the_token_the_same_write_goes_through(world):
    # The control: the 403s above are CSRF's, not something else's.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.investment)
    client.get(reverse("projects:create"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("projects:create"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 422
    api = client.post("/api/projects/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert api.status_code == 400


def test_token_authenticated_api_calls_need_no_csrf_token_by_design(world):
    _, key = api_token_issue(user=world.investment)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/projects/", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400  # validation, not CSRF


def test_csrf_exempt_appears_nowhere_in_the_source_outside_the_allowlist():
    root = Path(zhaoluo.__file__).parent
    hits = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and re.search(r"\bcsrf_exempt\b", path.read_text(encoding="utf-8"))
    }
    assert hits <= set(CSRF_EXEMPT_ALLOWLIST), sorted(hits - set(CSRF_EXEMPT_ALLOWLIST))


def _views(patterns=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(p, "url_patterns"):
            yield from _views(p.url_patterns)
        else:
            yield p


def test_every_csrf_exempt_view_is_an_api_view_that_checks_csrf_for_sessions_itself():
    # DRF marks its views csrf_exempt and checks CSRF in SessionAuthentication instead.
    unchecked = []
    for pattern in _views():
        callback = pattern.callback
        if not getattr(callback, "csrf_exempt", False):
            continue
        view = getattr(callback, "cls", None)
        if view is None:
            unchecked.append(str(pattern.pattern))
            continue
        classes = getattr(view, "authentication_classes", [])
        if any(issubclass(c, SessionAuthentication) for c in classes):
            if not all(issubclass(c, SessionAuthentication) or "Token" in c.__name__ for c in classes):
                unchecked.append(f"{pattern.pattern}: {classes}")
        elif pattern.name not in NO_SESSION_ROUTES:
            unchecked.append(f"{pattern.pattern}: no session authentication")
    assert unchecked == []


# No GET changes the database: test_matrix.py compares every row of every table before and
# after each route's requests (every persona, every method, GET included) and after the
# system administrator's walk of the admin.
