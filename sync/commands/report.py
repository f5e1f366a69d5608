"""`report --month YYYY-MM`: one month's recap figures, to enter into SIMFONI-PPA and to archive.

The figures are those of the 'Rekap Bulanan' tab, from the spreadsheet as read now: the register,
the answers and the review rows (nothing is written). Counts only, never a name, phone number or
address; a count from 1 to 2 in a small kecamatan is shown as "<3" (recap.suppress_below,
recap.suppress_categories) unless `--all-counts` asks for the office's own unsuppressed archive.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from rules.dates_id import month_name
from rules.errors import InputError
from rules.recap import Figures, Recap
from rules.recap_export import NO_SUPPRESSION, Suppression, csv_rows, export
from rules.recap_table import service_labels
from sync.cycle.context import Context
from sync.cycle.plan import plan_cycle
from sync.cycle.register_guard import require_register
from sync.stores.store import Store

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class MonthReport:
    recap: Recap
    figures: Figures
    suppression: Suppression

    def json(self) -> dict[str, object]:
        """month, cases, review, by (one object per category), service: stable keys."""
        return export(self.figures, self.recap.categories, self.suppression)

    def csv(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(csv_rows(self.figures, self.recap.categories, self.suppression))
        return out.getvalue()

    def text(self, promise_hours: float) -> str:
        """The figures for a person, with the tab's Indonesian labels, a block per category."""
        exported = self.json()
        by = exported["by"]
        assert isinstance(by, dict)
        year, number = parse_month(str(exported["month"]))
        lines = [f"Rekap {month_name(year, number)}: {exported['cases']} kasus; "
                 f"{exported['review']} baris tinjauan (bukan kasus, dihitung terpisah)"]
        for block in self.recap.categories:
            lines.append(f"\n{block.title}" + (f" ({block.note})" if block.note else ""))
            lines += [f"  {value:<44} {count}" for value, count in by[block.key].items()]
        labels = service_labels(promise_hours)
        lines.append("\nLayanan")
        lines += [f"  {labels[key]:<52} {'-' if value is None else value}"
                  for key, value in asdict(self.figures.service).items()]
        return "\n".join(lines)


def parse_month(text: str) -> tuple[int, int]:
    found = _MONTH.match(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12:
        raise InputError(f"--month takes a month as YYYY-MM, e.g. --month 2026-11 (got '{text[:20]}').")
    return int(found[1]), int(found[2])


def month_report(store: Store, ctx: Context, now: datetime, month: str, *, all_counts: bool = False) -> MonthReport:
    """`month`'s figures from the spreadsheet as it is (`now`: naive WIB, for the promises still open)."""
    year, number = parse_month(month)
    snapshot = store.read([layout.name for layout in ctx.tabs.all])
    require_register(snapshot, ctx)  # figures of cases rebuilt from their responses would be wrong
    planned = plan_cycle(snapshot, ctx, now, letters=False)
    assert planned.recap is not None
    result = planned.recap.recap(year, ctx, now)
    suppression = NO_SUPPRESSION if all_counts else ctx.settings.recap.suppression()
    return MonthReport(result, result.month(number), suppression)
