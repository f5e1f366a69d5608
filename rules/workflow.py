"""The office's SAPA procedure (SOP.md) as a table, and the pure function that applies it.

A case sits in one state, in one role's queue. Staff move it by picking a decision
(in Indonesian, from a dropdown) and filling the fields that decision needs. The
table below is the whole procedure: read it top to bottom, as the office does.
Nothing here reads a clock, a sheet or the configuration; lists that an office
configures (its staff, its referral destinations) come in through `WorkflowOptions`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# --- States: stable keys (used in `status --json`), label, whose queue -----------

STATE_LABELS: dict[str, str] = {
    "intake": "Penerimaan (Admin)",
    "identification": "Identifikasi (Sub Koordinator)",
    "verification": "Verifikasi (Kepala Bidang)",
    "assignment": "Penugasan (Kepala Dinas)",
    "outreach": "Penjangkauan (Tim Penjangkauan)",
    "decision": "Keputusan tindak lanjut (Kepala Dinas)",
    "final_report": "Laporan akhir (Sub Koordinator)",
    "filing": "Pengarsipan laporan akhir (Admin)",
    "referred": "Dirujuk ke lembaga lain (Sub Koordinator)",
    "closed": "Selesai",
    "rejected": "Ditolak",
    "history": "Riwayat (sebelum sistem)",
}
# The step alone, as the log tab names a move ("Penerimaan → Identifikasi").
STEP_NAMES: dict[str, str] = {state: label.split(" (")[0] for state, label in STATE_LABELS.items()}
STATES: tuple[str, ...] = tuple(STATE_LABELS)
INITIAL_STATE = "intake"

ROLE_LABELS: dict[str, str] = {
    "admin": "Admin",
    "subkoor": "Sub Koordinator",
    "kabid": "Kepala Bidang",
    "kadis": "Kepala Dinas",
    "tim": "Tim Penjangkauan",
    "konselor": "Konselor",
}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)

# Whose queue a case is in. In `referred` the Sub Koordinator follows the referral
# up (status Dikirim / Diterima / Selesai); closed and rejected cases wait for no one.
# Monitoring (step 7) runs beside the state of a closed or referred case: the Konselor's
# turn comes with each follow-up's day (rules/monitoring.py), not with a state.
QUEUE: dict[str, str | None] = {
    "intake": "admin",
    "identification": "subkoor",
    "verification": "kabid",
    "assignment": "kadis",
    "outreach": "tim",
    "decision": "kadis",
    "final_report": "subkoor",
    "filing": "admin",
    "referred": "subkoor",
    "closed": None,
    "rejected": None,
    "history": None,
}

# States in which the office is no longer working the case itself: no SLA clock runs. A
# historical case (received before the office connected the worker, `intake.history_before`)
# waits for no one until the Admin brings it into the procedure.
CLOCK_STOPPED: frozenset[str] = frozenset({"referred", "closed", "rejected", "history"})

# --- Fields that decisions require --------------------------------------------------

KONFIRMASI_WA: tuple[str, ...] = ("Berhasil", "Gagal", "Tidak aman dihubungi")
JENIS_PENJANGKAUAN: tuple[str, ...] = (
    "Kunjungan rumah", "Mediasi", "Advokasi", "Pendampingan", "Asesmen",
)
REFERRAL_STATUSES: tuple[str, ...] = ("Dikirim", "Diterima", "Selesai")
# Monitoring after the case (step 7), the Konselor's dropdowns.
VISIT_METHODS: tuple[str, ...] = (
    "Kunjungan rumah", "Telepon", "WhatsApp", "Korban datang ke kantor", "Melalui lembaga rujukan",
)
END_REASONS: tuple[str, ...] = (
    "Kondisi korban stabil", "Korban pindah domisili", "Korban menolak dipantau",
    "Tidak dapat dihubungi", "Ditangani lembaga rujukan", "Lainnya",
)
DEFAULT_LEMBAGA: tuple[str, ...] = (  # DOMAIN.md, "Referral destinations"
    "UPTD PPA", "Unit PPA Polres", "RSUD", "Puskesmas", "LBH / Posbakum", "Psikolog",
    "Rumah aman (RPTC / RPSA)", "Dinas Pendidikan", "Kementerian Agama", "Bapas",
    "LPSK", "KPAI", "KemenPPPA",
)

# UU 12/2022 (TPKS) Pasal 23: a case of sexual violence is never settled outside the judicial process
# (the exception, a child perpetrator, is diversion by the justice system, not the office's mediation).
MEDIATION_REFUSED = (  # short: the whole of it fits the first lines of a Pesan Sistem cell
    "Mediasi tidak boleh untuk kekerasan seksual: UU 12/2022 (TPKS) Pasal 23 melarang penyelesaian "
    "di luar peradilan. Pilih jenis lain, mis. Pendampingan atau Advokasi."
)
# A reminder for staff (Permen PPPA 2/2022); the rule above is enforced.
MEDIATION_NOTE = (
    "Mediasi hanya untuk perkara perdata/keluarga atau delik aduan bila korban "
    "tidak ingin menempuh proses pidana; tidak untuk kekerasan seksual (UU 12/2022 Pasal 23)."
)


@dataclass(frozen=True)
class FieldSpec:
    """What staff must write in one field before a decision can be taken.

    `choices` empty means free text. `configured` names a list the office configures
    instead ("staff" or "lembaga"). `must_be` is the only value that lets the
    decision through (consent, a finished referral); `refusal` says why.
    """

    label: str
    choices: tuple[str, ...] = ()
    multiple: bool = False  # comma-separated list of choices
    configured: Literal["staff", "lembaga"] | None = None
    must_be: str | None = None
    refusal: str = ""
    hint: str = ""
    date: bool = False  # a day, written 8/12/2026 (or a date cell)


FIELDS: dict[str, FieldSpec] = {
    "alasan": FieldSpec("Alasan"),
    "catatan": FieldSpec("Catatan"),
    "konfirmasi_wa": FieldSpec("Hasil konfirmasi WhatsApp", choices=KONFIRMASI_WA),
    "kondisi_korban": FieldSpec("Kondisi korban"),
    "langkah_usulan": FieldSpec("Langkah usulan"),
    "anggota_tim": FieldSpec("Anggota tim", multiple=True, configured="staff"),
    "jenis_penjangkauan": FieldSpec(
        "Jenis penjangkauan", choices=JENIS_PENJANGKAUAN, multiple=True, hint=MEDIATION_NOTE,
    ),
    "tindakan": FieldSpec("Tindakan yang dilakukan"),
    "asesmen": FieldSpec("Hasil asesmen"),
    "rekomendasi": FieldSpec("Rekomendasi"),
    "tindak_lanjut": FieldSpec("Tindak lanjut"),
    "lembaga_tujuan": FieldSpec("Lembaga tujuan", configured="lembaga"),
    "layanan_diminta": FieldSpec("Layanan yang diminta"),
    "persetujuan_rujukan": FieldSpec(
        "Persetujuan rujukan", choices=("Ya", "Tidak"), must_be="Ya",
        refusal="Rujukan tidak dapat dilakukan tanpa persetujuan korban/keluarga",
    ),
    "laporan_akhir": FieldSpec("Laporan akhir penanganan kasus"),
    "status_rujukan": FieldSpec(
        "Status rujukan", choices=REFERRAL_STATUSES, must_be="Selesai",
        refusal="Kasus rujukan baru dapat ditutup setelah lembaga tujuan selesai menangani",
    ),
    "tanggal_kunjungan": FieldSpec("Tanggal kunjungan", date=True, hint="Tanggal kunjungan, mis. 8/12/2026."),
    "cara_pemantauan": FieldSpec("Cara pemantauan", choices=VISIT_METHODS),
    "kondisi_terkini": FieldSpec("Kondisi korban saat ini"),
    "rencana_berikutnya": FieldSpec("Rencana berikutnya"),
    "alasan_akhir_pemantauan": FieldSpec("Alasan mengakhiri pemantauan", choices=END_REASONS),
}
FIELD_LABELS: dict[str, str] = {key: spec.label for key, spec in FIELDS.items()}


# --- The procedure ------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One row of the procedure: who may take which decision, and what it needs."""

    from_state: str
    decision: str  # as staff pick it in the dropdown
    role: str
    to_state: str
    required: tuple[str, ...]
    description: str


