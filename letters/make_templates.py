"""Make the shipped letter templates: `python -m letters.make_templates` (re)writes letters/templates/.

The templates follow the Tata Naskah Dinas (Permendagri 1/2023) layout; the office
may then edit them in Word, LibreOffice or Google Docs without code, as long as the
`{{placeholders}}` stay (letters/README.md). The output is byte-for-byte stable so
that a rerun without changes shows no diff.
"""

from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATES = Path(__file__).parent / "templates"
FONT = "Times New Roman"
PAGE_TEXT_WIDTH = 16.5  # cm: A4 21 cm less the margins, 2.5 cm left and 2 cm right
SIGNATURE_INDENT = 7.5  # cm: the signature block fills the right part, 9 cm wide
LINE_SPACING = 0.95  # of single: a Surat Tugas for a team of three still fits one page
SIGNATURE_ROOM = 3  # empty lines between the signer's title and name: room to sign and stamp
LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_PARAGRAPH_ALIGNMENT.LEFT, WD_PARAGRAPH_ALIGNMENT.CENTER, WD_PARAGRAPH_ALIGNMENT.RIGHT,
    WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
)
_FIXED_TIME = datetime(2026, 1, 1)


def _new_document(title: str) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    _page_numbers(section)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "id-ID")
    normal.element.get_or_add_rPr().append(language)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = LINE_SPACING
    properties = doc.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "DSP3A Kota Singkawang", "sapa-sync"
    properties.language, properties.revision = "id-ID", 1
    properties.created = properties.modified = properties.last_printed = _FIXED_TIME
    return doc


def _page_numbers(section: Section) -> None:
    """`- 2 -` centred at the top from page 2 on, as official letters number their pages; page 1
    (the kop) none: a different first-page header, left empty, and a PAGE field in the other."""
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.add_run("- ")
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("text", "2"), ("end", "")):
        run = paragraph.add_run(text if kind == "text" else "")
        if kind == "instr":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        elif kind != "text":
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
    paragraph.add_run(" -")


@dataclass(frozen=True)
class Layout:
    """A paragraph's layout; cm for indents and tab stops, points for spacing."""

    align: WD_PARAGRAPH_ALIGNMENT = LEFT
    left: float = 0.0
    first: float = 0.0  # negative: a hanging indent, for numbered and `label : value` lines
    tabs: tuple[float, ...] = ()
    after: float = 0.0
    keep: bool = False  # keep with the next paragraph (a signature block is never split)
    together: bool = False  # keep the paragraph's lines on one page (a closing paragraph)


def _para(
    where: DocxDocument | _Cell,
    text: str = "",
    layout: Layout = Layout(),
    *,
    bold: bool = False,
    underline: bool = False,
    size: float | None = None,
    reuse: bool = False,
) -> Paragraph:
    """One paragraph in one run: a placeholder typed in one go is never split."""
    paragraph = where.paragraphs[0] if reuse else where.add_paragraph()
    paragraph.alignment = layout.align
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.first_line_indent, fmt.space_after = Cm(layout.left), Cm(layout.first), Pt(layout.after)
    fmt.keep_with_next = layout.keep or None
    fmt.keep_together = layout.together or None
    for stop in layout.tabs:
        fmt.tab_stops.add_tab_stop(Cm(stop), WD_TAB_ALIGNMENT.LEFT)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.underline = bold or None, underline or None
        if size:
            run.font.size = Pt(size)
    return paragraph


NUMBERED = Layout(left=0.75, first=-0.75, tabs=(0.75,))  # `1.<tab>text`, wrapped lines under the text
NUMBERED_JUSTIFIED = replace(NUMBERED, align=JUSTIFY)
INDENTED_TEXT = Layout(align=JUSTIFY, left=0.75, after=3)


