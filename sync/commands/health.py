"""Failed cycles in a row, the last cycle that succeeded, and the alarm staff and the operator see.

cron starts `python -m sync once` every minute, so the count cannot live in memory: it is a
small JSON file (`worker.state_file`), replaced atomically. A cycle that succeeds resets the count
and records its time (`last_cycle_at`: `status` reports it, and a warning once it is older than
three poll intervals). When
`worker.alarm_after_failed_cycles` cycles in a row have failed, whatever the cause, the alarm goes
up: `once` prints an ALARM line (and exits 1), `status` shows a warning, and one row goes into the
log tab. That row is a write of its own (the cycle's write is what keeps failing); if even that
fails (a workbook open in LibreOffice), the first cycle that succeeds writes it, then the
recovery row. A lost case register (`RegisterLost`) raises the alarm at its first failed cycle: every
cycle refuses to write until a person restores it, so waiting helps nothing; its log row says how to restore
it. The record holds counts, times, the kind of error and a short reason; never a
reporter's data (error messages never carry any, and quoted values are left out besides).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from config.settings import Settings
from rules.dates_id import short_moment
from rules.errors import InputError, RegisterLost, SapaError, TransientError, where
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event, log_rows
from sync.cycle.tabs import L
from sync.stores.refusals import RequestRefused
from sync.stores.store import Operation, Store, Table, WritePlan

log = logging.getLogger(__name__)

ALARM = "sync_alarm"  # log tab codes
RECOVERED = "sync_recovered"
NO_CASE = "-"  # the log tab's case column of a row about the worker itself

# What staff read about the last error, by kind.
KINDS = {
    "transient": "gangguan sementara (koneksi ke Google, workbook sedang dibuka, atau baris dipindah "
                 "saat sinkronisasi)",
    "refused": "Google menolak penulisan (misalnya kolom atau tab yang dilindungi)",
    "input": "konfigurasi, akses, atau susunan spreadsheet perlu diperbaiki",
    "unexpected": "galat tak terduga pada program",
    "register": "Daftar Kasus kehilangan kasus yang sudah tercatat; sistem tidak menulis apa pun sampai tab itu "
                "dipulihkan",
}
URGENT = ("register",)  # kinds that raise the alarm at the first failed cycle: waiting helps nothing


@dataclass(frozen=True)
class Health:
    """The worker's record of failed cycles. Times are ISO 8601, UTC."""

    failed_cycles: int = 0
    first_failure_at: str | None = None
    last_failure_at: str | None = None
    last_error: str = ""  # a key of KINDS
    reason: str = ""  # short, for the operator; no personal data
    alarm_logged: bool = False  # the alarm row is in the log tab
    last_cycle_at: str | None = None  # the end of the last cycle that succeeded
    notice: str = ""  # what staff must do about the last error, when it says (Indonesian; no personal data)
    alerted: bool = False  # the operator was sent the alarm directly (notify.recipients.operator)


def kind_of(err: BaseException) -> str:
    if isinstance(err, RegisterLost):
        return "register"
    if isinstance(err, TransientError):
        return "transient"
    if isinstance(err, RequestRefused):
        return "refused"
    if isinstance(err, InputError):
        return "input"
    return "unexpected"


def reason_of(err: BaseException) -> str:
    if isinstance(err, SapaError):
        # lazy: google_retry brings in the Google client libraries, which `status` and a local `once` never need
        from sync.stores.google_retry import redact  # lazy: see above

        return redact(str(err))[:200]
    return f"unexpected {type(err).__name__} at {where(err)}"  # its message may quote a reporter


def failed(health: Health, at: datetime, err: BaseException) -> Health:
    stamp = at.astimezone(UTC).isoformat(timespec="seconds")
    return replace(
        health,
        failed_cycles=health.failed_cycles + 1,
        first_failure_at=health.first_failure_at or stamp,
        last_failure_at=stamp,
        last_error=kind_of(err),
        reason=reason_of(err),
        notice=err.staff if isinstance(err, RegisterLost) else "",
    )


def succeeded(health: Health, at: datetime) -> Health:
    return replace(health, last_cycle_at=at.astimezone(UTC).isoformat(timespec="seconds"))


def alarming(health: Health, threshold: int) -> bool:
    return health.failed_cycles >= threshold or (health.failed_cycles > 0 and health.last_error in URGENT)


