"""Filling .docx letter templates: every placeholder filled, none left, values kept literal."""

from __future__ import annotations

import os
import re
import tempfile
import warnings
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from config.letters import Letters, StaffMember
from config.settings import Office
from letters import make_templates, values
from letters.errors import LetterTemplateError, MissingValuesError
from letters.placeholders import clean_value, names_in
from letters.render_docx import placeholders, render
from rules.errors import SapaError

TEMPLATES = make_templates.TEMPLATES
SURAT_TUGAS = TEMPLATES / "surat_tugas.docx"
SURAT_RUJUKAN = TEMPLATES / "surat_rujukan.docx"
LETTERS = Letters(tembusan_surat_tugas=["Wali Kota Singkawang (sebagai laporan)", "Inspektur Kota Singkawang"])
EXAMPLES = int(os.environ.get("SAPA_EXAMPLES", "40"))


def tugas_values() -> dict[str, str]:
    return values.surat_tugas(
        Office(), LETTERS,
        nomor_surat="800.1.11.1/22/DSP3A/2026",
        tanggal=date(2026, 11, 28),
        anggota=LETTERS.staff_named(["Nama Sub Koordinator", "nama konselor"]),
        jenis_penjangkauan=["Kunjungan rumah", "Asesmen"],
        nomor_kasus="SAPA-2026-0007",
        tempat="Kelurahan Roban, Kecamatan Singkawang Tengah",
        waktu="Senin, 30 November 2026 pukul 09.00 WIB s.d. selesai",
    )


def rujukan_values() -> dict[str, str]:
    return values.surat_rujukan(
        Office(), LETTERS,
        nomor_surat="400.2.4/5/DSP3A/2026",
        tanggal=date(2026, 12, 2),
        nomor_kasus="SAPA-2026-0007",
        lembaga_tujuan="Kepala UPTD PPA Kota Singkawang",
        identitas_korban={"Nama (inisial)": "A.B.", "Usia": "12 tahun"},
        kronologi="Baris pertama kronologi.\nBaris kedua kronologi.",
        layanan_diberikan="Konseling awal.",
        kondisi_korban="Korban tampak cemas.",
        layanan_diminta="Pendampingan psikolog.",
        lampiran=["Laporan asesmen", "Persetujuan rujukan"],
    )


def lines(path: Path) -> list[str]:
    """Every paragraph's text in document order, tables included."""
    document = Document(str(path))
    return [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]


def raw_xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(part).decode("utf-8")


def positions(found: list[str], wanted: list[str]) -> list[int]:
    """Index of the first paragraph containing each wanted text, searching onwards."""
    out, start = [], 0
    for text in wanted:
        index = next(i for i in range(start, len(found)) if text in found[i])
        out.append(index)
        start = index
    return out


# --- the shipped templates -------------------------------------------------------------


@pytest.mark.parametrize(("template", "build"), [(SURAT_TUGAS, tugas_values), (SURAT_RUJUKAN, rujukan_values)])
def test_shipped_template_is_filled_completely(tmp_path: Path, template: Path, build: object) -> None:
    filled = build()  # type: ignore[operator]
    assert placeholders(template) == set(filled), "the value builder and the template must agree"
    out = tmp_path / "letter.docx"
    render(template, filled, out)
    text = "\n".join(lines(out))
    assert "{{" not in text and "}}" not in text
    xml = raw_xml(out)
    assert "{{" not in xml and "}}" not in xml
    assert "PEMERINTAH KOTA SINGKAWANG" in text
    assert "NIP. 19700101 199001 1 001" in text


def test_surat_tugas_parts_in_order(tmp_path: Path) -> None:
    out = tmp_path / "st.docx"
    render(SURAT_TUGAS, tugas_values(), out)
    found = lines(out)
    order = positions(found, [
        "PEMERINTAH KOTA SINGKAWANG",
        "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
        "Jalan Firdaus H Rais No 63 Singkawang 79123 Telepon 0562639472 Laman www.dinsos.singkawangkota.go.id",
        "SURAT TUGAS", "Nomor: 800.1.11.1/22/DSP3A/2026", "Dasar",
        "1.\tUndang-Undang Nomor 23 Tahun 2004", "MEMBERI TUGAS", "Kepada",
        "1.\tNama\t:\tNama Sub Koordinator", "\tNIP\t:\t19800101 200501 2 001", "2.\tNama\t:\tNama Konselor",
        "Untuk", "kunjungan rumah dan asesmen dalam rangka penanganan kasus nomor SAPA-2026-0007",
        "Kelurahan Roban", "Senin, 30 November 2026",
        "Singkawang, 28 November 2026", "KEPALA DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK KOTA "
        "SINGKAWANG,", "Nama Kepala Dinas", "Pembina Utama Muda (IV/c)", "NIP. 19700101 199001 1 001",
        "Tembusan:", "2.\tInspektur Kota Singkawang.",
    ])
    assert order == sorted(order)
    assert found[order[3]].strip() == "SURAT TUGAS" and found[order[7]].strip() == "MEMBERI TUGAS"


