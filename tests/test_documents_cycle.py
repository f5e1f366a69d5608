"""The case documents drafted by the cycle (issue 12), on both backends: the Tim's report drafts the
Laporan Hasil Penjangkauan, a referral the Kronologi Kejadian that the Surat Rujukan attaches and counts,
the Sub Koordinator's final report the Laporan Akhir the Admin files."""

from __future__ import annotations

from datetime import timedelta

from config.settings import Settings
from sync.commands.demo_walk import (
    ASSIGN,
    CLOSE,
    FILE,
    FINAL_REPORT,
    FORWARD,
    IDENTIFY,
    REFER,
    REPORT,
    VERIFY,
)
from sync.commands.selftest.office import response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import A, I, R
from tests.conftest import NOW
from tests.test_letters_cycle import agenda, walk_to
from tests.test_workflow_cycle import act, register, row

CASE = "SAPA-2026-0001"


def complete(text: str) -> None:
    assert "{{" not in text and "}}" not in text, "no placeholder left"
    assert CASE in text and "28 November 2026" in text  # the case ID inside, Indonesian dates
    assert "PEMERINTAH KOTA SINGKAWANG" in text and "NIP" in text


def test_the_tims_report_drafts_the_laporan_hasil_penjangkauan(backend, settings, cycle) -> None:
    backend.create([response_row(story="Korban sering dipukul {{nomor_surat}}.")], settings)
    cycle()
    walk_to(backend, settings, cycle, CASE, [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT])
    entry = agenda(backend, settings)[f"{CASE}-LP"]
    assert (entry[A.NUMBER], entry[A.KIND], entry[A.TO]) == ("-", "Laporan Hasil Penjangkauan", "Kepala Dinas")
    assert row(backend, settings, "kadis", CASE)[I.LAPORAN_PENJANGKAUAN] == entry[A.LINK]
    text = backend.letter_texts()[f"{CASE}-laporan-penjangkauan"][0]
    complete(text)
    for part in ("LAPORAN HASIL PENJANGKAUAN", "Surat Tugas Nomor 800.1.11.1/1/DSP3A/2026", "Nama Konselor",
                 "Kunjungan rumah dan wawancara", "pendampingan psikologis lanjutan", "Rujuk ke UPTD PPA",
                 "Konselor memantau kondisi korban", "Yang melaporkan"):
        assert part in text, part
    assert not cycle().plan  # drafted once


def test_a_referral_attaches_the_report_and_the_chronology_and_counts_them(backend, settings, cycle) -> None:
    backend.create([response_row(story="Korban sering dipukul di rumah.")], settings)
    cycle()
    walk_to(backend, settings, cycle, CASE, [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT])
    act(backend, settings, CASE, REFER)
    result = cycle()
    assert sorted(o.key for o in result.letters) == [f"{CASE}-KR", f"{CASE}-SR"]
    texts = backend.letter_texts()
    kronologi = texts[f"{CASE}-kronologi-kejadian"][0]
    complete(kronologi)
    for part in ("KRONOLOGI KEJADIAN", "Korban sering dipukul di rumah.", "Riwayat penanganan",
                 "Pengaduan diterima", "Tim Penjangkauan ditugaskan", "Yang menyusun"):
        assert part in kronologi, part
    rujukan = texts[f"{CASE}-surat-rujukan"][0]
    complete(rujukan)
    for part in ("2 (dua) berkas", "Yth. Kepala UPTD PPA Kota Singkawang", "di Singkawang",
                 "layanan lanjutan pada UPTD PPA", "Laporan hasil penjangkauan dan asesmen;", "Kronologi kejadian."):
        assert part in rujukan, part
    assert "lembaga yang Saudara pimpin" not in rujukan
    subkoor = row(backend, settings, "subkoor", CASE)
    letters = agenda(backend, settings)
    assert subkoor[I.KRONOLOGI] == letters[f"{CASE}-KR"][A.LINK] and letters[f"{CASE}-KR"][A.NUMBER] == "-"
    assert subkoor[I.SURAT_RUJUKAN] == letters[f"{CASE}-SR"][A.LINK]
    assert letters[f"{CASE}-SR"][A.TO] == "Kepala UPTD PPA Kota Singkawang"


def test_the_final_report_is_written_by_the_sub_koordinator_and_filed_by_the_admin(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk_to(backend, settings, cycle, CASE, [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT, CLOSE])
    assert register(backend, settings)[CASE][R.STATE_KEY] == "final_report"
    assert row(backend, settings, "subkoor", CASE)[I.TURN] == "Ya"
    walk_to(backend, settings, cycle, CASE, [FINAL_REPORT])
    assert register(backend, settings)[CASE][R.STATE_KEY] == "filing"
    entry = agenda(backend, settings)[f"{CASE}-LA"]
    assert entry[A.NUMBER] == "400.2/1/DSP3A/2026"  # numbered as the office numbers its reports
    admin = row(backend, settings, "admin", CASE)
    assert admin[I.TURN] == "Ya" and admin[I.LAPORAN_AKHIR] == entry[A.LINK]
    text = backend.letter_texts()[f"{CASE}-laporan-akhir"][0]
    complete(text)
    for part in ("LAPORAN AKHIR PENANGANAN KASUS", "Nomor: 400.2/1/DSP3A/2026", "Mediasi keluarga berhasil",
                 "Layanan yang telah diberikan", "Kunjungan rumah dan wawancara", "Yang membuat laporan"):
        assert part in text, part
    walk_to(backend, settings, cycle, CASE, [FILE])
    assert register(backend, settings)[CASE][R.STATE_KEY] == "closed"
    assert not cycle().plan


def test_an_office_that_does_not_number_reports_gets_an_unnumbered_final_report(backend) -> None:
    settings = Settings.model_validate({"letters": {"numbering": {"reports_numbered": False}}})
    ctx = Context.from_settings(settings)
    backend.create([response_row()], settings)
    moment = NOW
    run_cycle(backend.store(), ctx, moment, backend.writer())
    for step in [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT, CLOSE, FINAL_REPORT]:
        act(backend, settings, CASE, step)
        moment += timedelta(minutes=5)
        run_cycle(backend.store(), ctx, moment, backend.writer())
    assert agenda(backend, settings)[f"{CASE}-LA"][A.NUMBER] == "-"
    text = backend.letter_texts()[f"{CASE}-laporan-akhir"][0]
    assert "Nomor: " not in text and f"Nomor Kasus: {CASE}" in text


def test_a_report_is_redrafted_on_request_as_one_document(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk_to(backend, settings, cycle, CASE, [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT])
    backend.type_into(settings.letters.register_tab, A.ID, f"{CASE}-LP", A.REDRAFT, "ulang")
    result = cycle()
    assert [e.code for e in result.events] == ["letter_redrafted"]
    assert agenda(backend, settings)[f"{CASE}-LP"][A.NUMBER] == "-"
    assert len(backend.letter_texts()[f"{CASE}-laporan-penjangkauan"]) == 1
    assert not cycle().plan
