"""The 'Rekap Bulanan' tab end to end, on both backends: it reconciles with the register, is written
only when a figure changes, and keeps its charts (Google: placed once; local: drawn again at each save)."""

from __future__ import annotations

import random
import zipfile
from collections import Counter
from datetime import datetime, timedelta

from config.settings import Settings
from rules.recap import UNKNOWN
from rules.recap_table import KEY, MONTHS, YEAR
from sync.commands import demo
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend, response_row
from sync.cycle.context import Context
from sync.cycle.tabs import DISMISS, I, R
from tests.conftest import NOW

RECAP = "Rekap Bulanan"
SINGLE = ("tempat_kejadian", "usia_korban", "jenis_kelamin", "anak_dewasa", "disabilitas", "hubungan_pelaku",
          "kecamatan", "saluran", "hasil")


def table(backend: Backend, tab: str) -> list[dict[str, object]]:
    rows = backend.tab(tab)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def recap_cells(backend: Backend) -> dict[str, dict[str, object]]:
    return {str(r[KEY]): r for r in table(backend, RECAP)}


def figure(cell: object) -> int:
    return 0 if cell in (None, "") else int(float(str(cell)))


def received_months(backend: Backend, settings: Settings) -> Counter[int]:
    months: Counter[int] = Counter()
    for row in table(backend, settings.tabs.case_register):
        received = row[R.RECEIVED] or row[R.CREATED]
        assert isinstance(received, datetime), received
        if received.year == 2026:
            months[received.month] += 1
    return months


def assert_reconciles(backend: Backend, settings: Settings) -> None:
    """Each month's cases are the register's cases received that month (WIB); every single-valued
    category sums to them; the year is the sum of the months; review rows are counted apart."""
    cells = recap_cells(backend)
    months = received_months(backend, settings)
    for number, month in enumerate(MONTHS, start=1):
        assert figure(cells["kasus"][month]) == months[number], month
        for category in SINGLE:
            total = sum(figure(row[month]) for key, row in cells.items() if key.startswith(f"{category}:"))
            assert total == months[number], (category, month)
        kinds = sum(figure(row[month]) for key, row in cells.items() if key.startswith("jenis_kekerasan:"))
        assert kinds >= months[number]
    assert figure(cells["kasus"][YEAR]) == sum(months.values())
    reviews = table(backend, settings.tabs.review)
    assert figure(cells["tinjauan"][YEAR]) == len(reviews)


def test_the_recap_reconciles_with_the_register_on_the_demo(backend: Backend, settings, cycle) -> None:  # type: ignore[no-untyped-def]
    backend.create(demo.sample_rows(), settings)
    cycle()
    assert RECAP in backend.tabs()
    assert_reconciles(backend, settings)
    cells = recap_cells(backend)
    assert figure(cells["kasus"]["Nov"]) == 37 and figure(cells["tinjauan"]["Nov"]) == 3
    assert figure(cells["hasil:Masih berjalan"]["Nov"]) == 37


def test_the_recap_reconciles_with_a_generated_year_of_cases(backend: Backend, settings, cycle) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(13)
    places = ["Rumah tangga", "Sekolah", "Media sosial/daring", "Kebun", "", None]
    rows = []
    for i in range(60):
        moment = datetime(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 331 * 24 * 60))
        rows.append(response_row(
            timestamp=moment, story=f"cerita rahasia {i}", victim_name=f"Melati {i}",
            victim_age=rng.choice(["4", "15", "30", "tujuh belas", "", "70"]),
            victim_sex=rng.choice(["Perempuan", "Laki-laki", "", "P"]),
            kecamatan=rng.choice(["Singkawang Barat", "Singkawang Timur", "Pontianak", ""]),
            incident_place=rng.choice(places), perpetrator_relation=rng.choice(["Guru", "Paman", None]),
            violence_types=rng.choice(["Fisik", "Fisik, Seksual", "Penelantaran", ""]),
            victim_disability=rng.choice(["Ya", "Tidak", "Tidak tahu", None]),
        ))
    rows.append(response_row(timestamp=datetime(2026, 1, 31, 23, 59), story="akhir Januari"))  # WIB: January
    rows.append(response_row(timestamp=datetime(2026, 2, 1, 0, 0), story="awal Februari"))
    backend.create(rows, settings)
    cycle()
    assert_reconciles(backend, settings)
    cells = recap_cells(backend)
    assert figure(cells[f"kecamatan:{UNKNOWN}"][YEAR]) > 0  # "Pontianak" and blanks
    assert "'Kebun'" in str(cells["peringatan"]["Keterangan"]) and "'Paman'" in str(cells["peringatan"]["Keterangan"])
    for row in cells.values():  # counts only: nothing a reporter wrote about a person
        assert not any("Melati" in str(v) or "rahasia" in str(v) or "Jl. " in str(v) for v in row.values())


