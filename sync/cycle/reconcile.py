"""Compare a tab's desired worker columns with what it holds; emit only differences."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sync.cycle.tabs import RETIRED_COLUMNS, Layout
from sync.stores.cells import same
from sync.stores.store import AppendRow, Operation, Table, UpdateRow, Value
from sync.stores.text import cell_text


@dataclass(frozen=True)
class Reconciled:
    operations: tuple[Operation, ...]
    appended: tuple[str, ...]  # keys of rows that were missing


def reconcile(
    layout: Layout,
    table: Table | None,
    wanted: Mapping[str, Mapping[str, Value]],
    initial: Mapping[str, Mapping[str, Value]] | None = None,
) -> Reconciled:
    """Operations that make `table` show `wanted` (key -> worker cells).

    Staff columns and rows whose key the worker does not know are left alone; a new
    row may start with `initial` staff values (a letter's status "draf"). When a
    key appears on several rows (a copied row), only the first is kept up to date.
    """
    operations: list[Operation] = []
    stale = table is not None and (table.stale_dropdowns or (table.stale_look and layout.look is not None))
    if table is None or stale or any(h not in table.headers for h in layout.headers):
        operations.append(layout.ensure())
    where: dict[str, tuple[int, tuple[object, ...]]] = {}
    columns: dict[str, int] = {}  # header -> index, the first column of that header as Table.column
    if table is not None:
        for i, header in enumerate(table.headers):
            columns.setdefault(header, i)
        for number, row in zip(table.row_numbers, table.rows, strict=True):
            key = cell_text(table.get(row, layout.key))
            if key and key not in where:
                where[key] = (number, row)
    retired = [(header, columns[header]) for header in RETIRED_COLUMNS
               if header not in layout.headers and header in columns]
    appended: list[str] = []
    for key, cells in wanted.items():
        found = where.get(key)
        if found is None:
            first = {**cells, **(initial or {}).get(key, {})}
            operations.append(AppendRow(layout.name, tuple(first.items())))
            appended.append(key)
            continue
        number, row = found
        assert table is not None
        changed = tuple(
            (header, value)
            for header, value in cells.items()
            if not same(_cell(row, columns.get(header)), value)
        ) + tuple(
            (header, None)
            for header, i in retired
            if cell_text(_cell(row, i)) is not None
        )
        if changed:
            operations.append(UpdateRow(layout.name, layout.key, key, number, changed))
    return Reconciled(tuple(operations), tuple(appended))


def _cell(row: tuple[object, ...], i: int | None) -> object:
    """The row's cell at column `i` (None: the tab has no such column), as Table.get reads it."""
    return row[i] if i is not None and i < len(row) else None
