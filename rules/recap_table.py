"""The 'Rekap Bulanan' tab's rows: the recap of one year, one row per figure, one column per month.

Each row carries a stable key (hidden on the tab) so that the cycle updates figures in place
and writes only those that changed. The rows keep their order on a new tab: the totals, the
service figures, then jenis kekerasan, so the chart's rows sit at fixed places whatever the
office configures (its kecamatan, channels and destinations come later).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from rules.recap import UNKNOWN, VIOLENCE, Figures, Recap

KEY, CATEGORY, VALUE, YEAR, NOTE = "Kunci", "Kategori", "Nilai", "Setahun", "Keterangan"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
HEADERS = (KEY, CATEGORY, VALUE, *MONTHS, YEAR, NOTE)

Cell = str | int | float | None

SERVICE = "Layanan"
PRIVACY_NOTE = ("Kasus dihitung pada bulan diterima (WIB). Hanya jumlah, tanpa nama, nomor telepon atau alamat. "
                "Berkas ekspor bulanan untuk SIMFONI-PPA dibuat oleh petugas TI.")


@dataclass(frozen=True)
class Row:
    key: str
    category: str
    value: str | int
    figures: tuple[Cell, ...]  # January to December, then the year
    note: str | None = None

    def cells(self) -> dict[str, Cell]:
        return {KEY: self.key, CATEGORY: self.category, VALUE: self.value,
                **dict(zip((*MONTHS, YEAR), self.figures, strict=True)), NOTE: self.note}


def service_labels(promise_hours: float) -> dict[str, str]:
    """The service figures' names on the tab, by the export's keys."""
    promise = "2 hari" if promise_hours == 48 else f"{promise_hours:g} jam"
    return {
        "median_first_contact_hours": "Median jam sampai kontak pertama",
        "median_completion_hours": "Median jam sampai selesai (ditutup atau dirujuk)",
        "completed": "Selesai (ditutup atau dirujuk)",
        "promise_met": f"Janji {promise}: terpenuhi",
        "promise_missed": f"Janji {promise}: terlewat",
        "first_contact_met": "Kontak pertama dalam batas waktu risiko",
        "first_contact_missed": "Kontak pertama melewati batas waktu risiko",
    }


def table_rows(recap: Recap, promise_hours: float) -> list[Row]:
    """Every row of the tab, in order."""
    columns = (*recap.months, recap.total)
    rows = [
        Row("tahun", "Rekap tahun", recap.year, (None,) * 13, PRIVACY_NOTE),
        Row("kasus", "Jumlah kasus", "", tuple(f.cases for f in columns)),
        Row("tinjauan", "Baris tinjauan (bukan kasus)", "", tuple(f.review for f in columns),
            "Respons di tab tinjauan Admin; dihitung terpisah dari kasus."),
    ]
    labels = service_labels(promise_hours)
    for name in (f.name for f in fields(recap.total.service)):
        rows.append(Row(f"layanan:{name}", SERVICE, labels[name],
                        tuple(getattr(f.service, name) for f in columns),
                        _service_note(name, promise_hours)))
    for block in recap.categories:
        for i, value in enumerate(block.values):
            rows.append(Row(f"{block.key}:{value}", block.title, value,
                            tuple(_count(f, block.key, value) for f in columns),
                            (block.note or None) if i == 0 else None))
    rows.append(Row("peringatan", "Peringatan", "", (None,) * 13, " ".join(recap.warnings) or None))
    return rows


def _count(figures: Figures, category: str, value: str) -> int:
    return figures.by[category][value]


def _service_note(name: str, promise_hours: float) -> str | None:
    if name == "promise_missed":
        return f"Selesai setelah {promise_hours:g} jam, atau masih berjalan lewat {promise_hours:g} jam."
    if name == "first_contact_met":
        return "Batas kontak pertama menurut tingkat risiko, seperti diatur kantor."
    return None


def series_keys(rows: Sequence[Row], prefix: str) -> tuple[str, ...]:
    """The keys of the rows a chart draws: those starting with `prefix`."""
    return tuple(r.key for r in rows if r.key.startswith(prefix))


VIOLENCE_SERIES = "jenis_kekerasan:"
VIOLENCE_KEYS = tuple(f"{VIOLENCE_SERIES}{value}" for value in (*VIOLENCE, UNKNOWN))  # the stacked chart's rows
ON_TIME_SERIES = ("layanan:promise_met", "layanan:promise_missed")
