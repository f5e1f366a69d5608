"""What staff do to the responses tab's rows and columns, on both backends: its header row sorted
into the data or deleted, a column deleted, the tab renamed. Nothing phantom is made of it, no case
is restarted or flagged as edited by its reporter, and staff are told what to put right.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from config.settings import Settings
from sync.commands.selftest.office import Backend, response_row
from sync.commands.status import status
from sync.cycle.context import Context
from sync.cycle.form_structure import CODE
from sync.cycle.tabs import I, L, R
from sync.stores.responses import FINGERPRINT_PREFIX, previous_fingerprint
from sync.stores.store import MarkResponse
from sync.stores.workspace import GUIDE_TAB
from tests.conftest import NOW

MARKER = "ID Kasus SAPA"
TAB = "Respons Formulir 1"


def records(backend: Backend, tab: str) -> list[dict[str, object]]:
    rows = backend.tab(tab)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def report(backend: Backend, ctx: Context) -> dict[str, object]:
    return status(backend.store().read([t.name for t in ctx.tabs.all]), ctx, ctx.local_time(NOW))


def structure_rows(backend: Backend, settings: Settings) -> list[str]:
    return [str(r.get(L.DETAIL) or "") for r in records(backend, settings.tabs.log) if r.get(L.CODE) == CODE]


def three_cases(backend: Backend, settings: Settings, cycle) -> None:  # type: ignore[no-untyped-def]
    backend.create([
        response_row(timestamp=datetime(2026, 11, 28, 8, 0), in_danger="Ya", story="Korban dipukul ayahnya."),
        response_row(timestamp=datetime(2026, 11, 28, 8, 30), in_danger="Tidak", story="Korban dihina."),
        response_row(timestamp=datetime(2026, 11, 28, 9, 0), in_danger="Tidak", story="Korban diancam."),
    ], settings)
    cycle()


def staff_tabs(backend: Backend, settings: Settings) -> dict[str, list[list[object]]]:
    """Every worker tab but the log and the guide (its heartbeat), as staff see it."""
    return {t: backend.tab(t) for t in backend.tabs()
            if t not in (settings.tabs.log, GUIDE_TAB) and not t.startswith("Respons")}


def assert_nothing_made_of_the_tab(result, backend: Backend, settings: Settings, ctx: Context,  # type: ignore[no-untyped-def]
                                   before: dict[str, list[list[object]]]) -> None:
    assert staff_tabs(backend, settings) == before, "deadlines, risks and the recap stay as they were"
    assert result.count("case_created") == result.count("to_review") == 0
    assert result.count("response_missing") == 0
    assert not [op for op in result.plan.operations if isinstance(op, MarkResponse)]
    register = {str(r[R.ID]): r for r in records(backend, settings.tabs.case_register)}
    assert sorted(register) == ["SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"]
    assert not any(r.get(R.NOTE) for r in register.values())
    assert records(backend, settings.tabs.review) == []
    said = [m for m in report(backend, ctx)["messages"] if TAB in m]  # type: ignore[union-attr]
    assert len(said) == 1 and "baris 1 bukan baris judul" in said[0], said
    logged = structure_rows(backend, settings)
    assert len(logged) == 1 and "baris 1 bukan baris judul" in logged[0]


def assert_as_before_once_restored(backend: Backend, settings: Settings, cycle) -> None:  # type: ignore[no-untyped-def]
    result = cycle(NOW + timedelta(minutes=10))
    assert result.count("case_created") == result.count("to_review") == result.count("response_edited") == 0
    assert [r[MARKER] for r in records(backend, TAB)] == ["SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"]
    assert list(backend.tab(TAB)[0]).count(MARKER) == 1
    assert records(backend, settings.tabs.review) == []
    assert structure_rows(backend, settings)[-1] == "", "the log says the structure is settled again"
    assert not cycle(NOW + timedelta(minutes=15)).plan


def test_a_deleted_header_row_makes_no_phantom_case_and_is_said_once(backend, settings, ctx, cycle) -> None:
    three_cases(backend, settings, cycle)
    header = list(backend.tab(TAB, raw=True)[0])
    before = staff_tabs(backend, settings)
    backend.delete_sheet_row(TAB, 1)  # the first response is row 1 now
    result = cycle(NOW + timedelta(minutes=5))

    assert_nothing_made_of_the_tab(result, backend, settings, ctx, before)
    assert not cycle(NOW + timedelta(minutes=6)).plan, "said once, nothing written again"

    backend.insert_row(TAB, 1, header)
    assert_as_before_once_restored(backend, settings, cycle)


def test_a_tab_sorted_with_its_header_row_inside_is_not_read(backend, settings, ctx, cycle) -> None:
    three_cases(backend, settings, cycle)
    table = backend.tab(TAB, raw=True)
    header, first = list(table[0]), list(table[1])
    before = staff_tabs(backend, settings)
    for column in range(len(header)):  # the header row sorted below the first response
        backend.set_cell(TAB, 1, column, first[column] if column < len(first) else None)
        backend.set_cell(TAB, 2, column, header[column])
    result = cycle(NOW + timedelta(minutes=5))

    assert_nothing_made_of_the_tab(result, backend, settings, ctx, before)

    for column in range(len(header)):
        backend.set_cell(TAB, 1, column, header[column])
        backend.set_cell(TAB, 2, column, first[column] if column < len(first) else None)
    assert_as_before_once_restored(backend, settings, cycle)


@pytest.mark.parametrize("new", ["Respons Formulir 2", "Respons Formulir 1"])  # the old tab's name is free again
def test_an_old_responses_tab_renamed_when_the_form_is_linked_again_keeps_its_cases(
    backend, settings, ctx, cycle, new
) -> None:
    """Text timestamps (typed by hand, or an import) in the old tab, date cells in Google's copies."""
    backend.create([
        response_row(timestamp="28/11/2026 08.00.00", in_danger="Ya", story="Korban dipukul ayahnya."),
        response_row(timestamp="28/11/2026 08.30.00", in_danger="Tidak", story="Korban dihina."),
    ], settings)
    cycle()
    old = backend.tab(TAB)
    marker = list(old[0]).index(MARKER)
    copied = [[v for i, v in enumerate(row) if i != marker] for row in old]
    for row in copied[1:]:
        row[0] = datetime.strptime(str(row[0]), "%d/%m/%Y %H.%M.%S")  # Google writes its copies as dates
    backend.rename_tab(TAB, "Respons Formulir 1 (arsip)")
    backend.add_tab(new, copied)
    backend.set_cell(new, 4, 0, datetime(2026, 11, 29, 7, 0))
    story = list(copied[0]).index(settings.form.questions["story"])
    backend.set_cell(new, 4, story, "Korban dikurung.")
    result = cycle(NOW + timedelta(days=1))

    assert result.count("case_created") == 1 and result.count("to_review") == 0
    assert result.count("response_missing") == 0
    assert [r[MARKER] for r in records(backend, new)][-1] == "SAPA-2026-0003"
    figures = report(backend, ctx)
    assert figures["response_tabs"] == ["Respons Formulir 1 (arsip)", new]
    assert (figures["responses"], figures["cases"], figures["unprocessed"]) == (3, 3, 0)
    assert not cycle(NOW + timedelta(days=1, minutes=5)).plan


