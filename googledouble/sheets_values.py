"""``spreadsheets.values.*``: reading and writing cell values."""

from __future__ import annotations

from typing import Any

from . import values
from .a1 import col_letter, rect_a1
from .base import Double
from .errors import invalid_argument, invalid_value
from .grid import Box, a1_name, exceeds, parse_a1, read_box, read_values
from .metadata import filter_boxes
from .model import Sheet, Spreadsheet
from .wire import Request, Response, ok

LIST_VALUE = "type.googleapis.com/google.protobuf.ListValue"
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def _render_options(source: Request | dict[str, Any]) -> tuple[str, str, str]:
    def get(name: str, default: str) -> str:
        if isinstance(source, Request):
            return source.arg(name) or default
        return str(source.get(name) or default)

    return (
        get("valueRenderOption", "FORMATTED_VALUE"),
        get("dateTimeRenderOption", "SERIAL_NUMBER"),
        get("majorDimension", "ROWS"),
    )


def value_range(book: Spreadsheet, sheet: Sheet, box: Box, render: str, date_render: str, major: str) -> dict[str, Any]:
    out: dict[str, Any] = {"range": a1_name(sheet, box), "majorDimension": major}
    rows = read_values(book, sheet, box, render, date_render, major)
    if rows:
        out["values"] = rows
    return out


def _input_option(option: str | None) -> str:
    if option is None:
        raise invalid_argument("'valueInputOption' is required but not specified")
    if option not in INPUT_OPTIONS:
        raise invalid_argument(f"Invalid valueInputOption: {option}")
    return option


def _check_values(rows: Any, field: str) -> list[list[Any]]:
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise invalid_value(field, LIST_VALUE, rows)
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            raise invalid_value(f"{field}[{i}]", LIST_VALUE, row)
        for value in row:
            if isinstance(value, (dict, list)):
                raise invalid_value(f"{field}[{i}]", LIST_VALUE, value)
    return rows