T = Transition
MONITORING_VISIT = ("tanggal_kunjungan", "cara_pemantauan", "kondisi_terkini", "rencana_berikutnya")
TRANSITIONS: tuple[Transition, ...] = (
    # 2. Admin receives the complaint.
    T("intake", "Teruskan ke Sub Koordinator", "admin", "identification", (),
      "Admin meneruskan pengaduan kepada Sub Koordinator."),
    T("intake", "Tolak", "admin", "rejected", ("alasan",),
      "Admin menolak pengaduan (mis. bukan kewenangan Dinas, uji coba) dengan alasan."),
    # 3. Sub Koordinator confirms over WhatsApp and identifies the case.
    T("identification", "Teruskan ke Kepala Bidang", "subkoor", "verification",
      ("konfirmasi_wa", "kondisi_korban", "langkah_usulan"),
      "Sub Koordinator mengonfirmasi lewat WhatsApp, mengidentifikasi keadaan korban "
      "dan langkah yang diusulkan, lalu melapor kepada Kepala Bidang."),
    T("identification", "Tolak", "subkoor", "rejected", ("alasan",),
      "Sub Koordinator menolak pengaduan dengan alasan."),
    # 4. Kepala Bidang verifies and proposes the Surat Tugas.
    T("verification", "Setujui, usulkan Surat Tugas", "kabid", "assignment", ("anggota_tim",),
      "Kepala Bidang memverifikasi dan mengusulkan Surat Tugas bagi Tim Penjangkauan."),
    T("verification", "Kembalikan ke Sub Koordinator", "kabid", "identification", ("catatan",),
      "Kepala Bidang mengembalikan identifikasi untuk dilengkapi."),
    # 5. Kepala Dinas assigns the outreach team; the team reports back.
    T("assignment", "Tugaskan Tim", "kadis", "outreach", ("jenis_penjangkauan",),
      "Kepala Dinas menandatangani Surat Tugas dan menugaskan Tim Penjangkauan."),
    T("outreach", "Laporan selesai", "tim", "decision", ("tindakan", "asesmen", "rekomendasi", "tindak_lanjut"),
      "Tim Penjangkauan melaporkan tindakan, hasil asesmen, rekomendasi dan tindak lanjut; sistem membuat "
      "draf Laporan Hasil Penjangkauan."),
    # 6. Kepala Dinas decides: refer to another institution, or close here.
    T("decision", "Rujuk ke lembaga lain", "kadis", "referred",
      ("lembaga_tujuan", "layanan_diminta", "persetujuan_rujukan"),
      "Kepala Dinas merujuk kasus; Sub Koordinator menyiapkan Surat Rujukan beserta Kronologi Kejadian."),
    T("decision", "Selesai ditangani Dinas", "kadis", "final_report", (),
      "Kepala Dinas memutuskan kasus ditangani dan ditutup oleh Dinas sendiri."),
    T("final_report", "Laporan akhir selesai", "subkoor", "filing", ("laporan_akhir",),
      "Sub Koordinator menulis laporan akhir penanganan kasus; sistem membuat drafnya."),
    T("filing", "Laporan akhir diarsipkan", "admin", "closed", (),
      "Admin mengarsipkan laporan akhir; kasus selesai dan pemantauan dimulai."),
    T("referred", "Tutup kasus (rujukan selesai)", "subkoor", "closed", ("status_rujukan",),
      "Sub Koordinator menutup kasus setelah lembaga tujuan selesai menangani."),
    # 7. The Konselor checks on the victim after closure or referral (the state does not change).
    T("closed", "Catat kunjungan", "konselor", "closed", MONITORING_VISIT,
      "Konselor mencatat kunjungan pemantauan: tanggal, cara, kondisi korban, rencana berikutnya."),
    T("referred", "Catat kunjungan", "konselor", "referred", MONITORING_VISIT,
      "Konselor mencatat kunjungan pemantauan kasus yang dirujuk, di samping status rujukannya."),
    T("closed", "Akhiri pemantauan", "konselor", "closed", ("alasan_akhir_pemantauan",),
      "Konselor mengakhiri pemantauan dengan alasan."),
    T("referred", "Akhiri pemantauan", "konselor", "referred", ("alasan_akhir_pemantauan",),
      "Konselor mengakhiri pemantauan kasus yang dirujuk dengan alasan."),
    # Re-opening a finished case is the Kepala Dinas's call.
    T("closed", "Buka kembali", "kadis", "identification", ("alasan",),
      "Kepala Dinas membuka kembali kasus yang telah selesai."),
    T("rejected", "Buka kembali", "kadis", "identification", ("alasan",),
      "Kepala Dinas membuka kembali pengaduan yang ditolak."),
    T("referred", "Buka kembali", "kadis", "identification", ("alasan",),
      "Kepala Dinas menarik kembali rujukan dan menangani ulang kasus."),
    # A complaint from before the worker (history) enters the procedure when the Admin says so.
    T("history", "Proses sebagai kasus baru", "admin", "intake", (),
      "Admin memasukkan pengaduan lama (sebelum sistem) ke prosedur; batas waktunya dihitung dari saat ini."),
)
del T


