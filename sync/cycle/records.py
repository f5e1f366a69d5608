"""The worker's tabs as typed records: every row parsed once, at the cycle's boundary, by the codec
that also writes it back.

A cycle reads the spreadsheet once (a `Snapshot` of raw cells). `read_model` turns each worker tab
into frozen records; the rest of the cycle takes records, never raw cells, and a record goes back
to its tab through `register_cells` (the register) or the steps' own rows (the other tabs).

The shape of a case, for a newcomer:
- `CaseRecord`: the register's row, the worker's memory of a case. Its state key, the day it entered
  each step, the decisions applied (`Ledger`: role -> key and time, not `"role=hash;…"` text), the
  Konselor's visits (`Visit`s, not joined lines), the referral, the risk recorded.
- `RoleRow`: one role's row of a case: the decision staff chose, the fields they filled, the message
  the worker wrote there.
- `ReviewEntry`, `AgendaEntry`, `LogEntry`: a row of the Admin's review tab, of the agenda of
  outgoing letters, of the activity log.

A time the worker wrote is a `Moment`: a date cell read back (a datetime, to the second), or the text
a person typed over it (kept, and written back as it is), or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from types import MappingProxyType

from rules import values
from rules.triage import RISK_LEVELS, RiskLevel, risk_label
from rules.workflow import FIELD_LABELS, INITIAL_STATE, REFERRAL_STATUSES, ROLE_LABELS, ROLES, STATE_LABELS
from sync.cycle.context import Context
from sync.cycle.tabs import CASE_ID, STEP_DATE, A, I, L, N, R, V, role_fields
from sync.stores import cells, workspace
from sync.stores.store import Table, Value
from sync.stores.text import cell_text

Moment = datetime | str | None  # a time the worker wrote, as read back (see the module's docstring)
_WHEN = "%Y%m%d%H%M"  # how the ledger writes when a decision was applied
_SEP = " | "  # between the parts of a visit's line and of the end of monitoring


def at(moment: Moment) -> datetime | None:
    """A moment as a time, None when it is blank or text nobody can read as a time."""
    return moment if isinstance(moment, datetime) else None


def risk_of(label: object) -> RiskLevel | None:
    """The risk level key of a label written in a tab ("DARURAT" -> "tinggi")."""
    text = values.text(label)
    return next((level for level in RISK_LEVELS if risk_label(level) == text), None)


# --- the decisions applied ----------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """A decision applied: its key (sync/cycle/case_step.py `decision_key`) and when (unknown from
    older workers)."""

    key: str
    when: datetime | None = None


@dataclass(frozen=True)
class Ledger:
    """The last decision applied per role, so that a decision left in a cell is not applied again.
    Written to the hidden register column as `admin=3f2a9c01be@202611211015;subkoor=…`."""

    entries: Mapping[str, Applied] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def parse(cls, text: str | None) -> Ledger:
        pairs = (part.split("=", 1) for part in (text or "").split(";") if "=" in part)
        return cls(MappingProxyType({role.strip(): _applied(value) for role, value in pairs
                                     if role.strip() in ROLE_LABELS}))

    def get(self, role: str) -> Applied | None:
        return self.entries.get(role)

    def with_applied(self, role: str, applied: Applied) -> Ledger:
        return Ledger(MappingProxyType({**self.entries, role: applied}))

    def text(self) -> str | None:
        def one(role: str) -> str:
            found = self.entries[role]
            return f"{role}={found.key}@{found.when.strftime(_WHEN)}" if found.when else f"{role}={found.key}"

        return ";".join(one(role) for role in ROLES if role in self.entries) or None


def _applied(value: str) -> Applied:
    key, _, when = value.strip().partition("@")
    try:
        return Applied(key, datetime.strptime(when, _WHEN) if when else None)
    except ValueError:
        return Applied(key)


# --- monitoring (step 7) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One monitoring visit the Konselor recorded; `line` is how the register keeps it."""

    day: date | None  # None: a line nobody can read a day from (kept, never shown)
    how: str
    condition: str
    next_step: str
    line: str = field(compare=False)

    @classmethod
    def parse(cls, line: str) -> Visit:
        parts = [*line.split(_SEP), "", "", ""]
        return cls(_iso(parts[0]), parts[1], parts[2], parts[3], line)

    @classmethod
    def of(cls, day: date, how: str | None, condition: str | None, next_step: str | None) -> Visit:
        parts = (day.isoformat(), _clean(how), _clean(condition), _clean(next_step))
        return cls.parse(_SEP.join(parts))


