"""The staff workspace's look, as plain data: colours, widths, notes, the help tab and its heartbeat.

Both stores turn a `Look` into their own formatting (openpyxl styles, Sheets API
requests). Every rule and formula here is the worker's own text: nothing a reporter
typed ever becomes part of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from config.settings import Settings
from rules.sla import CLOCK_LABELS
from rules.triage import RISK_LABELS
from rules.workflow import FIELDS, STATE_LABELS, TRANSITIONS, WorkflowOptions, choices_for
from sync.stores import cells
from sync.stores.store import Heartbeat, Highlight, Look, Operation, UpdateRow, Value

# Fill colours (RRGGBB): one meaning each, explained on the help tab.
GREY = "D9D9D9"  # finished case
RED = "F4CCCC"  # DARURAT
LATE = "EA9999"  # Terlambat
SOON = "FFE599"  # Hampir terlambat
TURN = "B6D7A8"  # your turn
STAFF = "FFF2CC"  # a column staff fill in

YES = "Ya"  # how every yes/no column says yes ("Giliran Anda?", "Persetujuan Data")
# "Giliran Anda?" of a row whose decision was refused though the case is not (or no longer) in the role's
# queue: the row stays in the role's view until the decision is cleared or corrected.
CHECK = "Periksa"
QUEUE_VALUES = (YES, CHECK)  # what a role tab's filter shows: its own queue (clearing the filter shows all)
FINISHED = (STATE_LABELS["closed"], STATE_LABELS["rejected"])  # how "Tahap Sekarang" shows a finished case
# Grey: a case nobody works on, finished or from before the worker (a role tab lists a historical
# case only from when the Admin types its ID until the next cycle brings it in; the filter, which
# an .xlsx limits to two values, hides finished cases only).
QUIET = (*FINISHED, STATE_LABELS["history"])
# One font on every tab, headers and body alike: the .xlsx file's own default (its body cells carry
# no font of their own), and Google's default. A header font with no name or size is drawn by
# LibreOffice in its own default font, beside body text in another.
XLSX_FONT = ("Calibri", 11)
GOOGLE_FONT = ("Arial", 10)

# Widths in characters, by the kind of content a column holds.
_LONG = 50
_TEXT = 24
_WIDE_HEADERS = {"Cerita Kejadian", "Isi Respons (ringkas)", "Pesan Sistem", "Alasan Risiko", "Jawaban Lain",
                 "Catatan Validasi", "Keterangan", "Alamat Korban", "Catatan Sistem", "Kemungkinan Duplikat",
                 "Laporan akhir penanganan kasus", "Tindakan yang dilakukan", "Hasil asesmen", "Rekomendasi",
                 "Kondisi korban", "Langkah usulan", "Alasan", "Catatan", "Catatan Admin", "Alasan Ditinjau",
                 "Bantuan Segera", "Layanan yang diminta", "Tautan Dokumen", "Tindakan", "Anggota tim",
                 "Tindak lanjut", "Kondisi korban saat ini", "Rencana berikutnya", "Riwayat Kunjungan",
                 "Jadwal Pemantauan", "Pesan", "Terkirim ke"}
_SHORT = {"Keputusan": 30, "Tindakan Admin": 20, "Risiko": 11, "Usia": 7, "Giliran Anda?": 10,
          "Jenis Kelamin": 11, "Aman via WA?": 12, "Dalam Bahaya?": 12, "Disabilitas": 12, "Status": 14,
          "Peran": 16, "Saluran": 17, "Tautan WhatsApp": 28,
          "Tahap": 30, "Tahap Sekarang": 30, "Nomor Surat": 26, "ID Surat": 20, "Kepada": 26, "Mendesak": 10,
          "Percobaan": 11, "Untuk": 22}


def width(header: str) -> int:
    """A column's width from its header and the kind of content it holds."""
    if header in _WIDE_HEADERS:
        return 60 if header in ("Cerita Kejadian", "Isi Respons (ringkas)", "Keterangan") else _LONG
    if header in _SHORT:
        return _SHORT[header]
    if header.startswith("ID") or header.endswith("Kasus") or header.startswith("Nomor"):
        return 16
    if header.startswith(("Tgl", "Tanggal", "Waktu", "Batas", "Diterima", "Masuk", "Dibuat", "Draf")):
        return 22  # "30 Nov 2026 10.03 WIB": a date cell too narrow shows "###"
    return max(_TEXT if len(header) > 14 else 16, len(header) + 3)


_DATES = ("Tgl", "Tanggal", "Waktu", "Batas", "Diterima", "Masuk", "Dibuat", "Draf", "Mulai", "Pemantauan Berakhir")


def wrapped(headers: Sequence[str]) -> tuple[str, ...]:
    """Every text column wraps (its rows grow to show it whole); date cells do not need to."""
    return tuple(h for h in headers if not (h.startswith(_DATES) and h not in _WIDE_HEADERS))


