"""One cycle's decisions, from a snapshot to a write plan. Pure: no I/O, `now` passed in.

Read everything once -> decide here -> write once. The worker's desired content of
every tab is computed from the responses, its own register and the staff's
decisions, then compared with what the tabs hold: only differences are written, so
a cycle with nothing new writes nothing, and a row staff deleted comes back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from rules.case_ids import Sequence as IdSequence
from rules.complaint import Complaint
from rules.dates_id import short_moment
from rules.duplicates import DuplicatePolicy, find_duplicates_in_batch
from rules.intake import read_complaint, review_reason
from rules.triage import RISK_LEVELS, Triage, triage
from rules.whatsapp import WhatsAppPolicy, contact
from rules.workflow import CLOCK_STOPPED, INITIAL_STATE, STATES, TRANSITIONS, CaseFacts
from sync.cycle import answer_options, form_structure, notify_step, sheet_zone
from sync.cycle.case_step import advance
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event, log_rows
from sync.cycle.form_structure import TabStructure
from sync.cycle.identify import Identities, Response, identify, read_responses
from sync.cycle.intake_step import PENDING, Intake, is_history, take_in
from sync.cycle.letters_step import LetterOrder, LetterPlan, agenda_row, link_cells, plan_letters
from sync.cycle.recap_step import RecapInput, recap_input, recap_rows
from sync.cycle.reconcile import reconcile
from sync.cycle.records import CaseRecord, ReadModel, ReviewEntry, RoleRow, read_model
from sync.cycle.tabs import Layout, V
from sync.cycle.views import KEPT_RISK, CaseView, case_info, register_row, role_row, unread_headers
from sync.stores import workspace
from sync.stores.store import EnsureTab, Operation, Snapshot, Value, WritePlan
from sync.stores.text import cell_text

MAX_LINKS = 3  # probable duplicates shown per case
ANSWERS_REMOVED, ANSWERS_REMOVED_ACTION = "answers_removed", "Jawaban hilang dari tab respons (kolom dihapus?)"
RESPONSE_MISSING = (
    "Respons asli tidak ditemukan di tab respons (baris dihapus?). "
    "Data kasus tidak diperbarui; kembalikan baris respons bila memungkinkan."
)
# The states in which each role can act: its tab lists the cases that reached them.
ROLE_STATES: dict[str, set[str]] = {}
for _t in TRANSITIONS:
    ROLE_STATES.setdefault(_t.role, set()).add(_t.from_state)

Rows = dict[str, dict[str, Value]]  # a tab's desired worker cells, by key


@dataclass(frozen=True)
class CyclePlan:
    plan: WritePlan
    events: list[Event]
    cases: dict[str, Complaint] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    letters: list[LetterOrder] = field(default_factory=list)
    recap: RecapInput | None = None  # every case's and review row's facts, for the recap of any year

    def count(self, code: str) -> int:
        return sum(1 for e in self.events if e.code == code)


@dataclass(frozen=True)
class Gathered:
    """What a cycle decides from: the worker tabs as records, the responses and who they are."""

    read: ReadModel
    structure: tuple[TabStructure, ...]
    ids: Identities
    intake: Intake
    stamp: datetime  # when this cycle did what it logs, as a date cell
    whatsapp: WhatsAppPolicy  # how a reporter's number becomes a link (the office's own numbers never do)

    @property
    def unread_tab(self) -> bool:
        """A responses tab's answers cannot be read: a case without its response is not "missing"."""
        return any(s.lost for s in self.structure)


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

    @property
    def views(self) -> list[CaseView]:
        return [o.view for o in self.outcomes.values()]

    @property
    def complaints(self) -> dict[str, Complaint]:
        return {i: o.complaint for i, o in self.outcomes.items() if o.complaint is not None}

    @property
    def moves(self) -> dict[str, tuple[str, str]]:
        return {i: o.moved for i, o in self.outcomes.items() if o.moved}

    @property
    def messages(self) -> dict[tuple[str, str], str | None]:
        return {(role, i): m for i, o in self.outcomes.items() for role, m in o.messages.items()}

    @property
    def events(self) -> list[Event]:
        return [e for o in self.outcomes.values() for e in o.events]

    def records(self) -> dict[str, CaseRecord]:
        return {i: o.view.record for i, o in self.outcomes.items()}