@dataclass(frozen=True)
class MonitoringEnd:
    """The end of monitoring the Konselor decided: the day and the reason (`2026-12-01 | …`)."""

    day: date | None
    reason: str
    text: str = field(compare=False)

    @classmethod
    def parse(cls, text: str) -> MonitoringEnd:
        day_text, _, reason = text.partition(_SEP)
        return cls(_iso(day_text), reason, text)

    @classmethod
    def of(cls, day: date, reason: str | None) -> MonitoringEnd:
        return cls.parse(_SEP.join((day.isoformat(), _clean(reason))))


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _clean(value: str | None) -> str:
    return " ".join((value or "").replace("|", "/").split()) or "-"


# --- the register -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRecord:
    """A case as the register keeps it (one row of the case register tab)."""

    case_id: str
    state: str = INITIAL_STATE  # a key of rules/workflow.py STATE_LABELS
    received: Moment = None
    channel: str | None = None
    entered: Moment = None  # when the case entered its current step
    risk_label: str | None = None  # the risk as last written ("DARURAT")
    warnings: str | None = None  # the count of validation notes as last written
    duplicates: str | None = None
    referral: str | None = None
    destination: str | None = None
    edited: str | None = None
    source: str | None = None
    created: Moment = None
    steps: Mapping[str, Moment] = field(default_factory=lambda: MappingProxyType({}))  # state -> day entered
    fingerprint: str | None = None
    applied: Ledger = field(default_factory=Ledger)
    note: str | None = None
    visits: tuple[Visit, ...] = ()
    monitoring_end: MonitoringEnd | None = None

    @property
    def risk(self) -> RiskLevel | None:
        return risk_of(self.risk_label)

    def step(self, state: str) -> Moment:
        return self.steps.get(state)

    def entering(self, state: str, stamp: datetime) -> CaseRecord:
        """The case moved to `state` at `stamp`."""
        return replace(self, state=state, entered=stamp, steps=MappingProxyType({**self.steps, state: stamp}))

    @classmethod
    def new(cls, case_id: str, stamp: datetime, source: str, state: str = INITIAL_STATE) -> CaseRecord:
        """A case the worker creates at `stamp`, in `state`."""
        return cls(case_id, state, entered=stamp, created=stamp, source=source,
                   steps=MappingProxyType({state: stamp}))


def case_record(case_id: str, row: Mapping[str, object]) -> CaseRecord:
    """The register's row of a case, parsed."""
    state = values.text(row.get(R.STATE_KEY)) or INITIAL_STATE
    visits = values.text(row.get(R.VISITS))
    end = cell_text(row.get(R.MONITORING_END))
    return CaseRecord(
        case_id,
        state=state if state in STATE_LABELS else INITIAL_STATE,
        received=cells.moment(row.get(R.RECEIVED)),
        channel=cell_text(row.get(R.CHANNEL)),
        entered=cells.moment(row.get(R.ENTERED)),
        risk_label=cell_text(row.get(R.RISK)),
        warnings=cell_text(row.get(R.WARNINGS)),
        duplicates=cell_text(row.get(R.DUPLICATES)),
        referral=cell_text(row.get(R.REFERRAL)),
        destination=cell_text(row.get(R.DESTINATION)),
        edited=cell_text(row.get(R.EDITED)),
        source=cell_text(row.get(R.SOURCE)),
        created=cells.moment(row.get(R.CREATED)),
        steps=MappingProxyType({s: m for s, h in STEP_DATE.items() if (m := cells.moment(row.get(h))) is not None}),
        fingerprint=cell_text(row.get(R.FINGERPRINT)),
        applied=Ledger.parse(values.text(row.get(R.APPLIED))),
        note=cell_text(row.get(R.NOTE)),
        visits=tuple(Visit.parse(line) for line in visits.split("\n")) if visits else (),
        monitoring_end=MonitoringEnd.parse(end) if end else None,
    )


