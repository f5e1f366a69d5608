"""The form's real life, on both backends: questions renamed, added or lost, and the form
linked again to a new responses tab. No complaint lost, blanked, doubled or under-triaged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from config.settings import Settings
from rules.complaint import FIELDS
from sync.commands.selftest.office import Backend, response_row
from sync.commands.status import status
from sync.cycle.context import Context
from sync.cycle.form_structure import CODE
from sync.cycle.tabs import I, L, R
from sync.stores.responses import FINGERPRINT_PREFIX, legacy_fingerprint
from tests.conftest import NOW

MARKER = "ID Kasus SAPA"
TAB = "Respons Formulir 1"
DANGER = "Apakah korban dalam bahaya sekarang?"
DANGER_NOW = "Apakah korban dalam bahaya saat ini? (wajib)"


def records(backend: Backend, tab: str) -> list[dict[str, object]]:
    rows = backend.tab(tab)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def by_id(backend: Backend, tab: str) -> dict[str, dict[str, object]]:
    return {str(r["ID Kasus"]): r for r in records(backend, tab)}


def column(backend: Backend, tab: str, header: str) -> int:
    return list(backend.tab(tab)[0]).index(header)


def submit(backend: Backend, tab: str, **answers: object) -> None:
    """A new response, written by the form under the tab's current columns (a renamed one by position)."""
    headers = list(backend.tab(tab)[0])
    row = len([r for r in backend.tab(tab) if any(v is not None for v in r)]) + 1
    base = response_row(**answers)
    questions = Settings().form.questions
    for position, field in enumerate(FIELDS):
        value = base.get(field)
        if value not in (None, ""):
            at = headers.index(questions[field]) if questions[field] in headers else position
            backend.set_cell(tab, row, at, value)


def report(backend: Backend, ctx: Context) -> dict[str, object]:
    return status(backend.store().read([t.name for t in ctx.tabs.all]), ctx, ctx.local_time(NOW))


def structure_rows(backend: Backend, settings: Settings) -> list[dict[str, object]]:
    return [r for r in records(backend, settings.tabs.log) if r.get(L.CODE) == CODE]


def two_cases(backend: Backend, settings: Settings, cycle) -> None:  # type: ignore[no-untyped-def]
    backend.create([
        response_row(timestamp=datetime(2026, 11, 28, 8, 0), in_danger="Ya", story="Korban dipukul ayahnya."),
        response_row(timestamp=datetime(2026, 11, 28, 8, 30), in_danger="Tidak", story="Korban dihina."),
    ], settings)
    cycle()


def test_a_renamed_question_keeps_cases_and_reads_new_answers(backend, settings, ctx, cycle) -> None:
    two_cases(backend, settings, cycle)
    backend.set_cell(TAB, 1, column(backend, TAB, DANGER), DANGER_NOW)
    submit(backend, TAB, timestamp=datetime(2026, 11, 28, 9, 0), in_danger="Ya", victim_age="30",
           violence_types="Psikis", story="Korban diancam dibunuh malam ini.")
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("response_edited") == 0
    register = by_id(backend, settings.tabs.case_register)
    assert not any(r.get(R.EDITED) for r in register.values())
    admin = by_id(backend, settings.tabs.intake)
    assert admin["SAPA-2026-0001"][I.DANGER] == "Ya" and admin["SAPA-2026-0002"][I.DANGER] == "Tidak"
    assert admin["SAPA-2026-0003"][I.DANGER] == "Ya"
    assert register["SAPA-2026-0003"][R.RISK] == "DARURAT"  # read through the new title, not "unknown"
    assert "Belum diisi" not in str(admin["SAPA-2026-0003"].get(I.WARNINGS) or "")
    said = [str(r[L.DETAIL]) for r in structure_rows(backend, settings)]
    assert len(said) == 1 and DANGER in said[0] and DANGER_NOW in said[0]
    assert any(DANGER_NOW in m for m in report(backend, ctx)["messages"])  # type: ignore[union-attr]

    cycle(NOW + timedelta(minutes=10))
    assert len(structure_rows(backend, settings)) == 1, "said once, not every cycle"


def test_a_question_whose_column_cannot_be_found_blanks_nothing_and_lowers_no_risk(
    backend, settings, ctx, cycle
) -> None:
    two_cases(backend, settings, cycle)
    before = by_id(backend, settings.tabs.intake)
    # Renamed beyond recognition, and a new question beside it: neither title nor position can tell.
    backend.set_cell(TAB, 1, column(backend, TAB, DANGER), "Situasi saat ini")
    backend.insert_column(TAB, column(backend, TAB, "Situasi saat ini") + 1, "Keterangan tambahan")
    submit(backend, TAB, timestamp=datetime(2026, 11, 28, 9, 0), victim_age="30", violence_types="Psikis",
           story="Korban diancam.")
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("response_edited") == 0
    after = by_id(backend, settings.tabs.intake)
    for case_id in ("SAPA-2026-0001", "SAPA-2026-0002"):
        assert after[case_id][I.DANGER] == before[case_id][I.DANGER]
        assert after[case_id][I.RISK] == before[case_id][I.RISK]
    assert by_id(backend, settings.tabs.case_register)["SAPA-2026-0001"][R.RISK] == "DARURAT"
    new = after["SAPA-2026-0003"]  # its danger answer cannot be read: unknown, never "no"
    assert new[I.RISK] != "Rendah" and "tidak diketahui" in str(new[I.RISK_REASONS]).lower()
    assert "tidak ditemukan" in str(new[I.WARNINGS]) and "Belum diisi" not in str(new[I.WARNINGS])
    messages = report(backend, ctx)["messages"]
    assert any("tidak ditemukan" in m and DANGER in m for m in messages)  # type: ignore[union-attr]


