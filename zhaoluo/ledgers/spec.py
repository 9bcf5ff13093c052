"""What a ledger kind is: its columns, its key, how a row is checked and written, how it exports.

Apps declare kinds in their own `ledgers.py` and `register` them; the engine (engine.py) and
every front door (command line, web page, API) work from this declaration alone, so a new
kind (problems, pairings) is added without touching the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from zhaoluo.core.parsing import normalise

if TYPE_CHECKING:
    from django.db.models import QuerySet

Cell = str | Decimal | int | dt.date | None
Values = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str  # the English key, accepted as a header too
    header: str  # the Chinese header without its unit
    parse: Callable[[Any], Any]
    required: bool = False
    unit: str = ""  # 万元: the header may carry it in brackets
    help: str = ""  # explained on the template's second sheet
    example: str = ""
    number_format: str = ""  # how the export formats the cell (dates, amounts)
    pi: str = ""  # the personal-data catalogue key (core/pi.py): masked in exports unless unmasked

    @property
    def title(self) -> str:
        """The header an export writes: with its unit in full-width brackets, as offices write it."""
        return f"{self.header}（{self.unit}）" if self.unit else self.header


@dataclass
class Row:
    """One data row after parsing: the Excel row number and the parsed values by column key."""

    number: int
    values: Values
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str  # enterprises, projects, …
    label: str  # 企业台账
    columns: Sequence[Column]
    key_help: str  # what identifies a record, in the contract's words
    # Cross-column rules of one row: (column key, message) pairs.
    check_row: Callable[[Values], list[tuple[str, str]]]
    # A service that writes a batch of checked rows (its module owns the transaction rules).
    # Its second argument is the engine's ImportContext (engine.py), not named here: the engine
    # reads these declarations, so the declarations do not import the engine.
    write: Callable[[Sequence[Row], Any], None]
    # The rows of an export, in column order, from what the user may see and filtered.
    export_rows: Callable[[QuerySet[Any]], Iterator[list[Cell]]]
    queryset: Callable[[Any, Mapping[str, Any]], QuerySet[Any]]
    # Keys of columns that are unique in the file (besides the record key).
    unique_in_file: Sequence[str] = ()
    # The values that identify a row's record (for duplicates within the file).
    row_key: Callable[[Values], Any] | None = None
    # The columns that make up that key, named when two rows repeat it. A row_key tagged with
    # its column (("code", value), as projects and problems key their rows) names that one.
    key_columns: Sequence[str] = ()
    # Roles allowed to import this kind (export follows the queryset's own scope).
    import_roles: frozenset[str] = frozenset()
    sheet_title: str = ""
    # The FilterSet `queryset` filters with: the command line checks its filters against it.
    filterset: Any = None

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def column_keys(self) -> frozenset[str]:
        return frozenset(column.key for column in self.columns)

    def header_names(self) -> dict[str, Column]:
        """Every accepted header spelling (normalised) → its column."""
        names: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.header, column.key, column.title, f"{column.header}({column.unit})"):
                names[header_key(name)] = column
        return names


def as_request(user: Any) -> Any:
    """FilterSets build their choices from `request.user` (a township picker lists the user's
    townships); exports outside a request hand them this instead."""
    return SimpleNamespace(user=user)


def header_key(name: str) -> str:
    """Headers compare without spaces of either width, with （） and () alike, in lower case."""
    return normalise(name).replace(" ", "").lower()


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(name) from None


def all_kinds() -> Iterable[Kind]:
    return list(_KINDS.values())