def register_cells(record: CaseRecord) -> dict[str, Value]:
    """The register's row of a case as the record keeps it, in the tab's order; the columns the cycle
    computes each time (`R.DUE`, `R.CLOCK`, `R.MONITORING`) are blank here."""
    row: dict[str, Value] = {
        R.ID: record.case_id,
        R.RECEIVED: record.received,
        R.CHANNEL: record.channel,
        R.STATE: STATE_LABELS[record.state],
        R.STATE_KEY: record.state,
        R.ENTERED: record.entered,
        R.RISK: record.risk_label,
        R.DUE: None,
        R.CLOCK: None,
        R.WARNINGS: record.warnings,
        R.DUPLICATES: record.duplicates,
        R.REFERRAL: record.referral,
        R.DESTINATION: record.destination,
        R.EDITED: record.edited,
        R.SOURCE: record.source,
        R.FINGERPRINT: record.fingerprint,
        R.APPLIED: record.applied.text(),
        R.NOTE: record.note,
        R.VISITS: cell_text("\n".join(v.line for v in record.visits)),
        R.MONITORING_END: record.monitoring_end.text if record.monitoring_end else None,
        R.MONITORING: None,
        R.CREATED: record.created,
    }
    for state, header in STEP_DATE.items():
        row[header] = record.steps.get(state)
    return row


# --- the role tabs --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleRow:
    """One role's row of a case: what staff decided and filled, and what the worker shows there."""

    case_id: str
    role: str
    decision: str | None
    fields: Mapping[str, str | None]  # the role's own fields (rules/workflow.py keys), as typed
    message: str | None  # the worker's "Pesan Sistem"
    cells: Mapping[str, object] = field(repr=False, compare=False)  # the row as read, for `shown`

    @cached_property
    def labels(self) -> Mapping[str, str]:
        """Every staff field's column this row shows, non-blank, by column label (what letters quote)."""
        return {label: text for label, cell in self.cells.items() if label in _LABELS and (text := values.text(cell))}

    def filled(self, label: str) -> str | None:
        """A staff field's column of this row, as the worker shows it again in other tabs."""
        return cell_text(self.cells.get(label))

    def shown(self, header: str, *, time: bool = False) -> Value:
        """What the row shows in a worker column (kept while a question's answers cannot be read)."""
        cell = self.cells.get(header)
        return cells.moment(cell) if time else cell_text(cell)

    @property
    def referral_status(self) -> str | None:
        """The referral's status the Sub Koordinator chose, as one of REFERRAL_STATUSES."""
        typed = values.text(self.cells.get(FIELD_LABELS["status_rujukan"]))
        return next((s for s in REFERRAL_STATUSES if typed and values.normalize(s) == values.normalize(typed)), None)

    @property
    def risk_reasons(self) -> str | None:
        return values.text(self.cells.get(I.RISK_REASONS))


_LABELS = frozenset(FIELD_LABELS.values())


def role_row(case_id: str, role: str, row: Mapping[str, object]) -> RoleRow:
    fields = {key: values.text(row.get(FIELD_LABELS[key])) for key in role_fields(role)}
    return RoleRow(case_id, role, values.text(row.get(I.DECISION)), MappingProxyType(fields),
                   cell_text(row.get(I.MESSAGE)), row)