def role_highlights(risk: str, clock: str, turn: str, state: str) -> tuple[Highlight, ...]:
    """Colours of a role tab, in priority order: a finished case is grey whatever else it is."""
    return (
        Highlight(state, QUIET, GREY, grey_text=True),
        Highlight(clock, (CLOCK_LABELS["terlambat"],), LATE, cell=True),
        Highlight(clock, (CLOCK_LABELS["hampir_terlambat"],), SOON, cell=True),
        Highlight(turn, (YES,), TURN, cell=True),
        Highlight(risk, (RISK_LABELS["tinggi"],), RED),
    )


def register_highlights(risk: str, clock: str, state: str) -> tuple[Highlight, ...]:
    return (
        Highlight(state, QUIET, GREY, grey_text=True),
        Highlight(clock, (CLOCK_LABELS["terlambat"],), LATE, cell=True),
        Highlight(clock, (CLOCK_LABELS["hampir_terlambat"],), SOON, cell=True),
        Highlight(risk, (RISK_LABELS["tinggi"],), RED),
    )


def look(
    headers: Sequence[str],
    *,
    frozen: int = 1,
    staff: Sequence[str] = (),
    options: WorkflowOptions | None = None,
    role: str | None = None,
    hidden: Sequence[str] = (),
    highlights: tuple[Highlight, ...] = (),
    hides: tuple[tuple[str, tuple[str, ...]], ...] = (),
    shows: tuple[tuple[str, tuple[str, ...]], ...] = (),
    notes: tuple[tuple[str, str], ...] = (),
) -> Look:
    notes += tuple((h, staff_note(h, role, options or WorkflowOptions())) for h in staff if role)
    return Look(
        frozen_columns=frozen,
        widths=tuple((h, width(h)) for h in headers),
        wrapped=wrapped(headers),
        notes=tuple((h, n) for h, n in notes if n),
        hidden=tuple(hidden),
        highlights=highlights,
        filter_hides=hides,
        filter_shows=shows,
    )


DECISION = "Keputusan"


def staff_note(header: str, role: str | None, options: WorkflowOptions) -> str:
    """What to write in a staff column, and the values it allows (the note on its header)."""
    if role is None:
        return ""
    moves = [t for t in TRANSITIONS if t.role == role]
    if header == DECISION:
        offered = "; ".join(dict.fromkeys(t.decision for t in moves))
        return (f"Pilih keputusan dari daftar: {offered}. Isi juga kolom kuning yang diperlukan. "
                "Sistem menerapkannya pada putaran berikutnya; bila ada yang kurang, 'Pesan Sistem' menjelaskannya.")
    key = next((k for k, spec in FIELDS.items() if spec.label == header), None)
    if key is None:
        return "Diisi staf bila perlu; sistem tidak mengubah kolom ini."
    spec = FIELDS[key]
    needed = "; ".join(dict.fromkeys(t.decision for t in moves if key in t.required))
    parts = [f"Wajib diisi untuk keputusan: {needed}." if needed else "Diisi staf."]
    choices = choices_for(key, options)
    if choices and spec.multiple:
        parts.append(f"Boleh lebih dari satu, pisahkan dengan koma: {', '.join(choices)}.")
    elif choices:
        parts.append(f"Pilih dari daftar: {'; '.join(choices)}.")
    elif spec.multiple:
        parts.append("Boleh lebih dari satu, pisahkan dengan koma.")
    else:
        parts.append("Tulis dengan singkat dan jelas.")
    if spec.must_be:
        parts.append(f"Harus '{spec.must_be}' agar keputusan dapat diterapkan.")
    if spec.hint:
        parts.append(spec.hint)
    return " ".join(parts)


# --- the help tab and its heartbeat -----------------------------------------------------

GUIDE_TAB = "Panduan"
TOPIC = "Bagian"
TEXT = "Keterangan"
HEARTBEAT = "Diperbarui sistem"
HEARTBEAT_ROW = 2  # the heartbeat is the first row under the header: B2


def stale_minutes(settings: Settings) -> int:
    """After how long without a heartbeat the sheet shows the worker as stopped."""
    poll = settings.poll_interval_seconds / 60
    return int(max(3 * poll, settings.heartbeat_minutes + 2 * poll) + 0.999)


def guide_look(settings: Settings) -> Look:
    return Look(
        frozen_columns=1,
        widths=((TOPIC, 28), (TEXT, 75)),
        wrapped=(TOPIC, TEXT),
        highlights=tuple(Highlight(TOPIC, (topic,), color, cell=True) for topic, color in SWATCHES),
        heartbeat=Heartbeat(TEXT, HEARTBEAT_ROW, stale_minutes(settings)),
        first=True,
    )


