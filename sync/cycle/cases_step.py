"""Every case after this cycle: its register record brought up to date with its response, staff's decisions
applied (sync/cycle/case_step.py), its risk and WhatsApp contact, and its probable duplicates linked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from rules.complaint import Complaint
from rules.dates_id import short_moment
from rules.duplicates import DuplicatePolicy, find_duplicates_in_batch
from rules.intake import read_complaint
from rules.triage import RISK_LEVELS, Triage, triage
from rules.whatsapp import contact
from rules.workflow import CLOCK_STOPPED, INITIAL_STATE, CaseFacts
from sync.cycle.case_step import advance
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event
from sync.cycle.gather import Gathered
from sync.cycle.identify import Response
from sync.cycle.intake_step import is_history
from sync.cycle.records import CaseRecord, RoleRow
from sync.cycle.views import KEPT_RISK, CaseView, unread_headers

MAX_LINKS = 3  # probable duplicates shown per case
ANSWERS_REMOVED, ANSWERS_REMOVED_ACTION = "answers_removed", "Jawaban hilang dari tab respons (kolom dihapus?)"
RESPONSE_MISSING = (
    "Respons asli tidak ditemukan di tab respons (baris dihapus?). "
    "Data kasus tidak diperbarui; kembalikan baris respons bila memungkinkan."
)


@dataclass(frozen=True)
class CaseOutcome:
    """One case after this cycle's decisions: its register record, what its tabs show, what happened."""

    view: CaseView
    complaint: Complaint | None
    events: tuple[Event, ...]
    moved: tuple[str, str] | None
    messages: Mapping[str, str | None]  # role -> its row's message


@dataclass(frozen=True)
class Cases:
    """Every case after this cycle's decisions, by case ID (sorted)."""

    outcomes: Mapping[str, CaseOutcome]

    @cached_property
    def views(self) -> list[CaseView]:
        return [o.view for o in self.outcomes.values()]

    @cached_property
    def complaints(self) -> dict[str, Complaint]:
        return {i: o.complaint for i, o in self.outcomes.items() if o.complaint is not None}

    @cached_property
    def moves(self) -> dict[str, tuple[str, str]]:
        return {i: o.moved for i, o in self.outcomes.items() if o.moved}

    @cached_property
    def messages(self) -> dict[tuple[str, str], str | None]:
        return {(role, i): m for i, o in self.outcomes.items() for role, m in o.messages.items()}

    @property
    def events(self) -> list[Event]:
        return [e for o in self.outcomes.values() for e in o.events]


def decide_cases(got: Gathered, ctx: Context) -> Cases:
    """Every case of the register, of this cycle's intake, and of the responses' markers, decided."""
    register, new_cases = got.read.register, got.intake.new_cases
    markers = {i for i in got.intake.owner if ctx.case_ids.parse(i)}
    return Cases({case_id: decide_case(case_id, got, ctx) for case_id in sorted(set(register) | set(new_cases)
                                                                                  | markers)})


def decide_case(case_id: str, got: Gathered, ctx: Context) -> CaseOutcome:
    """One case: its record brought up to date with its response, then staff's decisions applied."""
    known = got.read.register.get(case_id)
    record = got.intake.new_cases.get(case_id) or known
    response = got.intake.owner.get(case_id)
    events: list[Event] = []
    if record is None:
        state = "history" if response is not None and is_history(response, ctx) else INITIAL_STATE
        record = CaseRecord.new(case_id, got.stamp, "Dipulihkan dari tab respons", state)
        events.append(Event(case_id, SYSTEM, "Baris daftar kasus dipulihkan", "register_restored"))
    complaint = None
    if response is not None:
        complaint = read_complaint(response.answers, ctx.spec, day_first=response.day_first,
                                   unreadable=response.unreadable)
        record, edit = check_edit(record, response, got.stamp)
        events += edit
    elif not record.note and not got.unread_tab:
        record = replace(record, note=RESPONSE_MISSING)
        events.append(Event(case_id, SYSTEM, "Respons asli tidak ditemukan", "response_missing"))
    rows = {role: by_case[case_id] for role, by_case in got.read.staff.items() if case_id in by_case}
    facts = CaseFacts("seksual" in complaint.violence_types, complaint.wa_safe == "tidak") if complaint \
        else CaseFacts()
    step = advance(record, rows, ctx, got.stamp, facts)
    kept_before = known is not None and response is not None and bool(response.unreadable)
    view = CaseView(
        case_id, step.record, response, complaint,
        case_triage(complaint, known, rows, ctx, keep_worse=kept_before) if complaint else None,
        contact(complaint, case_id, got.whatsapp) if complaint else None,
        rows,
        kept=unread_headers(response.unreadable) if kept_before and response else frozenset(),
    )
    return CaseOutcome(view, complaint, (*events, *step.events), step.moved, step.messages)