@pytest.mark.parametrize("dead", ["Pertanyaan lama", "incident_place"])  # a question no field claims, and one
def test_a_deleted_column_is_no_reporter_s_edit(backend, settings, ctx, cycle, dead) -> None:
    backend.create([response_row(timestamp=datetime(2026, 11, 28, 8, 0), incident_place="Rumah"),
                    response_row(timestamp=datetime(2026, 11, 28, 8, 30), incident_place="Sekolah")], settings)
    title = settings.form.questions.get(dead, dead)
    if title not in backend.tab(TAB)[0]:
        backend.insert_column(TAB, 3, title)
        backend.set_cell(TAB, 2, 3, "Jawaban lama 1")
        backend.set_cell(TAB, 3, 3, "Jawaban lama 2")
    cycle()
    warnings_before = {str(r[R.ID]): r.get(R.WARNINGS) for r in records(backend, settings.tabs.case_register)}
    notes_before = {str(r[I.ID]): r.get(I.WARNINGS) for r in records(backend, settings.tabs.intake)}
    backend.delete_column(TAB, list(backend.tab(TAB)[0]).index(title))
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("response_edited") == 0
    register = {str(r[R.ID]): r for r in records(backend, settings.tabs.case_register)}
    assert not any(r.get(R.EDITED) for r in register.values())
    assert {i: r.get(R.WARNINGS) for i, r in register.items()} == warnings_before
    assert {str(r[I.ID]): r.get(I.WARNINGS) for r in records(backend, settings.tabs.intake)} == notes_before
    said = [r for r in records(backend, settings.tabs.log) if r.get(L.CODE) == "answers_removed"]
    assert len(said) == 1 and "2 kasus" in str(said[0][L.DETAIL]) and "bukan diubah pelapor" in str(said[0][L.DETAIL])
    assert any("lost answers" in p for p in result.problems)

    edited = cycle(NOW + timedelta(minutes=10))  # the reporter edits a response afterwards: that is an edit
    assert not edited.plan
    backend.set_cell(TAB, 2, 0, datetime(2026, 11, 28, 11, 0))
    assert cycle(NOW + timedelta(minutes=15)).count("response_edited") == 1


def test_cases_recorded_by_the_previous_worker_are_not_flagged_as_edited(backend, settings, cycle) -> None:
    backend.create([response_row(story="a"), response_row(story="b")], settings)
    cycle()
    table = backend.tab(TAB, raw=True)
    headers = [str(h or "") for h in table[0]]
    for row in table[1:]:
        backend.type_into(settings.tabs.case_register, "ID Kasus", str(row[headers.index(MARKER)]), R.FINGERPRINT,
                          previous_fingerprint(headers, row, MARKER))
    result = cycle(NOW + timedelta(minutes=5))

    assert result.count("response_edited") == 0
    register = records(backend, settings.tabs.case_register)
    assert all(str(r[R.FINGERPRINT]).startswith(FINGERPRINT_PREFIX) and not r.get(R.EDITED) for r in register)
