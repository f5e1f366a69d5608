"""Reworded answer options, on both backends (issue 23, point 1): a reworded option keeps its
case's risk; one the worker cannot recognise is unknown, never absent, and the office is told
what to add where (status, the log tab once, the program log, the recap) until it does.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from config.settings import Settings
from rules.recap_table import KEY
from sync.commands.report import month_report
from sync.commands.selftest.office import Backend, response_row
from sync.commands.status import status
from sync.cycle.context import Context
from sync.cycle.form_structure import CODE, SETTLED
from sync.cycle.run import run_cycle
from sync.cycle.tabs import I, L, R
from tests.conftest import NOW

UNKNOWN = "Kekerasan berbasis gender online"
OWN_WORDS = "Dikurung oleh pamannya"


def records(backend: Backend, tab: str) -> list[dict[str, object]]:
    rows = backend.tab(tab)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def by_id(backend: Backend, tab: str) -> dict[str, dict[str, object]]:
    return {str(r["ID Kasus"]): r for r in records(backend, tab)}


def said(backend: Backend, settings: Settings) -> list[str]:
    rows = records(backend, settings.tabs.log)
    return [str(r.get(L.DETAIL) or r.get(L.ACTION)) for r in rows if r.get(L.CODE) == CODE]


def messages(backend: Backend, ctx: Context) -> list[str]:
    found = status(backend.store().read([t.name for t in ctx.tabs.all]), ctx, ctx.local_time(NOW))["messages"]
    assert isinstance(found, list)
    return found


def reworded(backend: Backend, settings: Settings) -> None:
    at = datetime(2026, 11, 28, 8, 0)
    backend.create([
        response_row(timestamp=at, violence_types="Perdagangan Orang - TPPO", victim_age="25",
                     reporter_phone="0812-1111-0001", victim_name="A"),
        response_row(timestamp=at + timedelta(minutes=5), violence_types="Kekerasan seksual", victim_age="10",
                     reporter_phone="0812-1111-0002", victim_name="B"),
        response_row(timestamp=at + timedelta(minutes=10), violence_types=UNKNOWN, victim_age="30",
                     reporter_phone="0812-1111-0003", victim_name="C"),
        response_row(timestamp=at + timedelta(minutes=15), violence_types=UNKNOWN, victim_age="31",
                     reporter_phone="0812-1111-0004", victim_name="D"),  # a form's option: more than one gives it
    ], settings)


def test_reworded_options_keep_the_risk_and_an_unknown_one_is_said_until_mapped(
    backend, settings, ctx, cycle  # type: ignore[no-untyped-def]
) -> None:
    reworded(backend, settings)
    result = cycle()

    register = by_id(backend, settings.tabs.case_register)
    assert register["SAPA-2026-0001"][R.RISK] == "DARURAT"  # trafficking: not Rendah
    assert register["SAPA-2026-0002"][R.RISK] == "DARURAT"  # sexual violence against a 10-year-old: not Sedang
    unknown = by_id(backend, settings.tabs.intake)["SAPA-2026-0003"]
    assert unknown[I.RISK] == "Sedang" and f"Jenis kekerasan tidak dikenal: '{UNKNOWN}'" in str(unknown[I.RISK_REASONS])

    shown = messages(backend, ctx)
    named = [m for m in shown if UNKNOWN in m]
    assert len(named) == 1 and "form.choices.violence_types" in named[0] and "SAPA-2026-0003" in named[0]
    assert "minimal Sedang" in named[0]
    assert any("dibaca sebagai pilihan 'Seksual' (mirip)" in m and "SAPA-2026-0002" in m for m in shown)
    assert any(UNKNOWN in m for m in said(backend, settings))
    assert any("read as option 'seksual'" in p and "SAPA-2026-0002" in p and "Kekerasan seksual" not in p
               for p in result.problems), "the program log does not quote an answer one reporter gave"
    peringatan = next(r for r in records(backend, settings.recap.tab) if r[KEY] == "peringatan")
    assert any(UNKNOWN in str(v) and "form.choices.violence_types" in str(v) for v in peringatan.values())
    report = month_report(backend.store(), ctx, ctx.local_time(NOW), "2026-11")
    assert any(UNKNOWN in w and "form.choices.violence_types" in w for w in report.recap.warnings)

    logged = len(said(backend, settings))
    cycle(NOW + timedelta(minutes=5))
    assert len(said(backend, settings)) == logged, "said once, not every cycle"

    mapped = Settings.model_validate({"form": {"choices": {"violence_types": {
        **settings.form.choices.violence_types, "seksual": ["Seksual", "Kekerasan seksual"],
        "psikis": ["Psikis", UNKNOWN]}}}})
    now_mapped = Context.from_settings(mapped)
    run_cycle(backend.store(), now_mapped, NOW + timedelta(minutes=10), backend.writer())
    assert messages(backend, now_mapped) == []
    assert said(backend, settings)[-1] == SETTLED
    after = by_id(backend, settings.tabs.intake)["SAPA-2026-0003"]
    assert "tidak dikenal" not in str(after[I.RISK_REASONS])
    assert by_id(backend, settings.tabs.case_register)["SAPA-2026-0002"][R.RISK] == "DARURAT"


def test_an_answer_one_reporter_gave_is_not_quoted_in_the_log_tab_status_or_program_log(
    backend, settings, ctx, cycle  # type: ignore[no-untyped-def]
) -> None:
    """It may be their own words (the form's "Lainnya" box): the case's own note quotes it, beside the case."""
    backend.create([response_row(violence_types=f"{OWN_WORDS}, Fisik")], settings)
    result = cycle()

    shown = messages(backend, ctx)
    assert any("satu jawaban bukan pilihan" in m and "SAPA-2026-0001" in m for m in shown)
    assert not any(OWN_WORDS in m for m in [*shown, *said(backend, settings), *result.problems])
    assert OWN_WORDS in str(by_id(backend, settings.tabs.intake)["SAPA-2026-0001"][I.WARNINGS])
