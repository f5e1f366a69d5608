"""The office's emblem in a template's kop, placed when a letter is drafted (`letters.emblem`).

One set of templates serves offices with and without an emblem: with one, the kop (the opening
paragraphs, from the government's name to the address line above the double rule) is laid out as a
borderless two-column table, the picture in the left cell and the kop's own paragraphs, centred, in
the right one, the rule under both, full width. A table, not a floating picture: a table keeps its
place in Word, LibreOffice and Google Docs' .docx import alike. The template's text is not changed,
so the placeholders are the same with or without the emblem.

A kop that already holds a picture (the office put its logo in the template by hand) is left alone.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Length
from docx.table import Table

from letters.errors import LetterTemplateError

HEIGHT = Cm(2.3)  # an official letter's emblem: about 2.2 to 2.5 cm high
MAX_WIDTH = Cm(4.0)  # a wide logo is scaled down to this width
GAP = Cm(0.3)  # between the emblem and the kop's text
KOP_PLACEHOLDERS = ("{{pemerintah}}", "{{nama_dinas}}", "{{alamat_dinas}}")
_KOP_LENGTH = 8  # the kop is within the body's first paragraphs
Element = Any  # lxml elements


def with_emblem(template: Path, emblem: Path) -> bytes:
    """The template as a .docx package with the emblem at the left of its kop."""
    if not template.is_file():
        raise LetterTemplateError(f"Letter template '{template}' does not exist.")
    try:
        document = Document(str(template))
    except Exception as err:  # python-docx raises several kinds on a file that is not a .docx
        raise LetterTemplateError(
            f"Letter template '{template.name}' is not a Word document (.docx): {err}. Save it as .docx."
        ) from None
    if not _has_picture(document):
        _place(document, _kop(document, template), emblem)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _has_picture(document: DocxDocument) -> bool:
    """A picture among the body's opening elements: the office's own logo in the kop (or one placed before)."""
    opening = list(document.element.body.iterchildren())[:_KOP_LENGTH]
    return any(True for element in opening for _ in element.iter(qn("w:drawing"), qn("w:pict")))


def _kop(document: DocxDocument, template: Path) -> list[Element]:
    """The kop's paragraphs: from the body's first up to the line under the letterhead (a bottom border),
    or else up to the last one holding a kop placeholder. Refused when there is none."""
    opening: list[Element] = []
    for child in document.element.body.iterchildren():
        if child.tag != qn("w:p") or len(opening) == _KOP_LENGTH:
            break
        opening.append(child)
        if child.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None:
            return opening
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in opening]
    holding = [i for i, text in enumerate(texts) if any(name in text for name in KOP_PLACEHOLDERS)]
    if not holding:
        raise LetterTemplateError(
            f"letters.emblem is set, but the letter template '{template.name}' has no kop to put it in: its "
            f"opening paragraphs hold none of {', '.join(KOP_PLACEHOLDERS)} and no line under a letterhead. "
            "Put the letterhead at the top of the template, or leave letters.emblem empty."
        )
    return opening[: holding[-1] + 1]


def _place(document: DocxDocument, kop: list[Element], emblem: Path) -> None:
    section = document.sections[0]
    text_width = Emu((section.page_width or Cm(21)) - (section.left_margin or 0) - (section.right_margin or 0))
    table = document.add_table(rows=1, cols=2)
    picture_cell, text_cell = table.rows[0].cells
    run = picture_cell.paragraphs[0].add_run()
    try:
        picture = run.add_picture(str(emblem), height=HEIGHT)
        if picture.width > MAX_WIDTH:
            run._r.remove(run._r[-1])
            picture = run.add_picture(str(emblem), width=MAX_WIDTH)
    except (OSError, UnrecognizedImageError) as err:
        raise LetterTemplateError(
            f"the emblem '{emblem}' (letters.emblem) cannot be read as a PNG or JPEG picture: {err}. "
            "Save it again as .png or .jpg."
        ) from None
    _borderless(table, [Emu(picture.width + GAP), Emu(text_width - picture.width - GAP)])
    kop[0].addprevious(table._tbl)
    rule = _rule_under(kop[-1])
    text_cell._tc.remove(text_cell.paragraphs[0]._p)
    for paragraph in kop:
        text_cell._tc.append(paragraph)
    if rule is not None:
        table._tbl.addnext(rule)


def _borderless(table: Table, widths: list[Length]) -> None:
    """A fixed layout with no borders and no left or right cell margins, the cells centred vertically."""
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "nil")
        borders.append(border)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                     "w:tblCaption", "w:tblDescription")
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _rule_under(last: Element) -> Element | None:
    """Take the line under the letterhead (and the space after it) off the kop's last paragraph, which goes
    into the table, onto an empty paragraph of its own after the table: the rule then spans the page."""
    properties = last.find(qn("w:pPr"))
    if properties is None or properties.find(qn("w:pBdr")) is None:
        return None
    rule = OxmlElement("w:p")
    kept = copy.deepcopy(properties)
    rule.append(kept)
    properties.remove(properties.find(qn("w:pBdr")))
    spacing = properties.find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
    mark = kept.find(qn("w:rPr"))
    if mark is None:
        mark = OxmlElement("w:rPr")
        kept.append(mark)
    for child in list(mark):
        mark.remove(child)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")  # a 2 pt empty line: the rule sits right under the table
    mark.append(size)
    return rule
