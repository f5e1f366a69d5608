"""Which letters and case documents a cycle drafts, with which number, and what the agenda tab shows.

The Surat Tugas is drafted when the Kepala Bidang approves (verification ->
assignment) and drafted again with the chosen outreach when the Kepala Dinas
assigns the team; the Laporan Hasil Penjangkauan when the Tim reports; the
Kronologi Kejadian and the Surat Rujukan (which attaches both reports and counts
them) when the Kepala Dinas refers the case; the Laporan Akhir Penanganan Kasus
when the Sub Koordinator writes it. Letters and the final report (if the office
numbers its reports) take a number; the other documents show '-'. A
number is given once, from the agenda tab (the register of outgoing letters) in
the same write as the decision, so a rerun after a crash gives the same number.
A staff request in "Minta Draf Ulang" (any new text) drafts the letter again under
the same number; so does a letter whose document is missing.

A letter's date is the day of its current draft, one value the agenda's `Tanggal Surat`
and the date printed in the letter both take: a redraft dates both anew (the Surat Tugas
proposed by the Kepala Bidang is drafted again, and signed, the day the Kepala Dinas
assigns the team), so the register never names a date the signed letter does not carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

from config.letters import StaffMember
from letters import values as letter_values
from rules.dates_id import long_date
from rules.letter_numbers import LetterCounter, rujukan_variant
from rules.options import OptionSet
from rules.workflow import FIELD_LABELS
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event
from sync.cycle.records import AgendaEntry, RoleRow, at
from sync.cycle.tabs import LETTER_STATUSES, A, I
from sync.cycle.views import CaseView
from sync.stores import cells
from sync.stores.store import Link, Value
from sync.stores.text import cell_text

KINDS = {
    "surat_tugas": ("ST", "Surat Tugas"),
    "surat_rujukan": ("SR", "Surat Rujukan"),
    "laporan_penjangkauan": ("LP", "Laporan Hasil Penjangkauan"),
    "kronologi_kejadian": ("KR", "Kronologi Kejadian"),
    "laporan_akhir": ("LA", "Laporan Akhir Penanganan Kasus"),
}
TRIGGERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("verification", "assignment"): ("surat_tugas",),  # Kepala Bidang proposes the Surat Tugas
    ("assignment", "outreach"): ("surat_tugas",),  # Kepala Dinas chose the outreach: draft it again
    ("outreach", "decision"): ("laporan_penjangkauan",),  # the Tim reports to the Kepala Dinas
    ("decision", "referred"): ("kronologi_kejadian", "surat_rujukan"),  # the referral and what it attaches
    ("final_report", "filing"): ("laporan_akhir",),  # the Sub Koordinator wrote the final report
}
# What a Surat Rujukan attaches, when the document exists, in this order.
ATTACHMENTS = (("laporan_penjangkauan", "Laporan hasil penjangkauan dan asesmen"),
               ("kronologi_kejadian", "Kronologi kejadian"))
NO_NUMBER = "-"  # a document the office does not number
# How a chronology names each step a case went through (the day it entered that state).
HANDLING: dict[str, str] = {
    "identification": "Pengaduan diteruskan Admin kepada Sub Koordinator",
    "verification": "Konfirmasi dan identifikasi kasus oleh Sub Koordinator",
    "assignment": "Verifikasi oleh Kepala Bidang; Surat Tugas diusulkan",
    "outreach": "Tim Penjangkauan ditugaskan oleh Kepala Dinas",
    "decision": "Penjangkauan dan asesmen selesai; laporan disampaikan kepada Kepala Dinas",
    "referred": "Kepala Dinas memutuskan rujukan ke lembaga lain",
    "final_report": "Kepala Dinas memutuskan kasus ditangani Dinas",
    "filing": "Laporan akhir penanganan kasus disusun Sub Koordinator",
    "closed": "Kasus selesai",
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
        number = "" if self.number == NO_NUMBER else f" {self.number}"
        return f"{self.case_id} {KINDS[self.kind][1]}{number}"


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


def agenda_row(entry: AgendaEntry) -> dict[str, Value]:
    """An agenda row as the worker shows it again: dates as date cells, the document as a link."""
    return entry.cells() | {A.LINK: document_link(entry.link)}


def letter_key(case_id: str, kind: str) -> str:
    return f"{case_id}-{KINDS[kind][0]}"


def plan_letters(
    views: Mapping[str, CaseView],
    moves: Mapping[str, tuple[str, str]],
    agenda: Mapping[str, AgendaEntry],
    links: Mapping[str, str],
    ctx: Context,
    now: datetime,
) -> LetterPlan:
    """Orders for this cycle's letters and the agenda rows. `links`: key -> document link
    of letters drafted this cycle (known when the cycle plans a second time)."""
    plan = LetterPlan()
    counter = LetterCounter(ctx.settings.letters.numbering.rules(), (e.number_cell for e in agenda.values()))
    wanted: dict[str, tuple[str, str, bool]] = {}  # key -> (case, kind, redraft)
    for case_id, move in sorted(moves.items()):
        for made in TRIGGERS.get(move, ()):
            wanted[letter_key(case_id, made)] = (case_id, made, letter_key(case_id, made) in agenda)
    for key, entry in sorted(agenda.items()):
        case_id, kind, request = entry.case_id or "", _kind_of(entry), entry.redraft
        if kind and case_id in views and key not in wanted and (
            not entry.link or (request and request != entry.redraft_done)
        ):
            wanted[key] = (case_id, kind, True)
    stamp = cells.to_second(now.replace(second=0))
    day = now.date()  # the letter's date: printed in the draft and shown in the agenda, one value
    for key, entry in agenda.items():
        plan.rows[key] = agenda_row(entry)
    documents = {key for key, entry in agenda.items() if entry.link} | set(wanted)
    for key, (case_id, kind, again) in sorted(wanted.items(), key=lambda item: _drafting_order(item[0])):
        view = views[case_id]
        old = agenda.get(key)
        number = old.number if old else None
        if number is None:
            number = _number(kind, view, counter, ctx, day)
        papers = Papers(agenda, {k for k in documents if k.startswith(f"{case_id}-")})
        filled, to = _values(kind, view, number, ctx, day, papers)
        order = LetterOrder(key, kind, case_id, number, filled, old.link if old else None)
        plan.orders.append(order)
        plan.rows[key] = {
            A.ID: key, A.NUMBER: number, A.DATE: day,
            A.KIND: KINDS[kind][1], A.CASE: case_id, A.TO: to,
            A.LINK: document_link(links.get(key) or (old.link if old else None)), A.DRAFTED: stamp,
            A.REDRAFT_DONE: old.redraft if old else None,
        }
        if key not in agenda:
            plan.initial[key] = {A.STATUS: LETTER_STATUSES[0]}
        action = "Draf ulang" if again else "Draf dibuat"
        plan.events.append(Event(case_id, SYSTEM, f"{action}: {KINDS[kind][1]} nomor {number}",
                                 "letter_redrafted" if again else "letter_drafted", key))
    return plan


def _drafting_order(key: str) -> tuple[str, bool]:
    """Attachments before the letter that lists them: a case's Surat Rujukan last."""
    return key.rsplit("-", 1)[0], key.endswith(f"-{KINDS['surat_rujukan'][0]}")