def plan_cycle(
    snapshot: Snapshot, ctx: Context, now: datetime, links: Mapping[str, str] | None = None, *,
    letters: bool = True,
) -> CyclePlan:
    """Decide everything one cycle does. `now` is naive local (WIB) time.

    Letters to draft come back in `CyclePlan.letters`; the cycle drafts them and plans
    again with their `links` (the same decisions, now with the documents' links).
    `letters=False` plans no letter at all (for a run without a document writer).
    """
    got = gather(snapshot, ctx, now)
    cases = decide_cases(got, ctx)
    cases, duplicate_events = link_duplicates(cases, got.intake.new_cases, ctx)
    letter_plan = plan_letters({v.case_id: v for v in cases.views}, cases.moves, got.read.agenda, links or {},
                               ctx, now) if letters else \
        LetterPlan(rows={k: agenda_row(e) for k, e in got.read.agenda.items()})
    review, review_events = review_rows(got, ctx)
    desired = desired_tabs(cases, got.read.staff, letter_plan, ctx, now)
    desired[ctx.tabs.agenda.name] = letter_plan.rows
    desired[ctx.tabs.review.name] = review
    recap = recap_input(cases.views, review, ctx)
    desired[ctx.tabs.recap.name] = recap_rows(recap, ctx, now)
    desired[ctx.tabs.guide.name] = workspace.guide_rows(got.read.beat, ctx.settings, now)
    timed = notify_step.timed(cases.views, ctx, now) if ctx.tabs.outbox is not None else []
    events = [*got.intake.events, *cases.events, *duplicate_events, *letter_plan.events, *review_events]
    if ctx.tabs.outbox is not None:  # the events only a notifying office needs, each logged once
        events += notify_step.cycle_events(timed, cases.messages, got.read.staff, got.read.log, ctx, now)
    tabs = tabs_written(snapshot, got, desired, letter_plan, events, ctx)
    events, removed = answers_removed([*events, *tabs.events])
    findings = Findings.of(snapshot, got, ctx, now)
    events += form_structure.log_events(findings.messages, got.read.log)
    operations = [*got.intake.marks, *tabs.operations, *queue_notices(events, timed, snapshot, ctx, now),
                  *log_rows(events, ctx, got.stamp)]
    operations += finish(operations, snapshot, got.read.beat, ctx, now)
    operations.sort(key=lambda op: not isinstance(op, EnsureTab))  # tabs first, order kept
    return CyclePlan(WritePlan(tuple(operations)), events, cases.complaints, findings.problems + removed,
                     letter_plan.orders, recap=recap)


def gather(snapshot: Snapshot, ctx: Context, now: datetime) -> Gathered:
    """Read the snapshot once: the worker tabs as records, the responses, who each one is, what intake adds."""
    read = read_model(snapshot.tabs, ctx)
    responses = read_responses(snapshot.response_tabs, ctx, snapshot.time_zone)
    structure = tuple(form_structure.read_structure(snapshot.response_tabs, ctx))
    known = {i: r.fingerprint or "" for i, r in read.register.items()}
    known |= {i: r.fingerprint or "" for i, r in read.review.items()}
    ids = identify(responses, known, ctx)
    seen = [*read.seen_ids(), *(r.marker for r in responses)]
    intake = take_in(ids, read.review, IdSequence(ctx.case_ids, seen), IdSequence(ctx.review_ids, seen), ctx, now)
    office_phones = ctx.settings.office.phones()  # typed on hotline calls: nobody's WhatsApp, no duplicate link
    whatsapp = ctx.settings.whatsapp.policy(ctx.settings.office.service_name, office_phones)
    return Gathered(read, structure, ids, intake, now.replace(second=0, microsecond=0), whatsapp)


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


@dataclass(frozen=True)
class TabsWritten:
    """The operations that make the worker's tabs show what they should, and the rows put back."""

    operations: tuple[Operation, ...]
    events: tuple[Event, ...]  # a row staff deleted that the worker wrote back


def tabs_written(snapshot: Snapshot, got: Gathered, desired: Mapping[str, Rows], letter_plan: LetterPlan,
                 events: Sequence[Event], ctx: Context) -> TabsWritten:
    """Each tab compared with what it should show: only the differences are written."""
    tabs = ctx.tabs
    created = set(got.intake.new_cases) | {e.subject for e in events if e.code == "to_review"}
    operations: list[Operation] = []
    restored: list[Event] = []
    for layout in tabs.all:
        if layout is tabs.log or layout is tabs.outbox:
            continue
        if layout is tabs.recap and got.unread_tab and layout.name in snapshot.tabs:
            continue  # the recap keeps its figures while a tab's answers cannot be read
        table = snapshot.tabs.get(layout.name)
        initial = letter_plan.initial if layout is tabs.agenda else None
        result = reconcile(layout, table, desired.get(layout.name, {}), initial)
        operations.extend(result.operations)
        for key in result.appended:
            if key not in created and table is not None and table.rows and _listed_before(layout, got.read, key):
                restored.append(Event(key, SYSTEM, f"Baris dikembalikan ke tab {layout.name}", "row_restored"))
    return TabsWritten(tuple(operations), tuple(restored))


@dataclass(frozen=True)
class Findings:
    """What the office must fix in its form or spreadsheet: in Indonesian for the log tab and `status`,
    in English for the program log."""

    messages: list[str]
    problems: list[str]

    @classmethod
    def of(cls, snapshot: Snapshot, got: Gathered, ctx: Context, now: datetime) -> Findings:
        structure = list(got.structure)
        answers = answer_options.find(got.intake.owner.items(), ctx)  # reworded options
        zone = snapshot.time_zone  # the spreadsheet's time zone
        return cls(
            form_structure.messages(structure, ctx) + answer_options.messages(answers, ctx)
            + sheet_zone.messages(zone, ctx, now),
            form_structure.problems(structure, ctx) + answer_options.problems(answers, ctx)
            + sheet_zone.problems(zone, ctx, now),
        )


