"""The ledger front doors' one entry point: permission, district, then the engine; and exports,
which are audited like every other act that takes data out of the platform."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.http import QueryDict

from zhaoluo.core import audit, pi, privacy
from zhaoluo.core.errors import PermissionDeniedError
from zhaoluo.orgs.models import Region, User
from zhaoluo.orgs.scope import ConsoleUser

from . import xlsx
from .engine import ImportResult, run_import
from .spec import Cell, Column, Kind


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
    *,
    kind: Kind,
    by: User | None,
    district: Region,
    params: Mapping[str, Any],
    out: IO[bytes] | Path,
    unmask: bool = False,
) -> int:
    """The records `by` may see, filtered by `params` (the list page's FilterSet), as the kind's
    ledger. The command line (`by` None) exports the whole district. Personal data is masked
    unless `unmask`, which needs the permission and leaves an audit row per record."""
    reader: Any = ConsoleUser(district) if by is None else by
    query = _filters(params)
    queryset = kind.queryset(reader, query)
    pi_columns = [(i, c) for i, c in enumerate(kind.columns) if c.pi]
    if unmask and pi_columns:
        _audit_unmask(by, list(queryset), [c.pi.rsplit(".", 1)[1] for _, c in pi_columns])
    rows = kind.export_rows(queryset)
    if pi_columns and not unmask:
        rows = _masked(rows, pi_columns)
    count = xlsx.write_ledger(kind, rows, out)
    filters = {k: values for k, values in query.lists() if any(v not in ("", None) for v in values)}
    audit.record(
        actor=by,
        action="ledger.exported",
        obj=district,
        after={
            "kind": kind.name,
            "rows": count,
            "filters": {k: v[0] if len(v) == 1 else v for k, v in filters.items()},
            "unmasked": bool(unmask and pi_columns),
        },
    )
    return count


def _filters(params: Mapping[str, Any]) -> QueryDict:
    """The list page's filters as a QueryDict: multiple values (stage=signed&stage=started) kept."""
    query = QueryDict(mutable=True)
    for key in params:
        if key == "unmask":
            continue
        values = params.getlist(key) if isinstance(params, QueryDict) else params[key]
        query.setlist(key, [str(v) for v in (values if isinstance(values, list | tuple) else [values])])
    return query


def _masked(rows: Iterator[list[Cell]], columns: list[tuple[int, Column]]) -> Iterator[list[Cell]]:
    for row in rows:
        for index, column in columns:
            row[index] = pi.mask(column.pi, row[index])
        yield row


def _audit_unmask(by: User | None, objects: list[Any], fields: list[str]) -> None:
    """The console operator holds the database already; a login needs the permission."""
    if by is not None:
        privacy.pi_unmask(user=by, objects=objects, fields=fields, channel="xlsx")
        return
    audit.record_many(
        [
            audit.build(actor=None, action=privacy.UNMASKED, obj=o, after={"fields": fields, "channel": "cli"})
            for o in objects
        ]
    )
