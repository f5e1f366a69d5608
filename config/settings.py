"""The configuration model, validated once at start-up.

Defaults are Kota Singkawang's (DOMAIN.md, FORM.md); `config/default.yaml` spells
them out so that an office can copy the file and change what differs.
"""

from __future__ import annotations

import re
import string
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from config.destinations import Destination, as_destination, default_destinations, destination_named
from config.letters import Letters
from config.monitoring import Monitoring
from config.notify import Notify
from config.recap import Recap
from rules import values
from rules.complaint import FIELDS, URGENT_NEEDS, VIOLENCE_TYPES
from rules.duplicates import DuplicatePolicy
from rules.sla import SlaPolicy
from rules.triage import TriagePolicy
from rules.whatsapp import DEFAULT_TEMPLATE, WhatsAppPolicy
from rules.workflow import WorkflowOptions


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Office(_Strict):
    government: str = "Pemerintah Kota Singkawang"
    name: str = "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak"
    short_name: str = "DSP3A"
    address: str = "Jalan Firdaus H Rais No 63 Singkawang 79123"
    phone: str = "0562639472"
    website: str = "www.dinsos.singkawangkota.go.id"
    city: str = "Singkawang"
    service_name: str = "Layanan SAPA DSP3A Kota Singkawang"
    other_phones: tuple[str, ...] = Field(
        default=("08111129129",),
        description="the office's other numbers (its hotline, duty phone, the national SAPA 129 WhatsApp) that "
        "the Admin may type as a reporter's on a call: nobody's WhatsApp, no duplicate link",
    )

    @field_validator("other_phones")
    @classmethod
    def _numbers(cls, numbers: tuple[str, ...]) -> tuple[str, ...]:
        for number in numbers:
            if values.phone(number)[0] is None:
                raise ValueError(f"{number!r} is not a phone number: write it as dialled, e.g. 0562639472")
        return numbers

    def phones(self) -> frozenset[str]:
        """The office's own numbers in E.164: typed as a reporter's on hotline calls, they are nobody's
        WhatsApp and link no cases as duplicates."""
        found = (values.phone(n)[0] for n in (self.phone, *self.other_phones))
        return frozenset(n for n in found if n)


class Store(_Strict):
    backend: Literal["local", "google"] = "local"
    workbook: Path | None = Field(
        default=None, description="the .xlsx workbook of the local backend"
    )
    responses_tab: str | None = Field(
        default=None,
        description="the form responses tab; blank finds 'Form Responses 1' or 'Respons Formulir 1'",
    )


class Tabs(_Strict):
    """Names of the tabs the worker owns or shares with staff."""

    case_register: str = "Daftar Kasus"
    intake: str = "Admin - Penerimaan"
    review: str = "Admin - Tinjauan"
    log: str = "Log Aktivitas"
    subkoor: str = "Sub Koordinator"
    kabid: str = "Kepala Bidang"
    kadis: str = "Kepala Dinas"
    tim: str = "Tim Penjangkauan"
    konselor: str = "Konselor - Pemantauan"
    outbox: str = "Notifikasi"  # made only when notify has recipients
    response_marker_column: str = "ID Kasus SAPA"

    @model_validator(mode="after")
    def _distinct(self) -> Tabs:
        names = [self.case_register, self.intake, self.review, self.log, self.subkoor, self.kabid,
                 self.kadis, self.tim, self.konselor, self.outbox]
        if len({n.casefold() for n in names}) != len(names):
            raise ValueError(f"tab names must differ from each other, got {names}")
        return self


_PLACEHOLDERS = {"year", "seq"}


class CaseIds(_Strict):
    pattern: str = "SAPA-{year}-{seq:04d}"
    review_pattern: str = "TINJAU-{year}-{seq:04d}"

    @field_validator("pattern", "review_pattern")
    @classmethod
    def _has_year_and_seq(cls, value: str) -> str:
        names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        if names != _PLACEHOLDERS:
            raise ValueError(
                f"must contain exactly the placeholders {{year}} and {{seq}} "
                f"(e.g. 'SAPA-{{year}}-{{seq:04d}}'), got {sorted(names)}"
            )
        return value


