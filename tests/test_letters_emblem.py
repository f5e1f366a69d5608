"""The office's emblem in the kop (issue 25, point 5): `letters.emblem` names a PNG or JPEG; with it every
letter and report shows the picture at the left of the letterhead, the kop's text beside it and the double
rule under both; without it the documents are as before. Local letters get it when drafted; Google's
templates when `init` uploads them."""

from __future__ import annotations

import email.parser
import email.policy
import io
import struct
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm
from pydantic import ValidationError

from config.letters import Letters
from config.settings import Settings
from googledouble import GoogleDouble
from googledouble.wire import Request
from letters.emblem import MAX_WIDTH, with_emblem
from letters.errors import LetterTemplateError
from letters.local_writer import LocalLetterWriter
from letters.render_docx import placeholders, render
from letters.writer import TEMPLATE_KINDS, TEMPLATES
from sync.commands.demo_walk import FORWARD, IDENTIFY, VERIFY
from sync.commands.selftest.office import LocalBackend, response_row, template_lines
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from tests.conftest import NOW
from tests.test_google_init import Office
from tests.test_letters_signable import _pages, _tugas, needs_soffice
from tests.test_workflow_cycle import act


def png(path: Path, width: int = 20, height: int = 24) -> Path:
    """A small RGB PNG written by hand (no Pillow needed): a blue top over a red bottom."""
    rows = b"".join(b"\x00" + (b"\x14\x5a\xaa" if y < height // 2 else b"\xc8\x1e\x28") * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
                     + chunk(b"IEND", b""))
    return path


@pytest.fixture
def emblem(tmp_path: Path) -> Path:
    return png(tmp_path / "lambang.png")


def pictures(element) -> list:  # type: ignore[no-untyped-def]
    return list(element.iter(qn("w:drawing")))


def kop_picture(document: DocxDocument) -> tuple[int, str]:
    """(how many pictures the document holds, the text beside the one in the kop's left cell)."""
    first = document.element.body[0]
    assert first.tag == qn("w:tbl"), "the kop is not a table"
    table = document.tables[0]
    picture_cell, text_cell = table.rows[0].cells
    assert len(pictures(picture_cell._tc)) == 1 and pictures(picture_cell._tc)[0].find(qn("wp:inline")) is not None
    return len(pictures(document.element.body)), text_cell.text


# --- the setting ------------------------------------------------------------------------------------------


def test_the_emblem_is_optional_and_must_be_a_png_or_jpeg_that_exists(tmp_path: Path, emblem: Path) -> None:
    assert Letters().emblem is None
    assert Letters(emblem=emblem).emblem == emblem
    (tmp_path / "lambang.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20)
    assert Letters(emblem=tmp_path / "lambang.jpg").emblem == tmp_path / "lambang.jpg"
    with pytest.raises(ValidationError, match=r"lambang-kota.png' \(relative to the folder the worker runs in.*"
                                              r"does not exist: put the office's emblem there, or leave"):
        Letters(emblem=tmp_path / "lambang-kota.png")
    (tmp_path / "lambang.gif").write_bytes(b"GIF89a" + b"\0" * 20)
    with pytest.raises(ValidationError, match=r"is not a PNG or JPEG picture: save the emblem as \.png or \.jpg"):
        Letters(emblem=tmp_path / "lambang.gif")


# --- the local letters, through the cycle -------------------------------------------------------------


def _draft_surat_tugas(folder: Path, settings: Settings) -> DocxDocument:
    backend = LocalBackend(folder)
    backend.create([response_row()], settings)
    ctx = Context.from_settings(settings)
    writer = LocalLetterWriter(backend.path.parent / settings.letters.folder, settings.letters)

    def cycle(now: datetime = NOW) -> None:
        run_cycle(backend.store(), ctx, now, writer)

    cycle()
    for step in (FORWARD, IDENTIFY, VERIFY):
        act(backend, settings, "SAPA-2026-0001", step)
        cycle()
    [letter] = backend.letter_files()
    return Document(str(letter))


def test_a_letter_the_cycle_drafts_shows_the_emblem_in_its_kop(tmp_path: Path, emblem: Path) -> None:
    document = _draft_surat_tugas(tmp_path, Settings(letters=Letters(emblem=emblem)))
    count, beside = kop_picture(document)
    assert count == 1
    assert beside.startswith("PEMERINTAH KOTA SINGKAWANG\nDINAS SOSIAL")
    assert "Telepon" in beside and "{{" not in beside
    picture = document.inline_shapes[0]
    assert abs(picture.height - Cm(2.3)) < Cm(0.01)
    assert document.paragraphs[0].text == "" and document.paragraphs[1].text == "SURAT TUGAS"


def test_without_an_emblem_a_letter_has_no_picture_and_its_kop_is_paragraphs(tmp_path: Path) -> None:
    document = _draft_surat_tugas(tmp_path, Settings())
    assert not pictures(document.element.body) and not document.inline_shapes
    assert document.element.body[0].tag == qn("w:p")
    assert [p.text for p in document.paragraphs[:2]] == ["PEMERINTAH KOTA SINGKAWANG", "DINAS SOSIAL, PEMBERDAYAAN "
                                                         "PEREMPUAN DAN PERLINDUNGAN ANAK KOTA SINGKAWANG"] or (
        document.paragraphs[0].text == "PEMERINTAH KOTA SINGKAWANG")


# --- every template --------------------------------------------------------------------------------------


def _lines(package: bytes | Path) -> list[str]:
    """Every paragraph's text in body order, table cells included."""
    document = Document(io.BytesIO(package) if isinstance(package, bytes) else str(package))
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_every_template_takes_the_emblem_and_keeps_its_text_and_placeholders(
    tmp_path: Path, emblem: Path, kind: str
) -> None:
    template = TEMPLATES / f"{kind}.docx"
    package = with_emblem(template, emblem)
    prepared = Document(io.BytesIO(package))
    count, _ = kop_picture(prepared)
    assert count == 1
    assert [line for line in _lines(package) if line] == [line for line in _lines(template) if line]
    (tmp_path / "prepared.docx").write_bytes(package)
    assert placeholders(tmp_path / "prepared.docx") == placeholders(template)


def test_the_double_rule_spans_the_page_under_the_emblem_and_the_text(emblem: Path) -> None:
    prepared = Document(io.BytesIO(with_emblem(TEMPLATES / "surat_tugas.docx", emblem)))
    body = prepared.element.body
    border = f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}"
    rule = body[1]
    assert rule.tag == qn("w:p") and rule.find(border).get(qn("w:val")) == "thickThinSmallGap"
    assert not [p for p in body[0].iter(qn("w:p")) if p.find(border) is not None]  # not in the table
    widths = [cell.width for cell in prepared.tables[0].rows[0].cells]
    section = prepared.sections[0]
    assert sum(widths) == section.page_width - section.left_margin - section.right_margin


def test_a_wide_logo_is_scaled_to_fit_its_column(tmp_path: Path) -> None:
    wide = png(tmp_path / "logo.png", width=300, height=40)
    prepared = Document(io.BytesIO(with_emblem(TEMPLATES / "surat_rujukan.docx", wide)))
    assert prepared.inline_shapes[0].width == MAX_WIDTH and prepared.inline_shapes[0].height < Cm(2.3)


def test_a_kop_that_already_holds_a_picture_is_left_alone(tmp_path: Path, emblem: Path) -> None:
    once = tmp_path / "with-logo.docx"
    once.write_bytes(with_emblem(TEMPLATES / "surat_tugas.docx", emblem))
    twice = Document(io.BytesIO(with_emblem(once, emblem)))
    assert len(pictures(twice.element.body)) == 1 and len(twice.tables) == len(Document(str(once)).tables)


def test_a_template_without_a_kop_is_refused_saying_what_to_do(tmp_path: Path, emblem: Path) -> None:
    bare = Document()
    bare.add_paragraph("Surat tanpa kop {{nomor_surat}}")
    bare.save(str(tmp_path / "bare.docx"))
    with pytest.raises(LetterTemplateError, match=r"no kop to put it in.*leave letters.emblem empty"):
        with_emblem(tmp_path / "bare.docx", emblem)


@needs_soffice
def test_a_surat_tugas_with_the_emblem_is_still_one_page(tmp_path: Path, emblem: Path) -> None:
    out = tmp_path / "st.docx"
    template = TEMPLATES / "surat_tugas.docx"
    render(template, _tugas(Letters()), out, package=with_emblem(template, emblem))
    pages = _pages(out)
    assert len(pages) == 1 and "Tembusan:" in pages[0]


# --- Google: the templates init uploads carry the emblem --------------------------------------------------


def _uploaded_docx(double: GoogleDouble) -> Callable[[], list[bytes]]:
    """The .docx bodies of the uploads (`files.create`), as the double received them."""
    seen: list[bytes] = []

    def hook(_: GoogleDouble, method_id: str, req: Request) -> None:
        if method_id != "drive.files.create":
            return
        content_type = req.headers.get("content-type") or req.headers.get("Content-Type") or ""
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + req.body)
        seen.extend(part.get_payload(decode=True) for part in message.iter_parts()
                     if part.get_content_type().endswith("wordprocessingml.document"))

    double.on_request(hook)
    return lambda: seen


@pytest.mark.parametrize("with_emblem_set", [True, False])
def test_init_uploads_the_templates_with_the_emblem_placed(tmp_path: Path, emblem: Path, with_emblem_set: bool) -> None:
    office = Office(tmp_path)
    office.settings = Settings(google=office.settings.google,
                               letters=Letters(emblem=emblem if with_emblem_set else None))
    uploads = _uploaded_docx(office.double)
    report = office.init()
    assert len(uploads()) == len(TEMPLATE_KINDS) == len(report.templates_uploaded)
    for data in uploads():
        document = Document(io.BytesIO(data))
        if with_emblem_set:
            assert kop_picture(document)[0] == 1
        else:
            assert not pictures(document.element.body)
    doc_text = office.double.document_text(report.templates["surat_tugas"])
    assert [line for line in doc_text.split("\n") if line][:3] == [
        line for line in template_lines("surat_tugas") if line][:3]  # Drive's Doc holds the same kop text
