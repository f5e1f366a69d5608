"""The spreadsheet's own time zone (File > Settings > Time zone), next to `timezone` in the configuration.

Google writes a form's timestamps, and evaluates NOW() in the tabs' conditional colours (the stale
heartbeat), in the spreadsheet's time zone, which the person who made the spreadsheet set, or their
account's. The worker works in the configured zone (`ctx.zone`): when the two differ, each
timestamp is read as a time in the spreadsheet's zone and converted to the configured one (once, where
the responses are read: `sync.cycle.identify`), so that deadlines and case years stay right; and the
difference is a structure finding, said to the staff (log tab, `status`), to the operator (program
log, `doctor`), with the fix. Zones that differ in name but not in offset (Asia/Bangkok and
Asia/Jakarta) are not a difference.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.cycle.context import Context


def zone_of(name: str | None) -> tzinfo | None:
    """The time zone a spreadsheet names (an IANA name, as Google gives it); None if unknown or not given."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def differs(name: str | None, ctx: Context, now: datetime) -> bool:
    """Does the spreadsheet's zone `name` put a different clock time on `now` (naive, configured zone) than
    the configuration's? False when the spreadsheet names no zone (a local workbook)."""
    if not name or name == ctx.settings.timezone:
        return False
    zone = zone_of(name)
    return zone is None or _offset(now, zone, ctx) != _offset(now, ctx.zone, ctx)


def shift(moment: datetime, zone: tzinfo, ctx: Context) -> datetime:
    """A naive time the spreadsheet wrote in `zone`, as a naive time in the configured zone."""
    return moment.replace(tzinfo=zone).astimezone(ctx.zone).replace(tzinfo=None)


def reader(name: str | None, ctx: Context) -> tzinfo | None:
    """The zone the form's timestamps must be converted from; None when they are read as they are (the
    spreadsheet names no zone, an unknown one, or the configured one)."""
    if not name or name == ctx.settings.timezone:
        return None
    return zone_of(name)


def messages(name: str | None, ctx: Context, now: datetime) -> list[str]:
    """The finding in Indonesian, for the staff: what differs, what it does, and the fix."""
    if not differs(name, ctx, now):
        return []
    configured = ctx.settings.timezone
    zone = zone_of(name)
    if zone is None:
        return [f"Zona waktu spreadsheet '{name}' tidak dikenal; stempel waktu formulir dibaca sebagai waktu "
                f"'{configured}'. Pilih zona waktu kantor di spreadsheet (File → Setelan → Zona waktu)."]
    return [f"Zona waktu spreadsheet '{name}' ({_gmt(now, zone, ctx)}) berbeda dari timezone konfigurasi "
            f"'{configured}' ({_gmt(now, ctx.zone, ctx)}). Stempel waktu formulir diubah ke '{configured}', tetapi "
            "warna merah 'Diperbarui sistem' memakai jam spreadsheet. Samakan: File → Setelan → Zona waktu di "
            "spreadsheet, atau timezone di konfigurasi."]


def problems(name: str | None, ctx: Context, now: datetime) -> list[str]:
    """The finding in English, for the program log and `doctor`."""
    if not differs(name, ctx, now):
        return []
    configured = ctx.settings.timezone
    zone = zone_of(name)
    if zone is None:
        return [f"the spreadsheet's time zone '{name}' is unknown: the form's timestamps are read as times in "
                f"'{configured}'. Set the office's zone in the spreadsheet (File → Settings → Time zone)."]
    return [f"the spreadsheet's time zone '{name}' ({_gmt(now, zone, ctx)}) differs from timezone "
            f"'{configured}' ({_gmt(now, ctx.zone, ctx)}) in the configuration: the form's timestamps are "
            f"converted to '{configured}', but the stale heartbeat's red colour uses the spreadsheet's clock. "
            "Make them the same: File → Settings → Time zone in the spreadsheet, or timezone in the configuration."]


def _offset(now: datetime, zone: tzinfo, ctx: Context) -> timedelta | None:
    return now.replace(tzinfo=ctx.zone).astimezone(zone).utcoffset()


def _gmt(now: datetime, zone: tzinfo, ctx: Context) -> str:
    """A zone's offset at `now` as Google's settings list shows it: GMT+07:00."""
    minutes = int((_offset(now, zone, ctx) or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"GMT{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