@dataclass(frozen=True)
class WorkflowOptions:
    """Lists an office configures. An empty list accepts any non-blank text."""

    staff: tuple[str, ...] = ()
    lembaga: tuple[str, ...] = DEFAULT_LEMBAGA


@dataclass(frozen=True)
class CaseFacts:
    """What a decision's rules need to know of the case itself (not of the staff's row)."""

    sexual_violence: bool = False  # the complaint's jenis kekerasan includes sexual violence
    wa_unsafe: bool = False  # the reporter answered that WhatsApp is not a safe way to reach them


# A contact over WhatsApp that the reporter said is not safe: recorded as the staff wrote it (the call
# happened), but said at once, in the row and the log tab, so that the office checks how it went.
WA_UNSAFE_CONTACT = (
    "⚠ Pelapor menyatakan WhatsApp TIDAK aman, tetapi Hasil konfirmasi WhatsApp 'Berhasil'. Pastikan kontak "
    "tidak membahayakan pelapor/korban (mis. ponsel dipegang pelaku); catat caranya di Kondisi korban."
)


def decision_warnings(decision: str | None, role: str, fields: Mapping[str, str | None],
                      facts: CaseFacts = CaseFacts()) -> tuple[str, ...]:
    """What staff should know of a decision that is allowed (it is applied all the same), in Indonesian."""
    warnings: list[str] = []
    recorded = fields.get("konfirmasi_wa") or ""
    moves = [t for t in TRANSITIONS if t.role == role and decision and picks(decision, t.decision)]
    if (facts.wa_unsafe and any("konfirmasi_wa" in t.required for t in moves)
            and _norm(recorded) == _norm(KONFIRMASI_WA[0])):
        warnings.append(WA_UNSAFE_CONTACT)
    return tuple(warnings)