def test_lists_become_paragraphs_with_the_template_layout(tmp_path: Path) -> None:
    out = tmp_path / "st.docx"
    render(SURAT_TUGAS, tugas_values(), out)
    document = Document(str(out))
    paragraphs = [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]
    dasar = [p for p in paragraphs if re.match(r"\d\.\t(Undang-Undang|Peraturan Menteri)", p.text)]
    assert len(dasar) == len(LETTERS.dasar) == 5
    assert all(len(p.paragraph_format.tab_stops) == 1 for p in dasar)
    members = [p for p in paragraphs if "\tJabatan\t:\t" in p.text]
    assert len(members) == 2
    assert all(len(p.paragraph_format.tab_stops) == 3 for p in members)


def test_surat_rujukan_parts_in_order(tmp_path: Path) -> None:
    out = tmp_path / "rj.docx"
    render(SURAT_RUJUKAN, rujukan_values(), out)
    found = lines(out)
    order = positions(found, [
        "PEMERINTAH KOTA SINGKAWANG", "Singkawang, 2 Desember 2026", "Nomor\t:\t400.2.4/5/DSP3A/2026",
        "Sifat\t:\tRahasia", "Lampiran\t:\t2 (dua) berkas", "Hal\t:\tRujukan Penanganan Kasus SAPA-2026-0007",
        "Yth. Kepala UPTD PPA Kota Singkawang", "di Tempat", "Sehubungan dengan", "Nama (inisial)\t:\tA.B.",
        "Kronologi", "Baris pertama kronologi.", "Baris kedua kronologi.", "Layanan yang telah diberikan",
        "Konseling awal.", "Kondisi terakhir korban", "Korban tampak cemas.", "layanan yang diminta",
        "Pendampingan psikolog.", "Dokumen yang dilampirkan", "1.\tLaporan asesmen;", "2.\tPersetujuan rujukan.",
        "Demikian", "KEPALA DINAS SOSIAL", "Nama Kepala Dinas", "NIP. 19700101 199001 1 001",
    ])
    assert order == sorted(order)
    assert found.count("Baris kedua kronologi.") == 1  # a paragraph of its own


def test_shipped_templates_are_up_to_date(tmp_path: Path) -> None:
    """Regenerating changes no byte: the committed .docx files are what make_templates.py writes."""
    for written in make_templates.main(tmp_path):
        assert written.read_bytes() == (TEMPLATES / written.name).read_bytes(), (
            f"run `python -m letters.make_templates` to refresh {written.name}"
        )


# --- made-up templates -------------------------------------------------------------------


def make_template(path: Path, *paragraph_runs: list[str | tuple[str, bool]]) -> Path:
    """A template whose paragraphs are given as runs; (text, True) is a bold run."""
    document = Document()
    for runs in paragraph_runs:
        paragraph = document.add_paragraph()
        for run in runs:
            text, bold = run if isinstance(run, tuple) else (run, False)
            paragraph.add_run(text).bold = bold or None
    document.save(str(path))
    return path


def test_placeholder_split_across_runs(tmp_path: Path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        ["Kepada ", ("{", True), "{nama", "_korban", "}", "} di {{kot", "a}}."],
    )
    assert placeholders(template) == {"nama_korban", "kota"}
    out = tmp_path / "out.docx"
    render(template, {"nama_korban": "A.B.", "kota": "Singkawang"}, out)
    paragraph = Document(str(out)).paragraphs[0]
    assert paragraph.text == "Kepada A.B. di Singkawang."
    bold = [run.text for run in paragraph.runs if run.bold]
    assert bold == ["A.B."], "the value keeps the formatting of the run where the placeholder starts"