def _number(kind: str, view: CaseView, counter: LetterCounter, ctx: Context, day: date) -> str:
    """The next number of a letter, or of the final report if the office numbers its reports; else '-'."""
    if kind in ("laporan_penjangkauan", "kronologi_kejadian") or (
        kind == "laporan_akhir" and not ctx.settings.letters.numbering.reports_numbered
    ):
        return NO_NUMBER
    variant = rujukan_variant(bool(view.complaint and view.complaint.is_child)) if kind == "surat_rujukan" else None
    return counter.next(kind, day, variant)


@dataclass(frozen=True)
class Papers:
    """What the agenda knows of a case's documents: their numbers, and which exist."""

    agenda: Mapping[str, AgendaEntry]
    existing: set[str]  # keys of documents that exist or are drafted this cycle

    def number(self, case_id: str, kind: str) -> str:
        entry = self.agenda.get(letter_key(case_id, kind))
        return (entry.number if entry else None) or "-"

    def exists(self, case_id: str, kind: str) -> bool:
        return letter_key(case_id, kind) in self.existing


def _kind_of(entry: AgendaEntry) -> str | None:
    return next((k for k, (_, name) in KINDS.items() if name == entry.kind), None)


def _values(
    kind: str, view: CaseView, number: str, ctx: Context, day: date, papers: Papers
) -> tuple[dict[str, str], str]:
    """The placeholders of one document, from the case and what staff filled in; and whom it goes to."""
    case = _Case(view, ctx)
    build = {"surat_tugas": _surat_tugas, "surat_rujukan": _surat_rujukan,
             "laporan_penjangkauan": _laporan_penjangkauan, "kronologi_kejadian": _kronologi,
             "laporan_akhir": _laporan_akhir}[kind]
    return build(case, number, day, papers)


