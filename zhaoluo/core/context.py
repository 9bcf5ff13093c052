"""Who and where a write comes from, for the audit row.

The middleware fills this for web and API requests; the CLI and scheduled work set
their own source. Services read it instead of taking the request as an argument.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    source: str = "cli"
    # One id per web/API request (also sent back as X-Request-ID) or per scheduled run,
    # so the audit rows and log lines of one request can be found together.
    request_id: str = ""


def new_request_id() -> str:
    return uuid.uuid4().hex


_DEFAULT = RequestContext()  # frozen, so sharing it as the default is safe
_current: ContextVar[RequestContext] = ContextVar("zhaoluo_request_context", default=_DEFAULT)


def current() -> RequestContext:
    return _current.get()


@contextlib.contextmanager
def using(ctx: RequestContext) -> Iterator[None]:
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)