def _default_questions() -> dict[str, str]:
    return {
        "timestamp": "Stempel waktu",
        "channel": "Saluran pengaduan",
        "reporter_name": "Nama pelapor",
        "reporter_relation": "Hubungan pelapor dengan korban",
        "reporter_phone": "Nomor WhatsApp pelapor",
        "wa_safe": "Aman dihubungi lewat WhatsApp?",
        "wa_safe_time": "Waktu aman untuk dihubungi",
        "victim_name": "Nama korban (boleh inisial)",
        "victim_sex": "Jenis kelamin korban",
        "victim_age": "Usia korban (tahun)",
        "victim_disability": "Korban penyandang disabilitas?",
        "kecamatan": "Kecamatan tempat tinggal korban",
        "kelurahan": "Kelurahan",
        "victim_address": "Alamat korban",
        "violence_types": "Jenis kekerasan",
        "incident_place": "Tempat kejadian",
        "incident_date": "Tanggal kejadian",
        "perpetrator_relation": "Hubungan pelaku dengan korban",
        "story": "Ceritakan kejadiannya",
        "in_danger": "Apakah korban dalam bahaya sekarang?",
        "urgent_needs": "Bantuan yang dibutuhkan segera",
        "consent": "Persetujuan penggunaan data",
    }


def _default_kecamatan() -> dict[str, list[str]]:
    return {
        "Singkawang Tengah": ["Roban", "Condong", "Sekip Lama", "Jawa", "Bukit Batu", "Sungai Wie"],
        "Singkawang Barat": ["Pasiran", "Melayu", "Tengah", "Kuala"],
        "Singkawang Timur": ["Pajintan", "Nyarumkop", "Maya Sopa", "Bagak Sahwa", "Sanggau Kulor"],
        "Singkawang Utara": [
            "Sungai Garam Hilir", "Naram", "Sungai Bulan", "Sungai Rasau",
            "Setapuk Kecil", "Setapuk Besar", "Semelagi Kecil",
        ],
        "Singkawang Selatan": ["Sedau", "Sagatani", "Sijangkung", "Pangmilang"],
    }


Labels = str | list[str]  # an option's label, or its labels: the form's current one first, then other wordings


class Choices(_Strict):
    """The form's answer labels for the answers the worker reasons about.

    Each option of violence_types, urgent_needs, yes_no_unknown and wa_safe is one label or a
    list of labels (the form's current wording first, then older or other wordings): an answer
    carrying any of them is that option (rules/options.py).
    """

    default_channel: str = "Formulir online"
    channels: list[str] = [
        "Formulir online", "Telepon layanan SAPA", "Datang langsung", "Rujukan lembaga lain",
    ]
    violence_types: dict[str, Labels] = {
        "fisik": "Fisik",
        "psikis": "Psikis",
        "seksual": "Seksual",
        "eksploitasi": "Eksploitasi",
        "tppo": "Perdagangan orang (TPPO)",
        "penelantaran": "Penelantaran",
        "lainnya": "Lainnya",
    }
    urgent_needs: dict[str, Labels] = {
        "medis": "Medis",
        "tempat_aman": "Tempat aman",
        "hukum": "Pendampingan hukum",
        "konseling": "Konseling",
        "lainnya": "Lainnya",
    }
    yes_no_unknown: dict[str, Labels] = {"ya": "Ya", "tidak": "Tidak", "tidak_tahu": "Tidak tahu"}
    wa_safe: dict[str, Labels] = {
        "ya": "Ya", "tidak": "Tidak", "waktu_tertentu": "Hanya pada waktu tertentu",
    }
    victim_sex: list[str] = ["Perempuan", "Laki-laki"]
    kecamatan: dict[str, list[str]] = Field(default_factory=_default_kecamatan)
    outside_area: str = "Di luar Kota Singkawang"

    @field_validator("violence_types")
    @classmethod
    def _violence_keys(cls, value: dict[str, Labels]) -> dict[str, Labels]:
        return _labelled(_known_keys(value, VIOLENCE_TYPES))

    @field_validator("urgent_needs")
    @classmethod
    def _need_keys(cls, value: dict[str, Labels]) -> dict[str, Labels]:
        return _labelled(_known_keys(value, URGENT_NEEDS))

    @field_validator("yes_no_unknown", "wa_safe")
    @classmethod
    def _labels(cls, value: dict[str, Labels]) -> dict[str, Labels]:
        return _labelled(value)


