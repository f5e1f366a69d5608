"""The intake cycle end to end; the contract suite every backend runs."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from config.settings import Settings
from rules.errors import StructureError
from sync.commands import demo
from sync.commands.selftest.office import Backend, response_row
from sync.commands.status import status
from sync.cycle.context import Context
from sync.cycle.tabs import DISMISS, RELEASE, I, L, R, V
from tests.conftest import NOW

MARKER = "ID Kasus SAPA"


def records(backend: Backend, tab: str) -> list[dict[str, object]]:
    rows = backend.tab(tab)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def markers(backend: Backend) -> list[object]:
    return [r.get(MARKER) for r in records(backend, "Respons Formulir 1")]


def current_status(backend: Backend, ctx: Context, now: datetime = NOW) -> dict[str, object]:
    return status(backend.store().read([t.name for t in ctx.tabs.all]), ctx, ctx.local_time(now))


def test_every_response_becomes_a_case_or_a_review_row(backend, settings, ctx, cycle) -> None:
    backend.create(demo.sample_rows(), settings)
    cycle()
    report = current_status(backend, ctx)
    assert report["responses"] == 40
    assert report["cases"] + report["review"] == report["responses"]
    assert report["unprocessed"] == 0
    assert report["review"] == 3  # nothing to act on, a double submission, a test
    assert report["by_state"] == {"intake": report["cases"]}
    ids = markers(backend)
    assert len(set(ids)) == len(ids) == 40
    cases = sorted(i for i in ids if str(i).startswith("SAPA-"))
    assert cases == [f"SAPA-2026-{n:04d}" for n in range(1, 38)]  # no gaps
    reasons = {r[V.REASON] for r in records(backend, settings.tabs.review)}
    assert any("kosong" in str(r) for r in reasons)
    assert any("Kiriman ganda" in str(r) for r in reasons)
    assert any("uji coba" in str(r) for r in reasons)


def test_ids_follow_the_time_of_the_complaint_and_the_year_in_wib(backend, settings, cycle) -> None:
    rows = [
        response_row(timestamp=datetime(2026, 12, 31, 23, 59), story="b"),
        response_row(timestamp=datetime(2027, 1, 1, 0, 5), story="c"),
        response_row(timestamp=datetime(2026, 12, 30, 8, 0), story="a"),
    ]
    backend.create(rows, settings)
    cycle()
    assert markers(backend) == ["SAPA-2026-0002", "SAPA-2027-0001", "SAPA-2026-0001"]


def test_a_second_cycle_changes_nothing(backend, settings, cycle) -> None:
    backend.create(demo.sample_rows(), settings)
    cycle()
    before = {t: backend.tab(t) for t in backend.tabs()}
    again = cycle()
    assert not again.plan, again.plan.operations[:3]
    assert {t: backend.tab(t) for t in backend.tabs()} == before




def test_sorting_the_responses_tab_never_gives_a_response_a_second_id(backend, settings, cycle) -> None:
    backend.create([response_row(story=f"cerita {i}", timestamp=datetime(2026, 11, 1 + i, 8)) for i in range(6)],
                   settings)
    cycle()
    by_story = {r["Ceritakan kejadiannya"]: r[MARKER] for r in records(backend, "Respons Formulir 1")}
    backend.sort_rows("Respons Formulir 1", "Ceritakan kejadiannya", reverse=True)
    result = cycle()
    assert not result.plan
    assert {r["Ceritakan kejadiannya"]: r[MARKER] for r in records(backend, "Respons Formulir 1")} == by_story


def test_a_cleared_id_cell_is_restored_not_given_a_new_id(backend, settings, ctx, cycle) -> None:
    backend.create([response_row(story=f"cerita {i}") for i in range(3)], settings)
    cycle()
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0002", MARKER, None)
    result = cycle()
    assert markers(backend) == ["SAPA-2026-0001", "SAPA-2026-0002", "SAPA-2026-0003"]
    assert [e.code for e in result.events] == ["marker_restored"]
    assert current_status(backend, ctx)["cases"] == 3


def test_an_id_typed_over_another_is_put_right_by_the_answers(backend, settings, cycle) -> None:
    first = response_row(story="asli")
    backend.create([first, response_row(story="lain", timestamp=datetime(2026, 11, 28, 10))], settings)
    cycle()
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0002", MARKER, "SAPA-2026-0001")
    result = cycle()
    assert markers(backend) == ["SAPA-2026-0001", "SAPA-2026-0002"]  # never one ID on two rows
    assert [e.code for e in result.events] == ["marker_restored"]
    assert not cycle().plan


def test_swapped_ids_are_put_back_on_the_right_responses(backend, settings, cycle) -> None:
    backend.create([response_row(story="pertama"), response_row(story="kedua", victim_name="Melati")], settings)
    cycle()
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0001", MARKER, "SAPA-2026-0009")
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0002", MARKER, "SAPA-2026-0001")
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0009", MARKER, "SAPA-2026-0002")
    result = cycle()
    assert markers(backend) == ["SAPA-2026-0001", "SAPA-2026-0002"]
    assert sorted(e.code for e in result.events) == ["marker_restored", "marker_restored"]
    intake = {r[I.ID]: r[I.VICTIM] for r in records(backend, settings.tabs.intake)}
    assert intake == {"SAPA-2026-0001": "Korban Contoh", "SAPA-2026-0002": "Melati"}
    assert not cycle().plan


def test_junk_typed_into_the_id_column_is_replaced(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0001", MARKER, "sudah")
    result = cycle()
    assert markers(backend) == ["SAPA-2026-0001"]
    assert [e.code for e in result.events] == ["marker_restored"]


def test_an_edit_by_the_reporter_after_intake_is_flagged_and_logged(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0001", "Kelurahan", "Melayu")
    result = cycle()
    assert [e.code for e in result.events] == ["response_edited"]
    intake = records(backend, settings.tabs.intake)[0]
    assert intake[I.KELURAHAN] == "Melayu"
    assert str(intake[I.EDITED]).startswith("Ya")
    assert markers(backend) == ["SAPA-2026-0001"]
    assert not cycle().plan  # flagged once, then quiet


def test_admin_releases_a_review_row_into_a_case(backend, settings, ctx, cycle) -> None:
    backend.create([response_row(story="test", victim_name="test", reporter_name="tes",
                                 victim_address=None, kelurahan=None), response_row()], settings)
    cycle()
    assert markers(backend) == ["TINJAU-2026-0001", "SAPA-2026-0001"]
    backend.type_into(settings.tabs.review, V.ID, "TINJAU-2026-0001", V.ACTION, RELEASE)
    result = cycle()
    assert markers(backend) == ["SAPA-2026-0002", "SAPA-2026-0001"]
    review = records(backend, settings.tabs.review)[0]
    assert review[V.STATUS] == "Dirilis menjadi SAPA-2026-0002"
    register = {r[R.ID]: r for r in records(backend, settings.tabs.case_register)}
    assert register["SAPA-2026-0002"][R.SOURCE] == "Dirilis dari TINJAU-2026-0001"
    # the same reporter's phone as SAPA-2026-0001: linked as a probable duplicate, not merged
    assert Counter(e.code for e in result.events) == {"released": 1, "case_created": 1, "duplicate_flagged": 1}
    assert "SAPA-2026-0001" in str(register["SAPA-2026-0002"][R.DUPLICATES])
    log = records(backend, settings.tabs.log)
    assert [r[L.ROLE] for r in log if r[L.CODE] == "released"] == ["Admin"]
    report = current_status(backend, ctx)
    assert (report["cases"], report["review"], report["responses"]) == (2, 0, 2)
    assert not cycle().plan


def test_admin_dismisses_a_review_row_and_it_is_kept(backend, settings, ctx, cycle) -> None:
    backend.create([response_row(victim_name=None, victim_sex=None, victim_age=None, kecamatan=None,
                                 kelurahan=None, victim_address=None, violence_types=None, story=None,
                                 in_danger=None, reporter_phone=None)], settings)
    cycle()
    backend.type_into(settings.tabs.review, V.ID, "TINJAU-2026-0001", V.ACTION, DISMISS)
    result = cycle()
    assert [e.code for e in result.events] == ["dismissed"]
    assert records(backend, settings.tabs.review)[0][V.STATUS] == "Diabaikan oleh Admin"
    report = current_status(backend, ctx)
    assert (report["cases"], report["review"], report["review_pending"]) == (0, 1, 0)
    assert not cycle().plan


def test_a_deleted_intake_row_comes_back_and_staff_columns_are_kept(backend, settings, cycle) -> None:
    backend.create([response_row(story="a"), response_row(story="b")], settings)
    cycle()
    backend.type_into(settings.tabs.intake, I.ID, "SAPA-2026-0002", I.ADMIN_NOTE, "sudah ditelepon")
    backend.delete_row(settings.tabs.intake, I.ID, "SAPA-2026-0001")
    result = cycle()
    assert [e.code for e in result.events] == ["row_restored"]
    intake = {r[I.ID]: r for r in records(backend, settings.tabs.intake)}
    assert set(intake) == {"SAPA-2026-0001", "SAPA-2026-0002"}
    assert intake["SAPA-2026-0002"][I.ADMIN_NOTE] == "sudah ditelepon"


def test_staff_sorting_their_tab_does_not_move_data_between_cases(backend, settings, cycle) -> None:
    backend.create([response_row(story=f"cerita {i}", victim_name=f"K{i}") for i in range(5)], settings)
    cycle()
    backend.type_into(settings.tabs.intake, I.ID, "SAPA-2026-0003", I.ADMIN_NOTE, "catatan 3")
    backend.sort_rows(settings.tabs.intake, I.VICTIM, reverse=True)
    backend.type_into("Respons Formulir 1", MARKER, "SAPA-2026-0003", "Ceritakan kejadiannya", "diubah")
    cycle()
    intake = {r[I.ID]: r for r in records(backend, settings.tabs.intake)}
    assert intake["SAPA-2026-0003"][I.STORY] == "diubah"
    assert intake["SAPA-2026-0003"][I.ADMIN_NOTE] == "catatan 3"
    assert all(intake[f"SAPA-2026-{n:04d}"][I.VICTIM] == f"K{n - 1}" for n in range(1, 6))


def test_a_deleted_response_row_is_reported_not_forgotten(backend, settings, cycle) -> None:
    backend.create([response_row(story="a"), response_row(story="b")], settings)
    cycle()
    backend.delete_row("Respons Formulir 1", MARKER, "SAPA-2026-0001")
    result = cycle()
    assert [e.code for e in result.events] == ["response_missing"]
    register = {r[R.ID]: r for r in records(backend, settings.tabs.case_register)}
    assert "tidak ditemukan" in str(register["SAPA-2026-0001"][R.NOTE])
    assert not cycle().plan
    report = current_status(backend, Context.from_settings(settings))
    assert (report["responses"], report["cases"], report["cases_without_response"]) == (1, 2, 1)
    assert any("SAPA-2026-0001" in m and "tab respons" in m for m in report["messages"])


def test_an_empty_responses_tab_is_a_configuration_error_and_nothing_is_written(backend, settings, cycle) -> None:
    """A form responses tab with no header row (not linked yet, or cleared): one clear error, exit 2, and no
    empty worker tabs made from it (it once ended with exit 0 after 143 writes)."""
    backend.create([response_row()], settings, tab="Catatan lama")  # a tab that is no form's
    backend.add_tab("Respons Formulir 1", [])
    before = backend.tabs()
    with pytest.raises(StructureError, match="'Respons Formulir 1' is empty: it has no header row"):
        cycle()
    assert backend.tabs() == before


def test_no_formula_anywhere_after_an_injection_attempt(backend, settings, cycle) -> None:
    attacks = ["=IMPORTXML(\"http://x.invalid\",\"//a\")", "+SUM(1)", "-1+2", "@A1", "\t=1", "\r=1",
               "=HYPERLINK(\"http://x.invalid\")", "=IMPORTDATA(\"http://x.invalid\")"]
    backend.create([response_row(story=a, victim_name=a, reporter_name=a, kelurahan=a) for a in attacks],
                   settings)
    cycle()
    formulas = [(tab, value) for tab, value, is_formula in backend.cells() if is_formula]
    assert formulas == []
    stories = [r[I.STORY] for r in records(backend, settings.tabs.intake)]
    assert "=IMPORTXML(\"http://x.invalid\",\"//a\")" in stories


def test_the_log_names_no_victim_or_reporter(backend, settings, cycle) -> None:
    rows = demo.sample_rows()
    backend.create(rows, settings)
    cycle()
    log_text = repr(backend.tab(settings.tabs.log))
    for row in rows:
        for field in ("reporter_name", "victim_name", "victim_address", "reporter_phone"):
            value = str(row.get(field) or "")
            if len(value) > 3 and value not in ("coba", "test"):  # the demo's test submission
                assert value not in log_text, field


def test_responses_tab_in_the_english_locale(backend, settings, cycle) -> None:
    english = [response_row(timestamp="11/28/2026 14:03:05", incident_date="11/27/2026")]
    backend.create(english, settings, tab="Form Responses 1")
    cycle()
    intake = records(backend, settings.tabs.intake)[0]
    assert intake[I.RECEIVED] == datetime(2026, 11, 28, 14, 3, 5)  # a date cell on both backends
    assert intake[I.DATE] == datetime(2026, 11, 27)


def test_a_late_response_after_year_end_keeps_its_own_year(backend, settings, cycle) -> None:
    backend.create([response_row(timestamp=datetime(2026, 12, 31, 23, 0))], settings)
    cycle(now=datetime(2027, 1, 1, 2, 0).astimezone())
    assert markers(backend) == ["SAPA-2026-0001"]


def test_an_identical_form_sent_later_than_the_window_is_a_new_case(backend, settings, cycle) -> None:
    row = response_row()
    backend.create([row, row | {"timestamp": row["timestamp"] + timedelta(days=3)}], settings)
    cycle()
    assert markers(backend) == ["SAPA-2026-0001", "SAPA-2026-0002"]


def test_a_custom_id_pattern(backend, cycle, tmp_path) -> None:
    settings = Settings.model_validate({"case_ids": {"pattern": "PPA/{year}/{seq:05d}"}})
    backend.create([response_row()], settings)
    from sync.cycle.run import run_cycle

    run_cycle(backend.store(), Context.from_settings(settings), datetime(2026, 11, 28).astimezone())
    assert markers(backend) == ["PPA/2026/00001"]
