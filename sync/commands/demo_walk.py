"""The demo's staff: they fill decision cells as people would, between cycles.

A newcomer opening the demo workbook can follow one case along each path of the
procedure — closed by the office, referred, rejected — and see refusals explained
on the row (a referral without consent, a forward with fields missing).
Everything goes through the store interface, so the walk runs on any backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from letters.writer import LetterWriter
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
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
})
CLOSE: Step = ("kadis", {
    "Keputusan": "Selesai ditangani Dinas",
    "Laporan akhir penanganan kasus": "Mediasi keluarga berhasil; pemantauan oleh konselor tiap bulan.",
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
PATHS: dict[str, list[Step]] = {
    "ditutup oleh Dinas (DARURAT)": [*FULL, CLOSE],
    "dirujuk ke UPTD PPA": [*FULL, REFER, REFERRAL_ACCEPTED],
    "ditolak Admin": [REJECT],
    "rujukan tanpa persetujuan (ditolak sistem)": [*FULL, REFER_NO_CONSENT],
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
    writer: LetterWriter | None = None, type_in: StaffTyping = staff_type,
) -> Walk:
    """Run the paths: one staff step per path, then a cycle, until every path is done.

    `type_in` is how staff's decisions reach the tabs: through the store by default; the
    self-test types them in the browser of its Google double instead."""
    cycles = 0
    for round_ in range(max(len(p) for p in PATHS.values())):
        for path, steps in PATHS.items():
            if round_ < len(steps):
                role, cells = steps[round_]
                type_in(store, ctx, role, pick[path], cells)
        cycles += 1
        run_cycle(store, ctx, start + step * cycles, writer)
    return Walk(dict(pick), cycles)


def choose_cases(risks: Mapping[str, str | None]) -> dict[str, str]:
    """One case per path; the DARURAT path gets a high-risk case."""
    ids = sorted(risks)
    darurat = next((i for i in ids if risks[i] == "DARURAT"), ids[0])
    others = [i for i in ids if i != darurat]
    chosen = {"ditutup oleh Dinas (DARURAT)": darurat}
    for path, case_id in zip([p for p in PATHS if p not in chosen], others, strict=False):
        chosen[path] = case_id
    return chosen
