"""The spreadsheet's own time zone over the double: Google writes a form's timestamps in it, so a spreadsheet
in another zone than `timezone` (Asia/Jakarta) has its timestamps read in its zone and converted, and the
difference is said to the staff (log tab once, `status`), the operator (program log, `doctor`), with the fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from rules.complaint import FIELDS
from sync.commands.doctor import diagnose
from sync.commands.selftest.office import GoogleBackend, response_row
from sync.commands.status import status
from sync.cycle import sheet_zone
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import L, R
from sync.stores import cells
from tests.test_cycle import markers, records

NEW_YEAR = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB on 1 January
LATE = datetime(2026, 12, 31, 23, 30)  # as the form wrote it, in the spreadsheet's zone


def office(tmp_path: Path, zone: str) -> GoogleBackend:
    """A form spreadsheet whose time zone (File → Settings) is `zone`, with one response stamped LATE."""
    google = GoogleBackend(tmp_path)
    google.create([response_row(timestamp=LATE, victim_name="Korban Malam")], Settings())
    set_zone(google, zone)
    return google


def set_zone(google: GoogleBackend, zone: str) -> None:
    google.double._staff_batch(google.spreadsheet_id, [{"updateSpreadsheetProperties": {
        "properties": {"timeZone": zone}, "fields": "timeZone"}}])


@pytest.fixture
def ctx() -> Context:
    return Context.from_settings(Settings())


def received(google: GoogleBackend, ctx: Context) -> datetime:
    found = cells.moment(records(google, ctx.tabs.register.name)[0][R.RECEIVED])
    assert isinstance(found, datetime)
    return found


def zone_rows(google: GoogleBackend, ctx: Context) -> list[str]:
    return [str(r[L.DETAIL]) for r in records(google, ctx.tabs.log.name) if "Zona waktu" in str(r.get(L.DETAIL))]


def test_a_response_stamped_late_on_new_years_eve_in_utc_is_a_next_year_case_in_wib(tmp_path: Path,
                                                                                     ctx: Context) -> None:
    google = office(tmp_path, "UTC")
    result = run_cycle(google.store(), ctx, NEW_YEAR)
    assert markers(google) == ["SAPA-2027-0001"]  # 23:30 UTC is 06:30 WIB on 1 January
    assert received(google, ctx) == datetime(2027, 1, 1, 6, 30)
    due = cells.moment(records(google, ctx.tabs.register.name)[0][R.DUE])
    assert isinstance(due, datetime) and due > datetime(2027, 1, 1, 6, 30)  # the clock runs from 06:30 WIB
    assert any("'UTC'" in p and "Asia/Jakarta" in p and "File → Settings" in p for p in result.problems)
    assert len(zone_rows(google, ctx)) == 1 and "File → Setelan → Zona waktu" in zone_rows(google, ctx)[0]
    run_cycle(google.store(), ctx, NEW_YEAR + timedelta(minutes=1))
    assert len(zone_rows(google, ctx)) == 1  # logged once, while the finding stays the same
    report = status(google.store().read([t.name for t in ctx.tabs.all]), ctx, ctx.local_time(NEW_YEAR))
    assert any("Zona waktu spreadsheet 'UTC' (GMT+00:00)" in m and "(GMT+07:00)" in m for m in report["messages"])


def test_in_the_configured_zone_the_same_response_is_this_years_case_and_nothing_is_said(tmp_path: Path,
                                                                                         ctx: Context) -> None:
    google = office(tmp_path, "Asia/Jakarta")
    result = run_cycle(google.store(), ctx, NEW_YEAR)
    assert markers(google) == ["SAPA-2026-0001"]
    assert received(google, ctx) == LATE
    assert not [p for p in result.problems if "time zone" in p]
    assert zone_rows(google, ctx) == []


def test_a_spreadsheet_in_wita_has_its_times_an_hour_earlier_in_wib(tmp_path: Path, ctx: Context) -> None:
    google = office(tmp_path, "Asia/Makassar")
    run_cycle(google.store(), ctx, NEW_YEAR)
    assert markers(google) == ["SAPA-2026-0001"]
    assert received(google, ctx) == LATE - timedelta(hours=1)


def test_a_form_submitted_now_is_received_now_whatever_the_spreadsheets_zone(tmp_path: Path, ctx: Context) -> None:
    """The double stamps a submission in the spreadsheet's zone, as Google does; the worker reads it back as the
    same moment in WIB."""
    google = office(tmp_path, "Asia/Makassar")
    google.double.clock = lambda: NEW_YEAR
    answers = response_row(victim_name="Korban Baru", story="Cerita baru")
    google.double.form_submit(google.spreadsheet_id, [answers.get(f) for f in list(FIELDS)[1:]],
                              title="Respons Formulir 1")
    assert google.tab("Respons Formulir 1")[-1][0] == datetime(2027, 1, 1, 9, 0)  # 09:00 WITA
    run_cycle(google.store(), ctx, NEW_YEAR + timedelta(minutes=5))
    times = {cells.moment(r[R.RECEIVED]) for r in records(google, ctx.tabs.register.name)}
    assert datetime(2027, 1, 1, 8, 0) in times  # 08:00 WIB


def test_fixing_the_zone_settles_the_finding(tmp_path: Path, ctx: Context) -> None:
    google = office(tmp_path, "UTC")
    run_cycle(google.store(), ctx, NEW_YEAR)
    set_zone(google, "Asia/Jakarta")
    result = run_cycle(google.store(), ctx, NEW_YEAR + timedelta(minutes=1))
    assert not [p for p in result.problems if "time zone" in p]
    log = [str(r.get(L.ACTION)) for r in records(google, ctx.tabs.log.name)]
    assert "Struktur tab respons sesuai konfigurasi lagi" in log


def test_doctor_names_the_spreadsheets_locale_and_zone_and_the_fix(tmp_path: Path) -> None:
    google = office(tmp_path, "Asia/Makassar")
    settings = Settings.model_validate({"store": {"backend": "google"},
                                        "google": {"spreadsheet_id": google.spreadsheet_id}})
    findings = {f.check: f for f in diagnose(settings, google.client, google.double.service("drive", "v3"),
                                             account_email="sapa-sync@sapa-test.iam.gserviceaccount.com")}
    zone = findings["time_zone"]
    assert zone.status == "warning"
    assert "Asia/Makassar" in zone.english and "File → Settings → Time zone" in zone.english
    assert "id_ID" in findings["spreadsheet"].english
    set_zone(google, "Asia/Jakarta")
    findings = {f.check: f for f in diagnose(settings, google.client, google.double.service("drive", "v3"),
                                             account_email="sapa-sync@sapa-test.iam.gserviceaccount.com")}
    assert findings["time_zone"].status == "ok"


def test_zones_of_another_name_but_the_same_clock_are_no_difference(ctx: Context) -> None:
    now = datetime(2026, 11, 28, 10, 0)
    assert not sheet_zone.differs("Asia/Bangkok", ctx, now)
    assert not sheet_zone.differs(None, ctx, now)  # a local workbook names no zone
    assert sheet_zone.differs("Asia/Makassar", ctx, now)
    assert sheet_zone.differs("Bumi/Datar", ctx, now)  # unknown: said, and the times read as WIB
    assert "tidak dikenal" in sheet_zone.messages("Bumi/Datar", ctx, now)[0]
