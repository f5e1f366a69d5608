"""The placeholder contract shared by the .docx renderer and a Google Docs copy of a template.

A placeholder is plain text `{{snake_case}}`, exactly so (no blanks, lower case), so
that an office can type it in Word, LibreOffice or Google Docs and Docs
`replaceAllText` finds it by that one spelling. Anything else with `{{` or `}}` is a
mistake the office must fix: it is reported rather than left in a signed letter.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{\{([a-z][a-z0-9_]*)\}\}")
_BRACES = re.compile(r"\{\{|\}\}")
# Not allowed in XML 1.0, plus C1 controls; tabs and line breaks are kept as layout.
_ILLEGAL = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c\x85]")


def names_in(text: str) -> set[str]:
    return {hit.group(1) for hit in PLACEHOLDER.finditer(text)}


def malformed_in(text: str) -> list[str]:
    """Stray `{{`/`}}` that are not a valid placeholder, each shown with a little context."""
    rest = PLACEHOLDER.sub(lambda hit: "\x00" * len(hit.group(0)), text)
    out = []
    for hit in _BRACES.finditer(rest):
        start = max(0, hit.start() - 15)
        out.append(text[start : hit.end() + 15].replace("\x00", "").strip())
    return out


def clean_value(value: str) -> str:
    """The literal text to insert: line breaks unified to `\\n`, control characters dropped."""
    return _ILLEGAL.sub("", _NEWLINES.sub("\n", value))