def finish(operations: Sequence[Operation], snapshot: Snapshot, beat: workspace.Beat | None, ctx: Context,
           now: datetime) -> list[Operation]:
    """The log tab made (or given its look) when anything is written, and the "Diperbarui sistem" time:
    with any write, else only when due (an idle cycle mostly writes nothing). Tabs are made first."""
    log_tab = snapshot.tabs.get(ctx.tabs.log.name)
    extra: list[Operation] = []
    if operations and (log_tab is None or log_tab.stale_look):
        extra.append(ctx.tabs.log.ensure())
    extra += workspace.heartbeat(ctx.tabs.guide.name, beat, ctx.settings, now, busy=bool(operations))
    return extra


def queue_notices(events: Sequence[Event], timed: Sequence[notify_step.Timed], snapshot: Snapshot, ctx: Context,
                  now: datetime) -> list[Operation]:
    """The outbox rows of the notices of this cycle's events not queued before (none without recipients)."""
    layout = ctx.tabs.outbox
    if layout is None:
        return []
    table = snapshot.tabs.get(layout.name)
    rows = notify_step.outbox_rows(events, timed, table, ctx, now)
    return list(reconcile(layout, table, rows).operations) if rows or table is None else []


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


def desired_tabs(cases: Cases, staff: Mapping[str, Mapping[str, RoleRow]], letter_plan: LetterPlan, ctx: Context,
                 now: datetime) -> dict[str, Rows]:
    """What the register and each role's tab should show of every case."""
    tabs = ctx.tabs
    desired: dict[str, Rows] = {layout.name: {} for layout in tabs.all}
    messages = cases.messages
    for view in cases.views:
        info = case_info(view, ctx, now) | link_cells(view.case_id, letter_plan)
        desired[tabs.register.name][view.case_id] = register_row(view, info)
        for role, layout in tabs.roles.items():
            if not _belongs(role, view.record, staff[role]):
                continue
            key = (role, view.case_id)
            current = staff[role].get(view.case_id)
            message = messages.get(key, current.message if current else None)
            desired[layout.name][view.case_id] = role_row(layout, view, info, message, ctx)
    return desired


def _belongs(role: str, record: CaseRecord, rows: Mapping[str, RoleRow]) -> bool:
    """A role's tab lists a case once it reached a step where that role can act. The Admin's
    tab lists every case but a historical one, until the Admin types its ID there."""
    if record.case_id in rows:
        return True
    if role == "admin":
        return record.state != "history"
    acts = ROLE_STATES.get(role, set())  # a step the role acts in, reached now or before
    return record.state in acts or any(record.step(s) is not None for s in STATES if s in acts)


def _listed_before(layout: Layout, read: ReadModel, key: str) -> bool:
    """A missing row is "restored" (and logged) only if the last cycle had listed it."""
    record = read.register.get(key)
    if record is None:
        return False
    if layout.role is None:
        return True
    return _belongs(layout.role, record, {})


def link_duplicates(cases: Cases, new_cases: Mapping[str, CaseRecord], ctx: Context) -> tuple[Cases, list[Event]]:
    """Probable duplicates of this cycle's new cases among open cases: linked, never merged.
    A historical case (before the go-live date) is not looked at: nobody works on it."""
    outcomes = cases.outcomes
    policy: DuplicatePolicy = ctx.settings.duplicates.policy(ctx.settings.office.phones())
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


def review_rows(got: Gathered, ctx: Context) -> tuple[Rows, list[Event]]:
    """The Admin's review tab: each review row, restored when staff deleted it while its response is there."""
    review, changes, owner = got.read.review, got.intake.review, got.intake.owner
    rows: Rows = {}
    events: list[Event] = []
    for review_id in sorted(set(review) | {i for i in owner if ctx.review_ids.parse(i)} | set(changes)):
        entry = changes.get(review_id) or review.get(review_id) or ReviewEntry(review_id)
        response = owner.get(review_id)
        if review_id not in review and review_id not in changes and response is not None:
            reason = review_reason(response.answers, ctx.spec, response.unreadable) or "Dipulihkan; mohon tinjau ulang."
            entry = replace(entry, reason=reason, status=PENDING)
            events.append(Event(review_id, SYSTEM, "Baris tinjauan dipulihkan", "review_restored"))
        rows[review_id] = {
            V.ID: review_id,
            V.RECEIVED: response.submitted if response else entry.received,
            V.REASON: cell_text(entry.reason),
            V.SUMMARY: summary(response, ctx) if response else entry.summary,
            V.STATUS: cell_text(entry.status) or PENDING,
            V.FINGERPRINT: response.fingerprint if response else entry.fingerprint,
        }
    return rows, events


def summary(response: Response, ctx: Context) -> str | None:
    """The non-blank answers, "Question: answer" per line, cut to a readable length."""
    lines = [f"{ctx.spec.questions[name]}: {text[:300]}" for name, text in response.texts.items()
             if text and name != "timestamp"]
    lines += [f"{title}: {text[:300]}" for title, text in response.other]
    return cell_text("\n".join(lines), limit=2000) if lines else None
