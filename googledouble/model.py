"""In-memory spreadsheet state.

Every row and column carries a stable identity (a token). Sorting, inserting
and deleting permute the tokens together with the cells, so developer metadata
and dimension properties attached to a token move with their row, and vanish
with it, as Google documents. Cell dicts are never mutated in place (they are
replaced, and one dict may stand in many cells, as after a repeatCell), and a
row dict is shared with a clone until one of them writes to it (copy on write),
which makes ``clone()`` cheap: a write works on a clone and is committed only if
every part of it succeeds.

Cells are stored sparsely: ``cells[r]`` holds only the cells of row ``r`` that
have something (a value, a format, a rule, a note...); an empty row is ``{}``.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

Cell = dict[str, Any]
GridRange = dict[str, Any]

DEFAULT_ROW_PIXELS = 21
DEFAULT_COL_PIXELS = 100
MAX_CELLS = 10_000_000

_tokens = itertools.count(1)


def new_tokens(count: int) -> list[int]:
    return [next(_tokens) for _ in range(count)]


@dataclass
class Sheet:
    props: dict[str, Any]
    row_ids: list[int]
    col_ids: list[int]
    cells: list[dict[int, Cell]]
    row_props: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_props: dict[int, dict[str, Any]] = field(default_factory=dict)
    merges: list[GridRange] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    basic_filter: dict[str, Any] | None = None
    charts: list[dict[str, Any]] = field(default_factory=list)
    _row_pos: tuple[list[int], dict[int, int]] | None = field(default=None, repr=False, compare=False)
    _col_pos: tuple[list[int], dict[int, int]] | None = field(default=None, repr=False, compare=False)
    # Rows (the dicts in `cells`) are shared with clones until written: id -> row for the rows this
    # sheet made itself since its last clone, so may change in place (the row is kept: no id reuse).
    _owned: dict[int, dict[int, Cell]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def new(cls, props: dict[str, Any], rows: int, cols: int) -> Sheet:
        return cls(props=props, row_ids=new_tokens(rows), col_ids=new_tokens(cols), cells=[{} for _ in range(rows)])

    # -- identity and size -------------------------------------------------
    @property
    def sheet_id(self) -> int:
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        return str(self.props["title"])

    @property
    def rows(self) -> int:
        return len(self.row_ids)

    @property
    def cols(self) -> int:
        return len(self.col_ids)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_owned": {}, "_row_pos": None, "_col_pos": None}

    def clone(self) -> Sheet:
        """A copy to work on. Rows are shared, copied on their first write by either sheet (`put`)."""
        self._owned = {}
        return Sheet(
            props=copy.deepcopy(self.props),
            row_ids=list(self.row_ids),
            col_ids=list(self.col_ids),
            cells=list(self.cells),
            row_props=dict(self.row_props),  # their dicts are replaced, never changed in place
            col_props=dict(self.col_props),
            merges=copy.deepcopy(self.merges),
            protected_ranges=copy.deepcopy(self.protected_ranges),
            conditional_formats=copy.deepcopy(self.conditional_formats),
            basic_filter=copy.deepcopy(self.basic_filter),
            charts=copy.deepcopy(self.charts),
        )

    def row_index(self, token: int) -> int:
        """Current index of a row identity (the id lists are always rebound, never edited in place)."""
        if self._row_pos is None or self._row_pos[0] is not self.row_ids:
            self._row_pos = (self.row_ids, {t: i for i, t in enumerate(self.row_ids)})
        return self._row_pos[1][token]

    def col_index(self, token: int) -> int:
        if self._col_pos is None or self._col_pos[0] is not self.col_ids:
            self._col_pos = (self.col_ids, {t: i for i, t in enumerate(self.col_ids)})
        return self._col_pos[1][token]

    def has_row(self, token: int) -> bool:
        try:
            self.row_index(token)
        except KeyError:
            return False
        return True

    def has_col(self, token: int) -> bool:
        try:
            self.col_index(token)
        except KeyError:
            return False
        return True

    # -- cells ---------------------------------------------------------------
    def get(self, row: int, col: int) -> Cell | None:
        if 0 <= row < len(self.cells):
            return self.cells[row].get(col)
        return None

    def put(self, row: int, col: int, cell: Cell | None) -> None:
        """Store a cell (None or {}: empty it). The cell dict is kept as given: it is never changed
        in place afterwards, by anyone, so one dict may stand in many places."""
        cells = self.cells[row]
        if not cell and col not in cells:
            return
        if self._owned.get(id(cells)) is not cells:
            cells = self.cells[row] = dict(cells)
            self._owned[id(cells)] = cells
        if cell:
            cells[col] = cell
        else:
            del cells[col]

    def last_used(self) -> tuple[int, int]:
        """(rows, cols) of the smallest top-left block holding every non-empty value."""
        last_row, last_col = 0, 0
        for r, row in enumerate(self.cells):
            used = [c for c, cell in row.items() if "userEnteredValue" in cell]
            if used:
                last_row = r + 1
                last_col = max(last_col, max(used) + 1)
        return last_row, last_col

    # -- dimensions ----------------------------------------------------------
    def insert_rows(self, index: int, count: int) -> None:
        self.row_ids = self.row_ids[:index] + new_tokens(count) + self.row_ids[index:]
        self.cells[index:index] = [{} for _ in range(count)]

    def delete_rows(self, start: int, end: int) -> list[int]:
        gone = self.row_ids[start:end]
        self.row_ids = self.row_ids[:start] + self.row_ids[end:]
        del self.cells[start:end]
        for token in gone:
            self.row_props.pop(token, None)
        return gone

    def insert_cols(self, index: int, count: int) -> None:
        self.col_ids = self.col_ids[:index] + new_tokens(count) + self.col_ids[index:]
        self.cells = [{(c + count if c >= index else c): v for c, v in row.items()} for row in self.cells]

    def delete_cols(self, start: int, end: int) -> list[int]:
        gone = self.col_ids[start:end]
        self.col_ids = self.col_ids[:start] + self.col_ids[end:]
        width = end - start
        self.cells = [
            {(c - width if c >= end else c): v for c, v in row.items() if not start <= c < end} for row in self.cells
        ]
        for token in gone:
            self.col_props.pop(token, None)
        return gone

    def move_cols(self, start: int, end: int, dest: int) -> None:
        """Move columns [start, end) so they land before column ``dest`` (moveDimension)."""
        order = list(range(self.cols))
        block = order[start:end]
        rest = order[:start] + order[end:]
        insert_at = dest if dest <= start else dest - (end - start)
        new_order = rest[:insert_at] + block + rest[insert_at:]
        position = {old: new for new, old in enumerate(new_order)}
        self.col_ids = [self.col_ids[old] for old in new_order]
        self.cells = [{position[c]: v for c, v in row.items()} for row in self.cells]

    def resize(self, rows: int | None, cols: int | None) -> list[int]:
        gone: list[int] = []
        if rows is not None:
            if rows > self.rows:
                self.insert_rows(self.rows, rows - self.rows)
            elif rows < self.rows:
                gone += self.delete_rows(rows, self.rows)
        if cols is not None:
            if cols > self.cols:
                self.insert_cols(self.cols, cols - self.cols)
            elif cols < self.cols:
                gone += self.delete_cols(cols, self.cols)
        return gone


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    props: dict[str, Any]
    sheets: list[Sheet]
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    # metadataId -> {"meta": DeveloperMetadata without location, "where": location tuple}
    metadata: dict[int, dict[str, Any]] = field(default_factory=dict)

    def clone(self) -> Spreadsheet:
        return Spreadsheet(
            spreadsheet_id=self.spreadsheet_id,
            props=copy.deepcopy(self.props),
            sheets=[sheet.clone() for sheet in self.sheets],
            named_ranges=copy.deepcopy(self.named_ranges),
            metadata={k: {"meta": dict(v["meta"]), "where": v["where"]} for k, v in self.metadata.items()},
        )

    def ordered(self) -> list[Sheet]:
        return sorted(self.sheets, key=lambda s: s.props["index"])

    def reindex(self) -> None:
        for i, sheet in enumerate(self.ordered()):
            sheet.props["index"] = i

    def by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def by_title_ci(self, title: str) -> Sheet | None:
        return self.by_title(title) or next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def total_cells(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)

    def purge_metadata(self) -> None:
        """Drop developer metadata whose row, column or sheet no longer exists."""
        for meta_id in list(self.metadata):
            where = self.metadata[meta_id]["where"]
            kind = where[0]
            if kind == "SPREADSHEET":
                continue
            sheet = self.by_id(where[1])
            if (
                sheet is None
                or (kind == "ROW" and not sheet.has_row(where[2]))
                or (kind == "COLUMN" and not sheet.has_col(where[2]))
            ):
                del self.metadata[meta_id]


def shift_ranges(book: Spreadsheet, sheet: Sheet, dimension: str, index: int, delta: int) -> None:
    """Move every stored GridRange of ``sheet`` after inserting (delta > 0) or deleting rows/columns."""
    start_key, end_key = (
        ("startRowIndex", "endRowIndex") if dimension == "ROWS" else ("startColumnIndex", "endColumnIndex")
    )

    def shift(rng: GridRange) -> GridRange:
        out = dict(rng)
        for key in (start_key, end_key):
            if key not in out:
                continue
            value = out[key]
            if delta > 0:
                if value > index or (key == start_key and value == index):
                    out[key] = value + delta
            else:
                stop = index - delta
                if value >= stop:
                    out[key] = value + delta
                elif value > index:
                    out[key] = index
        return out

    def empty(rng: GridRange) -> bool:
        return start_key in rng and end_key in rng and rng[end_key] <= rng[start_key]

    sheet.merges = [m for m in (shift(m) for m in sheet.merges) if not empty(m)]
    for prot in sheet.protected_ranges:
        if "range" in prot:
            prot["range"] = shift(prot["range"])
    for rule in sheet.conditional_formats:
        rule["ranges"] = [shift(r) for r in rule.get("ranges", [])]
    if sheet.basic_filter and "range" in sheet.basic_filter:
        sheet.basic_filter["range"] = shift(sheet.basic_filter["range"])
    for named in book.named_ranges:
        if named.get("range", {}).get("sheetId", 0) == sheet.sheet_id:
            named["range"] = shift(named["range"])
