"""`status`: responses, cases, review rows, states, clocks and who is waiting longest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from config.settings import Settings
from rules.dates_id import long_date, short_moment, zone_label
from rules.monitoring import summary
from rules.workflow import QUEUE, ROLE_LABELS, STATE_LABELS, STATES
from sync.commands import health
from sync.commands.compose import PROCESS, Outside, context, open_store
from sync.cycle import answer_options, monitoring_step, sheet_zone
from sync.cycle.cases_step import RESPONSE_MISSING
from sync.cycle.context import Context
from sync.cycle.form_structure import messages, read_structure
from sync.cycle.identify import read_responses, without_copies
from sync.cycle.intake_step import DISMISSED, RELEASED_PREFIX
from sync.cycle.notify_step import GAVE_UP, SENT, WAITING
from sync.cycle.records import CaseRecord, at, outbox_entries, read_model
from sync.cycle.register_guard import lost_cases, staff_message
from sync.cycle.views import case_clock
from sync.stores.store import Snapshot


def tabs_read(ctx: Context) -> list[str]:
    """The worker tabs `status` reads (besides the responses): the register and the review tab.
    The role tabs, the log and the recap repeat what those hold and are most of a workbook."""
    outbox = [ctx.tabs.outbox.name] if ctx.tabs.outbox is not None else []
    return [ctx.tabs.register.name, ctx.tabs.review.name, *outbox]


def status(snapshot: Snapshot, ctx: Context, now: datetime) -> dict[str, Any]:
    """The figures of `status --json`, from a snapshot of `tabs_read(ctx)` at least; `now` is naive
    local (WIB) time."""
    responses, copies = without_copies(read_responses(snapshot.response_tabs, ctx, snapshot.time_zone))
    structure = messages(read_structure(snapshot.response_tabs, ctx), ctx)
    structure += answer_options.messages(answer_options.find(((r.marker, r) for r in responses), ctx), ctx)
    structure += sheet_zone.messages(snapshot.time_zone, ctx, now)
    read = read_model(snapshot.tabs, ctx)
    cases, reviews = read.register, read.review
    open_reviews = {i: r for i, r in reviews.items() if not (r.status or "").startswith(RELEASED_PREFIX)}
    by_state = Counter(c.state for c in cases.values())
    clocks: Counter[str] = Counter()
    oldest: dict[str, dict[str, str]] = {}
    for case_id, record in sorted(cases.items()):
        received = at(record.received) or at(record.created)
        _, state_clock = case_clock(received, record.risk, record, ctx, now)
        clocks[state_clock or "none"] += 1
        owner = QUEUE.get(record.state)
        entered = at(record.entered)
        if owner and entered:
            best = oldest.get(owner)
            if best is None or entered < datetime.fromisoformat(best["since"]):
                oldest[owner] = {"case": case_id, "since": entered.isoformat(sep=" ", timespec="minutes"),
                                 "state": record.state}
    missing = sorted(i for i, c in cases.items() if (c.note or "") == RESPONSE_MISSING)
    lost = lost_cases(snapshot, ctx)  # the worker refuses to write until the register has them again
    lost_ids = set(lost)
    sent = notifications(snapshot, ctx)
    return {
        "zone": zone_label(ctx.settings.timezone),
        "responses": len(responses),
        "cases": len(cases),
        "cases_without_response": len(missing),
        "review": len(open_reviews),
        "review_pending": sum(1 for r in open_reviews.values() if r.status != DISMISSED),
        "unprocessed": sum(1 for r in responses if r.marker not in cases and r.marker not in reviews
                           and r.marker not in lost_ids),
        "lost_from_register": len(lost),
        "by_state": {s: by_state[s] for s in STATES if by_state[s]},
        "overdue": clocks["terlambat"],
        "nearly_overdue": clocks["hampir_terlambat"],
        "darurat": sum(1 for c in cases.values() if c.risk == "tinggi" and c.state != "history"),
        "warnings": sum(int(c.warnings or 0) for c in cases.values()),
        "cases_with_warnings": sum(1 for c in cases.values() if (c.warnings or "0") != "0"),
        "edited_after_intake": sum(1 for c in cases.values() if c.edited),
        "oldest_waiting": {role: oldest[role] for role in ROLE_LABELS if role in oldest},
        "monitoring": monitoring(cases, ctx, now),
        "notifications": sent,
        "response_tabs": [t.name for t in snapshot.response_tabs],
        "response_copies": copies,
        "messages": [*([staff_message(lost, ctx)] if lost else []), *structure,
                     *([missing_responses(missing)] if missing else []), *notification_messages(sent, ctx)],
    }


def notifications(snapshot: Snapshot, ctx: Context) -> dict[str, Any]:
    """The outbox's messages: sent, waiting, given up; and per channel, the recipients still failing."""
    layout = ctx.tabs.outbox
    entries = outbox_entries(snapshot.tabs.get(layout.name) if layout is not None else None)
    by_status = Counter(e.status for e in entries)
    failing: Counter[str] = Counter()
    for e in entries:
        if e.status != SENT and e.note:
            for part in e.note.split("; "):
                failing[part.split(":", 1)[0]] += 1
    return {"enabled": ctx.tabs.outbox is not None, "sent": by_status[SENT], "pending": by_status[WAITING],
            "given_up": by_status[GAVE_UP], "failing": dict(sorted(failing.items()))}


