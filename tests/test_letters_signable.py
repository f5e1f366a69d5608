"""Letters an official signs without correcting (issue 25, points 4 and 5), on both backends where the
cycle drafts them: the agenda's date is the letter's date, even after a redraft on a later day."""

from __future__ import annotations

from datetime import datetime, timedelta

from rules.dates_id import long_date
from sync.commands.demo_walk import ASSIGN, FORWARD, IDENTIFY, VERIFY
from sync.commands.selftest.office import response_row
from tests.conftest import NOW
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
