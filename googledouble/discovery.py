"""Requests and answers checked against Google's discovery documents, as Google checks a request.

google-api-python-client ships the discovery documents of Sheets v4, Drive v3 and Docs v1. They
say, for every method, its query parameters (with enums), its request body's schema and its
response's. Google answers 400 INVALID_ARGUMENT to a body with a name it does not know
("Invalid JSON payload received. Unknown name ..."), a value of the wrong type or an enum it
does not have, a field mask naming no field, and a union ("oneof") given two of its members.
The double does the same (`request_problems`), and notes separately the fields the documents
mark deprecated (`deprecated_uses`): Google still accepts them, the worker should not send them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

from . import fields as masks

INT32 = (-(2**31), 2**31 - 1)
API_FILES = {"sheets": "sheets.v4.json", "drive": "drive.v3.json", "docs": "docs.v1.json"}

# Unions of the Sheets API ("Union field kind can be only one of the following"): at most one member
# may be set (`Request` and `ExtendedValue` exactly one). The discovery documents flatten them into
# plain properties, so they are listed here from the API reference.
ONE_OF: dict[str, tuple[tuple[str, ...], bool]] = {
    "Request": ((), True),  # every property of Request is a member: exactly one
    "ExtendedValue": (("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue"), True),
    "DataFilter": (("developerMetadataLookup", "a1Range", "gridRange"), True),
    "DeveloperMetadataLocation": (("spreadsheet", "sheetId", "dimensionRange"), False),
    "ColorStyle": (("rgbColor", "themeColor"), True),
}

# A request that updates "the fields named in its mask" of this schema; Google requires the mask
# ("At least one field must be specified") and refuses a name the schema does not have.
MASKED: dict[str, str] = {
    "RepeatCellRequest": "CellData",
    "UpdateCellsRequest": "CellData",
    "UpdateSheetPropertiesRequest": "SheetProperties",
    "UpdateSpreadsheetPropertiesRequest": "SpreadsheetProperties",
    "UpdateDimensionPropertiesRequest": "DimensionProperties",
    "UpdateProtectedRangeRequest": "ProtectedRange",
    "UpdateDeveloperMetadataRequest": "DeveloperMetadata",
    "UpdateFilterViewRequest": "FilterView",
    "UpdateNamedRangeRequest": "NamedRange",
    "UpdateEmbeddedObjectPositionRequest": "EmbeddedObjectPosition",
}
SYSTEM_PARAMETERS = frozenset({"alt", "fields", "key", "prettyPrint", "quotaUser", "access_token", "upload_protocol",
                               "uploadType", "upload_id", "callback", "$.xgafv", "oauth_token", "userIp"})


@cache
def document(api: str) -> dict[str, Any]:
    folder = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    return json.loads((folder / API_FILES[api]).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def methods(api: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(resource: dict[str, Any]) -> None:
        found.update({m["id"]: m for m in resource.get("methods", {}).values()})
        for sub in resource.get("resources", {}).values():
            walk(sub)

    walk(document(api))
    return found


def request_problems(method_id: str, query: dict[str, list[str]], body: Any) -> tuple[list[str], list[str]]:
    """(what Google would refuse, deprecated fields used) in one request of `method_id`."""
    api = method_id.split(".")[0]
    if api not in API_FILES or method_id not in methods(api):
        return [], []
    method, schemas = methods(api)[method_id], document(api)["schemas"]
    problems, deprecated = _parameters(method, query), list[str]()
    mask = query.get("fields", [None])[-1]
    response = method.get("response", {}).get("$ref")
    if mask and response:
        problems += mask_problems(mask, schemas[response], schemas, "fields")
    request = method.get("request", {}).get("$ref")
    if request and body is not None:
        problems += validate(body, schemas[request], schemas, "$", deprecated)
    return problems, deprecated


def is_type_problem(problem: str) -> bool:
    return ": expected " in problem or "does not fit int32" in problem


def _parameters(method: dict[str, Any], query: dict[str, list[str]]) -> list[str]:
    known = method.get("parameters", {})
    problems = []
    for name, values in query.items():
        spec = known.get(name)
        if spec is None:
            if name not in SYSTEM_PARAMETERS:
                problems.append(f"unknown parameter {name!r}")
            continue
        for value in values:
            if "enum" in spec and value not in spec["enum"]:
                problems.append(f"parameter {name}={value!r} is not one of {spec['enum']}")
            if spec.get("type") == "boolean" and value.lower() not in ("true", "false"):  # gspread sends True
                problems.append(f"parameter {name}={value!r} is not a boolean")
            if spec.get("type") == "integer" and not value.lstrip("-").isdigit():
                problems.append(f"parameter {name}={value!r} is not an integer")
    return problems


def mask_problems(text: str, schema: dict[str, Any], schemas: dict[str, Any], where: str) -> list[str]:
    """Names in a field mask that the schema does not have ("*" allows everything below it)."""
    try:
        tree = masks.parse(text)
    except masks.MaskError:
        return [f"{where}: invalid field mask {text!r}"]
    return _mask_tree(tree, schema, schemas, where)


def _mask_tree(tree: masks.Mask, schema: dict[str, Any], schemas: dict[str, Any], where: str) -> list[str]:
    schema = _resolve(schema, schemas)
    if schema.get("type") == "array":
        schema = _resolve(schema.get("items", {}), schemas)
    properties = schema.get("properties", {})
    problems = []
    for name, sub in tree.items():
        if name == "*" or schema.get("additionalProperties") is not None:
            continue
        if name not in properties:
            problems.append(f"{where}: the field mask names {name!r}, which {schema.get('id', 'this object')} "
                            "does not have")
        elif sub:
            problems += _mask_tree(sub, properties[name], schemas, f"{where}.{name}")
    return problems


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schemas[schema["$ref"]]
    return schema


# A place in a body, as a message names it ("$.requests[0].updateCells.rows"): the root text, or
# (parent, kind, name) with kind "." (a field), "[" (an index) or "'" (a map key). Put into words
# only for a problem or a deprecated field, not for every value of a big body.
Where = str | tuple[Any, str, Any]


def _where(path: Where) -> str:
    parts: list[str] = []
    while isinstance(path, tuple):
        path, kind, name = path
        parts.append(f".{name}" if kind == "." else f"[{name}]" if kind == "[" else f"[{name!r}]")
    return path + "".join(reversed(parts))


def validate(value: Any, schema: dict[str, Any], schemas: dict[str, Any], path: Where = "$",
             deprecated: list[str] | None = None) -> list[str]:
    """Errors of `value` against a discovery schema (empty when it fits); deprecated fields into `deprecated`."""
    if value is None:  # JSON null: the field's default, as Google's JSON parser takes it
        return []
    name = schema.get("$ref")
    schema = _resolve(schema, schemas)
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{_where(path)}: expected an object, got {type(value).__name__}"]
        return _object(value, schema, schemas, path, deprecated, name)
    if kind == "array":
        if not isinstance(value, list):
            return [f"{_where(path)}: expected an array, got {type(value).__name__}"]
        errors: list[str] = []
        items = schema.get("items", {})
        for i, item in enumerate(value):
            errors += validate(item, items, schemas, (path, "[", i), deprecated)
        return errors
    return _scalar(value, schema, path)


def _object(value: dict[str, Any], schema: dict[str, Any], schemas: dict[str, Any], path: Where,
            deprecated: list[str] | None, name: str | None) -> list[str]:
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    errors: list[str] = []
    for key, item in value.items():
        if key in properties:
            if deprecated is not None and _says_deprecated(properties[key]):
                deprecated.append(f"{_where(path)}.{key}")
            errors += validate(item, properties[key], schemas, (path, ".", key), deprecated)
        elif extra is not None:
            errors += validate(item, extra, schemas, (path, "'", key), deprecated)
        else:
            errors.append(f"{_where(path)}: unknown name {key!r}")
    if name in ONE_OF:
        members, exactly = ONE_OF[name]
        given = [k for k in value if k in (members or properties)]
        if len(given) > 1 and (members or name == "Request"):
            errors.append(f"{_where(path)}: {name} takes one of its kinds, got {given}")
        elif exactly and not given:
            errors.append(f"{_where(path)}: {name} needs one of {list(members or properties)[:6]}...")
    if name in MASKED:
        mask = value.get("fields")
        if not isinstance(mask, str) or not mask:
            errors.append(f"{_where(path)}: {name} needs a field mask ('fields')")
        else:
            errors += mask_problems(mask, schemas[MASKED[name]], schemas, f"{_where(path)}.fields")
    return errors


_DEPRECATED: dict[int, tuple[dict[str, Any], bool]] = {}  # id(schema) -> (it, kept alive; whether deprecated)


def _says_deprecated(schema: dict[str, Any]) -> bool:
    hit = _DEPRECATED.get(id(schema))
    if hit is None:
        text = str(schema.get("description", ""))
        flag = bool(schema.get("deprecated")) or "Deprecated" in text or "deprecated in favor" in text
        hit = _DEPRECATED[id(schema)] = (schema, flag)
    return hit[1]


def _scalar(value: Any, schema: dict[str, Any], path: Where) -> list[str]:
    problem = _scalar_problem(value, schema)
    return [] if problem is None else [f"{_where(path)}: {problem}"]


def _scalar_problem(value: Any, schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if kind == "string":
        if not isinstance(value, str):
            return f"expected a string, got {value!r}"
        if schema.get("format") in ("int64", "uint64") and not value.lstrip("-").isdigit():
            return f"expected an int64 string, got {value!r}"
        if "enum" in schema and value not in schema["enum"]:
            return f"{value!r} is not one of {schema['enum']}"
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return f"expected an integer, got {value!r}"
        if schema.get("format") == "int32" and not INT32[0] <= value <= INT32[1]:
            return f"{value} does not fit int32"
    elif kind == "number" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        return f"expected a number, got {value!r}"
    elif kind == "boolean" and not isinstance(value, bool):
        return f"expected a boolean, got {value!r}"
    return None
