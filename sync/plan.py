"""One cycle's decisions, from a snapshot to a write plan. Pure: no I/O, `now` passed in.

Read everything once -> decide here -> write once. The worker's desired content of
every tab is computed from the responses and its own register, then compared with
what the tabs hold: only differences are written, so a cycle with nothing new
writes nothing, and a row staff deleted comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rules import values
from rules.case_ids import Sequence
from rules.complaint import Complaint
from rules.intake import find_columns, is_resubmission, read_complaint, review_reason
from sync import rows
from sync.context import Context, show_time
from sync.identify import Identities, Response, identify, read_responses
from sync.reconcile import reconcile
from sync.store import AppendRow, EnsureTab, MarkResponse, Operation, Snapshot, Table, WritePlan
from sync.tabs import DISMISS, RELEASE, L, R, V

SYSTEM = "Sistem"
ADMIN = "Admin"


@dataclass(frozen=True)
class Event:
    """One line of the activity log. `detail` never holds a reporter's or victim's data."""

    subject: str
    role: str
    action: str
    code: str
    detail: str = ""


@dataclass
class CyclePlan:
    plan: WritePlan
    events: list[Event]
    cases: dict[str, Complaint] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self, code: str) -> int:
        return sum(1 for e in self.events if e.code == code)


def day_first(responses: Table) -> bool:
    """Indonesian-locale sheets write 28/11/2026; English ones 11/28/2026."""
    return responses.name == "Respons Formulir 1" or any(
        values.normalize(h) == "stempel waktu" for h in responses.headers
    )


def plan_cycle(snapshot: Snapshot, ctx: Context, now: datetime) -> CyclePlan:
    """Decide everything one cycle does. `now` is naive local (WIB) time."""
    tabs = ctx.tabs
    register = _records(snapshot.tabs.get(tabs.register.name), tabs.register.key)
    review = _records(snapshot.tabs.get(tabs.review.name), tabs.review.key)
    log = snapshot.tabs.get(tabs.log.name)

    first = day_first(snapshot.responses)
    responses = read_responses(snapshot.responses, ctx, first)
    known = {i: str(r.get(R.FINGERPRINT) or "") for i, r in register.items()}
    known |= {i: str(r.get(V.FINGERPRINT) or "") for i, r in review.items()}
    ids = identify(responses, known, ctx)

    seen: list[object] = [*register, *review, *(r.marker for r in responses)]
    if log is not None:
        seen += [log.get(row, L.ID) for row in log.rows]
    case_seq, review_seq = Sequence(ctx.case_ids, seen), Sequence(ctx.review_ids, seen)

    events: list[Event] = []
    marks: list[Operation] = []
    register_rows: dict[str, dict[str, object]] = {}
    review_rows: dict[str, dict[str, object]] = {}
    stamp = show_time(now)

    def mark(response: Response, marker: str) -> None:
        marks.append(MarkResponse(ctx.marker_header, response.row, response.fingerprint, marker))

    for marker, response in ids.restored:
        mark(response, marker)
        events.append(Event(marker, SYSTEM, "ID dipulihkan pada baris respons", "marker_restored"))
    for marker, _ in ids.clashes:
        events.append(Event(marker, SYSTEM, "ID yang sama ditemukan di dua baris respons; "
                            "baris salinan diperlakukan sebagai respons baru", "marker_clash"))

    # Responses the worker has not taken in yet, oldest first.
    earliest = _first_by_answers(ids, now)
    for response in sorted(ids.new, key=lambda r: (r.submitted or now, r.row)):
        year = (response.submitted or now).year
        reason = review_reason(response.answers, ctx.spec)
        twin = earliest.get(response.dup_key)
        if reason is None and twin is not None and is_resubmission(
            twin[1].submitted, response.submitted, ctx.settings.intake.duplicate_window_hours
        ):
            reason = f"Kiriman ganda: isinya sama persis dengan {twin[0]}."
        if reason is not None:
            review_id = review_seq.next(year)
            ids.owner[review_id] = response
            review_rows[review_id] = {V.REASON: reason, V.STATUS: rows.PENDING}
            events.append(Event(review_id, SYSTEM, "Respons masuk tinjauan Admin", "to_review", reason))
            marker = review_id
        else:
            marker = case_seq.next(year)
            ids.owner[marker] = response
            register_rows[marker] = rows.new_register(stamp, "Formulir")
            events.append(Event(marker, SYSTEM, "Kasus baru dibuat dari respons formulir", "case_created"))
        earliest.setdefault(response.dup_key, (marker, response))
        mark(response, marker)

    # The Admin's decisions in the review tab.
    for review_id, record in review.items():
        action = values.text(record.get(V.ACTION))
        status = values.text(record.get(V.STATUS)) or rows.PENDING
        if status.startswith(rows.RELEASED_PREFIX):
            continue
        held = ids.owner.get(review_id)
        if action == RELEASE and held is not None:
            response = held
            case_id = case_seq.next((response.submitted or now).year)
            ids.owner[case_id] = response
            del ids.owner[review_id]
            register_rows[case_id] = rows.new_register(stamp, f"Dirilis dari {review_id}")
            review_rows[review_id] = {V.STATUS: rows.RELEASED_PREFIX + case_id}
            mark(response, case_id)
            events.append(Event(review_id, ADMIN, f"Dirilis menjadi kasus {case_id}", "released"))
            events.append(Event(case_id, ADMIN, f"Kasus baru dari tinjauan {review_id}", "case_created"))
        elif action == RELEASE:
            review_rows[review_id] = {V.STATUS: rows.CANNOT_RELEASE}
        elif action == DISMISS and status != rows.DISMISSED:
            review_rows[review_id] = {V.STATUS: rows.DISMISSED}
            events.append(Event(review_id, ADMIN, "Diabaikan oleh Admin (tetap tersimpan)", "dismissed"))

    cases: dict[str, Complaint] = {}
    desired = rows.Desired()
    for case_id in sorted(set(register) | set(register_rows) | _case_markers(ids, ctx)):
        record = {**register.get(case_id, {}), **register_rows.get(case_id, {})}
        if case_id not in register and case_id not in register_rows:
            record |= rows.new_register(stamp, "Dipulihkan dari tab respons")
            events.append(Event(case_id, SYSTEM, "Baris daftar kasus dipulihkan", "register_restored"))
        holder = ids.owner.get(case_id)
        complaint = None
        if holder is not None:
            response = holder
            complaint = read_complaint(response.answers, ctx.spec, day_first=first)
            cases[case_id] = complaint
            previous = values.text(record.get(R.FINGERPRINT))
            if previous and previous != response.fingerprint:
                record[R.EDITED] = f"Ya, diubah (terdeteksi {stamp}); periksa ulang"
                events.append(Event(case_id, SYSTEM, "Respons diubah setelah diterima", "response_edited"))
            record[R.FINGERPRINT] = response.fingerprint
            record[R.NOTE] = None
        elif not values.text(record.get(R.NOTE)):
            record[R.NOTE] = rows.RESPONSE_MISSING
            events.append(Event(case_id, SYSTEM, "Respons asli tidak ditemukan", "response_missing"))
        desired.add_case(case_id, record, holder, complaint, ctx)

    for review_id in sorted(set(review) | {i for i in ids.owner if ctx.review_ids.parse(i)}):
        record = {**review.get(review_id, {}), **review_rows.get(review_id, {})}
        kept = ids.owner.get(review_id)
        if review_id not in review and review_id not in review_rows and kept is not None:
            reason = review_reason(kept.answers, ctx.spec) or "Dipulihkan; mohon tinjau ulang."
            record |= {V.REASON: reason, V.STATUS: rows.PENDING}
            events.append(Event(review_id, SYSTEM, "Baris tinjauan dipulihkan", "review_restored"))
        desired.add_review(review_id, record, kept, ctx)

    operations: list[Operation] = list(marks)
    for layout, wanted in desired.by_layout(ctx.tabs):
        table = snapshot.tabs.get(layout.name)
        result = reconcile(layout, table, wanted)
        operations.extend(result.operations)
        created = set(register_rows) | {e.subject for e in events if e.code == "to_review"}
        for key in result.appended:
            if key not in created and table is not None and table.rows:
                events.append(Event(key, SYSTEM, f"Baris dikembalikan ke tab {layout.name}", "row_restored"))
    operations.extend(_log_rows(events, ctx, stamp))
    if operations and snapshot.tabs.get(ctx.tabs.log.name) is None:
        operations.append(ctx.tabs.log.ensure())
    operations.sort(key=lambda op: not isinstance(op, EnsureTab))  # tabs first, order kept
    problems = _structure_problems(snapshot.responses, ctx)
    return CyclePlan(WritePlan(tuple(operations)), events, cases, problems)


def _records(table: Table | None, key: str) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    if table is None:
        return out
    for record in table.records():
        ident = values.text(record.get(key))
        if ident and ident not in out:
            out[ident] = record
    return out


def _case_markers(ids: Identities, ctx: Context) -> set[str]:
    return {i for i in ids.owner if ctx.case_ids.parse(i)}


def _first_by_answers(ids: Identities, now: datetime) -> dict[tuple[str, ...], tuple[str, Response]]:
    first: dict[tuple[str, ...], tuple[str, Response]] = {}
    for marker, response in sorted(ids.owner.items(), key=lambda kv: (kv[1].submitted or now, kv[1].row)):
        first.setdefault(response.dup_key, (marker, response))
    return first


def _log_rows(events: Iterable[Event], ctx: Context, stamp: str | None) -> list[Operation]:
    return [
        AppendRow(ctx.tabs.log.name, (
            (L.TIME, stamp), (L.ID, e.subject), (L.ROLE, e.role),
            (L.ACTION, e.action), (L.CODE, e.code), (L.DETAIL, e.detail or None),
        ))
        for e in events
    ]


def _structure_problems(responses: Table, ctx: Context) -> list[str]:
    columns = find_columns(responses.headers, ctx.spec.questions)
    problems = [
        f"column '{ctx.spec.questions[f]}' is missing from tab '{responses.name}': its answers are "
        "read as blank. Fix form.questions in the configuration to match the form's question."
        for f in columns.missing
    ]
    problems += [
        f"column '{t}' appears more than once in tab '{responses.name}': the first one is read."
        for t in columns.duplicated
    ]
    return problems