class _Case:
    """A case as its documents read it: the complaint, staff's fields, the register's dates."""

    def __init__(self, view: CaseView, ctx: Context) -> None:
        self.view, self.settings, self.id = view, ctx.settings, view.case_id
        self.fields = _fields(view.rows)
        self.complaint = view.complaint

    def field(self, key: str) -> str:
        return self.fields.get(FIELD_LABELS[key], "")

    @property
    def place(self) -> str:
        c = self.complaint
        return ", ".join(p for p in (
            f"Kelurahan {c.kelurahan}" if c and c.kelurahan else "",
            f"Kecamatan {c.kecamatan}" if c and c.kecamatan else "",
            f"Kota {self.settings.office.city}",
        ) if p)

    def identity(self) -> dict[str, str]:
        c = self.complaint
        if c is None:
            return {}
        return {"Nama/inisial": c.victim_name or "-", "Jenis kelamin": c.victim_sex or "-",
                "Usia": f"{c.victim_age} tahun" if c.victim_age is not None else "-", "Domisili": self.place}

    def team(self) -> list[StaffMember]:
        names = [n.strip() for n in self.field("anggota_tim").split(",") if n.strip()]
        members = []
        for name in names:
            try:
                members += self.settings.letters.staff_named([name])
            except KeyError:
                continue
        return members

    def outreach(self) -> list[str]:
        chosen = self.field("jenis_penjangkauan")
        return [j.strip() for j in chosen.split(",") if j.strip()]

    def story(self) -> str:
        return self.complaint.story if self.complaint and self.complaint.story else "-"

    def day(self, state: str) -> date | None:
        moment = at(self.view.record.step(state))
        return moment.date() if moment else None

    def handling(self) -> list[tuple[date, str]]:
        """The steps the case went through so far, each on the day it entered them."""
        c = self.complaint
        received = (c.submitted_at if c else None) or at(self.view.record.received)
        entries = [(received.date(), f"Pengaduan diterima ({c.channel if c else 'SAPA'})")] if received else []
        for state, text in HANDLING.items():
            day = self.day(state)
            if day is not None:
                entries.append((day, text))
        return entries

    def subkoor(self) -> StaffMember | None:
        return next((m for m in self.settings.letters.staff if m.role == "subkoor"), None)


def _fields(rows: Mapping[str, RoleRow]) -> dict[str, str]:
    """What staff wrote, by field label: the row of the role that fills a field first (another
    tab shows a copy, which may still be empty in the cycle the field was filled)."""
    found: dict[str, str] = {}
    for row in rows.values():
        found |= {FIELD_LABELS[key]: text for key, text in row.fields.items() if text}
    for row in rows.values():
        for label, text in row.labels.items():
            found.setdefault(label, text)
    return found


def _surat_tugas(case: _Case, number: str, day: date, papers: Papers) -> tuple[dict[str, str], str]:
    members = case.team()
    filled = letter_values.surat_tugas(
        case.settings.office, case.settings.letters, nomor_surat=number, tanggal=day, anggota=members,
        jenis_penjangkauan=case.outreach() or ["penjangkauan dan asesmen"], nomor_kasus=case.id,
        tempat=case.place, waktu=f"{long_date(day)} sampai dengan selesai",
    )
    return filled, ", ".join(m.nama for m in members) or "Tim Penjangkauan"