def case_triage(
    complaint: Complaint, recorded: CaseRecord | None, rows: Mapping[str, RoleRow], ctx: Context, *, keep_worse: bool
) -> Triage:
    """The case's risk; with `keep_worse` (a question's column went missing since the case was
    taken in) never lower than the risk recorded, whose reasons the tabs keep showing."""
    found = triage(complaint, ctx.settings.triage.policy())
    before = recorded.risk if keep_worse and recorded else None
    if before is None or RISK_LEVELS.index(before) >= RISK_LEVELS.index(found.level):
        return found
    shown = next((reasons for r in rows.values() if (reasons := r.risk_reasons)), None)
    return Triage(before, tuple(shown.split("; ")) if shown else (KEPT_RISK,))


def check_edit(record: CaseRecord, response: Response, stamp: datetime) -> tuple[CaseRecord, list[Event]]:
    """The record with its response's fingerprint; a reporter's edit flagged, answers a column lost said."""
    previous = record.fingerprint
    if record.fingerprint != response.fingerprint or record.note is not None:
        record = replace(record, fingerprint=response.fingerprint, note=None)
    if previous and not response.same_answers(previous):
        if response.lost_answers(previous):  # staff deleted a column (or cleared a cell): no reporter's edit
            return record, [Event(record.case_id, SYSTEM, ANSWERS_REMOVED_ACTION, ANSWERS_REMOVED)]
        edited = f"Ya, diubah (terdeteksi {short_moment(stamp)}); periksa ulang"
        return replace(record, edited=edited), [Event(record.case_id, SYSTEM, "Respons diubah setelah diterima",
                                                      "response_edited")]
    return record, []


def answers_removed(events: list[Event]) -> tuple[list[Event], list[str]]:
    """The cycle's events with the cases that lost answers said in one log row, and the operator's warning."""
    lost = [e.subject for e in events if e.code == ANSWERS_REMOVED]
    if not lost:
        return events, []
    named = ", ".join(lost[:5]) + (f", dan {len(lost) - 5} lainnya" if len(lost) > 5 else "")
    detail = (
        f"{len(lost)} kasus ({named}) kehilangan jawaban di tab respons tanpa jawaban baru: kolom atau sel "
        "dihapus di tab respons, bukan diubah pelapor, jadi kasus tidak ditandai 'diubah'. Bila tidak disengaja, "
        "kembalikan kolomnya dengan Urungkan (Ctrl+Z), Histori versi, atau cadangan buku kerja."
    )
    summary = Event("", SYSTEM, ANSWERS_REMOVED_ACTION, ANSWERS_REMOVED, detail)
    problem = (f"{len(lost)} responses lost answers and gained none (a column or cells deleted in the responses "
               "tab?): not taken for reporters' edits")
    return [e for e in events if e.code != ANSWERS_REMOVED] + [summary], [problem]


def link_duplicates(cases: Cases, new_cases: Mapping[str, CaseRecord],
                    policy: DuplicatePolicy) -> tuple[Cases, list[Event]]:
    """Probable duplicates of this cycle's new cases among open cases: linked, never merged.
    A historical case (before the go-live date) is not looked at: nobody works on it."""
    outcomes = cases.outcomes
    complaints = cases.complaints

    def open_case(case_id: str) -> bool:
        return outcomes[case_id].view.record.state not in CLOCK_STOPPED

    fresh = [(i, complaints[i]) for i in sorted(new_cases) if i in complaints and open_case(i)]
    if not fresh:
        return cases, []
    open_cases = [(i, c) for i, c in complaints.items() if i not in new_cases and open_case(i)]
    links: dict[str, list[str]] = {}
    for match in find_duplicates_in_batch(fresh, open_cases, policy):
        links.setdefault(match.case_id, []).append(f"{match.matched_case_id} ({match.reason})")
    changed = dict(outcomes)
    events: list[Event] = []
    for case_id, texts in links.items():
        shown = texts[-MAX_LINKS:]  # the most recent: one number reused for many reports must not flood the row
        more = f"; dan {len(texts) - len(shown)} kasus lain" if len(texts) > len(shown) else ""
        outcome = outcomes[case_id]
        record = replace(outcome.view.record, duplicates="; ".join(shown) + more)
        changed[case_id] = replace(outcome, view=replace(outcome.view, record=record))
        events.append(Event(case_id, SYSTEM, "Kemungkinan duplikat: " + ", ".join(t.split(" ")[0] for t in shown)
                            + more, "duplicate_flagged"))
    return Cases(changed), events
