"""Real values in the staff tabs: times are date cells shown the Indonesian way, links are clickable,
and neither makes an idle cycle write. On both backends."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import unquote

from openpyxl import load_workbook

from sync.commands.demo_walk import FORWARD, IDENTIFY, VERIFY
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend, response_row
from sync.cycle.tabs import STEP_DATE, A, I, L, R, V
from sync.stores.cells import GOOGLE_MOMENT, LOCAL_MOMENT, same
from sync.stores.store import Link
from tests.conftest import NOW
from tests.test_cycle import records
from tests.test_letters_cycle import agenda, walk_to
from tests.test_workflow_cycle import register, row

WIB_NOW = NOW.replace(tzinfo=None) + timedelta(hours=7)  # the fixtures' clock in office time
RECEIVED = datetime(2026, 11, 28, 9, 15, 42)


def number_format(backend: Backend, tab: str, header: str, key_header: str, key: str) -> str:
    """How the cell shows its number: openpyxl's number format, or Google's pattern."""
    values = backend.tab(tab)
    column = values[0].index(header)
    number = next(n for n, r in enumerate(values) if r[values[0].index(key_header)] == key)
    if isinstance(backend, LocalBackend):
        return str(load_workbook(backend.path)[tab].cell(row=number + 1, column=column + 1).number_format)
    assert isinstance(backend, GoogleBackend)
    sheet = backend.double.spreadsheets[backend.spreadsheet_id].by_title(tab)
    assert sheet is not None
    fmt = (sheet.get(number, column) or {}).get("userEnteredFormat", {}).get("numberFormat", {})
    return str(fmt.get("pattern", ""))


def test_times_are_date_cells_shown_the_indonesian_way(backend, settings, cycle) -> None:
    backend.create([response_row(timestamp=RECEIVED, story="a", incident_date="27/11/2026"),
                    response_row(timestamp=RECEIVED, story="test", victim_name="test", reporter_name="tes",
                                 victim_address=None, kelurahan=None)], settings)
    cycle()
    walk_to(backend, settings, cycle, "SAPA-2026-0001", [FORWARD])
    case = register(backend, settings)["SAPA-2026-0001"]
    assert case[R.RECEIVED] == RECEIVED
    assert isinstance(case[R.DUE], datetime) and case[R.DUE] > RECEIVED
    assert case[R.CREATED] == case[STEP_DATE["intake"]] == WIB_NOW
    assert case[R.ENTERED] == case[STEP_DATE["identification"]] == WIB_NOW
    intake = row(backend, settings, "admin", "SAPA-2026-0001")
    assert intake[I.RECEIVED] == RECEIVED and intake[I.DUE] == case[R.DUE]
    assert intake[I.DATE] == datetime(2026, 11, 27)  # the incident's date: a date cell too
    log = records(backend, settings.tabs.log)
    assert log and all(r[L.TIME] == WIB_NOW for r in log)
    review = records(backend, settings.tabs.review)
    assert [r[V.RECEIVED] for r in review] == [RECEIVED]
    pattern = LOCAL_MOMENT if backend.name == "local" else GOOGLE_MOMENT
    for tab, header, key_header in ((settings.tabs.case_register, R.DUE, R.ID), (settings.tabs.intake, I.DUE, I.ID)):
        assert number_format(backend, tab, header, key_header, "SAPA-2026-0001") == pattern
    assert not cycle().plan  # date cells read back equal: nothing to write


def test_letter_and_whatsapp_links_are_clickable_and_stay_put(backend, settings, cycle) -> None:
    backend.create([response_row(story="a")], settings)
    cycle()
    walk_to(backend, settings, cycle, "SAPA-2026-0001", [FORWARD, IDENTIFY, VERIFY])
    letter = agenda(backend, settings)["SAPA-2026-0001-ST"]
    shown = str(letter[A.LINK])
    assert unquote(str(backend.link(settings.letters.register_tab, A.ID, "SAPA-2026-0001-ST", A.LINK))) == shown
    assert letter[A.DATE] == datetime(2026, 11, 28) and letter[A.DRAFTED] == WIB_NOW
    for role in ("kabid", "kadis"):
        assert row(backend, settings, role, "SAPA-2026-0001")[I.SURAT_TUGAS] == shown
        assert unquote(str(backend.link(getattr(settings.tabs, role), I.ID, "SAPA-2026-0001", I.SURAT_TUGAS))) == shown
    wa = backend.link(settings.tabs.subkoor, I.ID, "SAPA-2026-0001", I.WA_LINK)
    assert wa is not None and wa.startswith("https://wa.me/62")
    backend.sort_rows(settings.tabs.subkoor, I.RISK, reverse=True)
    assert not cycle(NOW + timedelta(minutes=5)).plan  # links compare by what they show: idle


def test_times_an_older_worker_wrote_as_text_become_date_cells_once(backend, settings, cycle) -> None:
    backend.create([response_row(timestamp=RECEIVED, story="a")], settings)
    cycle()
    backend.type_into(settings.tabs.case_register, R.ID, "SAPA-2026-0001", R.CREATED, "2026-11-28 10:00")
    backend.type_into(settings.tabs.intake, I.ID, "SAPA-2026-0001", I.RECEIVED, "2026-11-28 09:15")
    upgraded = cycle(NOW + timedelta(minutes=1)).plan.operations
    assert len(upgraded) >= 2
    assert register(backend, settings)["SAPA-2026-0001"][R.CREATED] == datetime(2026, 11, 28, 10, 0)
    assert row(backend, settings, "admin", "SAPA-2026-0001")[I.RECEIVED] == RECEIVED
    assert not cycle(NOW + timedelta(minutes=2)).plan


def test_a_cell_compares_by_what_it_shows() -> None:
    moment = datetime(2026, 11, 30, 10, 3, 7)
    assert same(moment, moment) and same(46356.41883102, moment)  # a date cell, local or Google
    assert not same("2026-11-30 10:03:07", moment)  # text written by an older worker: rewritten once
    assert same(datetime(2026, 11, 30, 10, 3, 6, 999_700), moment)  # read back a few microseconds off
    assert same("WhatsApp +62 812", Link("https://wa.me/62812", "WhatsApp +62 812"))
    assert not same("https://wa.me/62812", Link("https://wa.me/62812", "WhatsApp +62 812"))
    assert same(None, None) and not same(moment, None)


def test_no_whatsapp_link_to_a_stranger_nor_to_the_office_itself(backend, settings, cycle) -> None:
    """A letter typed for a digit would make another person's number; the office's own number (a hotline
    call typed in by the Admin) is nobody's WhatsApp and links no cases as duplicates."""
    backend.create([
        response_row(reporter_phone="08l2-3456-7890", victim_name="Ani", kelurahan="Roban"),
        response_row(reporter_phone="0562 639472", victim_name="Budi", kelurahan="Pasiran"),
        response_row(reporter_phone="(0562) 639472", victim_name="Citra", kelurahan="Condong"),
        response_row(reporter_phone="0811-1129-129", victim_name="Dewi", kelurahan="Sedau"),  # SAPA 129's WhatsApp
        response_row(reporter_phone="+62 811 1129 129", victim_name="Eka", kelurahan="Naram"),
    ], settings)
    cycle()
    cases = [f"SAPA-2026-000{n}" for n in range(1, 6)]
    for case in cases:
        walk_to(backend, settings, cycle, case, [FORWARD])
    notes = [str(row(backend, settings, "subkoor", case)[I.WA_NOTE]) for case in cases]
    for case in cases:
        assert backend.link(settings.tabs.subkoor, I.ID, case, I.WA_LINK) is None
    assert "tidak valid" in notes[0] and all("nomor kantor" in n for n in notes[1:])
    assert not register(backend, settings)["SAPA-2026-0005"][R.DUPLICATES]
    assert "huruf di antara angkanya" in str(row(backend, settings, "admin", "SAPA-2026-0001")[I.WARNINGS])
    assert not register(backend, settings)["SAPA-2026-0003"][R.DUPLICATES]