@dataclass(frozen=True)
class Outcome:
    """What a decision does: applied (new state), refused (message), or nothing."""

    kind: Literal["applied", "refused", "nothing"]
    state: str  # the case's state after the decision
    transition: Transition | None = None
    message: str = ""  # Indonesian, for staff; never contains victim data
    missing: tuple[str, ...] = ()  # field keys still blank

    @property
    def applied(self) -> bool:
        return self.kind == "applied"

    @property
    def refused(self) -> bool:
        return self.kind == "refused"


# --- Queries for dropdowns and views -------------------------------------------------


def transitions_from(state: str) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.from_state == state)


def decisions_for(state: str, role: str | None = None) -> tuple[str, ...]:
    """Decision labels for a dropdown: those of `state`, optionally only `role`'s."""
    return tuple(
        t.decision for t in transitions_from(state) if role is None or t.role == role
    )


def decisions_of_role(role: str) -> tuple[str, ...]:
    """Every decision label a role can ever take, in table order, without repeats."""
    return tuple(dict.fromkeys(t.decision for t in TRANSITIONS if t.role == role))


def find_transition(state: str, decision: str) -> Transition | None:
    return next((t for t in transitions_from(state) if picks(decision, t.decision)), None)


def picks(typed: str, label: str) -> bool:
    """Whether what staff typed picks the choice `label` (case, spacing and ';' for ',' aside)."""
    return _norm(typed) == _norm(label)


