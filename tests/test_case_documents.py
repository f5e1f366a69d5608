"""The case documents (issue 12): Laporan Hasil Penjangkauan, Kronologi Kejadian, Laporan Akhir Penanganan
Kasus, checked as the letters are; the Surat Rujukan addressed to a configured destination, with its
attachments counted in words."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import given
from hypothesis import strategies as st

from config.destinations import Destination
from config.letters import LetterNumbering, Letters
from config.settings import Office, Settings
from letters import make_templates, values
from letters.render_docx import placeholders, render
from rules.numbers_id import counted, in_words, spelled_number, split_words

TEMPLATES = make_templates.TEMPLATES
LETTERS = Letters()
CASE = "SAPA-2026-0042"
TEAM = LETTERS.staff_named(["Nama Sub Koordinator", "Nama Konselor"])
SUBKOOR = TEAM[0]
IDENTITY = {"Nama/inisial": "A.B.", "Jenis kelamin": "Perempuan", "Usia": "12 tahun",
            "Domisili": "Kelurahan Roban, Kecamatan Singkawang Tengah"}


def laporan_penjangkauan() -> dict[str, str]:
    return values.laporan_penjangkauan(
        Office(), LETTERS, tanggal=date(2026, 12, 2), nomor_kasus=CASE,
        nomor_surat_tugas="800.1.11.1/22/DSP3A/2026", anggota=TEAM, jenis_penjangkauan=["Kunjungan rumah", "Asesmen"],
        waktu="30 November 2026 s.d. 1 Desember 2026", tempat="Kelurahan Roban, Kecamatan Singkawang Tengah",
        tindakan="Kunjungan rumah dan wawancara dengan ibu korban.\nKorban diajak bicara terpisah.",
        asesmen="Korban tampak cemas dan sulit tidur.", rekomendasi="Rujuk ke UPTD PPA untuk konseling psikolog.",
        tindak_lanjut="Sub Koordinator menyiapkan dokumen rujukan.",
    )


def kronologi() -> dict[str, str]:
    return values.kronologi_kejadian(
        Office(), tanggal=date(2026, 12, 2), nomor_kasus=CASE, identitas_korban=IDENTITY,
        keterangan_kejadian={"Tanggal kejadian": "20 November 2026", "Tempat kejadian": "Rumah tangga",
                             "Jenis kekerasan": "Fisik, Psikis", "Hubungan pelaku dengan korban": "Orang tua"},
        uraian_kejadian="Baris pertama cerita.\nBaris kedua cerita.",
        riwayat_penanganan=[(date(2026, 11, 30), "Penjangkauan: kunjungan rumah dan asesmen"),
                            (date(2026, 11, 28), "Pengaduan diterima melalui Formulir online")],
        penyusun=SUBKOOR,
    )


def laporan_akhir(number: str | None = "400.2/3/DSP3A/2026") -> dict[str, str]:
    return values.laporan_akhir(
        Office(), LETTERS.kepala_dinas, nomor_laporan=number, tanggal=date(2026, 12, 10), nomor_kasus=CASE,
        identitas_korban=IDENTITY,
        kronologi="Korban dipukul oleh ayahnya.",
        layanan_diberikan=[(date(2026, 11, 28), "Pengaduan diterima"), (date(2026, 11, 30), "Kunjungan rumah")],
        hasil_penanganan="Keluarga bersedia didampingi; korban kembali bersekolah.",
        kesimpulan="Kasus selesai ditangani Dinas.", penyusun=SUBKOOR,
    )


def rujukan(lampiran: list[str], destination: Destination | None = None) -> dict[str, str]:
    to = destination or Settings().workflow.destination("uptd ppa")
    return values.surat_rujukan(
        Office(), LETTERS, nomor_surat="400.2.4/5/DSP3A/2026", tanggal=date(2026, 12, 2), nomor_kasus=CASE,
        lembaga_tujuan=to.nama, kepada=to.addressee, alamat_lembaga=to.address, identitas_korban=IDENTITY,
        kronologi="-", layanan_diberikan="-", kondisi_korban="-", layanan_diminta="Konseling psikolog.",
        lampiran=lampiran,
    )


def lines(path: Path) -> list[str]:
    document = Document(str(path))
    return [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]


def in_order(found: list[str], wanted: list[str]) -> bool:
    start = 0
    for text in wanted:
        hits = [i for i in range(start, len(found)) if text in found[i]]
        if not hits:
            raise AssertionError(f"{text!r} not found after paragraph {start}: {found[start:]}")
        start = hits[0]
    return True


DOCUMENTS: dict[str, tuple[Callable[[], dict[str, str]], list[str]]] = {
    "laporan_penjangkauan": (laporan_penjangkauan, [
        "PEMERINTAH KOTA SINGKAWANG", "LAPORAN HASIL PENJANGKAUAN", f"Nomor Kasus: {CASE}",
        "Yth. Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang", "di Singkawang",
        "Surat Tugas Nomor 800.1.11.1/22/DSP3A/2026", "kunjungan rumah dan asesmen",
        "Tim yang melaksanakan", "1.\tNama Sub Koordinator (Sub Koordinator", "2.\tNama Konselor (Konselor).",
        "Waktu dan tempat", "Waktu\t:\t30 November 2026 s.d. 1 Desember 2026", "Tempat\t:\tKelurahan Roban",
        "Kegiatan yang dilakukan", "Kunjungan rumah dan wawancara", "Korban diajak bicara terpisah.",
        "Hasil asesmen", "sulit tidur", "Rekomendasi", "UPTD PPA", "Tindak lanjut", "menyiapkan dokumen rujukan",
        "Demikian", "Singkawang, 2 Desember 2026", "Yang melaporkan,", "Sub Koordinator Perlindungan",
        "Nama Sub Koordinator", "NIP. 19800101 200501 2 001",
    ]),
    "kronologi_kejadian": (kronologi, [
        "PEMERINTAH KOTA SINGKAWANG", "KRONOLOGI KEJADIAN", f"Nomor Kasus: {CASE}", "Identitas korban",
        "Nama/inisial\t:\tA.B.", "Usia\t:\t12 tahun", "Keterangan kejadian", "Tanggal kejadian\t:\t20 November 2026",
        "Jenis kekerasan\t:\tFisik, Psikis", "Uraian kejadian", "Baris pertama cerita.", "Baris kedua cerita.",
        "Riwayat penanganan", "28 November 2026\t:\tPengaduan diterima",
        "30 November 2026\t:\tPenjangkauan", "rahasia", "Singkawang, 2 Desember 2026", "Yang menyusun,",
        "Nama Sub Koordinator", "NIP. 19800101 200501 2 001",
    ]),
    "laporan_akhir": (laporan_akhir, [
        "PEMERINTAH KOTA SINGKAWANG", "LAPORAN AKHIR PENANGANAN KASUS", "Nomor: 400.2/3/DSP3A/2026",
        f"Nomor Kasus: {CASE}", "Identitas korban", "Nama/inisial\t:\tA.B.", "Kronologi kejadian", "dipukul",
        "Layanan yang telah diberikan", "28 November 2026\t:\tPengaduan diterima", "30 November 2026\t:\tKunjungan",
        "Hasil penanganan", "kembali bersekolah", "Kesimpulan", "selesai ditangani", "Singkawang, 10 Desember 2026",
        "Yang membuat laporan,", "Nama Sub Koordinator", "NIP. 19800101 200501 2 001",
    ]),
}


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
def test_document_is_complete_in_order_with_no_placeholder_left(tmp_path: Path, kind: str) -> None:
    build, parts = DOCUMENTS[kind]
    template = TEMPLATES / f"{kind}.docx"
    filled = build()
    assert placeholders(template) == set(filled), "the value builder and the template must agree"
    out = tmp_path / f"{kind}.docx"
    render(template, filled, out)
    found = lines(out)
    assert in_order(found, parts)
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                text = package.read(name).decode("utf-8")
                assert "{{" not in text and "}}" not in text, name
    assert CASE in "\n".join(found)
    assert not any(english in "\n".join(found) for english in ("December", "November 2, ", "Monday")), \
        "dates are Indonesian"


def test_an_office_that_does_not_number_its_reports_gets_no_number_line(tmp_path: Path) -> None:
    out = tmp_path / "akhir.docx"
    render(TEMPLATES / "laporan_akhir.docx", laporan_akhir(None), out)
    found = lines(out)
    assert not any(line.startswith("Nomor:") for line in found)
    assert f"Nomor Kasus: {CASE}" in found


def test_reports_are_numbered_unless_the_office_says_not() -> None:
    assert LetterNumbering().rules().code("laporan_akhir") == "400.2"
    assert not LetterNumbering(reports_numbered=False, codes={
        "surat_tugas": {"umum": "800.1.11.1"}, "surat_rujukan": {"anak": "400.2.4", "dewasa": "400.2.3"}},
    ).reports_numbered
    with pytest.raises(ValueError, match="laporan_akhir"):
        LetterNumbering(codes={"surat_tugas": {"umum": "800.1.11.1"},
                               "surat_rujukan": {"anak": "400.2.4", "dewasa": "400.2.3"}})


def test_a_report_without_a_team_leaves_room_to_sign_by_hand() -> None:
    filled = values.laporan_penjangkauan(
        Office(), LETTERS, tanggal=date(2026, 12, 2), nomor_kasus=CASE, nomor_surat_tugas="", anggota=[],
        jenis_penjangkauan=[], waktu="", tempat="", tindakan="", asesmen="", rekomendasi="", tindak_lanjut="")
    assert filled["jabatan_pelapor"] == "Tim Penjangkauan" and filled["nip_pelapor"] == "-"
    assert filled["tindakan"] == filled["nomor_surat_tugas"] == "-"


# --- the Surat Rujukan: addressee and attachments -------------------------------------------------------


def test_surat_rujukan_is_addressed_to_the_head_of_the_destination_with_its_address(tmp_path: Path) -> None:
    out = tmp_path / "rj.docx"
    render(TEMPLATES / "surat_rujukan.docx", rujukan(["Laporan hasil penjangkauan", "Kronologi kejadian"]), out)
    found = lines(out)
    assert in_order(found, ["Lampiran\t:\t2 (dua) berkas", "Yth. Kepala UPTD PPA Kota Singkawang", "di Singkawang",
                            "layanan lanjutan pada UPTD PPA", "Dokumen yang dilampirkan",
                            "1.\tLaporan hasil penjangkauan;", "2.\tKronologi kejadian."])
    assert not any("lembaga yang Saudara pimpin" in line for line in found)


@pytest.mark.parametrize(("lampiran", "header", "listed"), [
    (["Laporan hasil penjangkauan", "Kronologi kejadian"], "2 (dua) berkas", "1.\tLaporan hasil penjangkauan;"),
    (["Kronologi kejadian"], "1 (satu) berkas", "1.\tKronologi kejadian."),
    ([], "-", "-"),
])
def test_lampiran_counts_the_documents_that_exist(lampiran: list[str], header: str, listed: str) -> None:
    filled = rujukan(lampiran)
    assert filled["jumlah_lampiran"] == header
    assert filled["daftar_lampiran"].split("\n")[0] == listed


def test_destinations_are_configured_with_head_and_address() -> None:
    workflow = Settings.model_validate({"workflow": {"lembaga": [
        "Rumah Singgah Bunda",
        {"nama": "UPTD PPA", "kepala": "Kepala UPTD PPA Kota Singkawang", "alamat": "Jalan Contoh No. 1, Singkawang"},
    ]}}).workflow
    assert workflow.destination("uptd  PPA").addressee == "Kepala UPTD PPA Kota Singkawang"
    assert workflow.destination("UPTD PPA").address == "Jalan Contoh No. 1, Singkawang"
    named_only = workflow.destination("Rumah Singgah Bunda")
    assert (named_only.addressee, named_only.address) == ("Pimpinan Rumah Singgah Bunda", "Tempat")
    typed = workflow.destination("Lembaga Baru")  # an office with an open list: the name as typed
    assert (typed.nama, typed.addressee) == ("Lembaga Baru", "Pimpinan Lembaga Baru")
    settings = Settings.model_validate({"workflow": {"lembaga": ["A", {"nama": "B"}]}})
    assert settings.workflow_options().lembaga == ("A", "B")


def test_every_default_destination_has_a_head_and_an_address() -> None:
    defaults = Settings().workflow.lembaga
    assert [d.nama for d in defaults][:2] == ["UPTD PPA", "Unit PPA Polres"]
    assert all(d.kepala and d.alamat for d in defaults)
    assert Settings().workflow.destination("UPTD PPA").addressee == "Kepala UPTD PPA Kota Singkawang"


@given(st.integers(min_value=0, max_value=999))
def test_counts_in_words_read_back(number: int) -> None:
    assert spelled_number(split_words(in_words(number)).split()) == number
    assert values.terbilang(number) == in_words(number)
    if number:
        assert counted(number, "berkas") == f"{number} ({in_words(number)}) berkas"
