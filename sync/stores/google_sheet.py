"""One tab of the Google spreadsheet as the store read it (values by row, the worker's row metadata),
plus what the write being built changes in it (headers, grid size): the read state a batch is built
from (sync/stores/google_batch.py), and what `init` checks of a tab (sync/commands/google_init.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.stores.google_requests import END, KEY
from sync.stores.store import Table
from sync.stores.text import cell_text


@dataclass
class Sheet:
    """One tab as read, plus what the write being built has changed in it."""

    sheet_id: int
    title: str
    rows: int  # grid rows
    cols: int  # grid columns
    values: list[list[object]]  # by row index (0 = header)
    meta: dict[int, list[dict[str, Any]]]  # row index -> sapa metadata on that row
    headers: list[str] = field(default_factory=list)  # as the write being built leaves them
    read_headers: tuple[str, ...] = ()  # as read (what the cycle's fingerprints were made with)
    new: bool = False

    @property
    def last_data(self) -> int:
        """Index of the last row holding anything (0 when only the header, or empty)."""
        for index in range(len(self.values) - 1, 0, -1):
            if any(v is not None and v != "" for v in self.values[index]):
                return index
        return 0

    def key_meta(self, index: int) -> dict[str, Any] | None:
        return next((m for m in self.meta.get(index, []) if m.get("metadataKey") == KEY), None)

    def sentinel(self) -> tuple[int, dict[str, Any]] | None:
        for index, entries in sorted(self.meta.items()):
            for entry in entries:
                if entry.get("metadataKey") == END:
                    return index, entry
        return None

    def table(self) -> Table:
        width = max((len(r) for r in self.values), default=0)
        headers = tuple(cell_text(h) or "" for h in (self.values[0] if self.values else []))
        headers = headers + ("",) * (width - len(headers)) if self.values else ()
        data: list[tuple[object, ...]] = []
        numbers: list[int] = []
        for index, row in enumerate(self.values[1:], start=1):
            if any(v is not None and v != "" for v in row):
                data.append(tuple(row) + (None,) * (width - len(row)))
                numbers.append(index + 1)
        return Table(self.title, headers, tuple(data), tuple(numbers))


def sheet_of(raw: dict[str, Any]) -> Sheet:
    props = raw.get("properties") or {}
    grid = props.get("gridProperties") or {}
    values: list[list[object]] = []
    meta: dict[int, list[dict[str, Any]]] = {}
    for data in raw.get("data") or []:
        start = int(data.get("startRow", 0))
        for offset, row in enumerate(data.get("rowData") or []):
            index = start + offset
            while len(values) <= index:
                values.append([])
            values[index] = [_value(cell) for cell in row.get("values") or []]
        for offset, dim in enumerate(data.get("rowMetadata") or []):
            entries = [m for m in dim.get("developerMetadata") or [] if m.get("metadataKey") in (KEY, END)]
            if entries:
                meta[start + offset] = entries
    return Sheet(
        sheet_id=int(props.get("sheetId", 0)),
        title=str(props.get("title", "")),
        rows=int(grid.get("rowCount", 0)),
        cols=int(grid.get("columnCount", 0)),
        values=values,
        meta=meta,
    )


def _value(cell: dict[str, Any]) -> object:
    """An unformatted cell value: float, str, bool, or None (empty or an error such as #REF!)."""
    effective = (cell or {}).get("effectiveValue") or {}
    if "numberValue" in effective:
        return float(effective["numberValue"])
    if "stringValue" in effective:
        return str(effective["stringValue"])
    if "boolValue" in effective:
        return bool(effective["boolValue"])
    return None