def _kop(doc: DocxDocument) -> None:
    """Letterhead: government, office, address line, then the double rule."""
    centred = Layout(align=CENTER)
    _para(doc, "{{pemerintah}}", centred, bold=True, size=14)
    _para(doc, "{{nama_dinas}}", centred, bold=True, size=14)
    address = _para(doc, "{{alamat_dinas}} Telepon {{telepon_dinas}} Laman {{laman_dinas}}",
                    replace(centred, after=12), size=11)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", "24"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr = address._p.get_or_add_pPr()
    p_pr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
    )


def _layout_table(doc: DocxDocument, labels: list[str]) -> Table:
    """Borderless `label : content` rows, so that wrapped content stays in its column."""
    table: Table = doc.add_table(rows=len(labels), cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False  # fixed layout: Word and LibreOffice keep the column widths
    widths = (2.0, 0.4, PAGE_TEXT_WIDTH - 2.4)
    margins = OxmlElement("w:tblCellMar")  # no left cell margin: labels line up with the body text
    for side, twips in (("w:left", "0"), ("w:right", "57")):
        cell_margin = OxmlElement(side)
        cell_margin.set(qn("w:w"), twips)
        cell_margin.set(qn("w:type"), "dxa")
        margins.append(cell_margin)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row, label in zip(table.rows, labels, strict=True):
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
        _para(row.cells[0], label, reuse=True)
        _para(row.cells[1], ":", reuse=True)
    return table


CLOSING = Layout(align=JUSTIFY, first=1.25, keep=True, together=True)  # the closing paragraph stays with the signature


def _signature(doc: DocxDocument, *, with_date: bool) -> None:
    """Right part: place and date, title ending in a comma, room to sign and stamp, name, rank, NIP;
    then the `Tembusan` block (empty when the office names no copies). Every line keeps with the
    next, so the block, its closing paragraph and the tembusan share one page."""
    block = Layout(align=CENTER, left=SIGNATURE_INDENT, keep=True)
    _para(doc, layout=Layout(keep=True))
    if with_date:
        _para(doc, "{{kota}}, {{tanggal_surat}}", block)
    _para(doc, "{{jabatan_kepala_dinas}},", block, bold=True)
    for _ in range(SIGNATURE_ROOM):
        _para(doc, layout=block)
    _para(doc, "{{nama_kepala_dinas}}", block, bold=True, underline=True)
    _para(doc, "{{pangkat_kepala_dinas}}", block)
    _para(doc, "NIP. {{nip_kepala_dinas}}", block)
    _para(doc, "{{tembusan}}", replace(NUMBERED, keep=True))  # its value starts with an empty line


def _signer(doc: DocxDocument, who: str, opening: str = "") -> None:
    """A report's signature block on the right: place and date, `opening` (e.g. `Yang melaporkan,`),
    the signer's position, room to sign, full name, rank and NIP, from the placeholders `*_<who>`."""
    block = Layout(align=CENTER, left=SIGNATURE_INDENT, keep=True)
    _para(doc, layout=Layout(keep=True))
    _para(doc, "{{kota}}, {{tanggal_surat}}", block)
    if opening:
        _para(doc, opening, block)
    _para(doc, f"{{{{jabatan_{who}}}}},", block, bold=True)
    for _ in range(SIGNATURE_ROOM):
        _para(doc, layout=block)
    _para(doc, f"{{{{nama_{who}}}}}", block, bold=True, underline=True)
    _para(doc, f"{{{{pangkat_{who}}}}}", block)
    _para(doc, f"NIP. {{{{nip_{who}}}}}", Layout(align=CENTER, left=SIGNATURE_INDENT))


def _acknowledged_signer(doc: DocxDocument, who: str, opening: str) -> None:
    """Two signatures side by side: `Mengetahui,` the Kepala Dinas on the left, the report's author on
    the right, their names, ranks and NIPs on one line each. A borderless table whose rows never split
    and whose lines keep with the next, so the pair stays on one page with the closing paragraph."""
    _para(doc, layout=Layout(keep=True))
    rows = [
        ("", "{{kota}}, {{tanggal_surat}}", False, False),
        ("Mengetahui,", opening, False, False),
        ("{{jabatan_kepala_dinas}},", f"{{{{jabatan_{who}}}}},", True, False),
        *[("", "", False, False)] * SIGNATURE_ROOM,
        ("{{nama_kepala_dinas}}", f"{{{{nama_{who}}}}}", True, True),
        ("{{pangkat_kepala_dinas}}", f"{{{{pangkat_{who}}}}}", False, False),
        ("NIP. {{nip_kepala_dinas}}", f"NIP. {{{{nip_{who}}}}}", False, False),
    ]
    table: Table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    width = Cm(PAGE_TEXT_WIDTH / 2)
    for column in table.columns:
        column.width = width
    for index, (row, (left, right, bold, underline)) in enumerate(zip(table.rows, rows, strict=True)):
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))
        keep = index < len(rows) - 1
        for cell, text in zip(row.cells, (left, right), strict=True):
            cell.width = width
            _para(cell, text, Layout(align=CENTER, keep=keep), bold=bold and bool(text),
                  underline=underline and bool(text), reuse=True)