def test_a_new_question_reaches_the_admin_and_is_named(backend, settings, ctx, cycle) -> None:
    two_cases(backend, settings, cycle)
    question = "Apakah pelaku tinggal serumah?"
    backend.insert_column(TAB, column(backend, TAB, MARKER), question)  # Google puts it after the form's columns
    submit(backend, TAB, timestamp=datetime(2026, 11, 28, 9, 0), story="Korban ditampar.")
    backend.set_cell(TAB, 4, column(backend, TAB, question), "Ya, masih serumah")
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("response_edited") == 0
    ids = [r[MARKER] for r in records(backend, TAB)]
    assert ids == ["SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"]
    admin = by_id(backend, settings.tabs.intake)
    assert admin["SAPA-2026-0003"][I.OTHER] == f"{question}: Ya, masih serumah"
    assert not admin["SAPA-2026-0001"].get(I.OTHER)
    assert any(question in m for m in report(backend, ctx)["messages"])  # type: ignore[union-attr]
    assert any(question in str(r[L.DETAIL]) for r in structure_rows(backend, settings))

    listed = Settings.model_validate({"form": {"extra_questions": [question]}})
    known = report(backend, Context.from_settings(listed))["messages"]
    assert not any(question in m for m in known)  # type: ignore[union-attr]


def test_a_form_linked_again_is_read_in_its_new_tab_without_doubling_a_case(backend, settings, ctx, cycle) -> None:
    two_cases(backend, settings, cycle)
    old = backend.tab(TAB)
    marker = list(old[0]).index(MARKER)
    # Google writes every response the form holds into the new tab, then the new ones.
    copied = [[v for i, v in enumerate(row) if i != marker] for row in old]
    backend.add_tab("Respons Formulir 2", copied)
    submit(backend, "Respons Formulir 2", timestamp=datetime(2026, 11, 29, 7, 0), story="Korban dikurung.")
    phone = list(old[0]).index(settings.form.questions["reporter_phone"])
    backend.set_cell(TAB, 3, phone, "0813-9999-0000")  # staff corrected the old row: its copy differs there
    result = cycle(NOW + timedelta(days=1))

    assert result.count("case_created") == 1 and result.count("to_review") == 0
    new_tab = records(backend, "Respons Formulir 2")
    assert [r[MARKER] for r in new_tab] == ["SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"]
    assert [r[MARKER] for r in records(backend, TAB)] == ["SAPA-2026-0001", "SAPA-2026-0002"]
    figures = report(backend, ctx)
    assert figures["responses"] == 3 and figures["cases"] == 3 and figures["unprocessed"] == 0
    assert figures["response_tabs"] == [TAB, "Respons Formulir 2"]
    assert any("Respons Formulir 2" in m for m in figures["messages"])  # type: ignore[union-attr]

    again = cycle(NOW + timedelta(days=1))
    assert again.count("case_created") == 0 and not again.plan.operations


def test_cases_recorded_by_an_older_worker_are_not_flagged_as_edited(backend, settings, ctx, cycle) -> None:
    two_cases(backend, settings, cycle)
    table = backend.tab(TAB, raw=True)  # the cells as the older worker hashed them
    headers = [str(h or "") for h in table[0]]
    for row in table[1:]:
        case_id = str(row[headers.index(MARKER)])
        backend.type_into(settings.tabs.case_register, "ID Kasus", case_id, R.FINGERPRINT,
                          legacy_fingerprint(headers, row, MARKER))
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("response_edited") == 0
    register = by_id(backend, settings.tabs.case_register)
    assert all(str(r[R.FINGERPRINT]).startswith(FINGERPRINT_PREFIX) and not r.get(R.EDITED) for r in register.values())


def test_an_older_worker_s_case_is_found_by_its_answers_when_its_marker_is_lost(backend, settings, cycle) -> None:
    """The register holds the fingerprints an older worker recorded and a response's ID cell is
    cleared: its answers still name its case; the ID is written back, no second case is made."""
    two_cases(backend, settings, cycle)
    table = backend.tab(TAB, raw=True)
    headers = [str(h or "") for h in table[0]]
    for row in table[1:]:
        case_id = str(row[headers.index(MARKER)])
        backend.type_into(settings.tabs.case_register, "ID Kasus", case_id, R.FINGERPRINT,
                          legacy_fingerprint(headers, row, MARKER))
    backend.set_cell(TAB, 2, column(backend, TAB, MARKER), "")
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("case_created") == 0 and result.count("marker_restored") == 1
    assert [r[MARKER] for r in records(backend, TAB)] == ["SAPA-2026-0001", "SAPA-2026-0002"]


def test_an_older_workbook_s_countdown_column_is_cleared_once_never_left_frozen(backend, settings, cycle) -> None:
    two_cases(backend, settings, cycle)
    admin = settings.tabs.intake
    backend.insert_column(admin, 1, "Sisa Waktu")  # as an older worker left it
    for row in (2, 3):
        backend.set_cell(admin, row, 1, "sisa 3 jam 10 menit")
    cycle(NOW + timedelta(minutes=5))
    assert [r.get("Sisa Waktu") for r in records(backend, admin)] == [None, None]
    assert not cycle(NOW + timedelta(minutes=5)).plan.operations