# --- texts ------------------------------------------------------------------------------------


def _local(stamp: str | None, zone: ZoneInfo) -> str:
    if not stamp:
        return "?"
    return short_moment(datetime.fromisoformat(stamp).astimezone(zone).replace(tzinfo=None))


def _headline(health: Health, zone: ZoneInfo) -> str:
    """What went wrong since when (Indonesian): an urgent kind stops every cycle, so counting them says little."""
    since = _local(health.first_failure_at, zone)
    if health.last_error in URGENT:
        return f"PERINGATAN: sistem berhenti menulis sejak {since}"
    return f"PERINGATAN: sinkronisasi gagal {health.failed_cycles} kali berturut-turut sejak {since}"


def staff_message(health: Health, zone: ZoneInfo) -> str:
    """The warning `status` shows staff (Indonesian)."""
    return (
        f"{_headline(health, zone)}: {KINDS.get(health.last_error, KINDS['unexpected'])}. "
        "Respons baru dan keputusan staf belum diproses; hubungi operator."
    )


def heartbeat(health: Health, settings: Settings, now: datetime) -> dict[str, str | bool | None]:
    """`last_cycle_at` (ISO, office time) and whether it is older than three poll intervals (`stale`).

    No cycle recorded yet (a worker never started, or one older than this record) is not stale.
    """
    if not health.last_cycle_at:
        return {"last_cycle_at": None, "stale": False}
    last = datetime.fromisoformat(health.last_cycle_at)
    stale = (now - last).total_seconds() > 3 * settings.poll_interval_seconds
    return {"last_cycle_at": last.astimezone(settings.zone).isoformat(timespec="seconds"), "stale": stale}


def stale_message(health: Health, zone: ZoneInfo) -> str:
    """The warning `status` shows staff when no cycle succeeded for three poll intervals (Indonesian)."""
    return (
        f"PERINGATAN: sistem terakhir bekerja {_local(health.last_cycle_at, zone)}. Respons baru dan "
        "keputusan staf belum diproses sejak itu; pastikan sistem berjalan atau hubungi operator."
    )


def operator_alarm(health: Health) -> str:
    """The ALARM line for the operator (English, the program log's language)."""
    if health.last_error == "register":
        return ("ALARM: the case register lacks cases the worker knows: no cycle writes until it is restored from "
                "the workbook's backup copy or Google's version history (the error says which cases). Staff see a "
                "warning in the log tab and in `status`.")
    return (
        f"ALARM: {health.failed_cycles} cycles in a row have failed (since {health.first_failure_at}); "
        f"the last one: {health.reason} Staff see a warning in the log tab and in `status`."
    )


def alarm_event(health: Health, zone: ZoneInfo) -> Event:
    return Event(
        NO_CASE, SYSTEM, _headline(health, zone), ALARM,
        health.notice or f"{KINDS.get(health.last_error, KINDS['unexpected'])}. Respons baru dan keputusan staf "
        "belum diproses; hubungi operator.",
    )


def recovery_event(health: Health, zone: ZoneInfo) -> Event:
    return Event(
        NO_CASE, SYSTEM, f"Sistem kembali normal setelah {health.failed_cycles} siklus gagal", RECOVERED,
        f"gagal sejak {_local(health.first_failure_at, zone)}",
    )


def last_health_code(table: Table | None) -> str | None:
    """The code of the log tab's latest alarm or recovery row, if any."""
    if table is None:
        return None
    for row in reversed(table.rows):
        code = table.get(row, L.CODE)
        if code in (ALARM, RECOVERED):
            return str(code)
    return None


# --- the record on disk -----------------------------------------------------------------------


def state_path(settings: Settings) -> Path:
    """`worker.state_file`, or beside the workbook, or (Google) in the user's state folder."""
    if settings.worker.state_file is not None:
        return settings.worker.state_file
    if settings.store.backend == "google":
        base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else os.environ.get("XDG_STATE_HOME")
        folder = Path(base) if base else Path.home() / ".local" / "state"
        return folder / "sapa-sync" / f"{settings.google.spreadsheet_id or 'spreadsheet'}.json"
    workbook = settings.store.workbook or Path("sapa.xlsx")
    return workbook.with_name(f".{workbook.name}.sapa-sync-state.json")


