"""Letters as Google Docs: Drive `files.copy` of the template, then one Docs
`documents.batchUpdate` of `replaceAllText` requests — two API requests a letter.

A redraft makes a new copy and moves the one it supersedes to the trash (one more
request). The copy goes into the configured folder (a Shared Drive when running as a service
account, which has no Drive storage of its own) and is never shared by link.
Its name carries the order key and a hash of the values, so that after a crash the
first cycle of the next process finds a copy it already made instead of making a
second one (one `files.list`, only in that first cycle).

Every request goes through the `retry` the worker injects (sync's `RetryPolicy`, the one retry
of all its Google requests: `letters` may not import `sync`); google-api-python-client's own
`num_retries` stays 0. A copy is not repeated blindly: after a failure that may have made it,
the retry looks for it by name before trying again (`recover`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from letters.errors import MissingValuesError
from letters.placeholders import clean_value
from letters.render_docx import placeholders
from letters.writer import Order, template_path

DOC_URL = "https://docs.google.com/document/d/{id}/edit"
_JOINER = "\u2060"  # WORD JOINER: invisible; keeps a reporter's "{{x}}" from matching a placeholder
T = TypeVar("T")


class Retry(Protocol):
    """How the writer's requests are retried (sync.stores.google_retry.RetryPolicy): `call` again after a
    failure worth retrying, within a cap; `recover` (when given) looks for the result of a failed attempt
    that may have been carried out, before the next one."""

    def run(self, what: str, call: Callable[[], T], *, recover: Callable[[], T | None] | None = None) -> T: ...


class GoogleLetterWriter:
    def __init__(
        self, drive: Any, docs: Any, folder_id: str, templates: Mapping[str, str], *, retry: Retry
    ) -> None:
        self._retry = retry
        self._drive = drive
        self._docs = docs
        self._folder = folder_id
        self._templates = dict(templates)  # kind -> template document id
        self._made: dict[str, str] = {}  # name -> document id, made by this process
        self.recovering = True  # until a cycle's sheet write succeeds

    def settled(self) -> None:
        """The sheet now links every document made so far: no more look-ups needed."""
        self.recovering = False

    def draft(self, order: Order) -> str:
        _check(order)
        name = f"{order.title} #{_digest(order.values)}"
        found = self._made.get(name)
        if found is None and self.recovering:
            found = self._find(name)
            if found is not None:
                # made before a crash, perhaps never filled: fill it (a filled Doc has no
                # placeholder left, so this changes nothing then)
                self._fill(found, order.values)
                self._made[name] = found
        if found is None:
            found = self._copy(order.kind, name, order.key)
            self._fill(found, order.values)
            self._made[name] = found
        old = _document_id(order.replaces)
        if old and old != found:
            self._trash(old)  # the new draft supersedes it; the trash keeps it 30 days
        return DOC_URL.format(id=found)

    def _trash(self, document_id: str) -> None:
        request = self._drive.files().update(
            fileId=document_id, body={"trashed": True}, supportsAllDrives=True, fields="id")
        self._retry.run("moving a superseded letter to the trash", request.execute)

    def _find(self, name: str) -> str | None:
        query = f"name = '{_quote(name)}' and '{_quote(self._folder)}' in parents and trashed = false"
        request = self._drive.files().list(
            q=query, fields="files(id)", supportsAllDrives=True, includeItemsFromAllDrives=True)
        files = self._retry.run("the look-up of a letter", request.execute).get("files", [])
        return str(files[0]["id"]) if files else None

    def _copy(self, kind: str, name: str, key: str) -> str:
        """Copy the template. Not retried blindly: after a timeout or a 5xx the copy may have been
        made, so it is looked up by name before trying again (a blind retry makes a second Doc).
        A 429 or rate-limit 403 was refused before anything was done: simply tried again."""
        body = {"name": name, "parents": [self._folder], "appProperties": {"sapa_key": key}}
        request = self._drive.files().copy(fileId=self._templates[kind], body=body, fields="id", supportsAllDrives=True)
        return self._retry.run(f"the copy of the letter template for {key}", lambda: str(request.execute()["id"]),
                               recover=lambda: self._find(name))

    def _fill(self, document_id: str, values: Mapping[str, str]) -> None:
        requests = [
            {"replaceAllText": {"containsText": {"text": "{{" + key + "}}", "matchCase": True},
                                "replaceText": _literal(value)}}
            for key, value in sorted(values.items())
        ]
        request = self._docs.documents().batchUpdate(documentId=document_id, body={"requests": requests})
        self._retry.run("filling a letter", request.execute)  # again after a lost answer: nothing left to replace


def _document_id(link: str | None) -> str | None:
    if not link or "/document/d/" not in link:
        return None
    return link.split("/document/d/", 1)[1].split("/", 1)[0]


def _check(order: Order) -> None:
    """The Doc template is a copy of the shipped .docx: check the values against it locally."""
    template = template_path(order.kind, None)
    missing = placeholders(template) - set(order.values)
    if missing:
        raise MissingValuesError(template.name, missing)


def _literal(value: str) -> str:
    text = clean_value(value)
    return text.replace("{{", "{" + _JOINER + "{").replace("}}", "}" + _JOINER + "}")


def _digest(values: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(values.items())).encode("utf-8", "replace")).hexdigest()[:8]


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