# --- the Admin's review tab, the agenda, the log ---------------------------------------------------


@dataclass(frozen=True)
class ReviewEntry:
    """A response the Admin reviews, and what the Admin decided of it."""

    review_id: str
    received: Moment = None
    reason: str | None = None
    summary: str | None = None
    status: str | None = None
    fingerprint: str | None = None
    action: str | None = None  # "Jadikan kasus" / "Abaikan"


def review_entry(review_id: str, row: Mapping[str, object]) -> ReviewEntry:
    return ReviewEntry(review_id, cells.moment(row.get(V.RECEIVED)), cell_text(row.get(V.REASON)),
                       cell_text(row.get(V.SUMMARY)), values.text(row.get(V.STATUS)),
                       cell_text(row.get(V.FINGERPRINT)), values.text(row.get(V.ACTION)))


@dataclass(frozen=True)
class AgendaEntry:
    """A row of the agenda of outgoing letters (one document)."""

    letter_id: str
    number: str | None
    day: date | str | None
    kind: str | None  # the kind's label ("Surat Tugas")
    case_id: str | None
    to: str | None
    link: str | None  # the document's address as shown
    drafted: Moment
    redraft_done: str | None
    redraft: str | None  # what staff typed to ask for a new draft
    number_cell: object = field(repr=False, compare=False)  # as read: the letter counter reads every number

    def cells(self) -> dict[str, Value]:
        return {A.ID: self.letter_id, A.NUMBER: self.number, A.DATE: self.day, A.KIND: self.kind,
                A.CASE: self.case_id, A.TO: self.to, A.LINK: self.link, A.DRAFTED: self.drafted,
                A.REDRAFT_DONE: self.redraft_done}


def agenda_entry(letter_id: str, row: Mapping[str, object]) -> AgendaEntry:
    return AgendaEntry(letter_id, values.text(row.get(A.NUMBER)), cells.day(row.get(A.DATE)),
                       values.text(row.get(A.KIND)), values.text(row.get(A.CASE)), cell_text(row.get(A.TO)),
                       values.text(row.get(A.LINK)), cells.moment(row.get(A.DRAFTED)),
                       values.text(row.get(A.REDRAFT_DONE)), values.text(row.get(A.REDRAFT)), row.get(A.NUMBER))


def column_texts(table: Table | None, header: str) -> Iterable[str]:
    """The non-blank cells of one column of a tab, as text."""
    if table is None or table.column(header) is None:
        return ()
    return (text for row in table.rows if (text := values.text(table.get(row, header))))


@dataclass(frozen=True)
class LogEntry:
    """A row of the activity log, as the cycle reads it back (what it said before, and when)."""

    subject: str | None
    code: str | None
    detail: str | None
    time_cell: object = field(repr=False, compare=False)
    id_cell: object = field(repr=False, compare=False)  # as read: the ID sequences read every ID given

    @cached_property
    def seconds(self) -> int:
        """When it was logged, in seconds since the spreadsheet's epoch (0 when unreadable)."""
        return cells.seconds(cells.moment(self.time_cell)) or 0


def log_entries(table: Table | None) -> tuple[LogEntry, ...]:
    if table is None:
        return ()
    subject, code, detail, time = (table.column(h) for h in (L.ID, L.CODE, L.DETAIL, L.TIME))

    def cell(row: tuple[object, ...], i: int | None) -> object:
        return row[i] if i is not None and i < len(row) else None

    return tuple(LogEntry(cell_text(cell(row, subject)), values.text(cell(row, code)), cell_text(cell(row, detail)),
                          cell(row, time), cell(row, subject)) for row in table.rows)


@dataclass(frozen=True)
class OutboxEntry:
    """A message in the notification outbox: to whom, its text, and how its sending stands."""

    key: str
    row: int  # its sheet row (or where the cycle's write appended it)
    to: str | None  # the roles it goes to, as the tab names them ("Admin, Sub Koordinator")
    urgent: bool
    text: str
    status: str | None
    delivered: tuple[str, ...]  # the recipients that have it
    attempts: int
    last: Moment  # when it was last tried
    note: str | None  # why it failed, per recipient


