"""Developer metadata and DataFilters.

Row and column metadata is stored against the row's (column's) identity
token, so the location reported is always where that row is *now*.
"""

from __future__ import annotations

import random
from typing import Any

from .errors import invalid_argument
from .grid import Box, parse_a1, parse_grid_range, read_box, strip_zero_sheet
from .model import Sheet, Spreadsheet

Where = tuple[Any, ...]  # ("SPREADSHEET",) | ("SHEET", sheetId) | ("ROW"|"COLUMN", sheetId, token)


class RequestError(ValueError):
    """A batchUpdate subrequest is invalid; the dispatcher prefixes ``Invalid requests[i].kind:``."""


def location_out(book: Spreadsheet, where: Where) -> dict[str, Any]:
    kind = where[0]
    if kind == "SPREADSHEET":
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if kind == "SHEET":
        return {"locationType": "SHEET", "sheetId": where[1]}
    sheet = book.by_id(where[1])
    assert sheet is not None
    index = sheet.row_index(where[2]) if kind == "ROW" else sheet.col_index(where[2])
    dim = {
        "sheetId": where[1],
        "dimension": "ROWS" if kind == "ROW" else "COLUMNS",
        "startIndex": index,
        "endIndex": index + 1,
    }
    return {"locationType": kind, "dimensionRange": strip_zero_sheet(dim)}


def metadata_out(book: Spreadsheet, meta_id: int) -> dict[str, Any]:
    entry = book.metadata[meta_id]
    meta = entry["meta"]
    out: dict[str, Any] = {"metadataId": meta_id, "metadataKey": meta["metadataKey"]}
    if meta.get("metadataValue"):
        out["metadataValue"] = meta["metadataValue"]
    out["location"] = location_out(book, entry["where"])
    out["visibility"] = meta.get("visibility", "DOCUMENT")
    return out


def where_from_location(book: Spreadsheet, location: dict[str, Any]) -> Where:
    if location.get("spreadsheet"):
        return ("SPREADSHEET",)
    if "dimensionRange" in location:
        dim = location["dimensionRange"]
        sheet = book.by_id(int(dim.get("sheetId", 0)))
        if sheet is None:
            raise RequestError(f"No grid with id: {dim.get('sheetId', 0)}")
        start, end = dim.get("startIndex"), dim.get("endIndex")
        if start is None or end is None or end - start != 1:
            raise RequestError(
                "Developer metadata may only be associated with a single row or column "
                "(the dimension range must span exactly one row or column)."
            )
        rows = dim.get("dimension") == "ROWS"
        ids = sheet.row_ids if rows else sheet.col_ids
        if not 0 <= start < len(ids):
            raise RequestError(f"The dimension range {start}:{end} is outside the grid.")
        return ("ROW" if rows else "COLUMN", sheet.sheet_id, ids[start])
    if "sheetId" in location:
        sheet = book.by_id(int(location["sheetId"]))
        if sheet is None:
            raise RequestError(f"No grid with id: {location['sheetId']}")
        return ("SHEET", sheet.sheet_id)
    raise RequestError("A developer metadata location must be set.")


def create(book: Spreadsheet, meta: dict[str, Any], rng: random.Random, *, replace: bool = False,
           reserved: frozenset[int] = frozenset()) -> int:
    """A new metadata entry; `replace` (quirk) takes an existing id over, `reserved` (quirk) ids are refused."""
    if not meta.get("metadataKey"):
        raise RequestError("Developer metadata must have a key.")
    if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise RequestError("Developer metadata must have a visibility of DOCUMENT or PROJECT.")
    where = where_from_location(book, meta.get("location") or {})
    meta_id = meta.get("metadataId")
    if meta_id is None:
        meta_id = rng.randint(1, 2**31 - 1)
        while meta_id in book.metadata:
            meta_id = rng.randint(1, 2**31 - 1)
    elif (meta_id in book.metadata and not replace) or meta_id in reserved:
        raise RequestError(f"Developer metadata with ID {meta_id} already exists.")
    elif meta_id <= 0:
        raise RequestError("Developer metadata IDs must be positive.")
    stored = {k: meta[k] for k in ("metadataKey", "metadataValue", "visibility") if k in meta}
    book.metadata[int(meta_id)] = {"meta": stored, "where": where}
    return int(meta_id)


def _location_matches(book: Spreadsheet, where: Where, wanted: dict[str, Any], intersecting: bool) -> bool:
    wanted_type = wanted.get("locationType")
    if wanted.get("spreadsheet"):
        return where[0] == "SPREADSHEET" or intersecting
    if "sheetId" in wanted and "dimensionRange" not in wanted:
        same_sheet = bool(where[1] == wanted["sheetId"])
        if where[0] == "SHEET":
            return same_sheet
        return intersecting and where[0] in ("ROW", "COLUMN") and same_sheet
    if "dimensionRange" in wanted:
        dim = wanted["dimensionRange"]
        if where[0] not in ("ROW", "COLUMN") or where[1] != dim.get("sheetId", 0):
            return False
        if (where[0] == "ROW") != (dim.get("dimension") == "ROWS"):
            return False
        located = location_out(book, where)["dimensionRange"]
        start, end = int(dim.get("startIndex", 0)), int(dim.get("endIndex", 10**9))
        lo, hi = int(located["startIndex"]), int(located["endIndex"])
        return (lo < end and start < hi) if intersecting else (lo == start and hi == end)
    return wanted_type is None or where[0] == wanted_type