def _report_heading(doc: DocxDocument, title: str, number_line: str = "") -> None:
    """Kop, the title centred and underlined, an optional number line, and the case number."""
    _kop(doc)
    _para(doc, title, Layout(align=CENTER), bold=True, underline=True)
    if number_line:
        _para(doc, number_line, Layout(align=CENTER))
    _para(doc, "Nomor Kasus: {{nomor_kasus}}", Layout(align=CENTER, after=12))


def _sections(doc: DocxDocument, sections: list[tuple[str, str, Layout]], *, bold: bool = True) -> None:
    """Numbered section titles, each followed by its block placeholder. The last section keeps with
    the closing paragraph, so the signature's page never holds the closing lines alone."""
    for index, (title, placeholder, layout) in enumerate(sections, start=1):
        title_line = _para(doc, f"{index}.\t{title}", replace(NUMBERED, keep=True), bold=bold)
        title_line.paragraph_format.space_before = Pt(6)
        _para(doc, placeholder, replace(layout, keep=True, together=True) if index == len(sections) else layout)


LABELLED = Layout(left=6.35, first=-5.6, tabs=(6.0, 6.35))  # `Label<TAB>:<TAB>value` lines under a section title
CONFIDENTIAL = (
    "Laporan ini memuat data pribadi korban dan bersifat rahasia: hanya untuk keperluan penanganan kasus."
)


def laporan_penjangkauan() -> DocxDocument:
    """The Tim Penjangkauan's report to the Kepala Dinas (SOP step 5): who went, when, what was done,
    the assessment, recommendations and follow-up."""
    doc = _new_document("Templat Laporan Hasil Penjangkauan SAPA")
    _report_heading(doc, "LAPORAN HASIL PENJANGKAUAN")
    body = Layout(align=JUSTIFY, first=1.25, after=6)
    _para(doc, "Yth. {{kepada}}")
    _para(doc, "di {{kota}}", Layout(after=12))
    _para(
        doc,
        "Berdasarkan Surat Tugas Nomor {{nomor_surat_tugas}}, Tim Penjangkauan telah melaksanakan "
        "{{jenis_penjangkauan}} dalam rangka penanganan kasus nomor {{nomor_kasus}} pada Layanan SAPA, "
        "dengan hasil sebagai berikut:",
        body,
    )
    _sections(doc, [
        ("Tim yang melaksanakan:", "{{daftar_tim}}", Layout(left=1.5, first=-0.75, tabs=(1.5,))),
        ("Waktu dan tempat:", "{{waktu_tempat}}", LABELLED),
        ("Kegiatan yang dilakukan:", "{{tindakan}}", INDENTED_TEXT),
        ("Hasil asesmen:", "{{asesmen}}", INDENTED_TEXT),
        ("Rekomendasi:", "{{rekomendasi}}", INDENTED_TEXT),
        ("Tindak lanjut:", "{{tindak_lanjut}}", INDENTED_TEXT),
    ])
    _para(
        doc,
        f"Demikian laporan ini kami sampaikan sebagai bahan pertimbangan Kepala Dinas dalam memutuskan "
        f"tindak lanjut penanganan kasus. {CONFIDENTIAL}",
        CLOSING,
    ).paragraph_format.space_before = Pt(6)
    _signer(doc, "pelapor", "Yang melaporkan,")
    return doc