def _labelled(value: dict[str, Labels]) -> dict[str, Labels]:
    """Every option has at least one label, and no label is blank."""
    wrong = sorted(k for k, v in value.items() if not all(label.strip() for label in _as_list(v)) or not _as_list(v))
    if wrong:
        raise ValueError(f"options {wrong} need labels that are not blank, e.g. seksual: Seksual, or a list "
                         "with the form's current label first: seksual: [Seksual, Kekerasan seksual]")
    return value


def _as_list(labels: Labels) -> list[str]:
    return [labels] if isinstance(labels, str) else labels


def _known_keys(value: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ValueError(f"unknown keys {unknown}; expected some of {list(allowed)}")
    return value


class Form(_Strict):
    questions: dict[str, str] = Field(default_factory=_default_questions)
    aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="other titles a question's column may have (an older wording), by question key",
    )
    extra_questions: list[str] = Field(
        default_factory=list,
        description="titles of form questions the worker does not use; shown to the Admin as 'Jawaban Lain'",
    )
    choices: Choices = Choices()

    @field_validator("aliases")
    @classmethod
    def _alias_keys(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(f"aliases for unknown questions {unknown}; expected keys among {list(FIELDS)}")
        return value

    @field_validator("questions")
    @classmethod
    def _all_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown questions {unknown}; expected keys among {list(FIELDS)}")
        merged = {**_default_questions(), **value}
        blank = sorted(k for k, v in merged.items() if not v.strip())
        if blank:
            raise ValueError(f"question titles must not be blank: {blank}")
        return merged


class Intake(_Strict):
    """What makes a response unfit to act on (it then goes to the Admin's review tab)."""

    test_answers: list[str] = [
        "test", "tes", "testing", "tester", "coba", "coba coba", "cobacoba", "uji coba",
        "ujicoba", "percobaan", "asdf", "qwerty", "abc", "abcd", "xxx", "lorem ipsum", "-", ".",
    ]
    duplicate_window_hours: float = Field(default=24, gt=0)
    max_cell_chars: int = Field(
        default=30000, ge=1000, le=32767,
        description="longer answers are cut in the worker's tabs (xlsx holds 32,767)",
    )
    history_before: date | None = Field(
        default=None,
        description="go-live date (WIB): responses received before it are numbered as usual but recorded "
                    "as historical cases ('Riwayat (sebelum sistem)'): in the register, in no queue, with no "
                    "deadline and no letter, until the Admin picks 'Proses sebagai kasus baru' for one. Set it "
                    "to the day the office connects the worker to a form that already has responses; changing it "
                    "later never renumbers or moves a case",
    )


ROLE_KEYS = ("admin", "subkoor", "kabid", "kadis", "tim", "konselor")


class Google(_Strict):
    """Connecting to the office's Google spreadsheet (store.backend: google).

    Credentials: a service account key file (`credentials`, or the file named by the
    environment variable `credentials_env`), or else an OAuth user through the
    installed-app flow (`oauth_client`, token cached in `token_cache`). Scopes are
    `spreadsheets` and `drive.file` only.
    """

    spreadsheet_id: str = Field(default="", description="the id in the spreadsheet's URL: /d/<id>/edit")
    credentials: Path | None = Field(default=None, description="service account key (.json)")
    credentials_env: str = "GOOGLE_APPLICATION_CREDENTIALS"
    oauth_client: Path | None = Field(default=None, description="OAuth client secret (.json), installed app")
    token_cache: Path | None = Field(default=None, description="default: ~/.config/sapa-sync/token.json")
    letters_folder_id: str = Field(
        default="", description="Drive folder for letters; a Shared Drive folder when using a service account"
    )
    editors: dict[str, list[str]] = Field(
        default_factory=lambda: {role: list[str]() for role in ROLE_KEYS},
        description="e-mail addresses allowed to edit each role's decision columns",
    )
    timeout_seconds: float = Field(default=60, gt=0, le=600)

    @field_validator("editors")
    @classmethod
    def _roles(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(ROLE_KEYS))
        if unknown:
            raise ValueError(f"unknown roles {unknown}; expected some of {list(ROLE_KEYS)}")
        return {role: value.get(role, []) for role in ROLE_KEYS}


class Workflow(_Strict):
    """Lists the staff pick from when they take decisions."""

    staff: list[str] = Field(
        default_factory=list,
        description="names accepted in 'Anggota tim' (empty: the names in letters.staff)",
    )
    lembaga: list[Destination] = Field(
        default_factory=default_destinations,
        description="referral destinations: the name staff pick, the addressee of the Surat Rujukan (kepala) "
                    "and its address (alamat); a name alone is addressed to 'Pimpinan <name>' at 'Tempat'",
    )

    @field_validator("lembaga", mode="before")
    @classmethod
    def _names_alone(cls, value: object) -> object:
        return [as_destination(item) for item in value] if isinstance(value, list) else value

    def destination(self, name: str) -> Destination:
        return destination_named(self.lembaga, name)


class Triage(_Strict):
    """Which answers make a case DARURAT (tinggi) or sedang; see rules/triage.py."""

    high_when_in_danger: bool = True
    high_violence: list[str] = ["tppo"]
    high_violence_against_child: list[str] = ["seksual"]
    high_needs: list[str] = ["tempat_aman", "medis"]
    medium_when_child: bool = True
    medium_violence: list[str] = ["seksual", "eksploitasi"]
    medium_when_disability: bool = True
    medium_when_danger_unknown: bool = True
    medium_when_answer_unknown: bool = Field(
        default=True,
        description="a kind of violence, an urgent need or a disability answer that names no option of "
                    "form.choices (a reworded option) makes the case at least sedang until staff look",
    )
    unknown_age_as_child: bool = Field(
        default=True,
        description="a victim whose age is blank or unreadable counts as a child until it is known",
    )

    @field_validator("high_violence", "high_violence_against_child", "medium_violence")
    @classmethod
    def _violence(cls, value: list[str]) -> list[str]:
        return list(_known_keys(dict.fromkeys(value, ""), VIOLENCE_TYPES))

    @field_validator("high_needs")
    @classmethod
    def _needs(cls, value: list[str]) -> list[str]:
        return list(_known_keys(dict.fromkeys(value, ""), URGENT_NEEDS))

    def policy(self) -> TriagePolicy:
        return TriagePolicy(
            high_when_in_danger=self.high_when_in_danger,
            high_violence=tuple(self.high_violence),
            high_violence_against_child=tuple(self.high_violence_against_child),
            high_needs=tuple(self.high_needs),
            medium_when_child=self.medium_when_child,
            medium_violence=tuple(self.medium_violence),
            medium_when_disability=self.medium_when_disability,
            unknown_age_as_child=self.unknown_age_as_child,
            medium_when_danger_unknown=self.medium_when_danger_unknown,
            medium_when_answer_unknown=self.medium_when_answer_unknown,
        )


class Sla(_Strict):
    """Deadlines: first contact by risk, the whole service (2 days), optional per step."""

    first_contact_hours: dict[str, float] = {"tinggi": 1, "sedang": 6, "rendah": 24}
    service_hours: float = Field(default=48, gt=0)
    per_state_hours: dict[str, float] = Field(default_factory=dict)
    warn_fraction: float = Field(default=0.25, ge=0, lt=1)

    @model_validator(mode="after")
    def _valid(self) -> Sla:
        self.policy()  # the rule checks states, levels and positive spans
        return self

    def policy(self) -> SlaPolicy:
        return SlaPolicy(
            first_contact={k: timedelta(hours=v) for k, v in self.first_contact_hours.items()},
            service=timedelta(hours=self.service_hours),
            per_state={k: timedelta(hours=v) for k, v in self.per_state_hours.items()},
            warn_fraction=self.warn_fraction,
        )


class WhatsApp(_Strict):
    """The discreet first message to a reporter: {layanan} and {nomor_kasus} only."""

    template: str = DEFAULT_TEMPLATE

    def policy(self, service_name: str, office_phones: frozenset[str] = frozenset()) -> WhatsAppPolicy:
        return WhatsAppPolicy(service_name=service_name, template=self.template, office_phones=office_phones)

    @field_validator("template")
    @classmethod
    def _discreet(cls, value: str) -> str:
        WhatsAppPolicy(template=value)
        return value


class Duplicates(_Strict):
    """When a new case is linked to an open one as a probable duplicate (never merged)."""

    name_threshold: float = Field(default=0.85, gt=0, le=1)
    max_days_apart: int = Field(default=14, ge=0)
    same_sex_required: bool = True

    def policy(self, office_phones: frozenset[str] = frozenset()) -> DuplicatePolicy:
        return DuplicatePolicy(**self.model_dump(), ignored_phones=office_phones)


class Worker(_Strict):
    """What the worker keeps between cycles (cron starts a new process each minute), and when it alarms."""

    state_file: Path | None = Field(
        default=None,
        description="the record of failed cycles (JSON); default: beside the workbook "
                    "(.<workbook>.sapa-sync-state.json), or for Google ~/.local/state/sapa-sync/<spreadsheet id>.json",
    )
    alarm_after_failed_cycles: int = Field(
        default=3, ge=1, description="consecutive failed cycles before staff and the operator are alerted",
    )
    max_request_bytes: int = Field(
        default=2_000_000, ge=10_000, le=10_000_000,
        description="Google only: the largest request the worker sends (bytes): a larger write is made in parts "
                    "over several cycles run back to back, a larger spreadsheet is read in parts; Google "
                    "recommends at most about 2 MB and refuses requests over 10,485,760 bytes. The local "
                    "workbook sends no request: it writes each cycle's changes at once, whatever their size",
    )
    full_read_every: int = Field(
        default=10, ge=1, le=1000,
        description="Google, `run` only: an idle cycle learns from two small requests that nothing changed and "
                    "reads the whole spreadsheet only after a change, after a write, and at least every this many "
                    "cycles (1: every cycle reads in full)",
    )
    ping_url: str | None = Field(
        default=None,
        description="a dead man's switch (Healthchecks-style): this address is fetched after every cycle that "
                    "succeeds, and <ping_url>/fail after one that fails, so that a worker gone silent alerts someone",
    )

    @field_validator("ping_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.match(r"https?://[^/\s]+", value.strip()):
            raise ValueError(f"{value!r} is not a web address: write it as https://hc-ping.com/<your check's id>")
        return value.strip()


class Settings(_Strict):
    """The whole configuration file."""

    office: Office = Office()
    timezone: str = "Asia/Jakarta"
    store: Store = Store()
    google: Google = Google()
    tabs: Tabs = Tabs()
    case_ids: CaseIds = CaseIds()
    form: Form = Form()
    intake: Intake = Intake()
    workflow: Workflow = Workflow()
    triage: Triage = Triage()
    sla: Sla = Sla()
    whatsapp: WhatsApp = WhatsApp()
    duplicates: Duplicates = Duplicates()
    letters: Letters = Letters()
    monitoring: Monitoring = Monitoring()
    poll_interval_seconds: int = Field(default=60, ge=10)
    heartbeat_minutes: int = Field(
        default=15, ge=1,
        description="an idle cycle refreshes the 'Diperbarui sistem' time on the Panduan tab at most this often",
    )
    worker: Worker = Worker()
    recap: Recap = Recap()
    notify: Notify = Notify()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Asia/Jakarta'") from err
        return value

    def workflow_options(self) -> WorkflowOptions:
        """The team is picked from workflow.staff, or else from the letters' staff list."""
        staff = self.workflow.staff or [m.nama for m in self.letters.staff]
        return WorkflowOptions(staff=tuple(staff), lembaga=tuple(d.nama for d in self.workflow.lembaga))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

