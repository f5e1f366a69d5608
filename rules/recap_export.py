"""The monthly export: the recap's figures of one month (or the year) as stable JSON and CSV.

It is meant to leave the office (SIMFONI-PPA entry, the archive), so it holds counts
only, and a small count in a category where it could point at a person (by default a
kecamatan: a small one may hold few families) is shown as "<3" instead of its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rules.recap import Category, Figures

ExportValue = int | str


@dataclass(frozen=True)
class Suppression:
    """Counts from 1 to `below - 1` in `categories` are shown as "<below"; `below` 0 shows every count."""

    below: int = 3
    categories: tuple[str, ...] = ("kecamatan",)

    def shown(self, category: str, count: int) -> ExportValue:
        if category in self.categories and 0 < count < self.below:
            return f"<{self.below}"
        return count


NO_SUPPRESSION = Suppression(below=0, categories=())


def export(figures: Figures, blocks: Sequence[Category], suppression: Suppression) -> dict[str, object]:
    """The JSON object of one period; keys are stable: month, cases, review, by, service."""
    by = {
        block.key: {value: suppression.shown(block.key, figures.by[block.key][value]) for value in block.values}
        for block in blocks
    }
    return {
        "month": figures.period,
        "cases": figures.cases,
        "review": figures.review,
        "by": by,
        "service": asdict(figures.service),
    }


CSV_HEADER = ("bulan", "kategori", "nilai", "jumlah")


def csv_rows(
    figures: Figures, blocks: Sequence[Category], suppression: Suppression
) -> list[tuple[str, str, str, str]]:
    """The export as CSV rows (header first): the totals, one row per category value, the service."""
    month = figures.period
    rows = [CSV_HEADER, (month, "kasus", "jumlah kasus", str(figures.cases)),
            (month, "tinjauan", "baris tinjauan (bukan kasus)", str(figures.review))]
    for block in blocks:
        rows += [(month, block.key, value, str(suppression.shown(block.key, count)))
                 for value, count in figures.by[block.key].items()]
    rows += [(month, "layanan", key, "" if value is None else str(value))
             for key, value in asdict(figures.service).items()]
    return rows
