"""Resolving A1 text and GridRanges against a spreadsheet, and reading cells out of it."""

from __future__ import annotations

import copy
from typing import Any

from . import formulas, values
from .a1 import Rect, open_rect_a1, parse_ref, quote_title, rect_a1, split_sheet
from .errors import ApiError, invalid_argument
from .model import Cell, Sheet, Spreadsheet

Box = tuple[int, int, int, int]  # r0, r1, c0, c1 (end-exclusive)


def a1_name(sheet: Sheet, box: Box) -> str:
    r0, r1, c0, c1 = box
    return f"{quote_title(sheet.title)}!{rect_a1(r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}"


def unparsable(text: str) -> ApiError:
    return invalid_argument(f"Unable to parse range: {text}")


def exceeds(sheet: Sheet, rect_text: str) -> ApiError:
    return invalid_argument(
        f"Range ({quote_title(sheet.title)}!{rect_text}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def first_sheet(book: Spreadsheet) -> Sheet:
    return book.ordered()[0]


def named_range(book: Spreadsheet, name: str) -> tuple[Sheet, Rect] | None:
    for named in book.named_ranges:
        if named["name"] == name:
            rng = named["range"]
            sheet = book.by_id(rng.get("sheetId", 0))
            if sheet is None:
                return None
            return sheet, grid_rect(rng)
    return None


def grid_rect(rng: dict[str, Any]) -> Rect:
    return Rect(
        rng.get("startRowIndex"),
        rng.get("endRowIndex"),
        rng.get("startColumnIndex"),
        rng.get("endColumnIndex"),
    )


def parse_a1(book: Spreadsheet, text: str) -> tuple[Sheet, Rect]:
    """Resolve A1 text (``Sheet1!A1:B2``, ``'My tab'``, ``A1:B2``, a named range) to a sheet and rectangle."""
    try:
        title, ref = split_sheet(text)
    except ValueError as exc:
        raise unparsable(text) from exc
    if title is not None:
        sheet = book.by_title_ci(title)
        if sheet is None:
            raise unparsable(text)
        if ref == "":
            return sheet, Rect(None, None, None, None)
        rect = parse_ref(ref)
        if rect is None:
            named = named_range(book, ref)
            if named is None:
                raise unparsable(text)
            return named
        return sheet, rect
    rect = parse_ref(ref)
    if rect is not None:
        return first_sheet(book), rect
    named = named_range(book, ref)
    if named is not None:
        return named
    sheet = book.by_title_ci(ref)
    if sheet is not None:
        return sheet, Rect(None, None, None, None)
    raise unparsable(text)


def parse_grid_range(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, Rect]:
    sheet = book.by_id(int(rng.get("sheetId", 0)))
    if sheet is None:
        raise invalid_argument(f"No grid with id: {rng.get('sheetId', 0)}")
    return sheet, grid_rect(rng)


def check_starts_inside(sheet: Sheet, rect: Rect) -> None:
    """Google refuses a range that starts at or past the grid's last row or column."""
    if (rect.start_row or 0) >= sheet.rows or (rect.start_col or 0) >= sheet.cols:
        raise exceeds(sheet, open_rect_a1(rect))


def read_box(sheet: Sheet, rect: Rect) -> Box:
    """The rectangle a read covers: open ends and overhangs are clamped to the grid."""
    check_starts_inside(sheet, rect)
    return rect.clamp(sheet.rows, sheet.cols)


def grid_range_out(sheet_id: int, box: Box) -> dict[str, int]:
    r0, r1, c0, c1 = box
    out = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    if sheet_id:
        out = {"sheetId": sheet_id, **out}
    return out


def strip_zero_sheet(rng: dict[str, Any]) -> dict[str, Any]:
    """GridRange/DimensionRange as Google writes them: a zero ``sheetId`` is omitted."""
    if rng.get("sheetId") == 0:
        return {k: v for k, v in rng.items() if k != "sheetId"}
    return dict(rng)


# ----------------------------------------------------------------- cell values


class Evaluator:
    """Computes effective values for one request; formulas are evaluated on every read, never cached stale.

    An effective value is shared with the stored cell (no copy): callers only read it."""

    def __init__(self, book: Spreadsheet) -> None:
        self.book = book
        self.depth = 0
        self.decimal_comma = values.decimal_comma(book.props.get("locale"))  # how its formulas parse
        self._used: dict[int, int] = {}  # sheetId -> rows up to the last one holding a value (this request)
        self._copies: dict[int, tuple[Any, Any]] = {}  # id(stored value) -> (it, its copy for an answer)

    def copy_of(self, stored: Any) -> Any:
        """A deep copy of a stored value (a format, a rule) for an answer, made once per request: the
        cells sharing one stored format share its copy, and the answer never aliases the state."""
        hit = self._copies.get(id(stored))
        if hit is None:
            hit = self._copies[id(stored)] = (stored, copy.deepcopy(stored))
        return hit[1]

    def effective(self, sheet: Sheet, cell: Cell | None) -> dict[str, Any] | None:
        if not cell:
            return None
        entered = cell.get("userEnteredValue")
        if not entered:
            return None
        if "formulaValue" in entered:
            self.depth += 1
            try:
                return formulas.evaluate(entered["formulaValue"], lambda t, r: self._resolve(sheet, t, r), self.depth,
                                         lambda t, r: self._height(sheet, t, r), decimal_comma=self.decimal_comma)
            finally:
                self.depth -= 1
        return entered  # type: ignore[no-any-return]

    def _box(self, here: Sheet, title: str | None, ref: str) -> tuple[Sheet, int, int, int, int]:
        sheet = here if title is None else self.book.by_title_ci(title)
        rect = parse_ref(ref)
        if sheet is None or rect is None:
            raise formulas.FormulaError("REF", f"Unresolved sheet name '{title}'.")
        r0, r1, c0, c1 = rect.clamp(sheet.rows, sheet.cols)
        if rect.end_row is None:  # open-ended (A1:A): the empty rows below the last value add nothing
            r1 = max(min(r1, self._used_rows(sheet)), r0)
        return sheet, r0, r1, c0, c1

    def _height(self, here: Sheet, title: str | None, ref: str) -> int:
        _, r0, r1, _, _ = self._box(here, title, ref)
        return r1 - r0

    def _resolve(self, here: Sheet, title: str | None, ref: str) -> list[list[dict[str, Any] | None]]:
        sheet, r0, r1, c0, c1 = self._box(here, title, ref)
        if self.depth > 40:
            raise formulas.FormulaError("REF", "Circular dependency detected.")
        return [[self.effective(sheet, sheet.get(r, c)) for c in range(c0, c1)] for r in range(r0, r1)]


    def _used_rows(self, sheet: Sheet) -> int:
        if sheet.sheet_id not in self._used:
            last = -1
            rows = sheet.cells
            for r in range(len(rows) - 1, -1, -1):  # from the bottom: most rows below the data are empty
                for cell in rows[r].values():
                    if "userEnteredValue" in cell:
                        last = r
                        break
                else:
                    continue
                break
            self._used[sheet.sheet_id] = last + 1
        return self._used[sheet.sheet_id]


def number_format(cell: Cell | None) -> dict[str, Any] | None:
    if not cell:
        return None
    fmt = cell.get("userEnteredFormat") or {}
    return fmt.get("numberFormat")


def read_values(
    book: Spreadsheet,
    sheet: Sheet,
    box: Box,
    value_render: str = "FORMATTED_VALUE",
    date_render: str = "SERIAL_NUMBER",
    major: str = "ROWS",
    evaluator: Evaluator | None = None,
) -> list[list[Any]]:
    """Values of a box as ``values.get`` returns them: trailing empty cells and rows trimmed.

    Only the stored cells holding a value are visited: empty rows and cells cost nothing."""
    r0, r1, c0, c1 = box
    evaluator = evaluator or Evaluator(book)
    locale = book.props.get("locale")
    columns = major == "COLUMNS"
    lines: dict[int, dict[int, Any]] = {}  # outer index (row, or column when COLUMNS) -> inner -> value
    rows = sheet.cells
    for r in range(r0, min(r1, len(rows))):
        row = rows[r]
        if not row:
            continue
        for c, cell in row.items():
            if c0 <= c < c1:
                entered = cell.get("userEnteredValue")
                if entered:
                    value = values.render(entered, evaluator.effective(sheet, cell), number_format(cell),
                                          value_render, date_render, locale)
                    if columns:
                        lines.setdefault(c, {})[r] = value
                    else:
                        lines.setdefault(r, {})[c] = value
    if not lines:
        return []
    start = c0 if columns else r0
    inner_start = r0 if columns else c0
    result: list[list[Any]] = []
    for o in range(start, max(lines) + 1):
        line = lines.get(o)
        if not line:
            result.append([])
            continue
        result.append([line.get(i, "") for i in range(inner_start, max(line) + 1)])
    return result