def _surat_rujukan(case: _Case, number: str, day: date, papers: Papers) -> tuple[dict[str, str], str]:
    to = case.settings.workflow.destination(case.field("lembaga_tujuan") or "-")
    filled = letter_values.surat_rujukan(
        case.settings.office, case.settings.letters, nomor_surat=number, tanggal=day, nomor_kasus=case.id,
        lembaga_tujuan=to.nama, kepada=to.addressee, alamat_lembaga=to.address, identitas_korban=case.identity(),
        kronologi=case.story(), layanan_diberikan=case.field("tindakan"),
        kondisi_korban="\n".join(v for v in (case.field("kondisi_korban"), case.field("asesmen")) if v),
        layanan_diminta=case.field("layanan_diminta"),
        lampiran=[name for kind, name in ATTACHMENTS if papers.exists(case.id, kind)],
    )
    return filled, to.addressee


def _laporan_penjangkauan(case: _Case, number: str, day: date, papers: Papers) -> tuple[dict[str, str], str]:
    began = case.day("outreach") or day
    when = long_date(began) if began >= day else f"{long_date(began)} s.d. {long_date(day)}"
    filled = letter_values.laporan_penjangkauan(
        case.settings.office, case.settings.letters, tanggal=day, nomor_kasus=case.id,
        nomor_surat_tugas=papers.number(case.id, "surat_tugas"), anggota=case.team(),
        jenis_penjangkauan=case.outreach(), waktu=when, tempat=case.place, tindakan=case.field("tindakan"),
        asesmen=case.field("asesmen"), rekomendasi=case.field("rekomendasi"),
        tindak_lanjut=case.field("tindak_lanjut"),
    )
    return filled, "Kepala Dinas"


def _kronologi(case: _Case, number: str, day: date, papers: Papers) -> tuple[dict[str, str], str]:
    c = case.complaint
    labels = OptionSet.of(case.settings.form.choices.violence_types)
    incident = {
        "Tanggal kejadian": long_date(c.incident_date) if c and c.incident_date else "-",
        "Tempat kejadian": (c.incident_place if c else None) or "-",
        "Jenis kekerasan": ", ".join(labels.label(v) for v in c.violence_types) if c else "-",
        "Hubungan pelaku": (c.perpetrator_relation if c else None) or "-",
    }
    filled = letter_values.kronologi_kejadian(
        case.settings.office, tanggal=day, nomor_kasus=case.id, identitas_korban=case.identity(),
        keterangan_kejadian=incident, uraian_kejadian=case.story(), riwayat_penanganan=case.handling(),
        penyusun=case.subkoor(),
    )
    return filled, "Lampiran Surat Rujukan"


def _laporan_akhir(case: _Case, number: str, day: date, papers: Papers) -> tuple[dict[str, str], str]:
    services = case.handling()
    if case.field("tindakan"):
        services.append((case.day("decision") or day, f"Penjangkauan: {case.field('tindakan')}"))
    filled = letter_values.laporan_akhir(
        case.settings.office, case.settings.letters.kepala_dinas,
        nomor_laporan=None if number == NO_NUMBER else number, tanggal=day,
        nomor_kasus=case.id, identitas_korban=case.identity(), kronologi=case.story(), layanan_diberikan=services,
        hasil_penanganan=case.field("laporan_akhir"),
        kesimpulan=f"Kasus nomor {case.id} selesai ditangani oleh Dinas dan ditutup setelah laporan ini "
                   "diarsipkan; kondisi korban selanjutnya dipantau oleh Konselor.",
        penyusun=case.subkoor(),
    )
    return filled, "Arsip Dinas"


LINK_COLUMNS = {"surat_tugas": I.SURAT_TUGAS, "surat_rujukan": I.SURAT_RUJUKAN,
                "laporan_penjangkauan": I.LAPORAN_PENJANGKAUAN, "kronologi_kejadian": I.KRONOLOGI,
                "laporan_akhir": I.LAPORAN_AKHIR}


def link_cells(case_id: str, plan: LetterPlan) -> dict[str, Value]:
    """The document links a role's row of the case shows."""
    return {column: plan.link(case_id, kind) for kind, column in LINK_COLUMNS.items()}