def load(path: Path) -> Health:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Health(**{k: v for k, v in data.items() if k in Health.__dataclass_fields__})
    except FileNotFoundError:
        return Health()
    except (OSError, ValueError, TypeError, AttributeError) as err:
        log.warning("cannot read the failed-cycle record %s (%s); starting a new count", path, type(err).__name__)
        return Health()


def save(path: Path, health: Health) -> None:
    """Replace the record atomically; a record that cannot be saved is logged, never fatal."""
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            json.dump(asdict(health), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as err:
        log.warning("cannot save the failed-cycle record %s: %s", path, err.strerror or type(err).__name__)
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


# --- watching cycles --------------------------------------------------------------------------


class Watch:
    """Runs cycles, keeps the record, and raises (and clears) the alarm."""

    def __init__(self, path: Path, threshold: int, ctx: Context, clock: Callable[[], datetime],
                 alert: Callable[[str], bool] | None = None) -> None:
        self.path = path
        self.threshold = threshold
        self.ctx = ctx
        self.clock = clock
        self.alarm: str | None = None  # the operator's ALARM line after a failed cycle at the threshold
        # sends a text to the operator's recipients at once, not through the spreadsheet (it may be what fails)
        self.alert = alert

    @classmethod
    def from_settings(cls, settings: Settings, ctx: Context, clock: Callable[[], datetime],
                      alert: Callable[[str], bool] | None = None) -> Watch:
        path = state_path(settings)
        if settings.store.backend == "google" and settings.worker.state_file is None:
            with contextlib.suppress(OSError):  # the user's state folder; a failed save says why
                path.parent.mkdir(parents=True, exist_ok=True)
        return cls(path, settings.worker.alarm_after_failed_cycles, ctx, clock, alert)

    def cycle(self, job: Callable[[], object], store: Callable[[], Store | None]) -> None:
        """Run `job` (one cycle); its error, if any, is recorded and raised again unchanged."""
        self.alarm = None
        health = load(self.path)
        try:
            job()
        except Exception as err:
            health = failed(health, self.clock(), err)
            if alarming(health, self.threshold):
                self.alarm = operator_alarm(health)
                if not health.alarm_logged:
                    health = replace(health, alarm_logged=self._log(store(), health, recovered=False))
                if self.alert is not None and not health.alerted:
                    event = alarm_event(health, self.ctx.zone)
                    sent = self.alert(f"PERINGATAN sapa-sync: {event.action}. {event.detail}")
                    health = replace(health, alerted=sent)
            save(self.path, health)
            raise
        health = succeeded(health, self.clock())
        if health.failed_cycles and (alarming(health, self.threshold) or health.alarm_logged):
            if not self._log(store(), health, recovered=True):
                save(self.path, health)  # keep the count: the next cycle that succeeds writes the rows
                return
            log.info("cycles succeed again after %d failed ones", health.failed_cycles)
            if self.alert is not None and health.alerted:
                event = recovery_event(health, self.ctx.zone)
                self.alert(f"sapa-sync: {event.action} ({event.detail}).")
        save(self.path, Health(last_cycle_at=health.last_cycle_at))

    def _log(self, store: Store | None, health: Health, *, recovered: bool) -> bool:
        """Write the alarm row (and with `recovered` the recovery row) unless the log tab has it."""
        if store is None:
            return False
        name = self.ctx.tabs.log.name
        try:
            snapshot = store.read([name])
            events = self._rows(health, last_health_code(snapshot.tabs.get(name)), recovered)
            if events:
                stamp = self.ctx.local_time(self.clock()).replace(second=0, microsecond=0)
                operations: list[Operation] = [] if name in snapshot.tabs else [self.ctx.tabs.log.ensure()]
                store.write(WritePlan(tuple(operations + log_rows(events, self.ctx, stamp))))
            return True
        except Exception as err:  # the cycle's own error matters more; this one is only logged
            log.warning("cannot write the %s row in the log tab (%s); the next cycle that succeeds writes it",
                        "recovery" if recovered else "alarm", reason_of(err))
            return False

    def _rows(self, health: Health, last: str | None, recovered: bool) -> list[Event]:
        zone = self.ctx.zone
        # the alarm row is written unless it is the log's last: not written yet, or lost with an older version
        # of the spreadsheet restored (a lost register is restored so)
        events = [alarm_event(health, zone)] if last != ALARM else []
        return [*events, recovery_event(health, zone)] if recovered else events
