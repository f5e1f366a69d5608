"""Intake: new responses become cases or review rows; the Admin's review decisions.

Numbers are handed out oldest response first, so that case numbers follow the time
of the complaints. Exact resubmissions of a form (a double click) go to review with
a pointer to the first copy; nothing is merged or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rules import values
from rules.case_ids import Sequence
from rules.intake import is_resubmission, review_reason
from rules.workflow import INITIAL_STATE
from sync.cycle.context import Context
from sync.cycle.events import ADMIN, SYSTEM, Event, Record
from sync.cycle.identify import Identities, Response
from sync.cycle.tabs import DISMISS, RELEASE, STEP_DATE, R, V
from sync.stores.store import MarkResponse

PENDING = "Menunggu tinjauan Admin"
DISMISSED = "Diabaikan oleh Admin"
RELEASED_PREFIX = "Dirilis menjadi "
CANNOT_RELEASE = "Tidak dapat dirilis: respons asli tidak ditemukan di tab respons"


@dataclass
class Intake:
    """What intake adds this cycle: new register rows, review row changes, markers."""

    new_cases: dict[str, Record] = field(default_factory=dict)
    review_rows: dict[str, Record] = field(default_factory=dict)
    marks: list[MarkResponse] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


HISTORY_SOURCE = "Formulir (sebelum sistem)"


def new_register(stamp: datetime, source: str, state: str = INITIAL_STATE) -> Record:
    return {R.STATE_KEY: state, R.CREATED: stamp, R.ENTERED: stamp, STEP_DATE[state]: stamp, R.SOURCE: source}


def is_history(response: Response, ctx: Context) -> bool:
    """Received before the go-live date (`intake.history_before`)? A response whose time cannot be
    read is never history: a complaint must not be filed away on a guess."""
    before = ctx.settings.intake.history_before
    return before is not None and response.submitted is not None and response.submitted.date() < before


def take_in(
    ids: Identities,
    review: dict[str, Record],
    case_seq: Sequence,
    review_seq: Sequence,
    ctx: Context,
    now: datetime,
) -> Intake:
    out = Intake()
    stamp = now.replace(second=0, microsecond=0)

    def mark(response: Response, marker: str) -> None:
        out.marks.append(MarkResponse(response.tab, ctx.marker_header, response.row, response.fingerprint, marker))

    for marker, response in ids.restored:
        mark(response, marker)
        out.events.append(Event(marker, SYSTEM, "ID dipulihkan pada baris respons", "marker_restored"))
    for marker, _ in ids.clashes:
        out.events.append(Event(marker, SYSTEM, "ID yang sama ditemukan di dua baris respons; "
                                "baris salinan diperlakukan sebagai respons baru", "marker_clash"))

    earliest = _first_by_answers(ids, now) if ids.new else {}  # an idle cycle compares no answers
    history: list[str] = []
    for response in sorted(ids.new, key=lambda r: (r.submitted or now, r.order)):
        year = (response.submitted or now).year
        reason = review_reason(response.answers, ctx.spec, response.unreadable)
        twin = earliest.get(response.dup_key)
        if reason is None and twin is not None and is_resubmission(
            twin[1].submitted, response.submitted, ctx.settings.intake.duplicate_window_hours
        ):
            reason = f"Kiriman ganda: isinya sama persis dengan {twin[0]}."
        if reason is not None:
            marker = review_seq.next(year)
            out.review_rows[marker] = {V.REASON: reason, V.STATUS: PENDING}
            out.events.append(Event(marker, SYSTEM, "Respons masuk tinjauan Admin", "to_review", reason))
        elif is_history(response, ctx):
            marker = case_seq.next(year)
            out.new_cases[marker] = new_register(stamp, HISTORY_SOURCE, "history")
            history.append(marker)
        else:
            marker = case_seq.next(year)
            out.new_cases[marker] = new_register(stamp, "Formulir")
            out.events.append(Event(marker, SYSTEM, "Kasus baru dibuat dari respons formulir", "case_created"))
        ids.owner[marker] = response
        earliest.setdefault(response.dup_key, (marker, response))
        mark(response, marker)

    if history:  # one log row, not thousands: the register lists each case
        span = history[0] if len(history) == 1 else f"{history[0]} s.d. {history[-1]}"
        out.events.append(Event(span, SYSTEM, f"{len(history)} respons sebelum sistem dicatat sebagai kasus riwayat",
                                "history_recorded", "Tanpa antrean dan batas waktu; Admin dapat memprosesnya "
                                "dengan keputusan 'Proses sebagai kasus baru'."))
    for review_id, record in review.items():
        action = values.text(record.get(V.ACTION))
        status = values.text(record.get(V.STATUS)) or PENDING
        if status.startswith(RELEASED_PREFIX):
            continue
        held = ids.owner.get(review_id)
        if action == RELEASE and held is not None:
            case_id = case_seq.next((held.submitted or now).year)
            ids.owner[case_id] = held
            del ids.owner[review_id]
            out.new_cases[case_id] = new_register(stamp, f"Dirilis dari {review_id}")
            out.review_rows[review_id] = {V.STATUS: RELEASED_PREFIX + case_id}
            mark(held, case_id)
            out.events.append(Event(review_id, ADMIN, f"Dirilis menjadi kasus {case_id}", "released"))
            out.events.append(Event(case_id, ADMIN, f"Kasus baru dari tinjauan {review_id}", "case_created"))
        elif action == RELEASE:
            out.review_rows[review_id] = {V.STATUS: CANNOT_RELEASE}
        elif action == DISMISS and status != DISMISSED:
            out.review_rows[review_id] = {V.STATUS: DISMISSED}
            out.events.append(Event(review_id, ADMIN, "Diabaikan oleh Admin (tetap tersimpan)", "dismissed"))
    for original, copy in ids.copies:  # the same response in a later responses tab: the same ID
        known = ids.id_of(original)
        if known is not None and copy.marker != known:
            mark(copy, known)
    return out


def _first_by_answers(ids: Identities, now: datetime) -> dict[tuple[str, ...], tuple[str, Response]]:
    first: dict[tuple[str, ...], tuple[str, Response]] = {}
    for marker, response in sorted(ids.owner.items(), key=lambda kv: (kv[1].submitted or now, kv[1].order)):
        first.setdefault(response.dup_key, (marker, response))
    return first