def notification_messages(found: dict[str, Any], ctx: Context) -> list[str]:
    """What staff must do about the outbox's figures (`notifications`)."""
    out = []
    if found["given_up"]:
        out.append(f"{found['given_up']} notifikasi gagal dikirim dan tidak dicoba lagi: lihat kolom Keterangan di tab "
                   f"'{ctx.settings.tabs.outbox}', perbaiki penerima atau saluran di notify: konfigurasi "
                   "(`python -m sync doctor --notify-test`).")
    if found["failing"]:
        channels = ", ".join(found["failing"])
        out.append(f"Notifikasi belum terkirim ke {channels}; dicoba lagi otomatis. Bila berlanjut, periksa "
                   "saluran dengan `python -m sync doctor --notify-test`.")
    return out


def missing_responses(case_ids: list[str]) -> str:
    """Why there are fewer responses than cases: rows deleted from the form's tab (the cases are kept)."""
    shown = ", ".join(case_ids[:5]) + (f" dan {len(case_ids) - 5} lainnya" if len(case_ids) > 5 else "")
    return (f"{len(case_ids)} kasus tidak lagi punya baris di tab respons formulir ({shown}): baris responsnya "
            "dihapus atau dipindah. Data kasus tetap tersimpan dan tidak diperbarui; kembalikan baris respons "
            "dari riwayat versi (Google) atau cadangan buku kerja bila memungkinkan.")


def monitoring(cases: Mapping[str, CaseRecord], ctx: Context, now: datetime) -> dict[str, Any]:
    """Monitoring after the case (step 7): follow-ups due soon, overdue, monitoring ended, and the
    cases the Konselor should follow up now (overdue first)."""
    found = {}
    for case_id, record in sorted(cases.items()):
        state = monitoring_step.where(record, record.state, record.risk, now.date(),
                                      ctx.settings.monitoring.policy())
        if state is not None:
            found[case_id] = state
    follow = [
        {"case": case_id, "due": m.next.due.isoformat(), "status": m.status}
        for case_id, m in found.items() if m.next is not None and m.status in ("terlambat", "jatuh_tempo")
    ]
    follow.sort(key=lambda f: (f["status"] != "terlambat", f["due"], f["case"]))
    return {**summary(found.values()), "active": sum(1 for m in found.values() if m.next is not None),
            "follow": follow}


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Respons formulir : {report['responses']}",
        f"Kasus            : {report['cases']} ({report['darurat']} DARURAT)",
        f"Tinjauan Admin   : {report['review']} ({report['review_pending']} menunggu)",
        f"Belum diproses   : {report['unprocessed']}",
        f"Terlambat        : {report['overdue']}; hampir terlambat: {report['nearly_overdue']}",
        f"Peringatan       : {report['warnings']} pada {report['cases_with_warnings']} kasus",
        "Per tahap        : " + (", ".join(f"{STATE_LABELS[k]} {v}" for k, v in report["by_state"].items()) or "-"),
    ]
    watch = report.get("monitoring")
    if watch:
        lines.append(f"Pemantauan       : {watch['active']} berjalan; {watch['due']} jatuh tempo, "
                     f"{watch['overdue']} terlambat, {watch['ended']} diakhiri")
        for item in watch["follow"]:
            late = "terlambat" if item["status"] == "terlambat" else "jatuh tempo"
            lines.append(f"  Kunjungi: {item['case']} ({late}, {long_date(date.fromisoformat(item['due']))})")
    zone = report.get("zone", "WIB")
    for role, oldest in report["oldest_waiting"].items():
        since = short_moment(datetime.fromisoformat(oldest["since"]), zone)
        lines.append(f"Terlama menunggu {ROLE_LABELS[role]}: {oldest['case']} sejak {since}")
    lines += [f"Perhatian: {text}" for text in report.get("messages", [])]
    return "\n".join(lines)


def office_status(settings: Settings, now: datetime, outside: Outside = PROCESS) -> tuple[dict[str, Any], str]:
    """`status`: the spreadsheet's figures and the worker's health (failed cycles, heartbeat, alarm);
    as JSON data and as text."""
    ctx = context(settings)
    report = status(open_store(settings, outside).read(tabs_read(ctx)), ctx, ctx.local_time(now))
    record = health.load(health.state_path(settings))
    report["failed_cycles"] = record.failed_cycles
    report |= health.heartbeat(record, settings, now)
    alarming = health.alarming(record, settings.worker.alarm_after_failed_cycles)
    warning = health.staff_message(record, ctx.zone) if alarming else None
    if warning is None and report["stale"]:
        warning = health.stale_message(record, ctx.zone)
    if warning:
        report.setdefault("messages", []).append(warning)
    text = render(report)
    if warning and warning not in text:
        text += "\n" + warning
    return report, text
