"""The worker's tabs: their columns, which of them staff fill, and their dropdowns.

Worker columns are rewritten from the register and the responses at every cycle;
staff columns are never written by the worker once a row exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Settings
from sync.store import Dropdown, EnsureTab

CASE_ID = "ID Kasus"
REVIEW_ID = "ID Tinjauan"

RELEASE = "Jadikan kasus"
DISMISS = "Abaikan"


@dataclass(frozen=True)
class Layout:
    name: str
    key: str
    worker: tuple[str, ...]
    staff: tuple[str, ...] = ()
    dropdowns: tuple[Dropdown, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return self.worker + self.staff

    def ensure(self) -> EnsureTab:
        return EnsureTab(self.name, self.headers, self.dropdowns, self.staff)


class R:
    """Register columns (the worker's own record of every case)."""

    ID = CASE_ID
    RECEIVED = "Diterima"
    CHANNEL = "Saluran"
    STATE = "Tahap"
    WARNINGS = "Jumlah Peringatan"
    EDITED = "Respons Diubah Pelapor"
    SOURCE = "Asal"
    CREATED = "Dibuat Sistem"
    FINGERPRINT = "Sidik Respons"
    NOTE = "Catatan Sistem"


class I:  # noqa: E742 - short names read well in the column tables
    """Columns of the Admin's intake tab."""

    ID = CASE_ID
    RECEIVED = "Diterima"
    CHANNEL = "Saluran"
    STATE = "Tahap Sekarang"
    REPORTER = "Pelapor"
    RELATION = "Hubungan Pelapor"
    PHONE = "No. WhatsApp"
    WA_SAFE = "Aman via WA?"
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
    ADMIN_NOTE = "Catatan Admin"


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


@dataclass(frozen=True)
class Tabs:
    register: Layout
    intake: Layout
    review: Layout
    log: Layout

    @property
    def all(self) -> tuple[Layout, ...]:
        return (self.register, self.intake, self.review, self.log)


def layouts(settings: Settings) -> Tabs:
    names = settings.tabs
    return Tabs(
        register=Layout(
            names.case_register, R.ID,
            (R.ID, R.RECEIVED, R.CHANNEL, R.STATE, R.WARNINGS, R.EDITED, R.SOURCE, R.CREATED,
             R.FINGERPRINT, R.NOTE),
        ),
        intake=Layout(
            names.intake, I.ID,
            (I.ID, I.RECEIVED, I.CHANNEL, I.STATE, I.REPORTER, I.RELATION, I.PHONE, I.WA_SAFE,
             I.VICTIM, I.SEX, I.AGE, I.DISABILITY, I.KECAMATAN, I.KELURAHAN, I.ADDRESS,
             I.VIOLENCE, I.PLACE, I.DATE, I.PERPETRATOR, I.DANGER, I.NEEDS, I.STORY, I.CONSENT,
             I.WARNINGS, I.EDITED),
            staff=(I.ADMIN_NOTE,),
        ),
        review=Layout(
            names.review, V.ID,
            (V.ID, V.RECEIVED, V.REASON, V.SUMMARY, V.STATUS, V.FINGERPRINT),
            staff=(V.ACTION, V.NOTE),
            dropdowns=(Dropdown(V.ACTION, (RELEASE, DISMISS)),),
        ),
        log=Layout(names.log, L.TIME, (L.TIME, L.ID, L.ROLE, L.ACTION, L.CODE, L.DETAIL)),
    )
