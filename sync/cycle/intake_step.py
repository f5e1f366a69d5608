"""Intake: new responses become cases or review rows; the Admin's review decisions.

Numbers are handed out oldest response first, so that case numbers follow the time
of the complaints. Exact resubmissions of a form (a double click) go to review with
a pointer to the first copy; nothing is merged or dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from rules.case_ids import Sequence
from rules.intake import is_resubmission, review_reason
from sync.cycle.context import Context
from sync.cycle.events import ADMIN, SYSTEM, Event
from sync.cycle.identify import Identities, Response
from sync.cycle.records import CaseRecord, ReviewEntry
from sync.cycle.tabs import DISMISS, RELEASE
from sync.stores.store import MarkResponse

PENDING = "Menunggu tinjauan Admin"
DISMISSED = "Diabaikan oleh Admin"
RELEASED_PREFIX = "Dirilis menjadi "
CANNOT_RELEASE = "Tidak dapat dirilis: respons asli tidak ditemukan di tab respons"
HISTORY_SOURCE = "Formulir (sebelum sistem)"


@dataclass(frozen=True)
class Intake:
    """What intake adds this cycle: new register rows, review rows changed, markers, and which response
    each ID names now (the identities with this cycle's new IDs)."""

    new_cases: Mapping[str, CaseRecord] = field(default_factory=dict)
    review: Mapping[str, ReviewEntry] = field(default_factory=dict)  # the review rows new or changed
    marks: tuple[MarkResponse, ...] = ()
    events: tuple[Event, ...] = ()
    owner: Mapping[str, Response] = field(default_factory=dict)  # ID -> its response

    def joined(self, other: Intake) -> Intake:
        return Intake({**self.new_cases, **other.new_cases}, {**self.review, **other.review},
                      self.marks + other.marks, self.events + other.events, other.owner)


def is_history(response: Response, ctx: Context) -> bool:
    """Received before the go-live date (`intake.history_before`)? A response whose time cannot be
    read is never history: a complaint must not be filed away on a guess."""
    before = ctx.settings.intake.history_before
    return before is not None and response.submitted is not None and response.submitted.date() < before


def take_in(
    ids: Identities,
    review: Mapping[str, ReviewEntry],
    case_seq: Sequence,
    review_seq: Sequence,
    ctx: Context,
    now: datetime,
) -> Intake:
    """New responses become cases or review rows; the Admin's review decisions are applied; lost markers
    are written again. `case_seq` and `review_seq` hand out the next IDs."""
    stamp = now.replace(second=0, microsecond=0)
    found = _restored(ids, ctx)
    found = found.joined(_new_responses(ids, case_seq, review_seq, ctx, now, stamp))
    found = found.joined(_reviewed(review, found.owner, case_seq, ctx, now, stamp))
    return found.joined(Intake(marks=_copies(ids, found.owner, ctx), owner=found.owner))


def _mark(response: Response, marker: str, ctx: Context) -> MarkResponse:
    return MarkResponse(response.tab, ctx.marker_header, response.row, response.fingerprint, marker)


def _restored(ids: Identities, ctx: Context) -> Intake:
    """Markers written again where a cell lost its ID; an ID found on two rows said in the log."""
    events = [Event(marker, SYSTEM, "ID dipulihkan pada baris respons", "marker_restored")
              for marker, _ in ids.restored]
    events += [Event(marker, SYSTEM, "ID yang sama ditemukan di dua baris respons; baris salinan diperlakukan "
                     "sebagai respons baru", "marker_clash") for marker, _ in ids.clashes]
    return Intake(marks=tuple(_mark(response, marker, ctx) for marker, response in ids.restored),
                  events=tuple(events), owner=dict(ids.owner))


def _new_responses(ids: Identities, case_seq: Sequence, review_seq: Sequence, ctx: Context, now: datetime,
                   stamp: datetime) -> Intake:
    """Each new response, oldest first: a case, a historical case, or a review row with the reason."""
    owner = dict(ids.owner)
    earliest = _first_by_answers(owner, now) if ids.new else {}  # an idle cycle compares no answers
    new_cases: dict[str, CaseRecord] = {}
    review: dict[str, ReviewEntry] = {}
    events: list[Event] = []
    history: list[str] = []
    for response in sorted(ids.new, key=lambda r: (r.submitted or now, r.order)):
        year = (response.submitted or now).year
        reason = _review_reason(response, earliest.get(response.dup_key), ctx)
        if reason is not None:
            marker = review_seq.next(year)
            review[marker] = ReviewEntry(marker, reason=reason, status=PENDING)
            events.append(Event(marker, SYSTEM, "Respons masuk tinjauan Admin", "to_review", reason))
        elif is_history(response, ctx):
            marker = case_seq.next(year)
            new_cases[marker] = CaseRecord.new(marker, stamp, HISTORY_SOURCE, "history")
            history.append(marker)
        else:
            marker = case_seq.next(year)
            new_cases[marker] = CaseRecord.new(marker, stamp, "Formulir")
            events.append(Event(marker, SYSTEM, "Kasus baru dibuat dari respons formulir", "case_created"))
        owner[marker] = response
        earliest.setdefault(response.dup_key, (marker, response))
    if history:  # one log row, not thousands: the register lists each case
        span = history[0] if len(history) == 1 else f"{history[0]} s.d. {history[-1]}"
        events.append(Event(span, SYSTEM, f"{len(history)} respons sebelum sistem dicatat sebagai kasus riwayat",
                            "history_recorded", "Tanpa antrean dan batas waktu; Admin dapat memprosesnya "
                            "dengan keputusan 'Proses sebagai kasus baru'."))
    marks = tuple(_mark(r, i, ctx) for i, r in owner.items() if i not in ids.owner)
    return Intake(new_cases, review, marks, tuple(events), owner)


def _review_reason(response: Response, twin: tuple[str, Response] | None, ctx: Context) -> str | None:
    """Why a new response goes to the Admin's review, or None: it becomes a case."""
    reason = review_reason(response.answers, ctx.spec, response.unreadable)
    if reason is None and twin is not None and is_resubmission(
        twin[1].submitted, response.submitted, ctx.settings.intake.duplicate_window_hours
    ):
        reason = f"Kiriman ganda: isinya sama persis dengan {twin[0]}."
    return reason


def _reviewed(review: Mapping[str, ReviewEntry], owner: Mapping[str, Response], case_seq: Sequence,
              ctx: Context, now: datetime, stamp: datetime) -> Intake:
    """The Admin's decisions in the review tab: a response released as a case, or dismissed."""
    owner = dict(owner)
    new_cases: dict[str, CaseRecord] = {}
    changed: dict[str, ReviewEntry] = {}
    marks: list[MarkResponse] = []
    events: list[Event] = []
    for review_id, entry in review.items():
        status = entry.status or PENDING
        if status.startswith(RELEASED_PREFIX):
            continue
        held = owner.get(review_id)
        if entry.action == RELEASE and held is not None:
            case_id = case_seq.next((held.submitted or now).year)
            owner[case_id] = held
            del owner[review_id]
            new_cases[case_id] = CaseRecord.new(case_id, stamp, f"Dirilis dari {review_id}")
            changed[review_id] = replace(entry, status=RELEASED_PREFIX + case_id)
            marks.append(_mark(held, case_id, ctx))
            events.append(Event(review_id, ADMIN, f"Dirilis menjadi kasus {case_id}", "released"))
            events.append(Event(case_id, ADMIN, f"Kasus baru dari tinjauan {review_id}", "case_created"))
        elif entry.action == RELEASE:
            changed[review_id] = replace(entry, status=CANNOT_RELEASE)
        elif entry.action == DISMISS and status != DISMISSED:
            changed[review_id] = replace(entry, status=DISMISSED)
            events.append(Event(review_id, ADMIN, "Diabaikan oleh Admin (tetap tersimpan)", "dismissed"))
    return Intake(new_cases, changed, tuple(marks), tuple(events), owner)


def _copies(ids: Identities, owner: Mapping[str, Response], ctx: Context) -> tuple[MarkResponse, ...]:
    """The same response in a later responses tab takes the same ID."""
    marks = []
    for original, copy in ids.copies:
        known = next((i for i, r in owner.items() if r.order == original.order), None)
        if known is not None and copy.marker != known:
            marks.append(_mark(copy, known, ctx))
    return tuple(marks)


def _first_by_answers(owner: Mapping[str, Response], now: datetime) -> dict[tuple[str, ...], tuple[str, Response]]:
    first: dict[tuple[str, ...], tuple[str, Response]] = {}
    for marker, response in sorted(owner.items(), key=lambda kv: (kv[1].submitted or now, kv[1].order)):
        first.setdefault(response.dup_key, (marker, response))
    return first
