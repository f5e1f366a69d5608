"""Docs v1: documents as a body of paragraphs, and ``documents.get/create/batchUpdate``.

A document body is kept as one string of paragraphs, each ending in ``\\n``;
indices are UTF-16 code units and the body starts at index 1 (index 0 is the
section break), as in Google Docs.
"""

from __future__ import annotations

import re
from typing import Any

from .base import Double
from .document import Document, utf16_len
from .errors import invalid_argument, unimplemented
from .wire import Request, Response, ok


def _offset(text: str, units: int) -> int:
    """Python index of the ``units``-th UTF-16 code unit of ``text``."""
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def document_out(doc: Document) -> dict[str, Any]:
    content: list[dict[str, Any]] = [
        {
            "endIndex": 1,
            "sectionBreak": {
                "sectionStyle": {
                    "columnSeparatorStyle": "NONE",
                    "contentDirection": "LEFT_TO_RIGHT",
                    "sectionType": "CONTINUOUS",
                }
            },
        }
    ]
    index = 1
    for i, paragraph in enumerate(doc.paragraphs):
        end = index + utf16_len(paragraph)
        style = doc.styles[i] if i < len(doc.styles) else "NORMAL_TEXT"
        content.append(
            {
                "startIndex": index,
                "endIndex": end,
                "paragraph": {
                    "elements": [
                        {
                            "startIndex": index,
                            "endIndex": end,
                            "textRun": {"content": paragraph, "textStyle": {}},
                        }
                    ],
                    "paragraphStyle": {"namedStyleType": style, "direction": "LEFT_TO_RIGHT"},
                },
            }
        )
        index = end
    return {
        "title": doc.title,
        "body": {"content": content},
        "documentStyle": {
            "pageSize": {
                "height": {"magnitude": 841.8897637795277, "unit": "PT"},
                "width": {"magnitude": 595.2755905511812, "unit": "PT"},
            },
            "marginTop": {"magnitude": 72, "unit": "PT"},
            "marginBottom": {"magnitude": 72, "unit": "PT"},
            "marginRight": {"magnitude": 72, "unit": "PT"},
            "marginLeft": {"magnitude": 72, "unit": "PT"},
        },
        "revisionId": doc.revision_id,
        "suggestionsViewMode": "SUGGESTIONS_INLINE",
        "documentId": doc.document_id,
    }


class DocRequestError(ValueError):
    pass


def _replace_all_text(doc: Document, req: dict[str, Any], quirks: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Found across formatting runs (as Google does); a "\\n" in the replacement starts a paragraph."""
    contains = req.get("containsText") or {}
    needle = contains.get("text", "")
    if not needle:
        raise DocRequestError("The text to search for must not be empty.")
    replacement = req.get("replaceText", "")
    if "docs_newline_same_paragraph" in quirks:
        replacement = replacement.replace("\n", "\u000b")  # a line break inside the paragraph
    flags = 0 if contains.get("matchCase") else re.IGNORECASE
    pattern = re.compile(re.escape(needle), flags)
    split_missed = "docs_split_runs_missed" in quirks
    total = 0
    out: list[str] = []
    at = shift = 0
    breaks = sorted(doc.run_breaks)
    moved: set[int] = set()
    for match in pattern.finditer(doc.text):
        if "\n" in match.group(0) or (split_missed and any(match.start() < b < match.end() for b in breaks)):
            continue
        moved |= {b + shift for b in breaks if at <= b <= match.start()}
        out += [doc.text[at:match.start()], replacement]
        shift += len(replacement) - (match.end() - match.start())
        at = match.end()
        total += 1
    moved |= {b + shift for b in breaks if b >= at}
    out.append(doc.text[at:])
    doc.run_breaks = moved  # a break inside a replaced match goes with it
    doc.set_text("".join(out))
    return {"replaceAllText": {"occurrencesChanged": total} if total else {}}


def _update_text_style(doc: Document, req: dict[str, Any]) -> None:
    """Styles are not kept; the run boundaries are (for the quirk "docs_split_runs_missed")."""
    if not req.get("fields"):
        raise DocRequestError("At least one field must be specified.")
    rng = req.get("range") or {}
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
    if start < 1 or end <= start:
        raise DocRequestError("The range must have a positive length and start at index 1 or later.")
    if end > doc.end_index:
        raise DocRequestError(f"Index {end - 1} must be less than the end index of the referenced segment, "
                              f"{doc.end_index}.")
    doc.run_breaks |= {_offset(doc.text, start - 1), _offset(doc.text, end - 1)}


def _insert_text(doc: Document, req: dict[str, Any]) -> None:
    text = req.get("text", "")
    location = req.get("location") or {}
    index = doc.end_index - 1 if "endOfSegmentLocation" in req else int(location.get("index", 0))
    if index < 1:
        raise DocRequestError("The insertion index must be inside the bounds of an existing paragraph.")
    if index >= doc.end_index:
        raise DocRequestError(
            f"Index {index} must be less than the end index of the referenced segment, {doc.end_index}."
        )
    pos = _offset(doc.text, index - 1)
    doc.set_text(doc.text[:pos] + text + doc.text[pos:])
    doc.run_breaks = set()


def _delete_content_range(doc: Document, req: dict[str, Any]) -> None:
    rng = req.get("range") or {}
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
    if start < 1 or end <= start:
        raise DocRequestError("The range must have a positive length and start at index 1 or later.")
    if end > doc.end_index - 1:
        raise DocRequestError("The range cannot include the newline character at the end of the segment.")
    a, b = _offset(doc.text, start - 1), _offset(doc.text, end - 1)
    doc.set_text(doc.text[:a] + doc.text[b:])
    doc.run_breaks = set()


def batch_update(double: Double, req: Request) -> Response:
    body = req.json()
    doc_id = req.params["documentId"]
    doc = double.document(doc_id)
    required = (body.get("writeControl") or {}).get("requiredRevisionId")
    if required and required != doc.revision_id:
        raise invalid_argument(f"The required revision ID '{required}' does not match the document's current revision.")
    work = doc.clone()
    work.revision = doc.revision
    replies: list[dict[str, Any]] = []
    for i, request in enumerate(body.get("requests") or []):
        kind, sub = next(iter(request.items()))
        try:
            if kind == "replaceAllText":
                replies.append(_replace_all_text(work, sub, frozenset(double.quirks)))
            elif kind == "updateTextStyle":
                _update_text_style(work, sub)
                replies.append({})
            elif kind == "insertText":
                _insert_text(work, sub)
                replies.append({})
            elif kind == "deleteContentRange":
                _delete_content_range(work, sub)
                replies.append({})
            else:
                raise unimplemented(f"Docs batchUpdate request '{kind}'")
        except DocRequestError as err:
            raise invalid_argument(f"Invalid requests[{i}].{kind}: {err}") from err
    work.revision = doc.revision + 1
    double.documents[doc_id] = work
    double.touch(doc_id)
    return ok({"replies": replies, "writeControl": {"requiredRevisionId": work.revision_id}, "documentId": doc_id})


def get(double: Double, req: Request) -> Response:
    return ok(document_out(double.document(req.params["documentId"])))


def create(double: Double, req: Request) -> Response:
    body = req.json()
    doc_id = double.create_document(body.get("title") or "Untitled document", app_created=True)
    return ok(document_out(double.document(doc_id)))
