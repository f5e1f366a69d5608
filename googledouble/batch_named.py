"""batchUpdate requests on protected ranges, named ranges and developer metadata."""

from __future__ import annotations

import copy
from typing import Any

from . import fields, metadata
from .batch_common import Ctx, RequestError, sheet_of
from .grid import strip_zero_sheet
from .metadata import metadata_out
from .model import Sheet
from .sheets_read import protected_out


def add_protected_range(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    prot = {k: v for k, v in (req.get("protectedRange") or {}).items() if v is not None}
    if "range" in prot:
        sheet = sheet_of(ctx, prot["range"].get("sheetId", 0))
        prot["range"] = {"sheetId": sheet.sheet_id, **prot["range"]}
    elif "namedRangeId" in prot:
        named = next((n for n in ctx.book.named_ranges if n["namedRangeId"] == prot["namedRangeId"]), None)
        if named is None:
            raise RequestError(f"No named range with id: {prot['namedRangeId']}")
        sheet = sheet_of(ctx, named["range"].get("sheetId", 0))
    else:
        raise RequestError("A protected range must have a range or a named range.")
    if "protection_drops_requester" in ctx.quirks and ctx.api:
        users = [u for u in (prot.get("editors") or {}).get("users") or [] if u != ctx.owner]
        prot["editors"] = {**(prot.get("editors") or {}), "users": users}
    prot_id = prot.get("protectedRangeId") or ctx.rng.randint(1, 2**31 - 1)
    prot["protectedRangeId"] = prot_id
    sheet.protected_ranges.append(prot)
    return {"addProtectedRange": {"protectedRange": protected_out(prot, for_get=False, owner=ctx.owner)}}


def _find_protected(ctx: Ctx, prot_id: Any) -> tuple[Sheet, dict[str, Any]]:
    for sheet in ctx.book.sheets:
        for prot in sheet.protected_ranges:
            if prot["protectedRangeId"] == prot_id:
                return sheet, prot
    raise RequestError(f"No protected range with id: {prot_id}")


def update_protected_range(ctx: Ctx, req: dict[str, Any]) -> None:
    update = req.get("protectedRange") or {}
    sheet, prot = _find_protected(ctx, update.get("protectedRangeId"))
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified.")
    new = fields.copy_masked(prot, update, mask)
    new["protectedRangeId"] = prot["protectedRangeId"]
    sheet.protected_ranges[sheet.protected_ranges.index(prot)] = new
    return None


def delete_protected_range(ctx: Ctx, req: dict[str, Any]) -> None:
    sheet, prot = _find_protected(ctx, req.get("protectedRangeId"))
    sheet.protected_ranges.remove(prot)
    return None


def add_named_range(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    named = copy.deepcopy(req.get("namedRange") or {})
    name = named.get("name", "")
    if not name or any(n["name"].lower() == name.lower() for n in ctx.book.named_ranges):
        raise RequestError(f"A named range with the name {name} already exists or the name is invalid.")
    rng = named.get("range") or {}
    sheet = sheet_of(ctx, rng.get("sheetId", 0))
    named["range"] = {"sheetId": sheet.sheet_id, **rng}
    named["namedRangeId"] = named.get("namedRangeId") or str(ctx.rng.randint(10**8, 2**31 - 1))
    stored = {"namedRangeId": named["namedRangeId"], "name": name, "range": named["range"]}
    ctx.book.named_ranges.append(stored)
    return {"addNamedRange": {"namedRange": {**stored, "range": strip_zero_sheet(stored["range"])}}}


def update_named_range(ctx: Ctx, req: dict[str, Any]) -> None:
    update = req.get("namedRange") or {}
    named = next((n for n in ctx.book.named_ranges if n["namedRangeId"] == update.get("namedRangeId")), None)
    if named is None:
        raise RequestError(f"No named range with id: {update.get('namedRangeId')}")
    if not req.get("fields"):
        raise RequestError("At least one field must be specified.")
    new = fields.copy_masked(named, update, req["fields"])
    new["namedRangeId"] = named["namedRangeId"]
    if "range" in new:
        new["range"] = {"sheetId": new["range"].get("sheetId", 0), **new["range"]}
    named.clear()
    named.update(new)
    return None


def delete_named_range(ctx: Ctx, req: dict[str, Any]) -> None:
    before = len(ctx.book.named_ranges)
    ctx.book.named_ranges = [n for n in ctx.book.named_ranges if n["namedRangeId"] != req.get("namedRangeId")]
    if len(ctx.book.named_ranges) == before:
        raise RequestError(f"No named range with id: {req.get('namedRangeId')}")
    return None


def create_developer_metadata(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    reserved = frozenset(ctx.freed) if "metadata_id_reserved" in ctx.quirks else frozenset()
    meta_id = metadata.create(ctx.book, req.get("developerMetadata") or {}, ctx.rng,
                              replace="metadata_duplicate_accepted" in ctx.quirks, reserved=reserved)
    return {"createDeveloperMetadata": {"developerMetadata": metadata_out(ctx.book, meta_id)}}


def _metadata_for_filters(ctx: Ctx, data_filters: list[dict[str, Any]]) -> list[int]:
    return sorted({m["developerMetadata"]["metadataId"] for m in metadata.search(ctx.book, data_filters)})


def update_developer_metadata(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    mask = req.get("fields")
    if not mask:
        raise RequestError("At least one field must be specified.")
    update = req.get("developerMetadata") or {}
    ids = _metadata_for_filters(ctx, req.get("dataFilters") or [])
    for meta_id in ids:
        entry = ctx.book.metadata[meta_id]
        current = {**entry["meta"], "location": metadata.location_out(ctx.book, entry["where"])}
        new = fields.copy_masked(current, update, mask)
        if "location" in fields.parse(mask):
            entry["where"] = metadata.where_from_location(ctx.book, new.get("location") or {})
        entry["meta"] = {k: new[k] for k in ("metadataKey", "metadataValue", "visibility") if k in new}
    return {"updateDeveloperMetadata": {"developerMetadata": [metadata_out(ctx.book, m) for m in ids]}}


def delete_developer_metadata(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    ids = _metadata_for_filters(ctx, [req.get("dataFilter") or {}])
    deleted = [metadata_out(ctx.book, m) for m in ids]
    for meta_id in ids:
        del ctx.book.metadata[meta_id]
        ctx.freed.add(meta_id)
    reply: dict[str, Any] = {}
    if deleted:
        reply["deletedDeveloperMetadata"] = deleted
    return {"deleteDeveloperMetadata": reply}