def test_a_temporary_file_left_by_a_killed_worker_is_removed_at_the_next_draft(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["Kepada {{nama}}."])
    out = tmp_path / "SAPA-2026-0001-surat-tugas.docx"
    stale, recent = tmp_path / f".{out.name}.k1ll3d.tmp", tmp_path / f".{out.name}.n0w.tmp"
    for leftover in (stale, recent):
        leftover.write_bytes(b"PK half a zip")
    os.utime(stale, (1, 1))
    render(template, {"nama": "Ani"}, out)
    assert not stale.exists() and recent.exists()
    assert Document(str(out)).paragraphs[0].text == "Kepada Ani."


def test_placeholder_split_around_bookmarks_and_proofing_marks(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{nomor", "_surat}}"])
    document = Document(str(template))
    first_run = document.paragraphs[0].runs[0]._r
    proofing = OxmlElement("w:proofErr", {qn("w:type"): "spellStart"})
    bookmark = OxmlElement("w:bookmarkStart", {qn("w:id"): "0", qn("w:name"): "_GoBack"})
    first_run.addnext(proofing)
    proofing.addnext(bookmark)
    document.save(str(template))
    out = tmp_path / "out.docx"
    render(template, {"nomor_surat": "800.1.11.1/1/DSP3A/2026"}, out)
    assert Document(str(out)).paragraphs[0].text == "800.1.11.1/1/DSP3A/2026"


def test_no_placeholder_across_a_tab(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{a\t}}"])
    with pytest.raises(LetterTemplateError, match="malformed"):
        placeholders(template)