def kronologi_kejadian() -> DocxDocument:
    """The chronology the Surat Rujukan attaches: the incident as reported, then the handling so far."""
    doc = _new_document("Templat Kronologi Kejadian SAPA")
    _report_heading(doc, "KRONOLOGI KEJADIAN")
    _sections(doc, [
        ("Identitas korban:", "{{identitas_korban}}", LABELLED),
        ("Keterangan kejadian:", "{{keterangan_kejadian}}", LABELLED),
        ("Uraian kejadian (sebagaimana disampaikan pelapor):", "{{uraian_kejadian}}", INDENTED_TEXT),
        ("Riwayat penanganan:", "{{riwayat_penanganan}}", LABELLED),
    ])
    _para(doc, CONFIDENTIAL, replace(CLOSING, first=0)).paragraph_format.space_before = Pt(12)
    _signer(doc, "penyusun", "Yang menyusun,")
    return doc


def laporan_akhir() -> DocxDocument:
    """The Sub Koordinator's final case report (SOP step 6, a case the office closes itself); the
    number line is empty when the office does not number its reports. The Kepala Dinas, who decided
    that the office closes the case, signs it as known (`Mengetahui,`) beside its author."""
    doc = _new_document("Templat Laporan Akhir Penanganan Kasus SAPA")
    _report_heading(doc, "LAPORAN AKHIR PENANGANAN KASUS", "{{nomor_laporan}}")
    _sections(doc, [
        ("Identitas korban:", "{{identitas_korban}}", LABELLED),
        ("Kronologi kejadian:", "{{kronologi}}", INDENTED_TEXT),
        ("Layanan yang telah diberikan:", "{{layanan_diberikan}}", LABELLED),
        ("Hasil penanganan:", "{{hasil_penanganan}}", INDENTED_TEXT),
        ("Kesimpulan:", "{{kesimpulan}}", INDENTED_TEXT),
    ])
    _para(doc, CONFIDENTIAL, replace(CLOSING, first=0)).paragraph_format.space_before = Pt(12)
    _acknowledged_signer(doc, "penyusun", "Yang membuat laporan,")
    return doc


def surat_tugas() -> DocxDocument:
    doc = _new_document("Templat Surat Tugas Tim Penjangkauan SAPA")
    _kop(doc)
    _para(doc, "SURAT TUGAS", Layout(align=CENTER), bold=True, underline=True)
    _para(doc, "Nomor: {{nomor_surat}}", Layout(align=CENTER, after=6))
    dasar = _layout_table(doc, ["Dasar"])
    _para(dasar.rows[0].cells[2], "{{dasar}}", NUMBERED_JUSTIFIED, reuse=True)
    title = _para(doc, "MEMBERI TUGAS", Layout(align=CENTER, after=6), bold=True)
    title.paragraph_format.space_before = Pt(6)
    kepada = _layout_table(doc, ["Kepada"])
    member = Layout(left=4.6, first=-4.6, tabs=(0.75, 4.25, 4.6))
    _para(kepada.rows[0].cells[2], "{{daftar_anggota}}", member, reuse=True)
    # `Untuk` as tabbed paragraphs, not a table row: its last lines can then keep with the
    # signature, which must never stand alone on a page.
    steps = [
        "Untuk\t:\t1.\tMelaksanakan {{jenis_penjangkauan}} dalam rangka penanganan kasus nomor "
        "{{nomor_kasus}} pada Layanan SAPA;",
        "\t\t2.\tTempat\t:\t{{tempat}};",
        "\t\t3.\tWaktu\t:\t{{waktu}};",
        "\t\t4.\tMelaporkan hasil dan rekomendasinya kepada Kepala Dinas; dan",
        "\t\t5.\tMenjaga kerahasiaan data korban dalam melaksanakan tugas ini.",
    ]
    step = Layout(align=JUSTIFY, left=3.15, first=-3.15, tabs=(2.0, 2.4, 3.15))
    labelled = replace(step, left=5.5, first=-5.5, tabs=(2.0, 2.4, 3.15, 5.15, 5.5))
    for index, text in enumerate(steps, start=1):
        layout = labelled if "\t:\t{{" in text else step
        last = index >= len(steps) - 1
        line = _para(doc, text, replace(layout, keep=last, together=last))
        line.paragraph_format.space_before = Pt(6 if index == 1 else 0)
    _signature(doc, with_date=True)
    return doc