NOTICES_TAB = "Notifikasi"  # the messages the worker sent (sync/notify): the guide explains it
COLOURS = (  # the guide's colour rows: (topic, fill, what it means); each topic cell is filled with its colour
    ("Kolom kuning", STAFF, "Kolom yang diisi staf. Kolom lain diisi sistem dan akan ditimpa bila diubah."),
    ("Warna merah muda", RED, "Baris kasus DARURAT: tangani lebih dulu."),
    ("Warna merah", LATE, "'Status Waktu' Terlambat: batas waktu sudah lewat."),
    ("Warna jingga", SOON, "'Status Waktu' Hampir terlambat: batas waktu segera tiba."),
    ("Warna hijau", TURN, "'Giliran Anda?' Ya: kasus menunggu keputusan Anda."),
    ("Warna abu-abu", GREY, "Kasus selesai, ditolak, atau riwayat (sebelum sistem)."),
)
SWATCHES = tuple((topic, color) for topic, color, _ in COLOURS)


def guide_text(settings: Settings) -> tuple[tuple[str, str], ...]:
    """The help tab's rows after the heartbeat: plain Indonesian, fixed text, no case data."""
    t = settings.tabs
    responses = settings.store.responses_tab or "Form Responses 1 / Respons Formulir 1"
    return (
        ("Tentang tab ini", "Panduan singkat ruang kerja SAPA. Sel di atas menunjukkan kapan sistem terakhir "
                            "bekerja; bila sel itu merah, sistem berhenti: hubungi petugas TI."),
        (f"Tab '{responses}'", "Jawaban formulir pengaduan, seperti dikirim pelapor. Diisi Google Form: jangan "
                               "diubah, dihapus, atau diurutkan. Sistem menulis ID Kasus di samping setiap respons."),
        (f"Tab '{t.intake}'", "Admin: pengaduan baru. Periksa data, lalu teruskan ke Sub Koordinator atau tolak."),
        (f"Tab '{t.review}'", "Admin: respons yang perlu ditinjau (mis. uji coba, data kurang). Pilih "
                              "'Jadikan kasus' atau 'Abaikan' di kolom Tindakan Admin. 'Isi Respons (ringkas)' "
                              "memotong jawaban yang panjang; jawaban lengkap ada di tab respons formulir."),
        (f"Tab '{t.subkoor}'", "Sub Koordinator: konfirmasi WhatsApp, identifikasi, dan tindak lanjut rujukan. "
                               "Baca 'Aman via WA?' dan 'Catatan WhatsApp' sebelum menghubungi pelapor."),
        (f"Tab '{t.kabid}'", "Kepala Bidang: verifikasi kasus dan usulan anggota tim."),
        (f"Tab '{t.kadis}'", "Kepala Dinas: penugasan tim, keputusan rujukan, dan penutupan kasus."),
        (f"Tab '{t.tim}'", "Tim Penjangkauan: laporan tindakan, asesmen, rekomendasi, dan tindak lanjut."),
        (f"Tab '{t.konselor}'", "Konselor: pemantauan korban setelah kasus selesai atau dirujuk; catat setiap "
                                "kunjungan. 'Batas Waktu' adalah kunjungan berikutnya."),
        (f"Tab '{settings.letters.register_tab}'", "Agenda surat keluar: nomor, tautan dokumen, dan status surat."),
        (f"Tab '{t.case_register}'", "Daftar semua kasus dan tahapnya. Diisi sistem; jangan diubah. Kolom "
                                     "'Riwayat Pemantauan' memuat semua kunjungan pemantauan."),
        (f"Tab '{settings.recap.tab}'", "Rekap bulanan untuk laporan (SIMFONI-PPA): jumlah kasus per bulan menurut "
                                        "kategori, tanpa nama. Diisi sistem. Grafiknya di kanan tabel; satu kasus "
                                        "dapat dihitung pada lebih dari satu jenis kekerasan."),
        (f"Tab '{t.log}'", "Catatan semua yang dikerjakan sistem dan keputusan staf. Diisi sistem."),
        (f"Tab '{NOTICES_TAB}'", "Pesan notifikasi yang dikirim sistem; hanya dibaca."),
        ("Cara mengambil keputusan", "1. Tab Anda terbuka pada antrean Anda: baris dengan 'Ya' di kolom 'Giliran "
                                     "Anda?'. 2. Pilih Keputusan dari daftar pilihan."),
        ("Langkah berikutnya", "3. Isi kolom kuning yang diminta (arahkan tetikus ke judul kolom untuk membaca "
                               "catatannya). 4. Sistem menerapkannya pada putaran berikutnya (dalam beberapa menit); "
                               "'Pesan Sistem' lalu menulis '✓ Sudah diterapkan' dengan waktunya."),
        ("Bila keputusan belum jalan", "Baca kolom 'Pesan Sistem' (✗): sistem menulis di sana apa yang masih kurang. "
                                       f"Baris itu tetap tampil, dengan '{CHECK}' di kolom 'Giliran Anda?' bila "
                                       "kasusnya bukan giliran Anda."),
        *((topic, text) for topic, _, text in COLOURS),
        ("Kasus selesai", f"Tab peran terbuka pada antrean: filter pada kolom 'Giliran Anda?' hanya menampilkan "
                          f"'{YES}' dan '{CHECK}'. Untuk melihat semua kasus (juga yang selesai): klik tombol filter "
                          "pada judul kolom 'Giliran Anda?' dan centang semua nilai, atau hapus filter "
                          "(Data > Filter)."),
        ("Urut dan saring", "Gunakan tombol filter pada baris judul. Warna tetap mengikuti datanya."),
        ("Tinggi baris", "Baris menyesuaikan tinggi isinya. Di Google Sheets, tab yang dibuat versi lama bertinggi "
                         "tetap: pilih semua baris, klik kanan > Ubah ukuran baris > Sesuaikan dengan data."),
        ("Mencetak", "Setiap tab dicetak mendatar (landscape), selebar satu halaman, dengan baris judul di setiap "
                     "halaman. Di Google Sheets atur sendiri: File > Cetak > Tata letak: Lanskap, Skala: Sesuaikan "
                     "dengan lebar, dan Header & footer > Ulangi baris beku."),
        ("Kasus riwayat", f"Pengaduan yang masuk sebelum sistem dipakai tercatat di tab '{t.case_register}' "
                          "dengan tahap 'Riwayat (sebelum sistem)', tanpa batas waktu. Untuk memprosesnya: tulis "
                          f"ID Kasus-nya di baris kosong tab '{t.intake}' dan pilih Keputusan 'Proses sebagai "
                          "kasus baru'; batas waktunya dihitung sejak saat itu."),
    )


