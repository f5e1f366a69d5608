"""The spreadsheet store: one interface, a local (.xlsx) and a Google implementation.

A cycle reads everything once (`read`) and writes everything once (`write`). The
write is a list of plain operations keyed by what moves with a row (a case ID),
never by a row number alone, so that an implementation can find the row again if
staff sorted, inserted or deleted rows meanwhile. An implementation applies the
whole list or nothing.

Every value written is stored as plain text, a number, a date cell or a clickable
link, never as a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class Link:
    """A clickable cell: `text` is shown (and compared), `url` opens. Never a formula.

    The text must change whenever the link does (a document's path, a phone number),
    because a cycle compares what a cell shows, not where it leads.
    """

    url: str
    text: str


# What the worker writes into a cell. A datetime is naive office time (WIB), shown as
# "30 Nov 2026 10.03"; a date is shown as "30 Nov 2026".
Value = str | int | float | datetime | date | Link | None


@dataclass(frozen=True)
class Table:
    """One tab as read: its header row and data rows, with their sheet row numbers."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    row_numbers: tuple[int, ...]  # 1-based sheet row of each data row (header is row 1)
    stale_dropdowns: bool = False  # its dropdowns need writing again (an older worker's inline lists)
    stale_look: bool = False  # it lacks the workspace's look (an older worker made it): ensure it once

    def column(self, header: str) -> int | None:
        try:
            return self.headers.index(header)
        except ValueError:
            return None

    def get(self, row: Sequence[object], header: str) -> object:
        i = self.column(header)
        return row[i] if i is not None and i < len(row) else None

    def records(self) -> list[dict[str, object]]:
        return [
            {h: (row[i] if i < len(row) else None) for i, h in enumerate(self.headers) if h}
            for row in self.rows
        ]


@dataclass(frozen=True)
class Snapshot:
    """Everything a cycle needs, read at one moment."""

    response_tabs: tuple[Table, ...]  # every tab the form has written, oldest first
    tabs: Mapping[str, Table]  # the worker's tabs that exist, by name
    # The spreadsheet's own settings (File > Settings), as Google gives them with every read: its locale
    # (`id_ID`) and the time zone (`Asia/Jakarta`) in which Google writes a form's timestamps and evaluates
    # NOW(). None where the store has no such setting (a local workbook's times are as its maker wrote them).
    locale: str | None = None
    time_zone: str | None = None


@dataclass(frozen=True)
class Dropdown:
    header: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Highlight:
    """Colour the cells of rows whose `header` cell equals one of `values` (a rule of the sheet,
    so it follows the data when staff sort or filter). Only `cell`: that one cell, else the row."""

    header: str
    values: tuple[str, ...]
    color: str  # RRGGBB fill
    cell: bool = False
    grey_text: bool = False


@dataclass(frozen=True)
class Heartbeat:
    """A date cell the worker refreshes; it turns red once older than `stale_minutes`."""

    header: str
    row: int  # sheet row (1-based)
    stale_minutes: int


@dataclass(frozen=True)
class Chart:
    """A column chart drawn from a tab's own rows: one series per row whose `key_header` cell is one of
    `series` (named by its `label_header` cell), over the columns `columns` (their headers label the
    axis). Its top-left corner is at (`anchor_row`, `anchor_column`), 1-based."""

    title: str
    key_header: str
    label_header: str
    series: tuple[str, ...]
    columns: tuple[str, ...]
    stacked: bool = False
    x_title: str = ""  # what the horizontal axis shows (the months)
    y_title: str = ""  # what the bars count
    anchor_row: int = 2
    anchor_column: int = 1
    width_cm: int = 18
    height_cm: int = 9


@dataclass(frozen=True)
class Look:
    """How a tab looks to staff: frozen columns, widths, wrapping, notes, colours, a filter; and how it
    prints (every tab with a look: landscape, fit to the page's width, its header row on every page).

    No row has a fixed height: each fits its wrapped text (LibreOffice and Excel fit rows without a
    custom height when they open the file; Google fits a row that nobody gave a height)."""

    frozen_columns: int = 1
    widths: tuple[tuple[str, int], ...] = ()  # header -> width in characters
    wrapped: tuple[str, ...] = ()  # long-text columns: wrapped, aligned to the top
    notes: tuple[tuple[str, str], ...] = ()  # header -> the note on its header cell
    hidden: tuple[str, ...] = ()  # technical columns the worker reads but staff need not see
    highlights: tuple[Highlight, ...] = ()  # in priority order: the first that matches wins
    filter_hides: tuple[tuple[str, tuple[str, ...]], ...] = ()  # header -> values the filter hides
    # header -> the only values the filter shows (a role's queue: "Giliran Anda?" Ya / Periksa). The worker
    # writes nothing else there but blanks, so Google's filter says it as "not blank" (it has no list of
    # values to show, only of values to hide).
    filter_shows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    heartbeat: Heartbeat | None = None
    first: bool = False  # a new tab becomes the first one, the one the spreadsheet opens on
    charts: tuple[Chart, ...] = ()  # placed when the tab is made (Google keeps them; the local store redraws)
    grid_rows: int | None = None  # a new Google tab's rows (None: its header and a small margin; it grows)


@dataclass(frozen=True)
class EnsureTab:
    """Create the tab with these headers if absent; add any missing header at the end.

    With a `look`, the tab gets it: a new tab when created, an existing one when ensured.
    """

    tab: str
    headers: tuple[str, ...]
    dropdowns: tuple[Dropdown, ...] = ()
    staff_headers: tuple[str, ...] = ()  # columns staff fill (styled, editable)
    look: Look | None = None


@dataclass(frozen=True)
class UpdateRow:
    """Set cells of the row whose `key_header` cell equals `key`.

    `row_hint` is the sheet row where the cycle saw it; an implementation must check
    the key there and search for it if the row moved.
    """

    tab: str
    key_header: str
    key: str
    row_hint: int
    cells: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class AppendRow:
    tab: str
    cells: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class MarkResponse:
    """Write the worker's marker (case or review ID) next to a response in responses tab `tab`.

    The response is the one at `row_hint` whose answers still have `fingerprint`;
    if the row moved, an implementation finds it by that fingerprint.
    """

    tab: str
    marker_header: str
    row_hint: int
    fingerprint: str
    marker: str


Operation = EnsureTab | UpdateRow | AppendRow | MarkResponse


@dataclass(frozen=True)
class WritePlan:
    operations: tuple[Operation, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.operations)


class Store(Protocol):
    """A spreadsheet the worker syncs. Implementations: LocalStore, GoogleStore.

    A store whose write is a request with a size limit (Google) tells a plan's request size,
    `request_bytes(plan)`, and the cycle writes a larger plan in parts (sync/cycle/batches.py); a store
    whose `request_bytes` answers None sends no request and has no limit: the cycle writes its whole
    plan at once (the local workbook loads and saves the whole file whatever the plan's size).
    """

    def read(self, worker_tabs: Sequence[str]) -> Snapshot:
        """Read every form responses tab and those of `worker_tabs` that exist."""
        ...

    def write(self, plan: WritePlan) -> None:
        """Apply every operation, or none (then raise)."""
        ...

    def request_bytes(self, plan: WritePlan) -> int | None:
        """The bytes of the request `write(plan)` would send now (after `read`); None: it sends no
        request and has no size limit (sync/cycle/batches.py)."""
        ...
