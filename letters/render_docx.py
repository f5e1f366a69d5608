"""Fill a .docx letter template: every `{{placeholder}}` replaced, literally, none left.

Works on the package's XML directly (body, tables, headers, footers, foot- and
endnotes, text boxes), because Word and LibreOffice split text into runs wherever
a user edited it: a placeholder may span several runs, and is matched on the
paragraph's text. The value goes into the run where the placeholder starts, so it
keeps that run's formatting. Values are inserted in one pass and never scanned
again, so a reporter's text that contains `{{...}}` stays text.

A paragraph holding nothing but one placeholder is a *block*: each line of the
value becomes a paragraph with the template paragraph's formatting (lists such as
the team members or the legal bases). Elsewhere a line break is a line break.
"""

from __future__ import annotations

import copy
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from letters.errors import LetterTemplateError, MissingValuesError
from letters.files import DISK, Disk, remove_stale_temporaries
from letters.placeholders import PLACEHOLDER, clean_value, malformed_in

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_P, _R, _T, _PPR, _SECT = (f"{{{W}}}{t}" for t in ("p", "r", "t", "pPr", "sectPr"))
_SEPARATORS = tuple(f"{{{W}}}{t}" for t in ("tab", "br", "cr", "ptab", "noBreakHyphen", "softHyphen", "sym"))
_OBJECTS = tuple(f"{{{W}}}{t}" for t in ("drawing", "pict", "object", "txbxContent"))
_STORIES = {f"{{{W}}}{t}" for t in ("document", "hdr", "ftr", "footnotes", "endnotes")}
_PART_NAME = re.compile(r"^word/[^/]+\.xml$")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

Element = Any  # lxml elements; lxml ships no type stubs here


@dataclass
class _Paragraph:
    """A paragraph's text as one string, with the `w:t` element behind each character."""

    element: Element
    text: str
    spans: list[tuple[Element, int, int]]  # (w:t, start, end) in `text`


def placeholders(template: Path) -> set[str]:
    """The placeholder names a template asks for; raises on a malformed one."""
    names: set[str] = set()
    for paragraph in _paragraphs_of(_read(template)[1].values()):
        names |= _names(paragraph, template)
    return names