@dataclass(frozen=True)
class Beat:
    """The heartbeat row of the help tab as read: its sheet row and the time it shows (None: unreadable)."""

    row: int
    last: datetime | None


def guide_rows(beat: Beat | None, settings: Settings, now: datetime) -> dict[str, dict[str, Value]]:
    """The help tab's desired rows, by topic; the heartbeat row is first.

    A heartbeat row that exists (`beat`) is left to `heartbeat` (it changes only when due); a
    missing one is written with the time now.
    """
    rows: dict[str, dict[str, Value]] = {HEARTBEAT: {TOPIC: HEARTBEAT}}
    if beat is None:
        rows[HEARTBEAT][TEXT] = stamp(now)
    rows |= {topic: {TOPIC: topic, TEXT: text} for topic, text in guide_text(settings)}
    return rows


def heartbeat(tab: str, beat: Beat | None, settings: Settings, now: datetime, *, busy: bool) -> list[Operation]:
    """Refresh the heartbeat when the cycle writes anyway, or when it is `heartbeat_minutes` old.

    `now` is naive office time. A missing heartbeat row is written by `guide_rows`.
    """
    if beat is None:
        return []
    age = now - beat.last if beat.last is not None else None
    due = age is None or age >= timedelta(minutes=settings.heartbeat_minutes) or age < -timedelta(minutes=1)
    if not (busy or due):
        return []
    return [UpdateRow(tab, TOPIC, HEARTBEAT, beat.row, ((TEXT, stamp(now)),))]


def stamp(moment: datetime) -> datetime:
    """The heartbeat's time: to the minute, as it shows."""
    return moment.replace(second=0, microsecond=0)


def as_time(cell: object) -> datetime | None:
    """The heartbeat as read: a date cell (openpyxl) or its number (Google)."""
    found = cells.seconds(cell)
    return cells.EPOCH + timedelta(seconds=found) if found is not None else None


def heartbeat_formula(letter: str, row: int, minutes: int, *, sep: str) -> str:
    """True when the heartbeat cell is older than `minutes` (the sheet's NOW() in office time); `sep`
    separates arguments (sync/stores/separators.py: `;` for Google, `,` in an .xlsx file)."""
    return f"AND(ISNUMBER(${letter}${row}){sep}NOW()-${letter}${row}>{minutes}/1440)"


def highlight_formula(letter: str, row: int, choices: Sequence[str], *, sep: str) -> str:
    """True when the row's cell in column `letter` holds one of `choices` (the worker's own labels);
    `sep` as for `heartbeat_formula`."""
    tests = [f'TRIM(${letter}{row})="{_quoted(c)}"' for c in choices]
    return tests[0] if len(tests) == 1 else f"OR({sep.join(tests)})"


def _quoted(text: str) -> str:
    return text.replace('"', '""')