def test_the_recap_is_written_only_when_a_figure_changes(backend: Backend, settings, ctx: Context, cycle) -> None:  # type: ignore[no-untyped-def]
    backend.create([response_row(story="a"), response_row(story="b", timestamp=datetime(2026, 11, 27, 8))], settings)
    cycle()
    assert not cycle().plan  # idle: nothing written, the recap included
    assert not cycle(NOW + timedelta(minutes=5)).plan
    backend.type_into(ctx.tabs.intake.name, I.ID, "SAPA-2026-0001", I.DECISION, "Teruskan ke Sub Koordinator")
    busy = cycle()
    assert not [op for op in busy.plan.operations if getattr(op, "tab", None) == RECAP]  # no figure changed
    backend.type_into(ctx.tabs.intake.name, I.ID, "SAPA-2026-0002", I.DECISION, "Tolak")
    backend.type_into(ctx.tabs.intake.name, I.ID, "SAPA-2026-0002", "Alasan", "bukan kewenangan")
    changed = cycle()
    written = [op for op in changed.plan.operations if getattr(op, "tab", None) == RECAP]
    assert {getattr(op, "key", None) for op in written} == {"hasil:Ditolak", "hasil:Masih berjalan"}
    assert figure(recap_cells(backend)["hasil:Ditolak"]["Nov"]) == 1
    assert DISMISS  # the review tab's actions are not recap figures


def _local_charts(path) -> list[str]:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as book:
        return sorted(n for n in book.namelist() if n.startswith("xl/charts/chart"))


def test_the_local_workbook_keeps_its_two_charts_across_saves(tmp_path, settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    from sync.cycle.run import run_cycle

    local = LocalBackend(tmp_path)
    local.create([response_row(story="a")], settings)
    run_cycle(local.store(), ctx, NOW, local.writer())
    assert len(_local_charts(local.path)) == 2
    local.type_into(ctx.tabs.intake.name, I.ID, "SAPA-2026-0001", I.DECISION, "Teruskan ke Sub Koordinator")
    assert run_cycle(local.store(), ctx, NOW, local.writer()).plan  # a save of the whole workbook
    assert len(_local_charts(local.path)) == 2  # drawn again, not dropped, not doubled
    with zipfile.ZipFile(local.path) as book:
        chart = book.read(_local_charts(local.path)[0]).decode()
    assert "Rekap Bulanan" in chart and "stacked" in chart


def test_google_places_the_charts_once_in_the_one_batch(tmp_path, settings, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    from sync.cycle.run import run_cycle

    google = GoogleBackend(tmp_path)
    google.create([response_row(story="a")], settings)
    run_cycle(google.store(), ctx, NOW, google.writer())
    batches = [e.request for e in google.double.log if e.method_id == "sheets.spreadsheets.batchUpdate"]
    assert len(batches) == 1 and repr(batches[0]).count("addChart") == 2
    sheet = google.double.spreadsheets[google.spreadsheet_id].by_title(RECAP)
    assert sheet is not None and len(sheet.charts) == 2
    stacked = sheet.charts[0]["spec"]["basicChart"]
    assert stacked["stackedType"] == "STACKED" and len(stacked["series"]) == 8
    google.type_into(ctx.tabs.intake.name, I.ID, "SAPA-2026-0001", I.DECISION, "Teruskan ke Sub Koordinator")
    before = len(google.double.log)
    assert run_cycle(google.store(), ctx, NOW, google.writer()).plan
    later = [e for e in google.double.log[before:] if e.method_id == "sheets.spreadsheets.batchUpdate"]
    assert len(later) == 1 and "Chart" not in repr(later[0].request)  # no request beyond the one batch
    assert len(sheet.charts) == 2 or len(google.double.spreadsheets[google.spreadsheet_id].by_title(RECAP).charts) == 2