def split_list(value: str, known: tuple[str, ...] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a comma-separated answer into (recognised values, unrecognised parts).

    Names of civil servants often carry academic titles after a comma
    ("Siti Aminah, S.Sos."), so with a `known` list the longest run of parts that
    matches a known value wins, and a name written without its titles is
    recognised too; without a list, title-like parts join the name before them.
    """
    parts = [p.strip() for p in re.split(r"[,;\n]", value) if p.strip()]
    if not known:
        names: list[str] = []
        for part in parts:
            if names and _TITLE.match(part):
                names[-1] = f"{names[-1]}, {part}"
            else:
                names.append(part)
        return tuple(names), ()
    canon = _lookup(known)
    found: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            hit = canon.get(_key(" ".join(parts[i:j])))
            if hit is not None:
                found.append(hit)
                i = j
                break
        else:
            unknown.append(parts[i])
            i += 1
    return tuple(found), tuple(unknown)


def _lookup(known: tuple[str, ...]) -> dict[str, str]:
    """Known values by their key, plus each name without its titles when unambiguous."""
    bare: dict[str, list[str]] = {}
    for k in known:
        bare.setdefault(_key(k.split(",")[0]), []).append(k)
    table = {key: ks[0] for key, ks in bare.items() if len(ks) == 1}
    table.update({_key(k): k for k in known})
    return table


def _key(text: str) -> str:
    """Words only: "Siti Aminah, S.Sos." and "siti aminah s.sos" are the same name."""
    return " ".join(re.findall(r"\w+", text.casefold()))


_TITLE = re.compile(r"^(?:[A-Za-z]{1,4}\.)+[A-Za-z]{0,5}\.?$")  # S.Sos, M.Si, S.H.


# --- The decision -------------------------------------------------------------------


def decide(
    state: str,
    role: str,
    decision: str | None,
    fields: Mapping[str, str | None],
    options: WorkflowOptions = WorkflowOptions(),
    facts: CaseFacts = CaseFacts(),
) -> Outcome:
    """Apply one staff decision to a case in `state`, or say exactly why not."""
    if decision is None or not decision.strip():
        return Outcome("nothing", state)
    if state not in STATE_LABELS:
        return _refuse(state, f"Status kasus tidak dikenal: '{_clip(state)}'.")
    if role not in ROLE_LABELS:
        return _refuse(state, f"Peran tidak dikenal: '{_clip(role)}'.")
    transition = find_transition(state, decision)
    if transition is None:
        offered = ", ".join(f"'{d}'" for d in decisions_for(state)) or "tidak ada"
        return _refuse(
            state,
            f"Keputusan '{_clip(decision)}' tidak berlaku untuk status "
            f"{STATE_LABELS[state]}. Pilihan: {offered}.",
        )
    if transition.role != role:
        who = ROLE_LABELS[transition.role]
        message = f"Keputusan '{transition.decision}' hanya dapat diambil oleh {who}."
        return Outcome("refused", state, transition, message)
    missing = tuple(k for k in transition.required if not (fields.get(k) or "").strip())
    problems = [f"Belum diisi: {', '.join(FIELD_LABELS[k] for k in missing)}."] if missing else []
    for key in transition.required:
        if key not in missing:
            problems.append(_check(key, fields.get(key) or "", options))
    if "jenis_penjangkauan" not in missing and _mediation(transition.required, fields) and facts.sexual_violence:
        problems.append(MEDIATION_REFUSED)
    message = " ".join(p for p in problems if p)
    if message:
        return Outcome("refused", state, transition, message, missing)
    return Outcome("applied", transition.to_state, transition)


def _mediation(required: tuple[str, ...], fields: Mapping[str, str | None]) -> bool:
    """Is "Mediasi" among the outreach kinds picked?"""
    if "jenis_penjangkauan" not in required:
        return False
    picked, _ = split_list(fields.get("jenis_penjangkauan") or "", JENIS_PENJANGKAUAN)
    return "Mediasi" in picked


def _check(key: str, value: str, options: WorkflowOptions) -> str:
    """The problem with one filled field, in Indonesian; empty when it is fine."""
    spec = FIELDS[key]
    allowed = _allowed(spec, options)
    if spec.must_be is not None and _norm(value) != _norm(spec.must_be):
        return f"{spec.refusal}: {spec.label} harus '{spec.must_be}'."
    if spec.date and not _DAY.match(value.strip()):
        return f"{spec.label} harus berupa tanggal, mis. 8/12/2026."
    if not allowed:
        return ""
    if spec.multiple:
        _, unknown = split_list(value, allowed)
        if not unknown:
            return ""
        listed = ", ".join(f"'{_clip(u)}'" for u in unknown)
        return f"{spec.label} tidak ada dalam daftar: {listed}. Pilihan: {', '.join(allowed)}."
    if _norm(value) in {_norm(a) for a in allowed}:
        return ""
    return f"{spec.label} harus salah satu dari: {', '.join(allowed)}."


def _allowed(spec: FieldSpec, options: WorkflowOptions) -> tuple[str, ...]:
    if spec.configured == "staff":
        return options.staff
    if spec.configured == "lembaga":
        return options.lembaga
    return spec.choices


def choices_for(key: str, options: WorkflowOptions = WorkflowOptions()) -> tuple[str, ...]:
    """The values a field's dropdown offers (empty: free text)."""
    return _allowed(FIELDS[key], options)


def _refuse(state: str, message: str) -> Outcome:
    return Outcome("refused", state, None, message)


def _norm(text: str) -> str:
    """A comparison key: case and spacing do not matter, and a ';' stands for a ','.

    Local workbooks made before list tabs offered "Setujui; usulkan Surat Tugas" for
    "Setujui, usulkan Surat Tugas" (an inline .xlsx list cannot hold a comma), and
    staff may have picked that form.
    """
    return " ".join(_SEPARATOR.sub(", ", text.casefold()).split())


_SEPARATOR = re.compile(r"\s*[,;]\s*")
# A day as staff write it (8/12/2026, 2026-12-08) or as a spreadsheet's date cell reads (a serial number).
_DAY = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?|[1-9]\d{4}(?:\.\d+)?)$")


def _clip(text: str, limit: int = 40) -> str:
    """Echo staff input back briefly: a mistyped cell should not flood the message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
