"""The demo's staff: they fill decision cells as people would, between cycles.

A newcomer opening the demo workbook can follow one case along each path of the
procedure — closed by the office (final report written, filed, then monitored by the
Konselor), referred, rejected — and see refusals explained
on the row (a referral without consent, a forward with fields missing).
Everything goes through the store interface, so the walk runs on any backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from letters.writer import LetterWriter
from rules.dates_id import long_date
from sync.cycle import monitoring_step
from sync.cycle.context import Context
from sync.cycle.records import read_model
from sync.cycle.run import AfterWrite, run_cycle
from sync.cycle.tabs import CASE_ID
from sync.stores.store import Store, UpdateRow, WritePlan
from sync.stores.text import cell_text

Step = tuple[str, dict[str, str]]  # (role, {column: value})

FORWARD: Step = ("admin", {"Keputusan": "Teruskan ke Sub Koordinator"})
IDENTIFY: Step = ("subkoor", {
    "Keputusan": "Teruskan ke Kepala Bidang",
    "Hasil konfirmasi WhatsApp": "Berhasil",
    "Waktu konfirmasi WhatsApp": "hari ini 09.10",
    "Kondisi korban": "Korban aman sementara di rumah nenek; memar ringan; trauma, sulit tidur.",
    "Langkah usulan": "Kunjungan rumah, asesmen psikologis, koordinasi dengan sekolah.",
})
VERIFY: Step = ("kabid", {
    "Keputusan": "Setujui, usulkan Surat Tugas",
    "Anggota tim": "Nama Sub Koordinator, Nama Konselor, Nama Kepala Bidang",
})
ASSIGN: Step = ("kadis", {"Keputusan": "Tugaskan Tim", "Jenis penjangkauan": "Kunjungan rumah, Asesmen"})
REPORT: Step = ("tim", {
    "Keputusan": "Laporan selesai",
    "Tindakan yang dilakukan": "Kunjungan rumah dan wawancara dengan korban serta ibunya.",
    "Hasil asesmen": "Korban membutuhkan pendampingan psikologis lanjutan; keluarga kooperatif.",
    "Rekomendasi": "Rujuk ke UPTD PPA untuk konseling psikolog dan pendampingan hukum.",
    "Tindak lanjut": "Sub Koordinator menyiapkan dokumen kasus; Konselor memantau kondisi korban.",
})
CLOSE: Step = ("kadis", {"Keputusan": "Selesai ditangani Dinas"})
FINAL_REPORT: Step = ("subkoor", {
    "Keputusan": "Laporan akhir selesai",
    "Laporan akhir penanganan kasus": "Mediasi keluarga berhasil; korban kembali bersekolah dan tinggal "
                                      "bersama ibunya.",
})
FILE: Step = ("admin", {"Keputusan": "Laporan akhir diarsipkan"})
TODAY = "{hari_ini}"  # the walk types the day of the coming cycle
VISIT: Step = ("konselor", {
    "Keputusan": "Catat kunjungan",
    "Tanggal kunjungan": TODAY,
    "Cara pemantauan": "Kunjungan rumah",
    "Kondisi korban saat ini": "Korban tenang, tidur cukup; ibu mendampingi.",
    "Rencana berikutnya": "Kunjungan berikut sesuai jadwal; koordinasi dengan wali kelas.",
})
REFER: Step = ("kadis", {
    "Keputusan": "Rujuk ke lembaga lain",
    "Lembaga tujuan": "UPTD PPA",
    "Layanan yang diminta": "Konseling psikolog dan pendampingan hukum",
    "Persetujuan rujukan": "Ya",
})
REFER_NO_CONSENT: Step = ("kadis", {**REFER[1], "Persetujuan rujukan": "Tidak"})
REFERRAL_ACCEPTED: Step = ("subkoor", {"Status rujukan": "Diterima"})
REJECT: Step = ("admin", {
    "Keputusan": "Tolak",
    "Alasan": "Di luar kewenangan: korban tinggal di luar Kota Singkawang; diteruskan ke UPTD PPA setempat.",
})
INCOMPLETE: Step = ("subkoor", {"Keputusan": "Teruskan ke Kepala Bidang", "Hasil konfirmasi WhatsApp": "Gagal"})

FULL = [FORWARD, IDENTIFY, VERIFY, ASSIGN, REPORT]


def _told(step: Step, **cells: str) -> Step:
    """A step with the case's own words: each demo case has its own confirmation and report, and what
    the Tim recommends agrees with what the Kepala Dinas then decides."""
    return step[0], {**step[1], **cells}


# The case the office closes itself: no referral recommended, and no mediation (the case may be
# sexual violence, where mediation is never offered).
CLOSED_FULL = [
    FORWARD,
    _told(IDENTIFY, **{
        "Kondisi korban": "Korban aman di rumah kerabat sejak kemarin; tidak ada luka yang perlu dirawat; "
                          "masih takut bertemu pelaku.",
        "Langkah usulan": "Kunjungan rumah hari ini, asesmen psikologis, pastikan pelaku tidak serumah.",
    }),
    VERIFY, ASSIGN,
    _told(REPORT, **{
        "Tindakan yang dilakukan": "Kunjungan ke rumah kerabat; wawancara terpisah dengan korban dan pendampingnya.",
        "Hasil asesmen": "Korban cemas dan sulit tidur; tempat tinggal sekarang aman; keluarga mendukung.",
        "Rekomendasi": "Ditangani Dinas: pendampingan psikologis oleh Konselor dan penguatan keluarga; "
                       "rujukan belum diperlukan.",
        "Tindak lanjut": "Konselor menjadwalkan sesi pendampingan; Sub Koordinator menyiapkan laporan akhir.",
    }),
]
CLOSED_FINAL_REPORT = _told(FINAL_REPORT, **{
    "Laporan akhir penanganan kasus": "Enam sesi pendampingan psikologis selesai; korban tidur lebih baik dan "
                                      "kembali beraktivitas; tinggal aman bersama kerabat, jauh dari pelaku.",
})
NO_CONSENT_FULL = [
    FORWARD,
    _told(IDENTIFY, **{
        "Kondisi korban": "Korban dapat dihubungi malam hari; masih serumah dengan pelaku; ragu melapor.",
        "Langkah usulan": "Kunjungan rumah saat pelaku bekerja; jelaskan layanan rujukan kepada korban.",
    }),
    VERIFY, ASSIGN,
    _told(REPORT, **{
        "Tindakan yang dilakukan": "Kunjungan rumah dan wawancara dengan korban tanpa kehadiran pelaku.",
        "Hasil asesmen": "Ada memar lama di lengan; korban belum siap meninggalkan rumah.",
        "Rekomendasi": "Rujuk ke UPTD PPA untuk konseling dan pendampingan hukum, bila korban menyetujui.",
        "Tindak lanjut": "Konselor menghubungi korban sepekan sekali; persetujuan rujukan ditanyakan lagi.",
    }),
]
CLOSED_PATH = "ditutup oleh Dinas (DARURAT), lalu dipantau Konselor"
PATHS: dict[str, list[Step]] = {
    CLOSED_PATH: [*CLOSED_FULL, CLOSE, CLOSED_FINAL_REPORT, FILE, VISIT],
    "dirujuk ke UPTD PPA": [*FULL, REFER, REFERRAL_ACCEPTED],
    "ditolak Admin": [REJECT],
    "rujukan tanpa persetujuan (ditolak sistem)": [*NO_CONSENT_FULL, REFER_NO_CONSENT],
    "isian belum lengkap (ditolak sistem)": [FORWARD, INCOMPLETE],
    "menunggu Kepala Bidang": [FORWARD, IDENTIFY],
}


@dataclass(frozen=True)
class Walk:
    cases: dict[str, str]  # path -> case ID
    cycles: int


def staff_type(store: Store, ctx: Context, role: str, case_id: str, cells: Mapping[str, str]) -> None:
    """Type into a case's row of a role's tab, as a person would."""
    layout = ctx.tabs.roles[role]
    table = store.read([layout.name]).tabs[layout.name]
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        if cell_text(table.get(row, CASE_ID)) == case_id:
            store.write(WritePlan((UpdateRow(layout.name, CASE_ID, case_id, number, tuple(cells.items())),)))
            return
    raise KeyError(f"{case_id} is not in tab {layout.name}")


StaffTyping = Callable[[Store, Context, str, str, Mapping[str, str]], None]


def walk(
    store: Store, ctx: Context, start: datetime, step: timedelta, pick: Mapping[str, str],
    writer: LetterWriter | None = None, type_in: StaffTyping = staff_type, sender: AfterWrite | None = None,
) -> Walk:
    """Run the paths: one staff step per path, then a cycle, until every path is done.

    `type_in` is how staff's decisions reach the tabs: through the store by default; the
    self-test types them in the browser of its Google double instead."""
    cycles = 0
    for round_ in range(max(len(p) for p in PATHS.values())):
        day = (ctx.local_time(start + step * (cycles + 1))).strftime("%d/%m/%Y")
        for path, steps in PATHS.items():
            if round_ < len(steps):
                role, cells = steps[round_]
                type_in(store, ctx, role, pick[path], {k: v.replace(TODAY, day) for k, v in cells.items()})
        cycles += 1
        run_cycle(store, ctx, start + step * cycles, writer, sender=sender)
    return Walk(dict(pick), cycles)


def monitored(store: Store, ctx: Context, moment: datetime) -> list[tuple[str, str]]:
    """Each monitored case and where it stands, as the demo prints them: the ones to visit first."""
    register = read_model(store.read([ctx.tabs.register.name]).tabs, ctx).register
    today = ctx.local_time(moment).date()
    out = []
    for record in register.values():
        found = monitoring_step.where(record, record.state, record.risk, today, ctx.settings.monitoring.policy())
        if found is not None:
            pending = found.next
            when = f", kunjungan berikutnya {long_date(pending.due)}" if pending else ""
            visits = found.met + found.extra_visits
            out.append((record.case_id, f"{found.label}{when}; {visits} kunjungan tercatat"))
    return sorted(out, key=lambda item: (not item[1].startswith("Terlambat"), item[0]))


def choose_cases(risks: Mapping[str, str | None]) -> dict[str, str]:
    """One case per path; the DARURAT path gets a high-risk case."""
    ids = sorted(risks)
    darurat = next((i for i in ids if risks[i] == "DARURAT"), ids[0])
    others = [i for i in ids if i != darurat]
    chosen = {CLOSED_PATH: darurat}
    for path, case_id in zip([p for p in PATHS if p not in chosen], others, strict=False):
        chosen[path] = case_id
    return chosen
