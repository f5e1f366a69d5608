"""The form responses tabs: which tabs they are, which rows are responses, how to recognise one again."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence

from rules.errors import StructureError
from sync.stores.store import Table
from sync.stores.text import cell_text

# Google names the tab the form fills by the spreadsheet's locale, and numbers it: linking
# the form again (or to a new sheet) makes "Form Responses 2" and leaves the first one.
RESPONSE_TABS = ("Form Responses 1", "Respons Formulir 1")
_NUMBERED = re.compile(r"^(Form Responses|Respons Formulir) (\d+)$")
_RENAMED = re.compile(r"^(Form Responses|Respons Formulir)\b", re.IGNORECASE)  # "Respons Formulir 1 (arsip)"
FINGERPRINT_PREFIX = "3:"  # then a hash of each answer (`fingerprint`)
PREVIOUS_PREFIX = "2:"  # one hash of all the answers; responses recorded before that carry a bare 16-hex hash
PART_HEX = 5  # hex digits of each answer's hash: an edited answer goes unseen once in ~50,000 (20 answers)


def response_tab_names(titles: Sequence[str], configured: str | None, where: str) -> list[str]:
    """Every tab the form has written, oldest first: the ones staff renamed ("Respons Formulir 1 (arsip)",
    kept when the form was linked again), the configured one, then the numbered ones.

    Raises StructureError, naming what exists and how to fix it, when there is none.
    """
    numbered = sorted((int(m.group(2)), t) for t in titles if (m := _NUMBERED.match(t)) and t != configured)
    renamed = [t for t in titles if _RENAMED.match(t) and not _NUMBERED.match(t) and t != configured]
    names = renamed + ([configured] if configured and configured in titles else []) + [t for _, t in numbered]
    if names:
        return names
    wanted = [configured] if configured else list(RESPONSE_TABS)
    raise StructureError(
        f"{where} has no form responses tab (looked for {' or '.join(repr(w) for w in wanted)}"
        f"{'' if configured else ' and their numbered successors'}; it has {list(titles)}). "
        "Set store.responses_tab in the configuration to the tab the form fills."
    )


def require_headers(tables: Sequence[Table]) -> None:
    """Refuse a spreadsheet whose every form responses tab is empty (no header row): nothing can be read
    from it, and a cycle on it would only make empty tabs. Raises StructureError saying how to fix it."""
    if tables and not any(t.headers for t in tables):
        names = " and ".join(repr(t.name) for t in tables)
        raise StructureError(
            f"the form responses tab {names} is empty: it has no header row (Google Forms writes its "
            "questions in row 1 when the form is linked). Link the form to this spreadsheet (in the form: "
            "Responses, then Link to Sheets), or set store.responses_tab to the tab the form fills. "
            "Nothing was written."
        )


def is_locale_id(tab: str) -> bool:
    return tab.startswith("Respons Formulir")


def fingerprint(headers: Sequence[str], row: Sequence[object], marker_header: str) -> str:
    """A response's answers, each as a short hash, whatever the titles of their columns.

    The hashes are sorted, so that renaming, moving or adding a question (its column is
    blank in older rows) does not change it; a reporter's edit does (Google also updates
    the timestamp then). Only the worker's marker column is set aside, found by its
    header. One hash per answer (PART_HEX hex digits) tells a reporter's edit (an answer
    that was not there) from a column staff deleted (answers gone, none new):
    `only_answers_removed`.
    """
    parts = sorted(hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:PART_HEX] for text in _answers(
        headers, row, marker_header))
    return FINGERPRINT_PREFIX + "".join(parts)


def previous_fingerprint(headers: Sequence[str], row: Sequence[object], marker_header: str) -> str:
    """The fingerprint recorded before `fingerprint` ("2:" and one hash of the sorted answers).

    Kept so that cases recorded by the previous worker are recognised, and their record
    updated, without being flagged as edited.
    """
    answers = sorted(_answers(headers, row, marker_header))
    digest = hashlib.sha256(json.dumps(answers, ensure_ascii=False).encode("utf-8", "replace"))
    return PREVIOUS_PREFIX + digest.hexdigest()[:16]


def _answers(headers: Sequence[str], row: Sequence[object], marker_header: str) -> list[str]:
    return [text for i, value in enumerate(row)
            if (i >= len(headers) or headers[i] != marker_header) and (text := _canonical(value))]


def only_answers_removed(recorded: str, current: str) -> bool:
    """Whether the response recorded as `recorded` lost answers and gained none (a column deleted, a
    cell cleared by staff), both fingerprints being of this scheme. An edit by the reporter gains at
    least its new timestamp."""
    if not (recorded.startswith(FINGERPRINT_PREFIX) and current.startswith(FINGERPRINT_PREFIX)):
        return False
    before, after = Counter(_parts(recorded)), Counter(_parts(current))
    return before != after and not (after - before)


def _parts(recorded: str) -> list[str]:
    body = recorded[len(FINGERPRINT_PREFIX):]
    return [body[i:i + PART_HEX] for i in range(0, len(body), PART_HEX)]


def legacy_fingerprint(headers: Sequence[str], row: Sequence[object], marker_header: str) -> str:
    """The hash recorded before `fingerprint` (it hashed each answer with its header's text).

    Kept so that cases recorded by an older worker are recognised, and their record
    updated, without being flagged as edited.
    """
    pairs = sorted(
        (h, _canonical(row[i]))
        for i, h in enumerate(headers)
        if h and h != marker_header and i < len(row)
    )
    pairs = [p for p in pairs if p[1]]
    digest = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8", "replace"))
    return digest.hexdigest()[:16]


def _canonical(value: object) -> str:
    """Text that survives a save and reload (xlsx keeps floats to ~16 digits)."""
    if isinstance(value, float) and not value.is_integer():
        return format(value, ".12g")
    return cell_text(value) or ""


def is_blank(headers: Sequence[str], row: Sequence[object], marker_header: str) -> bool:
    return all(
        cell_text(v) is None
        for i, v in enumerate(row)
        if i >= len(headers) or headers[i] != marker_header
    )
