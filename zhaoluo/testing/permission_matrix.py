"""The permission matrix: every named URL of the platform and who may do what on it.

Deny by default, written down once. `zhaoluo/core/tests/security/test_matrix.py` walks the
URL resolver and fails for a route missing here, then requests every route as every
persona of the `world` fixture (plus an anonymous visitor) with every method and compares
the status with what is declared here.

Adding a route: add one `Route(...)` line to ROUTES (or ADMIN_PREFIX covers it), naming
the URL, how its arguments are filled from the test world (`Targets`), and a `Rule` per
HTTP method it accepts. Methods not listed must answer 405. A write is sent with an empty
body, so a persona that may act gets the validation answer (422 for a page's form, 400 for
the API), never a change.

Statuses: `ok` personas get the rule's status; `seen` personas (who can see the record but
may not act on it) get 403; everyone else gets `hidden`: 404 when the route names a record
outside their scope (never 403: that would confirm it exists), 403 when it names none.
Anonymous visitors are sent to the login page (302) on pages and get 401 from the API,
unless the route is public.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
# One persona of each kind of scope, for routes marked `sample`.
SAMPLE_PERSONAS = frozenset({ANONYMOUS, "investment", "township_user", "enterprise_user", "sysadmin", "nobody"})
# Attribute names of the `world` fixture's users.
PERSONAS: tuple[str, ...] = (
    "investment",
    "task_force",
    "leader",
    "unit",
    "township_user",
    "supervision",
    "principal",
    "economy",
    "enterprise_user",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",
    "nobody",
)
SIGNED_IN = frozenset(PERSONAS)
NONE: frozenset[str] = frozenset()

# Who sees what of the world (orgs/scope.py): the world's project lies in 双沟镇, is led by
# 区发改局 (the `unit` persona's unit) and 王海 (`leader`), with `task_force` on its 专班.
DISTRICT_WIDE = frozenset({"investment", "supervision", "principal", "economy"})
SEES_PROJECT = DISTRICT_WIDE | {"township_user", "unit", "leader", "task_force"}
SEES_ENTERPRISE = SEES_PROJECT | {"enterprise_user"}
# projects/permissions.py and enterprises/services.py
MANAGE_PROJECTS = frozenset({"investment"})
REPORT_PROGRESS = frozenset({"investment", "task_force", "leader", "unit", "township_user"})
KEEP_REGISTRY = frozenset({"investment", "economy"})
# A create names no record: an investment user of another district creates in their own.
CREATE_PROJECTS = MANAGE_PROJECTS | {"outsider"}
CREATE_ENTERPRISES = KEEP_REGISTRY | {"outsider"}

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ALL_METHODS = ("GET", *WRITE_METHODS)
FORM_INVALID = 422  # a page's form sent empty
API_INVALID = 400  # an API write sent empty


@dataclass(frozen=True)
class Rule:
    ok: frozenset[str]
    status: int = 200
    seen: frozenset[str] = NONE
    hidden: int = 404

    def expected(self, persona: str) -> int:
        if persona in self.ok:
            return self.status
        if persona in self.seen:
            return 403
        return self.hidden


@dataclass(frozen=True)
class Targets:
    """The records a route's URL arguments point at."""

    project: Any
    milestone: Any
    evidence: Any  # a StageTransition with an evidence file
    enterprise: Any


Kwargs = Callable[[Targets], dict[str, Any]]


def no_kwargs(t: Targets) -> dict[str, Any]:
    return {}


def project(t: Targets) -> dict[str, Any]:
    return {"pk": t.project.pk}


def milestone(t: Targets) -> dict[str, Any]:
    return {"pk": t.project.pk, "mid": t.milestone.pk}


def evidence(t: Targets) -> dict[str, Any]:
    return {"pk": t.project.pk, "kind": "evidence", "file_id": t.evidence.pk}


def api_milestone(t: Targets) -> dict[str, Any]:
    return {"pk": t.milestone.pk}


def enterprise(t: Targets) -> dict[str, Any]:
    return {"pk": t.enterprise.pk}


@dataclass(frozen=True)
class Route:
    name: str
    methods: Mapping[str, Rule]
    kwargs: Kwargs = no_kwargs
    api: bool = False
    # API routes answer errors in the JSON shape of core/api.py; the Swagger page is HTML.
    json_errors: bool = True
    # What an anonymous visitor gets per method; unset: 302 to login (pages) or 401 (API).
    anonymous: Mapping[str, int] = field(default_factory=dict)
    # An expensive page that is the same for every signed-in persona: checked for SAMPLE_PERSONAS.
    sample: bool = False

    @property
    def names_a_record(self) -> bool:
        return self.kwargs is not no_kwargs

    def anonymous_status(self, method: str) -> int:
        if method in self.anonymous:
            return self.anonymous[method]
        if self.anonymous:  # a public route: methods it does not take are 405 for everyone
            return 405
        return 401 if self.api else 302


def everyone(status: int = 200) -> Rule:
    return Rule(ok=SIGNED_IN, status=status)


def in_scope(sees: frozenset[str], may: frozenset[str] | None = None, status: int = 200) -> Rule:
    """A record: those who see it and may act get `status`, those who only see it 403, others 404."""
    may = sees if may is None else may
    return Rule(ok=may, status=status, seen=sees - may)


def only(may: frozenset[str], status: int = 200) -> Rule:
    """No record named: those who may get `status`, everyone else 403."""
    return Rule(ok=may, status=status, hidden=403)


def form(sees: frozenset[str], may: frozenset[str]) -> dict[str, Rule]:
    """A page with a form on a record: GET shows it, POST submits it."""
    return {"GET": in_scope(sees, may), "POST": in_scope(sees, may, FORM_INVALID)}