def lookup(book: Spreadsheet, query: dict[str, Any]) -> list[int]:
    """Metadata ids matching a DeveloperMetadataLookup."""
    found = []
    intersecting = query.get("locationMatchingStrategy") == "INTERSECTING_LOCATION"
    for meta_id, entry in book.metadata.items():
        meta, where = entry["meta"], entry["where"]
        if "metadataId" in query and int(query["metadataId"]) != meta_id:
            continue
        if "metadataKey" in query and query["metadataKey"] != meta["metadataKey"]:
            continue
        if "metadataValue" in query and query["metadataValue"] != meta.get("metadataValue", ""):
            continue
        if "visibility" in query and query["visibility"] != meta.get("visibility"):
            continue
        if "locationType" in query and query["locationType"] != where[0]:
            continue
        if "metadataLocation" in query and not _location_matches(book, where, query["metadataLocation"], intersecting):
            continue
        found.append(meta_id)
    return found


def where_box(book: Spreadsheet, where: Where) -> list[tuple[Sheet, Box]]:
    """The cells a metadata location stands for (a whole row, column or sheet)."""
    if where[0] == "SPREADSHEET":
        return [(s, (0, s.rows, 0, s.cols)) for s in book.ordered()]
    sheet = book.by_id(where[1])
    if sheet is None:
        return []
    if where[0] == "SHEET":
        return [(sheet, (0, sheet.rows, 0, sheet.cols))]
    if where[0] == "ROW":
        r = sheet.row_index(where[2])
        return [(sheet, (r, r + 1, 0, sheet.cols))]
    c = sheet.col_index(where[2])
    return [(sheet, (0, sheet.rows, c, c + 1))]


def filter_boxes(book: Spreadsheet, data_filter: dict[str, Any]) -> list[tuple[Sheet, Box]]:
    """Resolve a DataFilter to the ranges it selects."""
    if "a1Range" in data_filter:
        sheet, rect = parse_a1(book, data_filter["a1Range"])
        return [(sheet, read_box(sheet, rect))]
    if "gridRange" in data_filter:
        sheet, rect = parse_grid_range(book, data_filter["gridRange"])
        return [(sheet, read_box(sheet, rect))]
    if "developerMetadataLookup" in data_filter:
        out: list[tuple[Sheet, Box]] = []
        for meta_id in lookup(book, data_filter["developerMetadataLookup"]):
            out.extend(where_box(book, book.metadata[meta_id]["where"]))
        return out
    raise invalid_argument("A data filter must specify a developerMetadataLookup, a1Range or gridRange.")


def metadata_in_box(book: Spreadsheet, sheet: Sheet, box: Box) -> list[int]:
    r0, r1, c0, c1 = box
    found = []
    for meta_id, entry in book.metadata.items():
        where = entry["where"]
        if where[0] in ("ROW", "COLUMN") and where[1] == sheet.sheet_id:
            index = sheet.row_index(where[2]) if where[0] == "ROW" else sheet.col_index(where[2])
            lo, hi = (r0, r1) if where[0] == "ROW" else (c0, c1)
            if lo <= index < hi:
                found.append(meta_id)
        elif where[0] == "SHEET" and where[1] == sheet.sheet_id and box == (0, sheet.rows, 0, sheet.cols):
            found.append(meta_id)
    return found


def search(book: Spreadsheet, data_filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """developerMetadata.search: metadata matched by each filter, with the filters that matched."""
    matched: dict[int, list[dict[str, Any]]] = {}
    for data_filter in data_filters:
        if "developerMetadataLookup" in data_filter:
            ids = lookup(book, data_filter["developerMetadataLookup"])
        else:
            ids = [m for sheet, box in filter_boxes(book, data_filter) for m in metadata_in_box(book, sheet, box)]
        for meta_id in ids:
            matched.setdefault(meta_id, []).append(data_filter)
    return [
        {"developerMetadata": metadata_out(book, meta_id), "dataFilters": filters}
        for meta_id, filters in sorted(matched.items())
    ]


def dimension_metadata(book: Spreadsheet, kind: str, sheet_id: int, token: int) -> list[dict[str, Any]]:
    return [
        metadata_out(book, meta_id)
        for meta_id, entry in sorted(book.metadata.items())
        if entry["where"][0] == kind and entry["where"][1] == sheet_id and entry["where"][2] == token
    ]


def row_places(book: Spreadsheet) -> dict[int, tuple[int, int]]:
    """Row metadata id -> (sheet id, row index) now: for the quirk that leaves metadata where it was."""
    out: dict[int, tuple[int, int]] = {}
    for meta_id, entry in book.metadata.items():
        where = entry["where"]
        sheet = book.by_id(where[1]) if where[0] == "ROW" else None
        if sheet is not None:
            out[meta_id] = (sheet.sheet_id, sheet.row_index(where[2]))
    return out


def pin_rows(book: Spreadsheet, places: dict[int, tuple[int, int]]) -> None:
    """Put row metadata back on the row now at its old index (quirk "row_metadata_stays")."""
    for meta_id, (sheet_id, index) in places.items():
        sheet = book.by_id(sheet_id)
        if meta_id in book.metadata and sheet is not None and index < len(sheet.row_ids):
            book.metadata[meta_id]["where"] = ("ROW", sheet_id, sheet.row_ids[index])