class WriteResult:
    def __init__(self, sheet: Sheet, box: Box, cells: list[tuple[int, int]]) -> None:
        self.sheet = sheet
        self.box = box
        self.cells = cells

    def response(self, book: Spreadsheet, req_like: Request | dict[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "spreadsheetId": book.spreadsheet_id,
            "updatedRange": a1_name(self.sheet, self.box),
        }
        rows = {r for r, _ in self.cells}
        cols = {c for _, c in self.cells}
        for key, count in (
            ("updatedRows", len(rows)),
            ("updatedColumns", len(cols)),
            ("updatedCells", len(self.cells)),
        ):
            if count:
                out[key] = count
        include = False
        render, date_render = "FORMATTED_VALUE", "SERIAL_NUMBER"
        if isinstance(req_like, Request):
            include = req_like.flag("includeValuesInResponse")
            render = req_like.arg("responseValueRenderOption") or render
            date_render = req_like.arg("responseDateTimeRenderOption") or date_render
        elif isinstance(req_like, dict):
            include = bool(req_like.get("includeValuesInResponse"))
            render = req_like.get("responseValueRenderOption") or render
            date_render = req_like.get("responseDateTimeRenderOption") or date_render
        if include:
            out["updatedData"] = value_range(book, self.sheet, self.box, render, date_render, "ROWS")
        return out


def set_value(sheet: Sheet, row: int, col: int, parsed: values.Parsed) -> None:
    old = sheet.get(row, col) or {}
    new = dict(old)
    if parsed.value is None:
        new.pop("userEnteredValue", None)
    else:
        new["userEnteredValue"] = parsed.value
    fmt = old.get("userEnteredFormat") or {}
    if parsed.number_format and not fmt.get("numberFormat"):
        new["userEnteredFormat"] = {**fmt, "numberFormat": parsed.number_format}
    sheet.put(row, col, new)


def write_rows(
    book: Spreadsheet,
    sheet: Sheet,
    origin: tuple[int, int],
    rows: list[list[Any]],
    option: str,
    major: str | None,
    bound: tuple[Box, str] | None = None,
) -> WriteResult:
    """Write a 2-D list at ``origin``; ``bound`` (box, range text) limits a multi-cell target range."""
    if major == "COLUMNS":
        width = max((len(col) for col in rows), default=0)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
    r0, c0 = origin
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    if bound is not None:
        (_, br1, _, bc1), text = bound
        if r0 + height > br1:
            raise invalid_argument(f"Requested writing within range [{text}], but tried writing to row [{r0 + height}]")
        if c0 + width > bc1:

            column = col_letter(c0 + width - 1)
            raise invalid_argument(f"Requested writing within range [{text}], but tried writing to column [{column}]")
    box = (r0, r0 + max(height, 1), c0, c0 + max(width, 1))
    if r0 + height > sheet.rows or c0 + width > sheet.cols:
        raise exceeds(sheet, rect_a1(*box))
    locale = book.props.get("locale")
    written: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            parsed = (
                values.parse_user_entered(value, locale)
                if option == "USER_ENTERED"
                else values.Parsed(values.raw_value(value))
            )
            if values.extended_text_length(parsed.value) > values.MAX_CELL_CHARS:
                raise invalid_argument(values.TOO_LONG)
            set_value(sheet, r0 + i, c0 + j, parsed)
            written.append((r0 + i, c0 + j))
    return WriteResult(sheet, box, written)


def _target(book: Spreadsheet, text: str) -> tuple[Sheet, tuple[int, int], tuple[Box, str] | None]:
    sheet, rect = parse_a1(book, text)
    origin = (rect.start_row or 0, rect.start_col or 0)
    single = rect.end_row == origin[0] + 1 and rect.end_col == origin[1] + 1
    if single and ":" not in text.rsplit("!", 1)[-1]:
        return sheet, origin, None
    box = (
        origin[0],
        rect.end_row if rect.end_row is not None else sheet.rows,
        origin[1],
        rect.end_col if rect.end_col is not None else sheet.cols,
    )
    return sheet, origin, (box, text)


def _clear(sheet: Sheet, box: Box) -> None:
    """Clear the values of a box (formats, rules and notes stay); a cell without a value is left as it is."""
    r0, r1, c0, c1 = box
    for r in range(r0, r1):
        row = sheet.cells[r]
        for c in [c for c, cell in row.items() if c0 <= c < c1 and "userEnteredValue" in cell]:
            set_value(sheet, r, c, values.Parsed(None))


# --------------------------------------------------------------------- handlers


def get(double: Double, req: Request) -> Response:
    book = double.book(req.params["spreadsheetId"])
    sheet, rect = parse_a1(book, req.params["range"])
    render, date_render, major = _render_options(req)
    return ok(value_range(book, sheet, read_box(sheet, rect), render, date_render, major))


def batch_get(double: Double, req: Request) -> Response:
    book = double.book(req.params["spreadsheetId"])
    render, date_render, major = _render_options(req)
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    ranges = []
    for text in req.args("ranges"):
        sheet, rect = parse_a1(book, text)
        ranges.append(value_range(book, sheet, read_box(sheet, rect), render, date_render, major))
    if ranges:
        out["valueRanges"] = ranges
    return ok(out)


def update(double: Double, req: Request) -> Response:
    body = req.json()
    rows = _check_values(body.get("values"), "data.values")
    option = _input_option(req.arg("valueInputOption"))
    with double.editing(req.params["spreadsheetId"]) as book:
        sheet, origin, bound = _target(book, req.params["range"])
        result = write_rows(book, sheet, origin, rows, option, body.get("majorDimension"), bound)
        return ok(result.response(book, req))


def _totals(book: Spreadsheet, results: list[WriteResult]) -> dict[str, Any]:
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    rows = {(r.sheet.sheet_id, row) for r in results for row, _ in r.cells}
    cols = {(r.sheet.sheet_id, col) for r in results for _, col in r.cells}
    cells = sum(len(r.cells) for r in results)
    sheets = {r.sheet.sheet_id for r in results if r.cells}
    for key, count in (
        ("totalUpdatedRows", len(rows)),
        ("totalUpdatedColumns", len(cols)),
        ("totalUpdatedCells", cells),
        ("totalUpdatedSheets", len(sheets)),
    ):
        if count:
            out[key] = count
    return out


def batch_update(double: Double, req: Request) -> Response:
    body = req.json()
    option = _input_option(body.get("valueInputOption"))
    data = body.get("data") or []
    for i, item in enumerate(data):
        _check_values(item.get("values"), f"data[{i}].values")
    with double.editing(req.params["spreadsheetId"]) as book:
        results = []
        for item in data:
            sheet, origin, bound = _target(book, item.get("range", ""))
            results.append(
                write_rows(book, sheet, origin, item.get("values") or [], option, item.get("majorDimension"), bound)
            )
        out = _totals(book, results)
        if results:
            out["responses"] = [r.response(book, body) for r in results]
        return ok(out)


def _table(sheet: Sheet, box: Box) -> Box | None:
    """Google's append "table": the region of filled cells around the last filled cell of the range.

    The region may reach beyond the range (``A1:D1`` finds the whole table under that header), and
    is what ``tableRange`` reports; when the range holds no value, there is no table.
    """
    r0, r1, c0, c1 = box

    def has(r: int, c: int) -> bool:
        if not (0 <= r < sheet.rows and 0 <= c < sheet.cols):
            return False
        cell = sheet.cells[r].get(c)
        return bool(cell and cell.get("userEnteredValue"))

    last: tuple[int, int] | None = None
    for r in range(min(r1, sheet.rows) - 1, r0 - 1, -1):
        used = [c for c in sheet.cells[r] if c0 <= c < c1 and has(r, c)]
        if used:
            last = (r, max(used))
            break
    if last is None:
        return None
    top, bottom, left, right = last[0], last[0], last[1], last[1]

    def row_has(r: int, a: int, b: int) -> bool:
        return 0 <= r < sheet.rows and any(a <= c <= b and has(r, c) for c in sheet.cells[r])

    def col_has(c: int, a: int, b: int) -> bool:
        return any(has(r, c) for r in range(max(a, 0), min(b, sheet.rows - 1) + 1))

    changed = True
    while changed:
        changed = False
        while row_has(top - 1, left - 1, right + 1):
            top, changed = top - 1, True
        while row_has(bottom + 1, left - 1, right + 1):
            bottom, changed = bottom + 1, True
        while col_has(left - 1, top - 1, bottom + 1):
            left, changed = left - 1, True
        while col_has(right + 1, top - 1, bottom + 1):
            right, changed = right + 1, True
    return (top, bottom + 1, left, right + 1)


def append_rows(
    double: Double,
    book: Spreadsheet,
    range_text: str,
    rows: list[list[Any]],
    option: str,
    major: str | None,
    insert: bool,
) -> tuple[WriteResult, Box | None, Sheet]:
    sheet, rect = parse_a1(book, range_text)
    box = read_box(sheet, rect)
    table = _table(sheet, box)
    if table is None:
        start_row, start_col = box[0], box[2]
    else:
        start_row, start_col = table[1], table[2]
    if major == "COLUMNS":
        height = max((len(col) for col in rows), default=0)
        width = len(rows)
    else:
        height = len(rows)
        width = max((len(row) for row in rows), default=0)
    if insert:
        double.grow_check(book, height * sheet.cols)
        sheet.insert_rows(min(start_row, sheet.rows), height)
    need_rows = start_row + height - sheet.rows
    need_cols = start_col + width - sheet.cols
    if need_rows > 0 or need_cols > 0:
        double.grow_check(book, max(need_rows, 0) * sheet.cols + max(need_cols, 0) * (sheet.rows + max(need_rows, 0)))
        sheet.resize(sheet.rows + max(need_rows, 0), sheet.cols + max(need_cols, 0))
    result = write_rows(book, sheet, (start_row, start_col), rows, option, major)
    return result, table, sheet


def append(double: Double, req: Request) -> Response:
    body = req.json()
    rows = _check_values(body.get("values"), "data.values")
    option = _input_option(req.arg("valueInputOption"))
    insert = (req.arg("insertDataOption") or "OVERWRITE") == "INSERT_ROWS"
    with double.editing(req.params["spreadsheetId"]) as book:
        result, table, sheet = append_rows(
            double, book, req.params["range"], rows, option, body.get("majorDimension"), insert
        )
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if table is not None:
            out["tableRange"] = a1_name(sheet, table)
        out["updates"] = result.response(book, req)
        return ok(out)


def clear(double: Double, req: Request) -> Response:
    with double.editing(req.params["spreadsheetId"]) as book:
        sheet, rect = parse_a1(book, req.params["range"])
        box = read_box(sheet, rect)
        _clear(sheet, box)
        return ok({"spreadsheetId": book.spreadsheet_id, "clearedRange": a1_name(sheet, box)})


def batch_clear(double: Double, req: Request) -> Response:
    body = req.json()
    with double.editing(req.params["spreadsheetId"]) as book:
        cleared = []
        for text in body.get("ranges") or []:
            sheet, rect = parse_a1(book, text)
            box = read_box(sheet, rect)
            _clear(sheet, box)
            cleared.append(a1_name(sheet, box))
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if cleared:
            out["clearedRanges"] = cleared
        return ok(out)


def batch_get_by_data_filter(double: Double, req: Request) -> Response:
    body = req.json()
    book = double.book(req.params["spreadsheetId"])
    render, date_render, major = _render_options(body)
    found = []
    for data_filter in body.get("dataFilters") or []:
        for sheet, box in filter_boxes(book, data_filter):
            found.append(
                {
                    "valueRange": value_range(book, sheet, box, render, date_render, major),
                    "dataFilters": [data_filter],
                }
            )
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if found:
        out["valueRanges"] = found
    return ok(out)


def batch_update_by_data_filter(double: Double, req: Request) -> Response:
    body = req.json()
    option = _input_option(body.get("valueInputOption"))
    data = body.get("data") or []
    for i, item in enumerate(data):
        _check_values(item.get("values"), f"data[{i}].values")
    with double.editing(req.params["spreadsheetId"]) as book:
        results: list[WriteResult] = []
        responses = []
        for item in data:
            for sheet, box in filter_boxes(book, item.get("dataFilter") or {}):
                text = a1_name(sheet, box)
                result = write_rows(
                    book,
                    sheet,
                    (box[0], box[2]),
                    item.get("values") or [],
                    option,
                    item.get("majorDimension"),
                    (box, text),
                )
                results.append(result)
                response = result.response(book, body)
                response.pop("spreadsheetId", None)
                response["dataFilter"] = item.get("dataFilter")
                responses.append(response)
        out = _totals(book, results)
        if responses:
            out["responses"] = responses
        return ok(out)


def batch_clear_by_data_filter(double: Double, req: Request) -> Response:
    body = req.json()
    with double.editing(req.params["spreadsheetId"]) as book:
        cleared = []
        for data_filter in body.get("dataFilters") or []:
            for sheet, box in filter_boxes(book, data_filter):
                _clear(sheet, box)
                cleared.append(a1_name(sheet, box))
        out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if cleared:
            out["clearedRanges"] = cleared
        return ok(out)
