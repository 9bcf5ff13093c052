"""B1: deny by default on every URL. The matrix (zhaoluo/testing/permission_matrix.py)
names every route; each route answers every persona as declared there.

B5's "no GET changes the database" is checked here too: every row of every table is the
same after a route's requests as before (GETs, and the empty writes the matrix sends, which
must all be refused or invalid)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhaoluo.accounts.token_services import api_token_issue
from zhaoluo.core.adminsite import site as admin_site
from zhaoluo.orgs.choices import Role
from zhaoluo.orgs.models import User
from zhaoluo.testing import permission_matrix as pm

from .conftest import changed_tables, client_as, db_state, send

pytestmark = pytest.mark.django_db

# Apps being built on sibling branches: a matrix row may name a route they have not merged yet.
PENDING_PREFIXES: tuple[str, ...] = ()


def walk(patterns=None, namespace: str = "", prefix: str = "") -> tuple[dict[str, list[str]], list[str]]:
    """Every named route (name → its URL argument names) and the patterns that have no name."""
    named: dict[str, list[str]] = {}
    unnamed: list[str] = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            sub_named, sub_unnamed = walk(p.url_patterns, inner, prefix + str(p.pattern))
            for name, keys in sub_named.items():
                named.setdefault(name, keys)
            unnamed += sub_unnamed
        elif isinstance(p, URLPattern):
            if p.name:
                named.setdefault(f"{namespace}:{p.name}" if namespace else p.name, list(p.pattern.regex.groupindex))
            else:
                unnamed.append(prefix + str(p.pattern))
    return named, unnamed


NAMED, UNNAMED = walk()
ADMIN_NAMES = sorted(n for n in NAMED if n.startswith(pm.ADMIN_PREFIX))


def test_every_route_of_the_platform_is_in_the_permission_matrix():
    missing = sorted(n for n in NAMED if not pm.covered(n))
    assert missing == [], f"add these routes to zhaoluo/testing/permission_matrix.py: {missing}"


def test_the_matrix_names_no_route_that_does_not_exist():
    stale = sorted(n for n in pm.BY_NAME if n not in NAMED and not n.startswith(PENDING_PREFIXES))
    assert stale == []


def test_every_route_outside_the_admin_has_a_name_so_the_matrix_can_hold_it():
    assert [p for p in UNNAMED if not p.startswith("admin/")] == []


def test_the_walk_reaches_the_apps_the_api_router_and_the_admin():
    # The test that cannot silently pass on an empty list.
    for name in ("home", "projects:edit", "enterprises:edit", "api-project-advance", "admin:index"):
        assert name in NAMED
    assert len(ADMIN_NAMES) > 20


def _check(response, expected: int, *, api: bool, anonymous: bool) -> str | None:
    status = response.status_code
    if hasattr(response, "streaming_content"):
        # Reading it to the end closes it the test client's way; a bare close() would fire
        # request_finished and close the test's PostgreSQL connection.
        b"".join(response.streaming_content)
    if status != expected:
        return f"{status} (expected {expected})"
    if anonymous and status == 302 and not response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return f"302 to {response['Location']}, not to the login page"
    if api and status >= 400:
        if not response.get("Content-Type", "").startswith("application/json"):
            return f"{status} as {response.get('Content-Type')}, not the API's JSON error"
        body = response.json()
        if not ({"code", "message"} <= set(body.get("error", {}))):
            return f"{status} without the API error shape: {body}"
    return None


@pytest.mark.parametrize("name", sorted(r.name for r in pm.ROUTES if r.name in NAMED))
def test_each_route_answers_each_persona_as_the_matrix_says(world, targets, name):
    route = pm.BY_NAME[name]
    url = reverse(name, kwargs=route.kwargs(targets))
    wrong: list[str] = []
    clients = {p: client_as(world, p) for p in (pm.ANONYMOUS, *pm.PERSONAS)}
    before = db_state(route.records)
    for persona, client in clients.items():
        if route.sample and persona not in pm.SAMPLE_PERSONAS:
            continue
        # Each persona as if from its own address: the token login counts 10 calls a minute per
        # address whoever calls (docs/api.md), and the walk sends more than that from one.
        cache.clear()
        for method in pm.ALL_METHODS:
            rule = route.methods.get(method)
            # A method the route does not take is 405 for everyone: two personas show it.
            if rule is None and persona not in (pm.ANONYMOUS, "investment", "nobody"):
                continue
            if persona == pm.ANONYMOUS:
                expected = route.anonymous_status(method)
            else:
                expected = rule.expected(persona) if rule else 405
            response = send(client, method, url, api=route.api, multipart=route.multipart)
            problem = _check(response, expected, api=route.api and route.json_errors, anonymous=persona == pm.ANONYMOUS)
            if problem:
                wrong.append(f"{method} {url} as {persona}: {problem}")
    wrong += [f"{url} changed {table}" for table in changed_tables(before, db_state(route.records))]
    assert wrong == [], "\n".join(wrong)


def _admin_kwargs(name: str, keys: list[str], world) -> dict[str, str]:
    models = {f"{m._meta.app_label}_{m._meta.model_name}_": m for m in admin_site._registry}
    model = next((m for prefix, m in models.items() if name.startswith(f"admin:{prefix}")), None)
    values: dict[str, str] = {}
    for key in keys:
        if key == "app_label":
            values[key] = "orgs"
        elif key == "content_type_id":
            values[key] = str(ContentType.objects.get_for_model(User).pk)
        elif key in ("object_id", "id"):
            obj = model._default_manager.first() if model is not None else world.investment
            values[key] = str(obj.pk) if obj is not None else "1"
        else:  # pragma: no cover - a new admin URL argument needs a value here
            raise AssertionError(f"no value for {key} of {name}")
    return values


def test_every_admin_route_is_the_system_administrators_alone(world):
    assert isinstance(admin_site, admin.AdminSite)
    login = reverse("admin:login")
    wrong: list[str] = []
    clients = {p: client_as(world, p) for p in pm.ADMIN_PERSONAS}
    before = db_state()
    for name in ADMIN_NAMES:
        url = reverse(name, kwargs=_admin_kwargs(name, NAMED[name], world))
        for persona, client in clients.items():
            response = client.get(url)
            status, where = response.status_code, response.get("Location", "")
            allowed = persona in pm.ADMIN_ONLY
            if name == "admin:login":
                # The admin has no login page of its own: everyone is sent to the platform's
                # (lockout, 2FA, audit), which sends a signed-in administrator on to the admin.
                ok = status == 302 and where.startswith(resolve_url(settings.LOGIN_URL))
            elif allowed:
                # Read-only models refuse even the system administrator an add or delete page (403).
                ok = status in (200, 302, 403, 404, 405) and not where.startswith(login)
            elif name == "admin:logout":
                ok = status == 302 and where.startswith((login, reverse("admin:index")))
            else:
                ok = status == 302 and where.startswith(login)
            if not ok:
                wrong.append(f"GET {url} as {persona}: {status} {where}")
    wrong += [f"the admin's pages changed {table}" for table in changed_tables(before, db_state())]
    assert wrong == [], "\n".join(wrong)


# ---------------------------------------------------------------- revocation applies at once


def test_a_role_taken_away_is_refused_on_the_very_next_request(world, targets):
    page = world.client_for(world.investment)
    _, key = api_token_issue(user=world.investment)
    assert page.get(reverse("projects:create")).status_code == 200
    assert page.get(reverse("projects:edit", args=[targets.project.pk])).status_code == 200
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    assert send(page.__class__(), "POST", "/api/projects/", api=True, **headers).status_code == 400

    User.objects.filter(pk=world.investment.pk).update(role=Role.SUPERVISION)

    assert page.get(reverse("projects:create")).status_code == 403
    assert page.get(reverse("projects:edit", args=[targets.project.pk])).status_code == 403
    assert send(page.__class__(), "POST", "/api/projects/", api=True, **headers).status_code == 403


def test_a_user_moved_to_another_township_no_longer_sees_the_old_ones_projects(world, targets):
    client = world.client_for(world.township_user)
    assert client.get(reverse("projects:detail", args=[targets.project.pk])).status_code == 200
    User.objects.filter(pk=world.township_user.pk).update(region=world.other_township, unit=None)
    assert client.get(reverse("projects:detail", args=[targets.project.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[world.other_project.pk])).status_code == 200


def test_a_deactivated_account_is_signed_out_on_its_next_request_by_page_and_by_token(world):
    cache.clear()
    client = world.client_for(world.economy)
    _, key = api_token_issue(user=world.economy)
    assert client.get(reverse("enterprises:list")).status_code == 200
    User.objects.filter(pk=world.economy.pk).update(is_active=False)
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    api = send(client_as(world, pm.ANONYMOUS), "GET", "/api/me/", api=True, HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 401 and api.json()["error"]["code"] == "authentication_failed"


def test_the_admin_closes_when_the_system_administrator_role_is_removed(world):
    client = world.client_for(world.sysadmin)
    assert client.get(reverse("admin:index")).status_code == 200
    User.objects.filter(pk=world.sysadmin.pk).update(role=Role.SECADMIN)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