def surat_rujukan() -> DocxDocument:
    doc = _new_document("Templat Surat Rujukan Penanganan Kasus SAPA")
    _kop(doc)
    _para(doc, "{{kota}}, {{tanggal_surat}}", Layout(align=RIGHT, after=12))
    heading = Layout(left=2.9, first=-2.9, tabs=(2.5, 2.9))
    _para(doc, "Nomor\t:\t{{nomor_surat}}", heading)
    _para(doc, "Sifat\t:\tRahasia", heading)
    _para(doc, "Lampiran\t:\t{{jumlah_lampiran}}", heading)
    _para(doc, "Hal\t:\tRujukan Penanganan Kasus {{nomor_kasus}}", replace(heading, after=12))
    _para(doc, "Yth. {{kepada}}")
    _para(doc, "di {{alamat_lembaga}}", Layout(after=12))
    body = Layout(align=JUSTIFY, first=1.25, after=6)
    _para(
        doc,
        "Sehubungan dengan penanganan kasus nomor {{nomor_kasus}} pada Layanan SAPA, bersama ini kami "
        "rujuk korban untuk mendapatkan layanan lanjutan pada {{lembaga_tujuan}}, dengan keterangan "
        "sebagai berikut:",
        body,
    )
    sections = [
        ("Identitas korban:", "{{identitas_korban}}", Layout(left=5.1, first=-4.35, tabs=(4.75, 5.1))),
        ("Kronologi kasus:", "{{kronologi}}", INDENTED_TEXT),
        ("Layanan yang telah diberikan:", "{{layanan_diberikan}}", INDENTED_TEXT),
        ("Kondisi terakhir korban (fisik, psikis, dan keluarga):", "{{kondisi_korban}}", INDENTED_TEXT),
        ("Tujuan rujukan dan layanan yang diminta:", "{{layanan_diminta}}", INDENTED_TEXT),
        ("Dokumen yang dilampirkan:", "{{daftar_lampiran}}", Layout(left=1.5, first=-0.75, tabs=(1.5,))),
    ]
    _sections(doc, sections, bold=False)
    _para(
        doc,
        "Mengingat surat ini beserta lampirannya memuat data pribadi korban, kami mohon kerahasiaannya "
        "dijaga dan data tersebut hanya digunakan untuk keperluan penanganan kasus. Demikian kami "
        "sampaikan, atas perhatian dan kerja sama Saudara diucapkan terima kasih.",
        CLOSING,
    ).paragraph_format.space_before = Pt(6)
    _signature(doc, with_date=False)
    return doc


BUILDERS = {
    "surat_tugas": surat_tugas, "surat_rujukan": surat_rujukan, "laporan_penjangkauan": laporan_penjangkauan,
    "kronologi_kejadian": kronologi_kejadian, "laporan_akhir": laporan_akhir,
}


def _save_stable(doc: DocxDocument, path: Path) -> None:
    """Save with fixed zip timestamps, so that regenerating an unchanged template changes no byte."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stable = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, source.read(info))
    path.write_bytes(out.getvalue())


def main(folder: Path = TEMPLATES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = folder / f"{name}.docx"
        _save_stable(build(), path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES):
        print(written_path)
