"""Letters drafted by the cycle: numbering, the agenda tab, links, redrafts, crashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.settings import Settings
from rules.errors import SapaError, TransientError
from sync.commands.demo_walk import ASSIGN, FORWARD, IDENTIFY, REFER, REPORT, VERIFY
from sync.commands.selftest.office import LocalBackend, response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import A, I
from tests.conftest import NOW
from tests.test_cycle import records
from tests.test_workflow_cycle import act, row


def agenda(backend, settings) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    return {str(r[A.ID]): r for r in records(backend, settings.letters.register_tab)}


def walk_to(backend, settings, cycle, case: str, steps) -> None:  # type: ignore[no-untyped-def]
    for step in steps:
        act(backend, settings, case, step)
        cycle()


def test_surat_tugas_is_drafted_at_verification_numbered_and_linked(backend, settings, cycle) -> None:
    backend.create([response_row(story="Cerita {{nomor_surat}} }}{{ dari pelapor")], settings)
    cycle()
    walk_to(backend, settings, cycle, "SAPA-2026-0001", [FORWARD, IDENTIFY, VERIFY])
    letters = agenda(backend, settings)
    assert list(letters) == ["SAPA-2026-0001-ST"]
    entry = letters["SAPA-2026-0001-ST"]
    assert entry[A.NUMBER] == "800.1.11.1/1/DSP3A/2026"
    assert entry[A.STATUS] == "Draf"
    assert row(backend, settings, "kabid", "SAPA-2026-0001")[I.SURAT_TUGAS] == entry[A.LINK]
    assert row(backend, settings, "kadis", "SAPA-2026-0001")[I.SURAT_TUGAS] == entry[A.LINK]
    letters_now = backend.letter_texts()
    assert list(letters_now) == ["SAPA-2026-0001-surat-tugas"] and len(letters_now["SAPA-2026-0001-surat-tugas"]) == 1
    text = letters_now["SAPA-2026-0001-surat-tugas"][0]
    assert "{{" not in text and "}}" not in text
    for part in ("SURAT TUGAS", "800.1.11.1/1/DSP3A/2026", "MEMBERI TUGAS", "Nama Konselor", "SAPA-2026-0001",
                 "NIP", "28 November 2026"):
        assert part in text, part
    assert not cycle().plan  # drafted once


def test_both_letters_in_one_cycle_have_their_own_counters(backend, settings, cycle) -> None:
    backend.create([response_row(story="Korban sering dipukul."), response_row(story="b", victim_name="Melati")],
                   settings)
    cycle()
    walk_to(backend, settings, cycle, "SAPA-2026-0001", [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT])
    walk_to(backend, settings, cycle, "SAPA-2026-0002", [FORWARD, IDENTIFY])
    act(backend, settings, "SAPA-2026-0001", REFER)
    act(backend, settings, "SAPA-2026-0002", VERIFY)
    result = cycle()
    assert sorted(o.key for o in result.letters) == ["SAPA-2026-0001-KR", "SAPA-2026-0001-SR", "SAPA-2026-0002-ST"]
    numbers = {k: v[A.NUMBER] for k, v in agenda(backend, settings).items()}
    assert numbers == {"SAPA-2026-0001-ST": "800.1.11.1/1/DSP3A/2026", "SAPA-2026-0002-ST": "800.1.11.1/2/DSP3A/2026",
                       "SAPA-2026-0001-SR": "400.2.4/1/DSP3A/2026",  # a child victim: 400.2.4
                       "SAPA-2026-0001-LP": "-", "SAPA-2026-0001-KR": "-"}  # reports the referral attaches
    rujukan = backend.letter_texts()["SAPA-2026-0001-surat-rujukan"][0]
    for part in ("Rahasia", "UPTD PPA", "Rujukan Penanganan Kasus SAPA-2026-0001", "Korban sering dipukul"):
        assert part in rujukan, part


def test_a_redraft_keeps_the_number_and_replaces_the_document(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk_to(backend, settings, cycle, "SAPA-2026-0001", [FORWARD, IDENTIFY, VERIFY])
    before = agenda(backend, settings)["SAPA-2026-0001-ST"]
    backend.type_into("Respons Formulir 1", "ID Kasus SAPA", "SAPA-2026-0001", "Kelurahan", "Melayu")
    backend.type_into(settings.letters.register_tab, A.ID, "SAPA-2026-0001-ST", A.REDRAFT, "ulang: data diperbaiki")
    result = cycle()
    assert [e.code for e in result.events] == ["response_edited", "letter_redrafted"]
    after = agenda(backend, settings)["SAPA-2026-0001-ST"]
    assert after[A.NUMBER] == before[A.NUMBER]  # same number; the link is the new draft's
    assert after[A.REDRAFT_DONE] == "ulang: data diperbaiki"
    assert {k: len(v) for k, v in backend.letter_texts().items()} == {"SAPA-2026-0001-surat-tugas": 1}
    assert "Kelurahan Melayu" in backend.letter_texts()["SAPA-2026-0001-surat-tugas"][0]
    assert not cycle().plan  # the request is handled once


def test_a_crash_between_drafting_and_writing_gives_the_same_number_and_one_document(tmp_path) -> None:
    settings = Settings()
    ctx = Context.from_settings(settings)
    backend = LocalBackend(tmp_path)
    backend.create([response_row()], settings)
    run_cycle(backend.store(), ctx, NOW, backend.writer())
    for step in [FORWARD, IDENTIFY]:
        act(backend, settings, "SAPA-2026-0001", step)
        run_cycle(backend.store(), ctx, NOW, backend.writer())
    act(backend, settings, "SAPA-2026-0001", VERIFY)
    lock = tmp_path / ".~lock.sapa.xlsx#"
    lock.write_text("x")
    with pytest.raises(TransientError):
        run_cycle(backend.store(), ctx, NOW, backend.writer())  # drafted, then the write is refused
    assert len(backend.letter_texts()) == 1 and not agenda(backend, settings)
    lock.unlink()
    run_cycle(backend.store(), ctx, NOW, backend.writer())
    assert agenda(backend, settings)["SAPA-2026-0001-ST"][A.NUMBER] == "800.1.11.1/1/DSP3A/2026"
    assert {k: len(v) for k, v in backend.letter_texts().items()} == {"SAPA-2026-0001-surat-tugas": 1}


def test_a_full_disk_while_drafting_says_so_and_the_next_cycle_drafts_once(tmp_path, monkeypatch) -> None:
    import errno
    import zipfile

    settings = Settings()
    ctx = Context.from_settings(settings)
    backend = LocalBackend(tmp_path)
    backend.create([response_row()], settings)
    run_cycle(backend.store(), ctx, NOW, backend.writer())
    walk_to(backend, settings, lambda: run_cycle(backend.store(), ctx, NOW, backend.writer()), "SAPA-2026-0001",
            [FORWARD, IDENTIFY])
    act(backend, settings, "SAPA-2026-0001", VERIFY)
    before = backend.path.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(zipfile.ZipFile, "writestr", full)
        with pytest.raises(SapaError, match=r"disk .* is full; the letter .* was not drafted"):
            run_cycle(backend.store(), ctx, NOW, backend.writer())
    assert backend.path.read_bytes() == before
    assert not list((tmp_path / "Surat SAPA").iterdir())  # no half-written letter or temporary file
    run_cycle(backend.store(), ctx, NOW, backend.writer())
    assert {k: len(v) for k, v in backend.letter_texts().items()} == {"SAPA-2026-0001-surat-tugas": 1}
    assert agenda(backend, settings)["SAPA-2026-0001-ST"][A.NUMBER] == "800.1.11.1/1/DSP3A/2026"


def test_numbers_restart_each_year(tmp_path) -> None:
    settings = Settings()
    ctx = Context.from_settings(settings)
    backend = LocalBackend(tmp_path)
    backend.create([response_row(story="a"), response_row(story="b", victim_name="Melati")], settings)
    run_cycle(backend.store(), ctx, NOW, backend.writer())
    for case in ("SAPA-2026-0001", "SAPA-2026-0002"):
        for step in [FORWARD, IDENTIFY]:
            act(backend, settings, case, step)
            run_cycle(backend.store(), ctx, NOW, backend.writer())
    act(backend, settings, "SAPA-2026-0001", VERIFY)
    run_cycle(backend.store(), ctx, datetime(2026, 12, 31, 12, tzinfo=UTC), backend.writer())
    act(backend, settings, "SAPA-2026-0002", VERIFY)
    run_cycle(backend.store(), ctx, datetime(2027, 1, 1, 2, tzinfo=UTC), backend.writer())
    numbers = {k: v[A.NUMBER] for k, v in agenda(backend, settings).items()}
    assert numbers == {"SAPA-2026-0001-ST": "800.1.11.1/1/DSP3A/2026", "SAPA-2026-0002-ST": "800.1.11.1/1/DSP3A/2027"}


def test_a_status_staff_picked_before_the_capitals_is_kept_as_it_is(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    walk_to(backend, settings, cycle, "SAPA-2026-0001", [FORWARD, IDENTIFY, VERIFY])
    backend.type_into(settings.letters.register_tab, A.ID, "SAPA-2026-0001-ST", A.STATUS, "ditandatangani")
    assert not cycle().plan  # the worker reads no status: an old spelling changes nothing
    act(backend, settings, "SAPA-2026-0001", ASSIGN)
    cycle()  # the letter is drafted again; its status stays the office's
    assert agenda(backend, settings)["SAPA-2026-0001-ST"][A.STATUS] == "ditandatangani"
