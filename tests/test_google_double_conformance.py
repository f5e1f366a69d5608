"""The double answers as Google does: replay recorded real traffic and compare.

Each cassette in ``<repo>/../shared/google-api-recordings/gspread-cassettes`` holds
real requests gspread sent to Sheets v4 / Drive v3 and Google's answers. We send
the same requests to the double (rewriting the recorded ids to the ids the double
handed out) and compare status codes and JSON bodies, ignoring ids, timestamps
and e-mail addresses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from googledouble import GoogleDouble

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
CASSETTES = SHARED / "google-api-recordings" / "gspread-cassettes"

# Cassettes not replayed, and why.
SKIPPED: dict[str, str] = {
    "ClientTest.test_openall": "lists ~40 spreadsheets that existed in the recording account",
    "ClientTest.test_open_all_has_metadata": "lists ~40 spreadsheets that existed in the recording account",
    "ClientTest.test_import_csv": "uses the Drive v2 upload API, which the double does not implement",
    "WorksheetTest.test_auto_resize_columns": "the resized pixel width depends on font rendering",
    "WorksheetTest.test_group_columns": "addDimensionGroup/deleteDimensionGroup are not implemented",
    "WorksheetTest.test_group_rows": "addDimensionGroup/deleteDimensionGroup are not implemented",
}

# Per-cassette state that existed in the recording account before the test ran.
SETUP: dict[str, Any] = {
    # A spreadsheet owned by someone else, not shared with the recording account.
    "ClientTest.test_access_private_spreadsheet": lambda double: double.deny_access(
        "1jIKzPs8LsiZZdLdeMEP-5ZIHw6RkjiOmj1LrJN706Yc"
    ),
}

ID_KEYS = {"id", "spreadsheetId", "documentId", "sheetId", "namedRangeId", "protectedRangeId", "metadataId"}
VOLATILE_KEYS = {"createdTime", "modifiedTime", "etag", "revisionId", "selfLink", "iconLink", "thumbnailLink"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def cassette_names() -> list[str]:
    if not CASSETTES.is_dir():
        return []
    return sorted(p.stem for p in CASSETTES.glob("*.json"))


class IdMap:
    """Recorded id -> id the double returned, learnt from answers as the replay goes."""

    def __init__(self) -> None:
        self.ids: dict[Any, Any] = {}

    def learn(self, recorded: Any, actual: Any) -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key, value in recorded.items():
                if key not in actual:
                    continue
                if key in ID_KEYS and not isinstance(value, (dict, list)) and value not in self.ids:
                    self.ids[value] = actual[key]
                self.learn(value, actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for rec_item, act_item in zip(recorded, actual, strict=False):
                self.learn(rec_item, act_item)

    def text(self, text: str) -> str:
        for recorded, actual in self.ids.items():
            if isinstance(recorded, str) and len(recorded) > 10:
                text = text.replace(recorded, str(actual))
        return text

    def value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, key) for v in value]
        if key in ID_KEYS and value in self.ids and not isinstance(value, bool):
            return self.ids[value]
        if isinstance(value, str):
            return self.text(value)
        return value


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return EMAIL.sub("<email>", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_body(text: str | bytes | None) -> Any:
    if not text:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        return json.loads(text)
    except ValueError:
        return text


def replay(name: str) -> None:
    data = json.loads((CASSETTES / f"{name}.json").read_text(encoding="utf-8"))
    double = GoogleDouble(seed=len(name), locale="en_US", time_zone="Etc/GMT")  # as the recordings were made
    if name in SETUP:
        SETUP[name](double)
    ids = IdMap()
    for number, interaction in enumerate(data["interactions"]):
        request, response = interaction["request"], interaction["response"]
        body = request["body"]
        if isinstance(body, dict):
            body = body.get("string")
        sent_body = body
        if body:
            parsed = parse_body(body)
            sent_body = json.dumps(ids.value(parsed)) if isinstance(parsed, (dict, list)) else ids.text(body)
        headers = {k: v[0] for k, v in request["headers"].items() if v}
        status, _, content = double.handle(request["method"], ids.text(request["uri"]), headers, sent_body)
        expected = parse_body(response["body"]["string"])
        actual = parse_body(content)
        where = f"{name} #{number}: {request['method']} {request['uri']}\nrequest body: {body}"
        assert status == response["status"]["code"], (
            f"{where}\nstatus {status}, recorded {response['status']['code']}\n{actual}"
        )
        ids.learn(expected, actual)
        expected_n = normalise(ids.value(expected))
        actual_n = normalise(actual)
        assert actual_n == expected_n, (
            f"{where}\nrecorded: {json.dumps(expected_n, ensure_ascii=False)[:3000]}"
            f"\nactual:   {json.dumps(actual_n, ensure_ascii=False)[:3000]}"
        )


@pytest.mark.skipif(not CASSETTES.is_dir(), reason=f"recordings folder not found: {CASSETTES}")
@pytest.mark.parametrize("name", [n for n in cassette_names() if n not in SKIPPED])
def test_cassette_replays_like_google(name: str) -> None:
    replay(name)


@pytest.mark.skipif(not CASSETTES.is_dir(), reason=f"recordings folder not found: {CASSETTES}")
def test_every_skip_names_an_existing_cassette() -> None:
    assert set(SKIPPED) <= set(cassette_names())
