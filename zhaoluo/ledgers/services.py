"""The ledger front doors' one entry point: permission, district, then the engine; and exports,
which are audited like every other act that takes data out of the platform."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from zhaoluo.core import audit
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.models import Region, User
from zhaoluo.orgs.scope import ConsoleUser

from . import xlsx
from .engine import ImportResult, run_import
from .spec import Kind


def can_import(user: User | None, kind: Kind) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.role in kind.import_roles


def ledger_import(
    *,
    kind: Kind,
    path: Path,
    file_name: str,
    by: User | None,
    district: Region,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportResult:
    """`by` None is the command line, run by whoever operates the server."""
    if by is not None and not can_import(by, kind):
        raise PermissionDeniedError(f"您的角色不能导入{kind.label}")
    return run_import(
        kind=kind, path=path, file_name=file_name, by=by, district=district, dry_run=dry_run, strict=strict
    )


@transaction.atomic
def ledger_export(
    *, kind: Kind, by: User | None, district: Region, params: Mapping[str, Any], out: IO[bytes] | Path
) -> int:
    """The records `by` may see, filtered by `params` (the list page's FilterSet), as the kind's
    ledger. The command line (`by` None) exports the whole district."""
    reader: Any = ConsoleUser(district) if by is None else by
    rows = kind.export_rows(kind.queryset(reader, params))
    count = xlsx.write_ledger(kind, rows, out)
    filters = {k: v for k, v in params.items() if v not in ("", None, [])}
    audit.record(
        actor=by,
        action="ledger.exported",
        obj=district,
        after={"kind": kind.name, "rows": count, "filters": {k: str(v) for k, v in filters.items()}},
    )
    return count
