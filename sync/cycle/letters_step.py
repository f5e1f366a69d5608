"""Which letters a cycle drafts, with which number, and what the agenda tab shows.

The Surat Tugas is drafted when the Kepala Bidang approves (verification ->
assignment) and drafted again with the chosen outreach when the Kepala Dinas
assigns the team; the Surat Rujukan when the Kepala Dinas refers the case. A
number is given once, from the agenda tab (the register of outgoing letters) in
the same write as the decision, so a rerun after a crash gives the same number.
A staff request in "Minta Draf Ulang" (any new text) drafts the letter again under
the same number; so does a letter whose document is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from letters import values as letter_values
from rules import values
from rules.dates_id import long_date
from rules.letter_numbers import LetterCounter, rujukan_variant
from rules.workflow import FIELD_LABELS
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event, Record
from sync.cycle.tabs import LETTER_STATUSES, A, I
from sync.cycle.views import CaseView
from sync.stores import cells
from sync.stores.store import Link, Value
from sync.stores.text import cell_text

AGENDA_COLUMNS = (A.ID, A.NUMBER, A.DATE, A.KIND, A.CASE, A.TO, A.LINK, A.DRAFTED, A.REDRAFT_DONE)
KINDS = {"surat_tugas": ("ST", "Surat Tugas"), "surat_rujukan": ("SR", "Surat Rujukan")}
TRIGGERS = {
    ("verification", "assignment"): "surat_tugas",  # Kepala Bidang proposes the Surat Tugas
    ("assignment", "outreach"): "surat_tugas",  # Kepala Dinas chose the outreach: draft it again
    ("decision", "referred"): "surat_rujukan",
}


@dataclass(frozen=True)
class LetterOrder:
    """A letter to draft now. `key` names its document: one key, one document."""

    key: str
    kind: str
    case_id: str
    number: str
    values: Mapping[str, str]
    replaces: str | None = None  # the link of the draft this one supersedes

    @property
    def file_stem(self) -> str:
        return f"{self.case_id}-{self.kind.replace('_', '-')}"

    @property
    def title(self) -> str:
        return f"{self.case_id} {KINDS[self.kind][1]} {self.number}"


@dataclass
class LetterPlan:
    orders: list[LetterOrder] = field(default_factory=list)
    rows: dict[str, dict[str, Value]] = field(default_factory=dict)  # agenda rows by ID Surat
    initial: dict[str, dict[str, Value]] = field(default_factory=dict)  # staff columns of new rows
    events: list[Event] = field(default_factory=list)

    def link(self, case_id: str, kind: str) -> Link | None:
        found = self.rows.get(letter_key(case_id, kind), {}).get(A.LINK)
        return found if isinstance(found, Link) else None


def document_link(link: object) -> Link | None:
    """A letter's document as a clickable cell showing its address (a Docs URL, or the .docx
    path beside the workbook), so that a new draft at a new address shows as a change."""
    text = link.text if isinstance(link, Link) else cell_text(link)
    if not text:
        return None
    return Link(text if "://" in text else quote(text), text)  # a path: "Surat SAPA/x.docx" -> "Surat%20SAPA/..."


def agenda_row(record: Record) -> dict[str, Value]:
    """An agenda row as the worker shows it again: dates as date cells, the document as a link."""
    row: dict[str, Value] = {h: cell_text(record.get(h)) for h in AGENDA_COLUMNS}
    row |= {A.DATE: cells.day(record.get(A.DATE)), A.DRAFTED: cells.moment(record.get(A.DRAFTED)),
            A.LINK: document_link(record.get(A.LINK))}
    return row


def letter_key(case_id: str, kind: str) -> str:
    return f"{case_id}-{KINDS[kind][0]}"


def plan_letters(
    views: Mapping[str, CaseView],
    moves: Mapping[str, tuple[str, str]],
    agenda: Mapping[str, Record],
    links: Mapping[str, str],
    ctx: Context,
    now: datetime,
) -> LetterPlan:
    """Orders for this cycle's letters and the agenda rows. `links`: key -> document link
    of letters drafted this cycle (known when the cycle plans a second time)."""
    plan = LetterPlan()
    counter = LetterCounter(ctx.settings.letters.numbering.rules(), (r.get(A.NUMBER) for r in agenda.values()))
    wanted: dict[str, tuple[str, str, bool]] = {}  # key -> (case, kind, redraft)
    for case_id, move in sorted(moves.items()):
        kind = TRIGGERS.get(move)
        if kind:
            wanted[letter_key(case_id, kind)] = (case_id, kind, letter_key(case_id, kind) in agenda)
    for key, record in sorted(agenda.items()):
        case_id, kind = values.text(record.get(A.CASE)) or "", _kind_of(record)
        request = values.text(record.get(A.REDRAFT))
        if kind and case_id in views and key not in wanted and (
            not values.text(record.get(A.LINK)) or (request and request != values.text(record.get(A.REDRAFT_DONE)))
        ):
            wanted[key] = (case_id, kind, True)
    stamp = cells.to_second(now.replace(second=0))
    for key, record in agenda.items():
        plan.rows[key] = agenda_row(record)
    for key, (case_id, kind, again) in sorted(wanted.items()):
        view = views[case_id]
        old = agenda.get(key, {})
        number = values.text(old.get(A.NUMBER))
        if number is None:
            variant = rujukan_variant(bool(view.complaint and view.complaint.is_child)) \
                if kind == "surat_rujukan" else None
            number = counter.next(kind, now.date(), variant)
        filled, to = _values(kind, view, number, ctx, now)
        order = LetterOrder(key, kind, case_id, number, filled, values.text(old.get(A.LINK)))
        plan.orders.append(order)
        plan.rows[key] = {
            A.ID: key, A.NUMBER: number, A.DATE: cells.day(old.get(A.DATE)) or now.date(),
            A.KIND: KINDS[kind][1], A.CASE: case_id, A.TO: to,
            A.LINK: document_link(links.get(key) or old.get(A.LINK)), A.DRAFTED: stamp,
            A.REDRAFT_DONE: values.text(old.get(A.REDRAFT)),
        }
        if key not in agenda:
            plan.initial[key] = {A.STATUS: LETTER_STATUSES[0]}
        action = "Draf ulang" if again else "Draf dibuat"
        plan.events.append(Event(case_id, SYSTEM, f"{action}: {KINDS[kind][1]} nomor {number}",
                                 "letter_redrafted" if again else "letter_drafted", key))
    return plan


def _kind_of(record: Mapping[str, object]) -> str | None:
    label = values.text(record.get(A.KIND))
    return next((k for k, (_, name) in KINDS.items() if name == label), None)


def _values(kind: str, view: CaseView, number: str, ctx: Context, now: datetime) -> tuple[dict[str, str], str]:
    """The placeholders of one letter, from the case and what staff filled in."""
    settings = ctx.settings
    letters = settings.letters
    fields = {label: values.text(row.get(label)) or "" for row in view.rows.values() for label in row
              if isinstance(label, str) and label in FIELD_LABELS.values()}
    c = view.complaint
    place = ", ".join(p for p in (
        f"Kelurahan {c.kelurahan}" if c and c.kelurahan else "",
        f"Kecamatan {c.kecamatan}" if c and c.kecamatan else "",
        f"Kota {settings.office.city}",
    ) if p)
    if kind == "surat_tugas":
        names = [n.strip() for n in fields.get(FIELD_LABELS["anggota_tim"], "").split(",") if n.strip()]
        members = []
        for name in names:
            try:
                members += letters.staff_named([name])
            except KeyError:
                continue
        chosen = fields.get(FIELD_LABELS["jenis_penjangkauan"], "")
        jenis = [j.strip() for j in chosen.split(",") if j.strip()] or ["penjangkauan dan asesmen"]
        filled = letter_values.surat_tugas(
            settings.office, letters, nomor_surat=number, tanggal=now.date(), anggota=members,
            jenis_penjangkauan=jenis, nomor_kasus=view.case_id, tempat=place,
            waktu=f"{long_date(now.date())} sampai dengan selesai",
        )
        return filled, ", ".join(m.nama for m in members) or "Tim Penjangkauan"
    to = fields.get(FIELD_LABELS["lembaga_tujuan"], "") or "-"
    identity = {}
    if c is not None:
        identity = {"Nama/inisial": c.victim_name or "-", "Jenis kelamin": c.victim_sex or "-",
                    "Usia": f"{c.victim_age} tahun" if c.victim_age is not None else "-", "Domisili": place}
    filled = letter_values.surat_rujukan(
        settings.office, letters, nomor_surat=number, tanggal=now.date(), nomor_kasus=view.case_id,
        lembaga_tujuan=to, identitas_korban=identity, kronologi=(c.story if c and c.story else "-"),
        layanan_diberikan=fields.get(FIELD_LABELS["tindakan"], ""),
        kondisi_korban="\n".join(v for v in (fields.get(FIELD_LABELS["kondisi_korban"], ""),
                                             fields.get(FIELD_LABELS["asesmen"], "")) if v),
        layanan_diminta=fields.get(FIELD_LABELS["layanan_diminta"], ""),
        lampiran=["Laporan hasil penjangkauan dan asesmen", "Kronologi kejadian"],
    )
    return filled, to


def link_cells(case_id: str, plan: LetterPlan) -> dict[str, Value]:
    """The letter links a role's row of the case shows."""
    return {I.SURAT_TUGAS: plan.link(case_id, "surat_tugas"), I.SURAT_RUJUKAN: plan.link(case_id, "surat_rujukan")}
