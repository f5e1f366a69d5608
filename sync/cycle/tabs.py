"""The worker's tabs: their columns, which of them staff fill, and their dropdowns.

Worker columns are rewritten from the register and the responses at every cycle;
staff columns are never written by the worker once a row exists. Each role's tab
shows only what that role needs (UU 27/2022: least privilege): the outreach team
sees the victim's address, not the reporter's identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Settings
from rules import recap_table
from rules.workflow import (
    FIELD_LABELS,
    FIELDS,
    STATE_LABELS,
    TRANSITIONS,
    WorkflowOptions,
    choices_for,
    decisions_of_role,
)
from sync.stores import workspace
from sync.stores.store import Chart, Dropdown, EnsureTab, Look

CASE_ID = "ID Kasus"
REVIEW_ID = "ID Tinjauan"
# Columns an older worker wrote and this one no longer does: their cells are cleared once, so
# that a countdown frozen at its last value never tells staff there is time left.
RETIRED_COLUMNS = ("Sisa Waktu",)

RELEASE = "Jadikan kasus"
DISMISS = "Abaikan"


@dataclass(frozen=True)
class Layout:
    name: str
    key: str
    worker: tuple[str, ...]
    staff: tuple[str, ...] = ()
    dropdowns: tuple[Dropdown, ...] = ()
    role: str | None = None  # the workflow role whose tab this is
    front: tuple[str, ...] = ()  # columns a new tab shows first, in this order (worker or staff)
    look: Look | None = None

    @property
    def headers(self) -> tuple[str, ...]:
        rest = (h for h in self.worker + self.staff if h not in self.front)
        return (*self.front, *rest)

    def ensure(self) -> EnsureTab:
        return EnsureTab(self.name, self.headers, self.dropdowns, self.staff, self.look)


class R:
    """Register columns (the worker's own record of every case)."""

    ID = CASE_ID
    RECEIVED = "Diterima"
    CHANNEL = "Saluran"
    STATE = "Tahap"
    STATE_KEY = "Kode Tahap"
    ENTERED = "Masuk Tahap"
    RISK = "Risiko"
    DUE = "Batas Waktu"
    CLOCK = "Status Waktu"
    WARNINGS = "Jumlah Peringatan"
    DUPLICATES = "Kemungkinan Duplikat"
    REFERRAL = "Status Rujukan"
    DESTINATION = "Lembaga Tujuan"
    EDITED = "Respons Diubah Pelapor"
    SOURCE = "Asal"
    CREATED = "Dibuat Sistem"
    FINGERPRINT = "Sidik Respons"
    APPLIED = "Kunci Keputusan"
    NOTE = "Catatan Sistem"
    MONITORING = "Status Pemantauan"
    VISITS = "Riwayat Pemantauan"  # one line per visit, all of them (the Konselor's tab shows the latest)
    MONITORING_END = "Pemantauan Berakhir"


STEP_DATE: dict[str, str] = {
    state: "Tgl " + label.split(" (")[0] for state, label in STATE_LABELS.items()
}


class I:  # noqa: E742 - short names read well in the column tables
    """Case information columns, shared by the role tabs that show them."""

    ID = CASE_ID
    RISK = "Risiko"
    STATE = "Tahap Sekarang"
    TURN = "Giliran Anda?"
    DUE = "Batas Waktu"
    CLOCK = "Status Waktu"
    MESSAGE = "Pesan Sistem"
    RECEIVED = "Diterima"
    CHANNEL = "Saluran"
    REPORTER = "Pelapor"
    RELATION = "Hubungan Pelapor"
    PHONE = "No. WhatsApp"
    WA_SAFE = "Aman via WA?"
    WA_LINK = "Tautan WhatsApp"
    WA_NOTE = "Catatan WhatsApp"
    VICTIM = "Korban"
    SEX = "Jenis Kelamin"
    AGE = "Usia"
    DISABILITY = "Disabilitas"
    KECAMATAN = "Kecamatan"
    KELURAHAN = "Kelurahan"
    ADDRESS = "Alamat Korban"
    VIOLENCE = "Jenis Kekerasan"
    PLACE = "Tempat Kejadian"
    DATE = "Tanggal Kejadian"
    PERPETRATOR = "Hubungan Pelaku"
    DANGER = "Dalam Bahaya?"
    NEEDS = "Bantuan Segera"
    STORY = "Cerita Kejadian"
    CONSENT = "Persetujuan Data"
    WARNINGS = "Catatan Validasi"
    EDITED = "Respons Diubah Pelapor"
    RISK_REASONS = "Alasan Risiko"
    OTHER = "Jawaban Lain"  # answers to questions the configuration does not know yet
    DUPLICATES = "Kemungkinan Duplikat"
    DECISION = "Keputusan"
    ADMIN_NOTE = "Catatan Admin"
    SURAT_TUGAS = "Surat Tugas"
    SURAT_RUJUKAN = "Surat Rujukan"
    LAPORAN_PENJANGKAUAN = "Laporan Penjangkauan"
    KRONOLOGI = "Kronologi Kejadian"
    LAPORAN_AKHIR = "Laporan Akhir"
    REFERRAL = "Status Rujukan"
    DESTINATION = "Lembaga Tujuan"
    MONITORING_START = "Mulai Pemantauan"
    SCHEDULE = "Jadwal Pemantauan"
    MONITORING = "Status Pemantauan"
    VISITS = "Riwayat Kunjungan"


class A:
    """Columns of the register of outgoing letters (agenda surat keluar)."""

    ID = "ID Surat"
    NUMBER = "Nomor Surat"
    DATE = "Tanggal Surat"
    KIND = "Jenis Surat"
    CASE = CASE_ID
    TO = "Kepada"
    LINK = "Tautan Dokumen"
    DRAFTED = "Draf Terakhir"
    REDRAFT_DONE = "Draf Ulang Diproses"
    STATUS = "Status"
    REDRAFT = "Minta Draf Ulang"
    NOTE = "Catatan"


# Staff set the status; the worker writes only the first. A workbook from before the
# capitals may hold "draf": the worker reads no status, so either spelling is fine.
LETTER_STATUSES = ("Draf", "Ditandatangani", "Dikirim")


class V:
    """Columns of the Admin's review tab."""

    ID = REVIEW_ID
    RECEIVED = "Diterima"
    REASON = "Alasan Ditinjau"
    SUMMARY = "Isi Respons (ringkas)"
    STATUS = "Status"
    FINGERPRINT = "Sidik Respons"
    ACTION = "Tindakan Admin"
    NOTE = "Catatan Admin"


class L:
    """Columns of the activity log."""

    TIME = "Waktu (WIB)"
    ID = "ID Kasus / Tinjauan"
    ROLE = "Peran"
    ACTION = "Tindakan"
    CODE = "Kode"
    DETAIL = "Keterangan"


class N:
    """Columns of the notification outbox: one row per message, kept once it is sent (what was sent to
    whom survives a worker with no disk of its own)."""

    KEY = "Kunci"
    CREATED = "Dibuat (WIB)"
    TO = "Untuk"
    URGENT = "Mendesak"
    TEXT = "Pesan"
    STATUS = "Status"
    DELIVERED = "Terkirim ke"
    ATTEMPTS = "Percobaan"
    LAST = "Waktu Dicoba (WIB)"
    NOTE = "Keterangan"


_QUEUE = (I.ID, I.RISK, I.CLOCK, I.TURN, I.MESSAGE, I.STATE, I.DUE)
_F = FIELD_LABELS

# What each role sees of a case, after its queue columns (ID, risk, clock, message).
ROLE_INFO: dict[str, tuple[str, ...]] = {
    "admin": (I.RECEIVED, I.CHANNEL, I.REPORTER, I.RELATION, I.PHONE, I.WA_SAFE, I.VICTIM, I.SEX, I.AGE,
              I.DISABILITY, I.KECAMATAN, I.KELURAHAN, I.ADDRESS, I.VIOLENCE, I.PLACE, I.DATE, I.PERPETRATOR,
              I.DANGER, I.NEEDS, I.STORY, I.CONSENT, I.WARNINGS, I.EDITED, I.RISK_REASONS, I.DUPLICATES, I.OTHER,
              I.LAPORAN_AKHIR),
    "subkoor": (I.RECEIVED, I.CHANNEL, I.REPORTER, I.RELATION, I.PHONE, I.WA_SAFE, I.WA_LINK, I.WA_NOTE, I.VICTIM,
                I.SEX, I.AGE, I.DISABILITY, I.KECAMATAN, I.KELURAHAN, I.VIOLENCE, I.PLACE, I.DATE, I.PERPETRATOR,
                I.DANGER, I.NEEDS, I.STORY, I.WARNINGS, I.EDITED, I.RISK_REASONS, I.DUPLICATES,
                _F["lembaga_tujuan"], _F["layanan_diminta"], _F["tindakan"], _F["asesmen"], _F["rekomendasi"],
                _F["tindak_lanjut"], I.LAPORAN_PENJANGKAUAN, I.KRONOLOGI, I.SURAT_RUJUKAN, I.LAPORAN_AKHIR),
    "kabid": (I.RECEIVED, I.VICTIM, I.SEX, I.AGE, I.DISABILITY, I.KECAMATAN, I.VIOLENCE, I.DANGER, I.NEEDS,
              I.RISK_REASONS, I.STORY, _F["konfirmasi_wa"], _F["kondisi_korban"], _F["langkah_usulan"],
              I.DUPLICATES, I.SURAT_TUGAS),
    "kadis": (I.RECEIVED, I.VICTIM, I.AGE, I.KECAMATAN, I.VIOLENCE, I.RISK_REASONS, _F["kondisi_korban"],
              _F["langkah_usulan"], _F["anggota_tim"], _F["tindakan"], _F["asesmen"], _F["rekomendasi"],
              _F["tindak_lanjut"], _F["status_rujukan"], _F["laporan_akhir"], I.SURAT_TUGAS,
              I.LAPORAN_PENJANGKAUAN, I.SURAT_RUJUKAN, I.LAPORAN_AKHIR),
    "tim": (I.VICTIM, I.SEX, I.AGE, I.DISABILITY, I.ADDRESS, I.KECAMATAN, I.KELURAHAN, I.VIOLENCE, I.DANGER,
            I.NEEDS, I.RISK_REASONS, _F["kondisi_korban"], _F["langkah_usulan"], _F["anggota_tim"],
            _F["jenis_penjangkauan"], I.SURAT_TUGAS, I.LAPORAN_PENJANGKAUAN),
    # Monitoring (step 7): the schedule beside the referral's status, and what the team found.
    "konselor": (I.MONITORING, I.SCHEDULE, I.VISITS, I.MONITORING_START, I.REFERRAL, I.DESTINATION,
                 I.VICTIM, I.SEX, I.AGE, I.DISABILITY, I.ADDRESS, I.KECAMATAN, I.KELURAHAN, I.VIOLENCE,
                 I.RISK_REASONS, _F["asesmen"], _F["rekomendasi"], _F["tindak_lanjut"], _F["laporan_akhir"],
                 I.LAPORAN_PENJANGKAUAN, I.LAPORAN_AKHIR),
}

# Columns a role reads before it decides, right after its decision, message and deadline: the Sub
# Koordinator contacts the reporter, so whether WhatsApp is safe comes first, whole.
OPENING: dict[str, tuple[str, ...]] = {
    "subkoor": (I.WA_SAFE, I.WA_NOTE, I.WA_LINK),
}

# Staff columns a role fills beyond those its decisions require.
EXTRA_STAFF: dict[str, tuple[str, ...]] = {
    "admin": (I.ADMIN_NOTE,),
    "subkoor": ("Waktu konfirmasi WhatsApp",),
}


def role_fields(role: str) -> tuple[str, ...]:
    """Field keys a role fills for its decisions, in the order of the procedure."""
    keys = [k for t in TRANSITIONS if t.role == role for k in t.required]
    return tuple(dict.fromkeys(keys))


def role_layout(name: str, role: str, options: WorkflowOptions) -> Layout:
    staff = (I.DECISION, *(FIELD_LABELS[k] for k in role_fields(role)), *EXTRA_STAFF.get(role, ()))
    dropdowns = [Dropdown(I.DECISION, decisions_of_role(role))]
    for key in role_fields(role):
        choices = choices_for(key, options)
        if choices and not _multiple(key):
            dropdowns.append(Dropdown(FIELD_LABELS[key], choices))
    # The decision, then what the worker says of it and the deadline, on the first screen; then what the
    # role reads first, then the fields it fills.
    front = (I.ID, I.RISK, I.CLOCK, I.TURN, I.DECISION, I.MESSAGE, I.DUE, *OPENING.get(role, ()), *staff[1:])
    headers = (*front, *(h for h in _QUEUE + ROLE_INFO[role] if h not in front))
    monitoring = role == "konselor"  # closed cases are the Konselor's work: not grey
    look = workspace.look(
        headers, frozen=5, staff=staff, options=options, role=role,
        highlights=workspace.role_highlights(I.RISK, I.CLOCK, I.TURN, I.MONITORING if monitoring else I.STATE),
        shows=((I.TURN, workspace.QUEUE_VALUES),),  # the role's queue; clearing the filter shows every case
    )
    return Layout(name, CASE_ID, _QUEUE + ROLE_INFO[role], staff, tuple(dropdowns), role, front, look)


def _multiple(key: str) -> bool:
    return FIELDS[key].multiple


@dataclass(frozen=True)
class Tabs:
    register: Layout
    review: Layout
    log: Layout
    roles: dict[str, Layout]  # role key -> its tab; "admin" is the intake tab
    agenda: Layout

    @property
    def intake(self) -> Layout:
        return self.roles["admin"]

    guide: Layout  # "Panduan": the help text and the heartbeat
    recap: Layout  # "Rekap Bulanan": counts only, in SIMFONI-PPA's categories, with its charts
    outbox: Layout | None = None  # "Notifikasi": only when notifications have recipients

    @property
    def all(self) -> tuple[Layout, ...]:
        extra = (self.outbox,) if self.outbox is not None else ()
        return (*self.roles.values(), self.review, self.agenda, self.register, self.log, self.guide, self.recap,
                *extra)


def layouts(settings: Settings) -> Tabs:
    names = settings.tabs
    options = settings.workflow_options()
    role_names = {"admin": names.intake, "subkoor": names.subkoor, "kabid": names.kabid,
                  "kadis": names.kadis, "tim": names.tim, "konselor": names.konselor}
    register = (R.ID, R.RECEIVED, R.CHANNEL, R.STATE, R.STATE_KEY, R.ENTERED, R.RISK, R.DUE, R.CLOCK, R.WARNINGS,
                R.DUPLICATES, R.REFERRAL, R.DESTINATION, R.MONITORING, R.EDITED, R.SOURCE, R.CREATED,
                *STEP_DATE.values(), R.FINGERPRINT, R.APPLIED, R.NOTE, R.VISITS, R.MONITORING_END)
    review = (V.ID, V.RECEIVED, V.REASON, V.SUMMARY, V.STATUS, V.FINGERPRINT)
    review_staff = (V.ACTION, V.NOTE)
    log = (L.TIME, L.ID, L.ROLE, L.ACTION, L.CODE, L.DETAIL)
    agenda = (A.ID, A.NUMBER, A.DATE, A.KIND, A.CASE, A.TO, A.LINK, A.DRAFTED, A.REDRAFT_DONE)
    agenda_staff = (A.STATUS, A.REDRAFT, A.NOTE)
    return Tabs(
        register=Layout(
            names.case_register, R.ID, register,
            look=workspace.look(register, hidden=(R.STATE_KEY, R.FINGERPRINT, R.APPLIED),
                                highlights=workspace.register_highlights(R.RISK, R.CLOCK, R.STATE)),
        ),
        review=Layout(
            names.review, V.ID, review,
            staff=review_staff,
            dropdowns=(Dropdown(V.ACTION, (RELEASE, DISMISS)),),
            look=workspace.look((*review, *review_staff), hidden=(V.FINGERPRINT,), notes=_REVIEW_NOTES),
        ),
        log=Layout(names.log, L.TIME, log, look=workspace.look(log, hidden=(L.CODE,))),
        roles={role: role_layout(name, role, options) for role, name in role_names.items()},
        agenda=Layout(
            settings.letters.register_tab, A.ID, agenda,
            staff=agenda_staff,
            dropdowns=(Dropdown(A.STATUS, LETTER_STATUSES),),
            look=workspace.look((*agenda, *agenda_staff), notes=_AGENDA_NOTES),
        ),
        guide=Layout(workspace.GUIDE_TAB, workspace.TOPIC, (workspace.TOPIC, workspace.TEXT),
                     look=workspace.guide_look(settings)),
        recap=recap_layout(settings.recap.tab),
        outbox=outbox_layout(names.outbox) if settings.notify.enabled else None,
    )


def outbox_layout(name: str) -> Layout:
    headers = (N.KEY, N.CREATED, N.TO, N.URGENT, N.TEXT, N.STATUS, N.DELIVERED, N.ATTEMPTS, N.LAST, N.NOTE)
    return Layout(name, N.KEY, headers, look=workspace.look(headers, hidden=(N.KEY,)))


RECAP_ROWS = 200  # the recap's ~100 rows and room: 1,000 empty rows would make every Google read larger


def recap_layout(name: str) -> Layout:
    """The recap tab: a hidden key, the category and value, a column per month, the year, a short note;
    the two charts right of the note, on the first screen (the note column is narrow and wraps)."""
    beside = len(recap_table.HEADERS) + 1
    charts = (
        Chart(VIOLENCE_CHART, recap_table.KEY, recap_table.VALUE, recap_table.VIOLENCE_KEYS, recap_table.MONTHS,
              stacked=True, x_title="Bulan diterima", y_title="Jumlah kasus per jenis kekerasan",
              anchor_row=2, anchor_column=beside),
        Chart("Janji layanan per bulan: tepat waktu dan terlambat", recap_table.KEY, recap_table.VALUE,
              recap_table.ON_TIME_SERIES, recap_table.MONTHS, x_title="Bulan diterima", y_title="Jumlah kasus",
              anchor_row=22, anchor_column=beside),
    )
    widths = ((recap_table.KEY, 16), (recap_table.CATEGORY, 22), (recap_table.VALUE, 30),
              *((m, 6) for m in recap_table.MONTHS), (recap_table.YEAR, 8), (recap_table.NOTE, 30))
    look = Look(frozen_columns=3, widths=widths, wrapped=(recap_table.CATEGORY, recap_table.VALUE, recap_table.NOTE),
                hidden=(recap_table.KEY,), charts=charts, grid_rows=RECAP_ROWS)
    return Layout(name, recap_table.KEY, recap_table.HEADERS, look=look)


# A case counts once in each jenis kekerasan it names: the bars of a month add up to more than its cases.
VIOLENCE_CHART = "Jenis kekerasan per bulan (satu kasus dapat lebih dari satu jenis)"


_REVIEW_NOTES = (
    (V.SUMMARY, "Jawaban respons, satu pertanyaan per baris; jawaban yang panjang dipotong. Jawaban lengkap ada "
                "di tab respons formulir, pada baris yang bertanda ID Tinjauan ini."),
    (V.ACTION, f"Pilih dari daftar: '{RELEASE}' (respons dijadikan kasus baru) atau '{DISMISS}' (respons tidak "
               "diproses, mis. uji coba). Sistem menerapkannya pada putaran berikutnya."),
    (V.NOTE, "Catatan Admin, bebas diisi (mis. alasan mengabaikan)."),
)
_AGENDA_NOTES = (
    (A.STATUS, f"Pilih dari daftar: {', '.join(LETTER_STATUSES)}."),
    (A.REDRAFT, "Tulis apa saja (mis. tanggal hari ini) untuk meminta draf ulang surat ini; sistem membuatnya "
                "pada putaran berikutnya. Isi yang berbeda dari sebelumnya meminta draf baru lagi."),
    (A.NOTE, "Catatan staf, bebas diisi."),
)