def outbox_entry(row: int, cells_by_header: Mapping[str, object]) -> OutboxEntry:
    """An outbox row as read, or as the cycle's write appended it."""
    get = cells_by_header.get
    return OutboxEntry(cell_text(get(N.KEY)) or "", row, cell_text(get(N.TO)), cell_text(get(N.URGENT)) == "Ya",
                       cell_text(get(N.TEXT)) or "", cell_text(get(N.STATUS)),
                       tuple(p.strip() for p in (cell_text(get(N.DELIVERED)) or "").split(", ") if p.strip()),
                       _count(get(N.ATTEMPTS)), cells.moment(get(N.LAST)), cell_text(get(N.NOTE)))


def outbox_entries(table: Table | None) -> tuple[OutboxEntry, ...]:
    if table is None:
        return ()
    headers = [(i, h) for i, h in enumerate(table.headers) if h]
    return tuple(outbox_entry(number, {h: row[i] if i < len(row) else None for i, h in headers})
                 for number, row in zip(table.row_numbers, table.rows, strict=True))


def _count(cell: object) -> int:
    try:
        return int(float(cell_text(cell) or 0))
    except ValueError:
        return 0


# --- one snapshot's worker tabs -----------------------------------------------------------


def rows_by_key(table: Table | None, key: str) -> dict[str, dict[str, object]]:
    """A tab's rows by key; the first row wins when staff copied a row."""
    out: dict[str, dict[str, object]] = {}
    if table is None:
        return out
    for record in table.records():
        ident = values.text(record.get(key))
        if ident and ident not in out:
            out[ident] = record
    return out


@dataclass(frozen=True)
class ReadModel:
    """Every worker tab of one snapshot, as records."""

    register: Mapping[str, CaseRecord]
    review: Mapping[str, ReviewEntry]
    staff: Mapping[str, Mapping[str, RoleRow]]  # role -> case ID -> its row
    agenda: Mapping[str, AgendaEntry]
    log: tuple[LogEntry, ...]
    beat: workspace.Beat | None  # the help tab's heartbeat row

    def seen_ids(self) -> Iterable[object]:
        """Every ID the worker ever gave that these tabs hold (the responses' markers aside)."""
        return (*self.register, *self.review, *(e.id_cell for e in self.log))


def read_model(tabs: Mapping[str, Table], ctx: Context) -> ReadModel:
    """The worker tabs of a snapshot (`Snapshot.tabs`) as records: the only reading of their cells."""
    layouts = ctx.tabs
    return ReadModel(
        register={i: case_record(i, r) for i, r in rows_by_key(tabs.get(layouts.register.name), R.ID).items()},
        review={i: review_entry(i, r) for i, r in rows_by_key(tabs.get(layouts.review.name), V.ID).items()},
        staff={role: {i: role_row(i, role, r) for i, r in rows_by_key(tabs.get(layout.name), CASE_ID).items()}
               for role, layout in layouts.roles.items()},
        agenda={i: agenda_entry(i, r) for i, r in rows_by_key(tabs.get(layouts.agenda.name), A.ID).items()},
        log=log_entries(tabs.get(layouts.log.name)),
        beat=beat_of(tabs.get(layouts.guide.name)),
    )


def beat_of(guide: Table | None) -> workspace.Beat | None:
    """The help tab's heartbeat row, if it has one."""
    if guide is None:
        return None
    found = next(((n, r) for n, r in zip(guide.row_numbers, guide.rows, strict=True)
                  if values.text(guide.get(r, workspace.TOPIC)) == workspace.HEARTBEAT), None)
    if found is None:
        return None
    number, row = found
    return workspace.Beat(number, workspace.as_time(guide.get(row, workspace.TEXT)))
