"""One cycle's decisions, from a snapshot to a write plan. Pure: no I/O, `now` passed in.

Read everything once -> decide here -> write once. The worker's desired content of
every tab is computed from the responses, its own register and the staff's
decisions, then compared with what the tabs hold: only differences are written, so
a cycle with nothing new writes nothing, and a row staff deleted comes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rules import values
from rules.case_ids import Sequence
from rules.complaint import Complaint
from rules.dates_id import short_moment
from rules.duplicates import DuplicatePolicy, find_duplicates_in_batch
from rules.intake import read_complaint, review_reason
from rules.triage import RISK_LEVELS, Triage, triage
from rules.whatsapp import contact
from rules.workflow import CLOCK_STOPPED, INITIAL_STATE, STATES, TRANSITIONS, CaseFacts
from sync.cycle import answer_options, form_structure, notify_step, sheet_zone
from sync.cycle.case_step import advance, state_of
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event, Record, log_rows, records
from sync.cycle.identify import Identities, Response, identify, read_responses
from sync.cycle.intake_step import PENDING, is_history, new_register, take_in
from sync.cycle.letters_step import LetterOrder, LetterPlan, agenda_row, link_cells, plan_letters
from sync.cycle.recap_step import RecapInput, recap_input, recap_rows
from sync.cycle.reconcile import reconcile
from sync.cycle.tabs import CASE_ID, STEP_DATE, A, I, L, Layout, R, V
from sync.cycle.views import KEPT_RISK, CaseView, case_info, register_row, risk_of, role_row, unread_headers
from sync.stores import cells, workspace
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


@dataclass
class CyclePlan:
    plan: WritePlan
    events: list[Event]
    cases: dict[str, Complaint] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    letters: list[LetterOrder] = field(default_factory=list)
    recap: RecapInput | None = None  # every case's and review row's facts, for the recap of any year

    def count(self, code: str) -> int:
        return sum(1 for e in self.events if e.code == code)


def plan_cycle(
    snapshot: Snapshot, ctx: Context, now: datetime, links: Mapping[str, str] | None = None, *,
    letters: bool = True,
) -> CyclePlan:
    """Decide everything one cycle does. `now` is naive local (WIB) time.

    Letters to draft come back in `CyclePlan.letters`; the cycle drafts them and plans
    again with their `links` (the same decisions, now with the documents' links).
    `letters=False` plans no letter at all (for a run without a document writer).
    """
    tabs = ctx.tabs
    register = records(snapshot.tabs.get(tabs.register.name), R.ID)
    review = records(snapshot.tabs.get(tabs.review.name), V.ID)
    staff = {role: records(snapshot.tabs.get(layout.name), CASE_ID) for role, layout in tabs.roles.items()}
    responses = read_responses(snapshot.response_tabs, ctx, snapshot.time_zone)
    structure = form_structure.read_structure(snapshot.response_tabs, ctx)
    unread_tab = any(s.lost for s in structure)  # its responses are not read: a case without one is not "missing"
    known = {i: str(r.get(R.FINGERPRINT) or "") for i, r in register.items()}
    known |= {i: str(r.get(V.FINGERPRINT) or "") for i, r in review.items()}
    ids = identify(responses, known, ctx)
    seen: list[object] = [*register, *review, *(r.marker for r in responses)]
    log = snapshot.tabs.get(tabs.log.name)
    if log is not None:
        seen += [log.get(row, L.ID) for row in log.rows]
    stamp = now.replace(second=0, microsecond=0)  # when this cycle did what it logs, as a date cell

    office_phones = ctx.settings.office.phones()  # typed on hotline calls: nobody's WhatsApp, no duplicate link
    whatsapp = ctx.settings.whatsapp.policy(ctx.settings.office.service_name, office_phones)
    intake = take_in(ids, review, Sequence(ctx.case_ids, seen), Sequence(ctx.review_ids, seen), ctx, now)
    events = list(intake.events)

    cases: dict[str, Complaint] = {}
    registers: dict[str, Record] = {}
    views: list[CaseView] = []
    moves: dict[str, tuple[str, str]] = {}
    messages: dict[tuple[str, str], str | None] = {}
    for case_id in sorted(set(register) | set(intake.new_cases) | _case_markers(ids, ctx)):
        record: Record = {**register.get(case_id, {}), **intake.new_cases.get(case_id, {})}
        response = ids.owner.get(case_id)
        if case_id not in register and case_id not in intake.new_cases:
            state = "history" if response is not None and is_history(response, ctx) else INITIAL_STATE
            record |= new_register(stamp, "Dipulihkan dari tab respons", state)
            events.append(Event(case_id, SYSTEM, "Baris daftar kasus dipulihkan", "register_restored"))
        complaint = None
        if response is not None:
            complaint = read_complaint(response.answers, ctx.spec, day_first=response.day_first,
                                       unreadable=response.unreadable)
            cases[case_id] = complaint
            events += _check_edit(case_id, record, response, stamp)
        elif not values.text(record.get(R.NOTE)) and not unread_tab:
            record[R.NOTE] = RESPONSE_MISSING
            events.append(Event(case_id, SYSTEM, "Respons asli tidak ditemukan", "response_missing"))
        rows = {role: by_case[case_id] for role, by_case in staff.items() if case_id in by_case}
        facts = CaseFacts("seksual" in complaint.violence_types, complaint.wa_safe == "tidak") if complaint \
            else CaseFacts()
        step = advance(case_id, record, rows, ctx, stamp, facts)
        events += step.events
        registers[case_id] = step.record
        if step.moved:
            moves[case_id] = step.moved
        for role, message in step.messages.items():
            messages[(role, case_id)] = message
        known_before = case_id in register and response is not None and bool(response.unreadable)
        views.append(CaseView(
            case_id, step.record, response, complaint,
            _triage(complaint, register.get(case_id), rows, ctx, keep_worse=known_before) if complaint else None,
            contact(complaint, case_id, whatsapp)
            if complaint else None,
            rows,
            kept=unread_headers(response.unreadable) if known_before and response else frozenset(),
        ))

    events += _link_duplicates(intake.new_cases, cases, registers, ctx.settings.duplicates.policy(office_phones))
    agenda = records(snapshot.tabs.get(tabs.agenda.name), A.ID)
    letter_plan = plan_letters({v.case_id: v for v in views}, moves, agenda, links or {}, ctx, now) \
        if letters else LetterPlan(rows={k: agenda_row(r) for k, r in agenda.items()})
    events += letter_plan.events
    desired = _desired(views, registers, staff, messages, letter_plan, ctx, now)
    desired[tabs.agenda.name] = letter_plan.rows
    desired[tabs.review.name] = _review_rows(review, intake.review_rows, ids, ctx, events)
    recap = recap_input(desired[tabs.register.name], cases, desired[tabs.review.name], ctx)
    desired[tabs.recap.name] = recap_rows(recap, ctx, now)
    desired[tabs.guide.name] = workspace.guide_rows(snapshot.tabs.get(tabs.guide.name), ctx.settings, now)

    operations: list[Operation] = list(intake.marks)
    created = set(intake.new_cases) | {e.subject for e in events if e.code == "to_review"}
    timed = notify_step.timed(views, ctx, now) if tabs.outbox is not None else []
    if tabs.outbox is not None:  # the events only a notifying office needs, each logged once
        events += notify_step.cycle_events(timed, messages, staff, snapshot.tabs.get(tabs.log.name), ctx, now)
    for layout in tabs.all:
        if layout is tabs.log or layout is tabs.outbox:
            continue
        if layout is tabs.recap and unread_tab and layout.name in snapshot.tabs:
            continue  # the recap keeps its figures while a tab's answers cannot be read
        table = snapshot.tabs.get(layout.name)
        initial = letter_plan.initial if layout is tabs.agenda else None
        result = reconcile(layout, table, desired.get(layout.name, {}), initial)
        operations.extend(result.operations)
        for key in result.appended:
            if key not in created and table is not None and table.rows and _listed_before(layout, register, key):
                events.append(Event(key, SYSTEM, f"Baris dikembalikan ke tab {layout.name}", "row_restored"))
    events, removed = _answers_removed(events)
    answers = answer_options.find(ids.owner.items(), ctx)  # reworded options: structure findings too
    zone_messages = sheet_zone.messages(snapshot.time_zone, ctx, now)  # the spreadsheet's time zone: likewise
    events += form_structure.log_events(form_structure.messages(structure, ctx)
                                        + answer_options.messages(answers, ctx) + zone_messages,
                                        snapshot.tabs.get(tabs.log.name))
    operations.extend(_queue_notices(events, timed, snapshot, ctx, now))
    operations.extend(log_rows(events, ctx, stamp))
    log_tab = snapshot.tabs.get(tabs.log.name)
    if operations and (log_tab is None or log_tab.stale_look):
        operations.append(tabs.log.ensure())
    # the "Diperbarui sistem" time: with any write, else only when due (an idle cycle mostly writes nothing)
    operations.extend(workspace.heartbeat(snapshot.tabs.get(tabs.guide.name), ctx.settings, now,
                                          busy=bool(operations)))
    operations.sort(key=lambda op: not isinstance(op, EnsureTab))  # tabs first, order kept
    problems = (form_structure.problems(structure, ctx) + answer_options.problems(answers, ctx)
                + sheet_zone.problems(snapshot.time_zone, ctx, now) + removed)
    return CyclePlan(WritePlan(tuple(operations)), events, cases, problems, letter_plan.orders, recap=recap)


def _queue_notices(events: list[Event], timed: list[notify_step.Timed], snapshot: Snapshot, ctx: Context,
                   now: datetime) -> list[Operation]:
    """The outbox rows of the notices of this cycle's events not queued before (none without recipients)."""
    layout = ctx.tabs.outbox
    if layout is None:
        return []
    table = snapshot.tabs.get(layout.name)
    rows = notify_step.outbox_rows(events, timed, table, ctx, now)
    return list(reconcile(layout, table, rows).operations) if rows or table is None else []


def _triage(
    complaint: Complaint, recorded: Record | None, rows: Mapping[str, Record], ctx: Context, *, keep_worse: bool
) -> Triage:
    """The case's risk; with `keep_worse` (a question's column went missing since the case was
    taken in) never lower than the risk recorded, whose reasons the tabs keep showing."""
    found = triage(complaint, ctx.settings.triage.policy())
    before = risk_of((recorded or {}).get(R.RISK)) if keep_worse else None
    if before is None or RISK_LEVELS.index(before) >= RISK_LEVELS.index(found.level):
        return found
    shown = next((values.text(r.get(I.RISK_REASONS)) for r in rows.values() if values.text(r.get(I.RISK_REASONS))),
                 None)
    return Triage(before, tuple(shown.split("; ")) if shown else (KEPT_RISK,))


def _check_edit(case_id: str, record: Record, response: Response, stamp: datetime) -> list[Event]:
    previous = values.text(record.get(R.FINGERPRINT))
    record[R.FINGERPRINT] = response.fingerprint
    record[R.NOTE] = None
    if previous and not response.same_answers(previous):
        if response.lost_answers(previous):  # staff deleted a column (or cleared a cell): no reporter's edit
            return [Event(case_id, SYSTEM, ANSWERS_REMOVED_ACTION, ANSWERS_REMOVED)]
        record[R.EDITED] = f"Ya, diubah (terdeteksi {short_moment(stamp)}); periksa ulang"
        return [Event(case_id, SYSTEM, "Respons diubah setelah diterima", "response_edited")]
    return []


def _answers_removed(events: list[Event]) -> tuple[list[Event], list[str]]:
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


def _desired(
    views: list[CaseView],
    registers: dict[str, Record],
    staff: dict[str, dict[str, Record]],
    messages: dict[tuple[str, str], str | None],
    letter_plan: LetterPlan,
    ctx: Context,
    now: datetime,
) -> dict[str, dict[str, dict[str, Value]]]:
    tabs = ctx.tabs
    desired: dict[str, dict[str, dict[str, Value]]] = {layout.name: {} for layout in tabs.all}
    for view in views:
        info = case_info(view, ctx, now) | link_cells(view.case_id, letter_plan)
        desired[tabs.register.name][view.case_id] = register_row(view, info)
        for role, layout in tabs.roles.items():
            if not _belongs(role, view.case_id, registers[view.case_id], staff[role]):
                continue
            key = (role, view.case_id)
            current = staff[role].get(view.case_id, {})
            message = messages[key] if key in messages else cell_text(current.get(I.MESSAGE))
            desired[layout.name][view.case_id] = role_row(layout, view, info, message, ctx)
    return desired


def _belongs(role: str, case_id: str, record: Record, rows: dict[str, Record]) -> bool:
    """A role's tab lists a case once it reached a step where that role can act. The Admin's
    tab lists every case but a historical one, until the Admin types its ID there."""
    if case_id in rows:
        return True
    if role == "admin":
        return state_of(record) != "history"
    acts = ROLE_STATES.get(role, set())  # a step the role acts in, reached now or before
    return state_of(record) in acts or any(values.text(record.get(STEP_DATE[s])) for s in STATES if s in acts)


def _listed_before(layout: Layout, register: dict[str, Record], key: str) -> bool:
    """A missing row is "restored" (and logged) only if the last cycle had listed it."""
    if key not in register:
        return False
    if layout.role is None:
        return True
    return _belongs(layout.role, key, register[key], {})


def _link_duplicates(
    new_cases: dict[str, Record], cases: dict[str, Complaint], registers: dict[str, Record], policy: DuplicatePolicy
) -> list[Event]:
    """Probable duplicates of this cycle's new cases among open cases: linked, never merged.
    A historical case (before the go-live date) is not looked at: nobody works on it."""
    fresh = [(i, cases[i]) for i in sorted(new_cases) if i in cases and state_of(registers[i]) not in CLOCK_STOPPED]
    if not fresh:
        return []
    open_cases = [
        (i, c) for i, c in cases.items()
        if i not in new_cases and state_of(registers[i]) not in CLOCK_STOPPED
    ]
    found = find_duplicates_in_batch(fresh, open_cases, policy)
    links: dict[str, list[str]] = {}
    for match in found:
        links.setdefault(match.case_id, []).append(f"{match.matched_case_id} ({match.reason})")
    events: list[Event] = []
    for case_id, texts in links.items():
        shown = texts[-MAX_LINKS:]  # the most recent: one number reused for many reports must not flood the row
        more = f"; dan {len(texts) - len(shown)} kasus lain" if len(texts) > len(shown) else ""
        registers[case_id][R.DUPLICATES] = "; ".join(shown) + more
        events.append(Event(case_id, SYSTEM, "Kemungkinan duplikat: " + ", ".join(t.split(" ")[0] for t in shown)
                            + more, "duplicate_flagged"))
    return events


def _review_rows(
    review: dict[str, Record], changes: dict[str, Record], ids: Identities, ctx: Context, events: list[Event]
) -> dict[str, dict[str, Value]]:
    rows: dict[str, dict[str, Value]] = {}
    for review_id in sorted(set(review) | {i for i in ids.owner if ctx.review_ids.parse(i)} | set(changes)):
        record = {**review.get(review_id, {}), **changes.get(review_id, {})}
        response = ids.owner.get(review_id)
        if review_id not in review and review_id not in changes and response is not None:
            reason = review_reason(response.answers, ctx.spec, response.unreadable) or "Dipulihkan; mohon tinjau ulang."
            record |= {V.REASON: reason, V.STATUS: PENDING}
            events.append(Event(review_id, SYSTEM, "Baris tinjauan dipulihkan", "review_restored"))
        rows[review_id] = {
            V.ID: review_id,
            V.RECEIVED: response.submitted if response else cells.moment(record.get(V.RECEIVED)),
            V.REASON: cell_text(record.get(V.REASON)),
            V.SUMMARY: summary(response, ctx) if response else cell_text(record.get(V.SUMMARY)),
            V.STATUS: cell_text(record.get(V.STATUS)) or PENDING,
            V.FINGERPRINT: response.fingerprint if response else cell_text(record.get(V.FINGERPRINT)),
        }
    return rows


def summary(response: Response, ctx: Context) -> str | None:
    """The non-blank answers, "Question: answer" per line, cut to a readable length."""
    lines = []
    for field_name, value in response.answers.items():
        text = values.text(value)
        if text and field_name != "timestamp":
            lines.append(f"{ctx.spec.questions[field_name]}: {text[:300]}")
    lines += [f"{title}: {text[:300]}" for title, text in response.other]
    return cell_text("\n".join(lines), limit=2000) if lines else None


def _case_markers(ids: Identities, ctx: Context) -> set[str]:
    return {i for i in ids.owner if ctx.case_ids.parse(i)}