def test_tables_headers_and_footers(tmp_path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Kop {{kota}}"
    section.footer.paragraphs[0].text = "Kasus {{nomor_kasus}}"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Halaman pertama {{kota}}"
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{{label}}"
    nested = table.cell(0, 1).add_table(rows=1, cols=1)
    nested.cell(0, 0).text = "{{isi}}"
    template = tmp_path / "t.docx"
    document.save(str(template))
    assert placeholders(template) == {"kota", "nomor_kasus", "label", "isi"}
    out = tmp_path / "out.docx"
    render(template, {"kota": "Singkawang", "nomor_kasus": "SAPA-2026-0001", "label": "Nama", "isi": "X\nY"}, out)
    result = Document(str(out))
    result_section = result.sections[0]
    assert result_section.header.paragraphs[0].text == "Kop Singkawang"
    assert result_section.first_page_header.paragraphs[0].text == "Halaman pertama Singkawang"
    assert result_section.footer.paragraphs[0].text == "Kasus SAPA-2026-0001"
    assert result.tables[0].cell(0, 0).text == "Nama"
    assert [p.text for p in result.tables[0].cell(0, 1).tables[0].cell(0, 0).paragraphs] == ["X", "Y"]
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                assert "{{" not in package.read(name).decode("utf-8"), name


def test_missing_values_are_named(tmp_path: Path) -> None:
    template = make_template(tmp_path / "surat_x.docx", ["{{a}} {{b}} {{c}}"])
    out = tmp_path / "out.docx"
    with pytest.raises(MissingValuesError) as caught:
        render(template, {"a": "1"}, out)
    assert isinstance(caught.value, SapaError)
    assert caught.value.missing == ("b", "c")
    message = str(caught.value)
    assert "surat_x.docx" in message and "{{b}}" in message and "{{c}}" in message
    assert not out.exists()
    assert os.listdir(tmp_path) == ["surat_x.docx"], "no temporary file is left behind"


def test_unused_values_are_ignored_silently(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{a}}"])
    out = tmp_path / "out.docx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render(template, {"a": "1", "unused": "2"}, out)
    assert Document(str(out)).paragraphs[0].text == "1"


@pytest.mark.parametrize(
    "typed", ["{{Nama}}", "{{nama", "nama}}", "{{#anggota}}", "{{nama-korban}}", "{{}}", "{{ nama }}"]
)
def test_malformed_placeholders_are_reported(tmp_path: Path, typed: str) -> None:
    template = make_template(tmp_path / "t.docx", [f"Kepada {typed}"])
    with pytest.raises(LetterTemplateError, match="malformed placeholder"):
        render(template, {"nama": "x"}, tmp_path / "out.docx")


def test_not_a_docx(tmp_path: Path) -> None:
    template = tmp_path / "t.docx"
    template.write_text("not a zip")
    with pytest.raises(LetterTemplateError, match=r"not a Word document \(\.docx\)"):
        placeholders(template)
    with pytest.raises(LetterTemplateError, match="does not exist"):
        placeholders(tmp_path / "missing.docx")


@pytest.mark.parametrize(
    "value",
    ["{{nama_korban}}", "}}{{", "{{a}}{{b}}", "{{", "}}", "{{ nomor_surat }}", "{{{{a}}}}"],
)
def test_values_are_never_expanded(tmp_path: Path, value: str) -> None:
    template = make_template(tmp_path / "t.docx", ["X{{a}}Y{{b}}Z"])
    out = tmp_path / "out.docx"
    render(template, {"a": value, "b": "b", "nama_korban": "SECRET", "nomor_surat": "SECRET"}, out)
    assert Document(str(out)).paragraphs[0].text == f"X{value}YbZ"


def test_control_characters_are_removed_and_breaks_kept(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["<{{a}}>"], ["{{b}}"])
    out = tmp_path / "out.docx"
    render(template, {"a": "A\x00B\x01C\x1fD\x7fE\ud800F\ufffeG\tH\r\nI\rJ", "b": "baris 1\r\nbaris 2\n"}, out)
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    assert paragraphs == ["<ABCDEFG\tH\nI\nJ>", "baris 1", "baris 2", ""]
    assert "<w:br/>" in raw_xml(out)


def test_out_is_replaced_whole(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{a}}"])
    out = tmp_path / "out.docx"
    out.write_bytes(b"old draft")
    render(template, {"a": "baru"}, out)
    assert Document(str(out)).paragraphs[0].text == "baru"
    assert sorted(os.listdir(tmp_path)) == ["out.docx", "t.docx"]


def test_values_must_be_text(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", ["{{a}}"])
    with pytest.raises(TypeError, match="'a'"):
        render(template, {"a": 5}, tmp_path / "out.docx")  # type: ignore[dict-item]


# --- value builders and settings -----------------------------------------------------------


def test_value_helpers() -> None:
    assert values.numbered(["a", "b;", "c."]) == "1.\ta;\n2.\tb;\n3.\tc."
    assert values.join_words(["kunjungan rumah"]) == "kunjungan rumah"
    assert values.join_words(["a", "b", "c"]) == "a, b, dan c"
    assert [values.terbilang(n) for n in (0, 1, 11, 12, 20, 21, 100, 115, 999)] == [
        "nol", "satu", "sebelas", "dua belas", "dua puluh", "dua puluh satu", "seratus", "seratus lima belas",
        "sembilan ratus sembilan puluh sembilan",
    ]
    assert values.tembusan([]) == ""
    assert values.one_line(" Siti\tAminah\n") == "Siti Aminah"


def test_letter_settings_validate() -> None:
    with pytest.raises(ValidationError, match="NIP"):
        StaffMember(nama="X", nip="123", jabatan="Konselor", role="konselor")
    with pytest.raises(ValidationError, match="twice"):
        Letters(staff=[
            StaffMember(nama="Siti", jabatan="Konselor", role="konselor"),
            StaffMember(nama="siti ", jabatan="Konselor", role="tim"),
        ])
    with pytest.raises(ValidationError):
        Letters(unknown_key=1)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        StaffMember(nama="X", jabatan="Y", role="bupati")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="Nobody"):
        Letters().staff_named(["Nobody"])
    assert StaffMember(nama="X", nip="197001011990011001", jabatan="Y", role="tim").nip == "197001011990011001"


# --- property ---------------------------------------------------------------------------------

TRICKY = st.sampled_from(["{{", "}}", "{{nomor_surat}}", "{{ kota }}", "\x00", "\r\n", "\t", "\ud800", "\u2028"])
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(TRICKY, st.text(max_size=8)), max_size=8).map("".join),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_arbitrary_values_never_crash_nor_leave_a_placeholder(data: st.DataObject) -> None:
    for template in (SURAT_TUGAS, SURAT_RUJUKAN):
        filled = {name: data.draw(TEXT, label=name) for name in sorted(placeholders(template))}
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "out.docx"
            render(template, filled, out)
            left = names_in("\n".join(lines(out)))
        typed = set().union(*(names_in(clean_value(v)) for v in filled.values()))
        assert left <= typed, "only text a value itself contains may look like a placeholder"


@settings(max_examples=EXAMPLES, deadline=None)
@given(a=TEXT, b=TEXT)
def test_inline_values_are_inserted_literally(a: str, b: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = make_template(Path(folder) / "t.docx", ["<", ("{{", True), "a}}|{{b", "}}>"])
        out = Path(folder) / "out.docx"
        render(template, {"a": a, "b": b}, out)
        text = Document(str(out)).paragraphs[0].text
    assert text == f"<{clean_value(a)}|{clean_value(b)}>"
