"""Letters an official signs without correcting (issue 25, points 4 and 5): the agenda's date is the
letter's date, even after a redraft on a later day (both backends); page numbers from page 2, the closing
and signature kept together, rank under every signature, the Kepala Dinas's `Mengetahui`, the tembusan
from the configuration (the .docx properties, which Google Docs keeps on import); and, where LibreOffice
is installed, the pages themselves."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from config.letters import Letters
from config.settings import Office
from letters import values
from letters.make_templates import TEMPLATES
from letters.render_docx import render
from letters.writer import TEMPLATE_KINDS
from rules.dates_id import long_date
from sync.commands.demo_walk import ASSIGN, FORWARD, IDENTIFY, VERIFY
from sync.commands.selftest.office import response_row
from tests.conftest import NOW
from tests.test_case_documents import laporan_akhir
from tests.test_letters_cycle import agenda
from tests.test_workflow_cycle import act

CASE = "SAPA-2026-0001"


def test_the_agenda_date_is_the_date_printed_in_the_letter_after_a_redraft(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    for step in (FORWARD, IDENTIFY, VERIFY):  # the Kepala Bidang proposes the Surat Tugas on 28 November
        act(backend, settings, CASE, step)
        cycle()
    proposed = agenda(backend, settings)[f"{CASE}-ST"]
    assert proposed[A_DATE] == datetime(2026, 11, 28)
    act(backend, settings, CASE, ASSIGN)
    cycle(NOW + timedelta(days=3))  # the Kepala Dinas assigns the team, and signs, on 1 December
    entry = agenda(backend, settings)[f"{CASE}-ST"]
    text = backend.letter_texts()[f"{CASE}-surat-tugas"][0]
    assert entry[A_DATE] == datetime(2026, 12, 1)
    assert f"Singkawang, {long_date(entry[A_DATE].date())}" in text  # type: ignore[attr-defined]
    assert entry["Nomor Surat"] == proposed["Nomor Surat"]  # the same letter, the same number


A_DATE = "Tanggal Surat"


# --- the templates: properties that keep a letter signable, in Word, LibreOffice and Google Docs --------


def _docx(path: Path) -> DocxDocument:
    return Document(str(path))


def _paragraphs(document: DocxDocument) -> list[Paragraph]:
    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_pages_from_the_second_are_numbered_and_the_first_is_not(kind: str) -> None:
    section = _docx(TEMPLATES / f"{kind}.docx").sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    header = section.header._element.xml
    assert "PAGE" in header and 'w:fldCharType="begin"' in header  # a PAGE field, not a typed number


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_the_closing_and_the_signature_keep_together_with_what_comes_before(kind: str) -> None:
    paragraphs = _paragraphs(_docx(TEMPLATES / f"{kind}.docx"))
    texts = [p.text for p in paragraphs]
    closing = max(i for i, t in enumerate(texts) if "data pribadi korban" in t or "kerahasiaan data korban" in t)
    signed = max(i for i, t in enumerate(texts) if t.startswith("NIP. {{"))
    assert paragraphs[closing].paragraph_format.keep_together
    for paragraph in paragraphs[closing - 1:signed]:  # the last content before it, the closing, the block
        if paragraph.text.startswith("NIP. "):
            continue  # a signature's last line: the left one of a pair (a table row never splits)
        assert paragraph.paragraph_format.keep_with_next, f"{kind}: {paragraph.text!r} does not keep with next"


@pytest.mark.parametrize("kind", [k for k in TEMPLATE_KINDS if k.startswith("laporan") or k == "kronologi_kejadian"])
def test_every_report_signature_names_the_signers_rank(kind: str) -> None:
    text = "\n".join(p.text for p in _paragraphs(_docx(TEMPLATES / f"{kind}.docx")))
    signers = {m.group(1) for m in re.finditer(r"NIP\. \{\{nip_(\w+)\}\}", text)}
    assert signers and all(f"{{{{pangkat_{who}}}}}" in text for who in signers), signers


def test_the_laporan_akhir_is_acknowledged_by_the_kepala_dinas(tmp_path: Path) -> None:
    out = tmp_path / "la.docx"
    render(TEMPLATES / "laporan_akhir.docx", laporan_akhir(), out)
    text = "\n".join(p.text for p in _paragraphs(_docx(out)))
    for part in ("Mengetahui,", "KEPALA DINAS SOSIAL", "Nama Kepala Dinas", "Pembina Utama Muda (IV/c)",
                 "Yang membuat laporan,", "Nama Sub Koordinator", "Penata Tingkat I (III/d)"):
        assert part in text, part


def test_a_signer_without_a_rank_leaves_the_line_empty_not_a_dash() -> None:
    konselor = Letters().staff_named(["Nama Konselor"])[0]
    assert values.signer("pelapor", konselor)["pangkat_pelapor"] == ""
    assert values.signer("pelapor", Letters().staff[0])["pangkat_pelapor"] == "Pembina (IV/a)"


@pytest.mark.parametrize(("copies", "shown"), [
    (["Wali Kota Singkawang (sebagai laporan)", "Inspektur Kota Singkawang"],
     ["Tembusan:", "1.\tWali Kota Singkawang (sebagai laporan);", "2.\tInspektur Kota Singkawang."]),
    ([], []),
])
def test_the_tembusan_block_comes_from_the_configuration(tmp_path: Path, copies: list[str], shown: list[str]) -> None:
    office = Letters(tembusan_surat_tugas=copies)
    out = tmp_path / "st.docx"
    render(TEMPLATES / "surat_tugas.docx", _tugas(office), out)
    texts = [p.text for p in _paragraphs(_docx(out))]
    after = texts[max(i for i, t in enumerate(texts) if t.startswith("NIP. ")) + 1:]
    assert [t for t in after if t.strip()] == shown
    assert ("Tembusan:" in texts) == bool(copies)


# --- the rendered pages, where LibreOffice is installed (CI may not have it: the tests above hold anyway) --


def _tugas(office: Letters) -> dict[str, str]:
    return values.surat_tugas(
        Office(), office, nomor_surat="800.1.11.1/3/DSP3A/2026", tanggal=date(2026, 11, 22),
        anggota=office.staff_named(["Nama Sub Koordinator", "Nama Konselor", "Nama Kepala Bidang"]),
        jenis_penjangkauan=["Kunjungan rumah", "Asesmen"], nomor_kasus="SAPA-2026-0005",
        tempat="Kelurahan Nyarumkop, Kecamatan Singkawang Timur, Kota Singkawang",
        waktu="22 November 2026 sampai dengan selesai",
    )


def _pages(docx: Path) -> list[str]:
    """The text of each page, as LibreOffice lays the document out."""
    profile = docx.parent / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(docx.parent), str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = docx.with_suffix(".pdf")
    if not pdf.exists():
        pytest.skip("LibreOffice here cannot open .docx files (libreoffice-writer is not installed)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.rstrip("\f").split("\f")


needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice or pdftotext is not installed"
)


@needs_soffice
def test_a_surat_tugas_for_a_team_of_three_with_tembusan_is_one_page(tmp_path: Path) -> None:
    out = tmp_path / "st.docx"
    render(TEMPLATES / "surat_tugas.docx", _tugas(Letters()), out)
    pages = _pages(out)
    assert len(pages) == 1, [p[-300:] for p in pages]
    assert "Tembusan:" in pages[0] and "NIP. 19700101 199001 1 001" in pages[0]


@needs_soffice
def test_a_long_report_never_leaves_the_signature_alone_and_numbers_its_second_page(tmp_path: Path) -> None:
    story = " ".join(["Korban menceritakan kejadian itu kepada gurunya dengan rinci."] * 40)
    out = tmp_path / "la.docx"
    render(TEMPLATES / "laporan_akhir.docx", {**laporan_akhir(), "kronologi": story}, out)
    pages = _pages(out)
    assert len(pages) == 2
    assert re.search(r"^\s*-\s*2\s*-\s*$", pages[1], re.MULTILINE)  # pdftotext may drop the blanks
    assert not re.search(r"^\s*-\s*1\s*-\s*$", pages[0], re.MULTILINE)
    last = pages[-1]
    assert "Kesimpulan" in last and "data pribadi korban" in last and "Mengetahui," in last