ROUTES: tuple[Route, ...] = (
    # ---- platform
    Route("home", {"GET": everyone()}),
    Route(
        "login",
        # A signed-in user is sent on to their home page whatever the method; Django's
        # LoginView takes PUT as a POST (an empty one re-shows the form).
        dict.fromkeys(ALL_METHODS, Rule(ok=NONE, hidden=302)),
        anonymous={"GET": 200, "POST": 200, "PUT": 200},
    ),
    Route("logout", {"POST": everyone(302)}, anonymous={"POST": 302}),
    # ---- project pages
    Route("projects:list", {"GET": everyone()}),
    Route("projects:export", {"GET": everyone()}),
    Route("projects:create", {"GET": only(CREATE_PROJECTS), "POST": only(CREATE_PROJECTS, FORM_INVALID)}),
    Route("projects:detail", {"GET": in_scope(SEES_PROJECT)}, project),
    Route("projects:edit", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:advance", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:terminate", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:reopen", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:task_force", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:funds", form(SEES_PROJECT, MANAGE_PROJECTS), project),
    Route("projects:milestone_create", form(SEES_PROJECT, REPORT_PROGRESS), project),
    Route("projects:milestone_edit", form(SEES_PROJECT, REPORT_PROGRESS), milestone),
    Route("projects:milestone_complete", form(SEES_PROJECT, REPORT_PROGRESS), milestone),
    Route("projects:milestone_delete", form(SEES_PROJECT, REPORT_PROGRESS), milestone),
    Route("projects:progress", form(SEES_PROJECT, REPORT_PROGRESS), project),
    Route("projects:file", {"GET": in_scope(SEES_PROJECT)}, evidence),
    # ---- enterprise pages
    Route("enterprises:list", {"GET": everyone()}),
    Route("enterprises:detail", {"GET": in_scope(SEES_ENTERPRISE)}, enterprise),
    Route("enterprises:edit", form(SEES_ENTERPRISE, KEEP_REGISTRY), enterprise),
    # ---- figures
    Route("stats:funnel", {"GET": everyone()}),
    # ---- API: platform
    Route(
        "api-token",
        # An empty username and password is refused whoever asks; token login needs no session.
        {"POST": everyone(API_INVALID)},
        api=True,
        anonymous={"POST": 400},
    ),
    Route("api-me", {"GET": everyone()}, api=True),
    Route("api-officials", {"GET": everyone()}, api=True),
    Route("api-units", {"GET": everyone()}, api=True),
    Route("api-townships", {"GET": everyone()}, api=True),
    # The schema answers in OpenAPI's own media type, its 401 included.
    Route("api-schema", {"GET": everyone()}, api=True, json_errors=False, sample=True),
    Route("api-docs", {"GET": everyone()}, api=True, json_errors=False),
    # ---- API: projects
    Route("api-project-list", {"GET": everyone(), "POST": only(CREATE_PROJECTS, API_INVALID)}, api=True),
    Route(
        "api-project-detail",
        {"GET": in_scope(SEES_PROJECT), "PATCH": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)},
        project,
        api=True,
    ),
    Route("api-project-advance", {"POST": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)}, project, api=True),
    Route("api-project-terminate", {"POST": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)}, project, api=True),
    Route("api-project-reopen", {"POST": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)}, project, api=True),
    Route("api-project-transitions", {"GET": in_scope(SEES_PROJECT)}, project, api=True),
    Route("api-project-timeline", {"GET": in_scope(SEES_PROJECT)}, project, api=True),
    Route(
        "api-project-task-force",
        {"GET": in_scope(SEES_PROJECT), "PUT": in_scope(SEES_PROJECT, MANAGE_PROJECTS, API_INVALID)},
        project,
        api=True,
    ),
    Route(
        "api-project-milestones",
        {"GET": in_scope(SEES_PROJECT), "POST": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID)},
        project,
        api=True,
    ),
    Route(
        "api-project-progress",
        {"GET": in_scope(SEES_PROJECT), "POST": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID)},
        project,
        api=True,
    ),
    Route(
        "api-milestone-detail",
        {
            "GET": in_scope(SEES_PROJECT),
            "PATCH": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID),
            "DELETE": in_scope(SEES_PROJECT, REPORT_PROGRESS, API_INVALID),
        },
        api_milestone,
        api=True,
    ),
    Route("api-fund-list", {"GET": everyone(), "POST": only(CREATE_PROJECTS, API_INVALID)}, api=True),
    # ---- API: enterprises
    Route("api-enterprise-list", {"GET": everyone(), "POST": only(CREATE_ENTERPRISES, API_INVALID)}, api=True),
    Route(
        "api-enterprise-detail",
        {"GET": in_scope(SEES_ENTERPRISE), "PATCH": in_scope(SEES_ENTERPRISE, KEEP_REGISTRY, API_INVALID)},
        enterprise,
        api=True,
    ),
)

# The Django admin (core/adminsite.py) is the system administrator's alone: one rule for all
# of its URLs. Everyone else, signed in or not, is sent to the admin's login page.
ADMIN_PREFIX = "admin:"
ADMIN_ONLY = frozenset({"sysadmin"})
# The admin persona set is kept small: the admin checks its permission before any view code.
ADMIN_PERSONAS = ("sysadmin", "secadmin", "auditadmin", "investment", "nobody", ANONYMOUS)

BY_NAME: dict[str, Route] = {r.name: r for r in ROUTES}


def covered(name: str) -> bool:
    return name in BY_NAME or name.startswith(ADMIN_PREFIX)
