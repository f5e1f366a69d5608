"""What the office's form did to its responses tabs: renamed, missing, doubled and new
columns, a marker column no longer at the right, a second responses tab.

Each finding is said twice: in Indonesian for the staff (one row in the log tab when
the findings change, and in `status --json` under `messages`), and in English for the
operator's program log at every cycle. Titles of questions are not personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.columns import Columns
from sync.cycle.context import Context
from sync.cycle.events import SYSTEM, Event
from sync.cycle.identify import columns_of, header_lost
from sync.cycle.records import LogEntry
from sync.stores.a1 import column_letter
from sync.stores.store import Table

CODE = "form_structure"
ACTION = "Struktur tab respons formulir"
SETTLED = "Struktur tab respons sesuai konfigurasi lagi"


@dataclass(frozen=True)
class TabStructure:
    table: Table
    columns: Columns
    marker: int | None  # 0-based column of the worker's case ID marker
    lost: bool = False  # row 1 is no header row: nothing is read from the tab (identify.header_lost)


def read_structure(tables: Sequence[Table], ctx: Context) -> list[TabStructure]:
    return [TabStructure(t, columns_of(t, ctx), t.column(ctx.marker_header), header_lost(t, ctx)) for t in tables]


HEADER_LOST = (
    "Tab '{tab}': baris 1 bukan baris judul pertanyaan formulir (tab diurutkan bersama baris judulnya, baris 1 "
    "dihapus, atau judul di form.questions konfigurasi tidak cocok dengan formulir?). Respons di tab ini tidak "
    "dibaca sampai judul pertanyaan kembali di baris 1: respons baru belum menjadi kasus; kasus yang sudah ada "
    "tetap. Kembalikan dengan Urungkan (Ctrl+Z), Histori versi, atau cadangan buku kerja. Saat mengurutkan, "
    "centang 'Data memiliki baris header'."
)


def messages(structure: Sequence[TabStructure], ctx: Context) -> list[str]:
    """The findings in Indonesian, each naming its tab and column."""
    out: list[str] = []
    if len(structure) > 1:
        names = ", ".join(f"'{s.table.name}'" for s in structure)
        out.append(
            f"Formulir menulis ke {len(structure)} tab respons ({names}); formulir ditautkan ulang? "
            "Semua tab dibaca: respons yang sama di tab lama dan tab baru tetap satu kasus dengan ID yang sama."
        )
    questions = ctx.spec.questions
    for s in structure:
        tab, cols = s.table.name, s.columns
        if s.lost:
            out.append(HEADER_LOST.format(tab=tab))
            continue
        for r in cols.renamed:
            how = "judulnya mirip" if r.how == "mirip" else "posisinya di antara pertanyaan lain"
            out.append(
                f"Tab '{tab}', kolom {letter(r.column)}: pertanyaan '{r.configured}' kini berjudul '{r.found}' "
                f"(dikenali dari {how}). Jawabannya tetap dibaca. Bila benar, tulis judul baru di form.questions "
                "konfigurasi."
            )
        for field in cols.missing:
            out.append(
                f"Tab '{tab}': kolom pertanyaan '{questions[field]}' tidak ditemukan. Jawabannya dianggap tidak "
                "terbaca (bukan kosong) untuk kasus baru; data kasus lama di tab staf tidak diubah. Sesuaikan "
                "form.questions atau form.aliases di konfigurasi dengan judul di formulir."
            )
        for title in cols.duplicated:
            out.append(f"Tab '{tab}': judul kolom '{title}' ada lebih dari satu; hanya kolom pertama yang dibaca.")
        for column, title in cols.extra:
            if title in cols.unlisted:
                out.append(
                    f"Tab '{tab}', kolom {letter(column)}: kolom baru '{title}' (pertanyaan baru di formulir?). "
                    "Jawabannya tampil di kolom 'Jawaban Lain' tab Admin. Daftarkan di form.extra_questions "
                    "(atau form.aliases bila ini pertanyaan lama) di konfigurasi."
                )
        if s.marker is not None:
            after = [i for i, h in enumerate(s.table.headers) if h and i > s.marker]
            if after:
                out.append(
                    f"Tab '{tab}': kolom '{ctx.marker_header}' (kolom {letter(s.marker)}) tidak lagi paling kanan; "
                    f"ada {len(after)} kolom sesudahnya. ID kasus tetap dibaca dari kolom itu; jangan diisi manual."
                )
    return out


def problems(structure: Sequence[TabStructure], ctx: Context) -> list[str]:
    """The findings in English, for the program log."""
    out: list[str] = []
    if len(structure) > 1:
        out.append(f"the form wrote {len(structure)} responses tabs "
                   f"({', '.join(repr(s.table.name) for s in structure)}); all are read")
    questions = ctx.spec.questions
    for s in structure:
        tab, cols = s.table.name, s.columns
        if s.lost:
            out.append(f"row 1 of responses tab '{tab}' is not its header row (sorted with the data, deleted, or "
                       "form.questions matches none of its titles?): nothing is read from the tab until the "
                       "form's question titles are back in row 1")
            continue
        out += [f"question '{r.configured}' found as column {letter(r.column)} '{r.found}' in tab '{tab}' "
                f"(by {'similar title' if r.how == 'mirip' else 'position'}); set form.questions to the new title"
                for r in cols.renamed]
        out += [f"column '{questions[f]}' is missing from tab '{tab}': its answers are unreadable. Fix "
                "form.questions (or form.aliases) in the configuration to match the form's question."
                for f in cols.missing]
        out += [f"column '{t}' appears more than once in tab '{tab}': the first one is read."
                for t in cols.duplicated]
        out += [f"new column '{t}' in tab '{tab}' (a new question?): shown to the Admin as 'Jawaban Lain'; "
                "list it in form.extra_questions or map it with form.aliases" for t in cols.unlisted]
    return out


def log_events(current: Sequence[str], log: Sequence[LogEntry]) -> list[Event]:
    """Log rows for the findings when they differ from those the log last recorded."""
    if set(current) == last_logged(log):
        return []
    if not current:
        return [Event("", SYSTEM, SETTLED, CODE)]
    return [Event("", SYSTEM, ACTION, CODE, text) for text in current]


def last_logged(log: Sequence[LogEntry]) -> set[str]:
    """The findings of the last structure rows in the log (rows of one cycle share their time)."""
    rows = [e for e in log if e.code == CODE]
    if not rows:
        return set()
    last = max(e.seconds for e in rows)  # staff may have sorted the log
    return {e.detail for e in rows if e.seconds == last and e.detail}


def letter(column: int) -> str:
    """A 0-based column as spreadsheet letters (0 -> A, 26 -> AA)."""
    return column_letter(column + 1)
