"""The permission matrix's vocabulary: a `Rule` per HTTP method, a `Route` per URL, and the
shorthands the ROUTES of permission_matrix.py are written in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .matrix_kwargs import Kwargs, no_kwargs
from .matrix_personas import NONE, SIGNED_IN

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
    # An API upload: writes are sent as an empty multipart form, not JSON.
    multipart: bool = False
    # Audit actions a permitted request of this route records by design, its empty body being the
    # whole request (logout); nothing else may change.
    records: frozenset[str] = NONE

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