def render(template: Path, values: Mapping[str, str], out: Path, *, package: bytes | None = None,
           disk: Disk = DISK) -> None:
    """Write `out`: `template` with every placeholder replaced by its value as literal text.

    Raises MissingValuesError naming the template and every placeholder without a
    value; values the template does not use are ignored. `out` appears complete or
    not at all (temporary file, then rename). `package`: the template's content when it
    was prepared in memory (the emblem placed: letters/emblem.py); `template` then names it. `disk`
    makes the writes (letters/files.py).
    """
    for key, value in values.items():
        if not isinstance(value, str):
            raise TypeError(f"letter value {key!r} must be text, got {type(value).__name__}")
    entries, stories = _read(template, package)
    paragraphs = list(_paragraphs_of(stories.values()))
    wanted: set[str] = set()
    for paragraph in paragraphs:
        wanted |= _names(paragraph, template)
    missing = wanted - set(values)
    if missing:
        raise MissingValuesError(template.name, missing)
    cleaned = {name: clean_value(values[name]) for name in wanted}
    for paragraph in paragraphs:
        _fill(paragraph, cleaned)
    for name, root in stories.items():
        entries[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _write_atomically(template if package is None else io.BytesIO(package), entries, out, disk)


# --- reading -------------------------------------------------------------------------


def _read(template: Path, content: bytes | None = None) -> tuple[dict[str, bytes], dict[str, Element]]:
    """All zip entries, and the parsed XML of the parts that hold letter text."""
    try:
        with zipfile.ZipFile(template if content is None else io.BytesIO(content)) as package:
            entries = {info.filename: package.read(info) for info in package.infolist()}
    except FileNotFoundError as err:
        raise LetterTemplateError(f"Letter template '{template}' does not exist.") from err
    except (zipfile.BadZipFile, OSError) as err:
        raise LetterTemplateError(
            f"Letter template '{template.name}' is not a Word document (.docx): {err}. Save it as .docx."
        ) from err
    stories: dict[str, Element] = {}
    for name, data in entries.items():
        if _PART_NAME.match(name):
            try:
                root = etree.fromstring(data, _PARSER)
            except etree.XMLSyntaxError as err:
                raise LetterTemplateError(f"Letter template '{template.name}' is damaged ({name}: {err}).") from err
            if root.tag in _STORIES:
                stories[name] = root
    if "word/document.xml" not in stories:
        raise LetterTemplateError(f"Letter template '{template.name}' has no document body; save it as .docx.")
    return entries, stories


def _paragraphs_of(roots: Iterable[Element]) -> Iterator[_Paragraph]:
    for root in roots:
        for element in list(root.iter(_P)):
            yield _read_paragraph(element)


def _read_paragraph(element: Element) -> _Paragraph:
    """Text of the paragraph's own runs; tabs and breaks become `\\n` so no placeholder spans them."""
    text: list[str] = []
    spans: list[tuple[Element, int, int]] = []
    position = 0
    for node in element.iter(_T, *_SEPARATORS):
        if node.getparent().tag != _R or _owner(node) is not element:
            continue  # a tab stop of the paragraph's format; or text in a text box, a paragraph of its own
        piece = (node.text or "") if node.tag == _T else "\n"
        if node.tag == _T:
            spans.append((node, position, position + len(piece)))
        text.append(piece)
        position += len(piece)
    return _Paragraph(element, "".join(text), spans)


def _owner(node: Element) -> Element:
    parent = node.getparent()
    while parent is not None and parent.tag != _P:
        parent = parent.getparent()
    return parent


def _names(paragraph: _Paragraph, template: Path) -> set[str]:
    bad = malformed_in(paragraph.text)
    if bad:
        shown = "; ".join(f"'{b}'" for b in bad)
        raise LetterTemplateError(
            f"Letter template '{template.name}' has a malformed placeholder near {shown}. "
            "Write placeholders as {{name}}: lower case, underscores, no blanks, e.g. {{nomor_surat}}."
        )
    return {hit.group(1) for hit in PLACEHOLDER.finditer(paragraph.text)}


# --- filling -------------------------------------------------------------------------


def _fill(paragraph: _Paragraph, values: Mapping[str, str]) -> None:
    hits = list(PLACEHOLDER.finditer(paragraph.text))
    if not hits:
        return
    if len(hits) == 1 and paragraph.text.strip(" ") == hits[0].group(0) and not _has_objects(paragraph.element):
        lines = values[hits[0].group(1)].split("\n")
        if len(lines) > 1:
            _fill_block(paragraph, hits[0].group(1), lines)
            return
    _replace(paragraph, [(hit.start(), hit.end(), values[hit.group(1)]) for hit in hits])


def _fill_block(paragraph: _Paragraph, name: str, lines: list[str]) -> None:
    """One paragraph per line, each a copy of the template paragraph."""
    original = paragraph.element
    copies = [copy.deepcopy(original) for _ in lines[1:]]
    anchor = original
    for line, element in zip(lines, [original, *copies], strict=True):
        if element is not original:
            _forget_identity(element)
            anchor.addnext(element)
            anchor = element
        _fill(_read_paragraph(element), {name: line})
    for element in [original, *copies[:-1]]:  # a section break belongs after the last line only
        stale = element.find(f"{_PPR}/{_SECT}")
        if stale is not None:
            stale.getparent().remove(stale)


def _forget_identity(element: Element) -> None:
    """Copies must not repeat bookmarks or Word's paragraph ids."""
    for mark in element.xpath(".//w:bookmarkStart | .//w:bookmarkEnd", namespaces={"w": W}):
        mark.getparent().remove(mark)
    for attribute in (f"{{{W14}}}paraId", f"{{{W14}}}textId"):
        element.attrib.pop(attribute, None)


def _has_objects(element: Element) -> bool:
    return any(True for _ in element.iter(*_OBJECTS))


def _replace(paragraph: _Paragraph, hits: list[tuple[int, int, str]]) -> None:
    """Rewrite each `w:t` touched by a placeholder; the value goes where the placeholder starts."""
    for node, start, end in paragraph.spans:
        text = node.text or ""
        pieces: list[str] = []
        position = start
        touched = False
        for hit_start, hit_end, value in hits:
            if hit_end <= start or hit_start >= end:
                continue
            touched = True
            if hit_start >= position:
                pieces.append(text[position - start : hit_start - start])
                pieces.append(value)
            position = max(position, min(hit_end, end))
        if touched:
            pieces.append(text[position - start :])
            _set_text(node, "".join(pieces))


def _set_text(node: Element, text: str) -> None:
    """Put `text` in the run of `node`; tabs and line breaks become Word's own elements."""
    parts = re.split(r"(\t|\n)", text)
    node.text = parts[0]
    node.set(_XML_SPACE, "preserve")
    anchor = node
    for part in parts[1:]:
        if part == "\t":
            new = etree.Element(f"{{{W}}}tab")
        elif part == "\n":
            new = etree.Element(f"{{{W}}}br")
        elif part:
            new = etree.Element(_T)
            new.text = part
            new.set(_XML_SPACE, "preserve")
        else:
            continue
        anchor.addnext(new)
        anchor = new


# --- writing -------------------------------------------------------------------------


def _write_atomically(template: Path | io.BytesIO, entries: Mapping[str, bytes], out: Path, disk: Disk) -> None:
    with zipfile.ZipFile(template) as source:
        infos = source.infolist()
    remove_stale_temporaries(out.parent, f".{out.name}.")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            with disk.zip_writer(stream) as package:
                for info in infos:
                    package.writestr(info, entries[info.filename])
            stream.flush()
            disk.fsync(stream.fileno())
        disk.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
