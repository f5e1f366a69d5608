"""`status`: how many responses, cases and review rows there are, and in which state."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rules import values
from sync.context import Context
from sync.identify import read_responses
from sync.plan import day_first
from sync.rows import DISMISSED, INTAKE_LABEL, RELEASED_PREFIX
from sync.store import Snapshot
from sync.tabs import R, V

STATE_KEYS = {INTAKE_LABEL: "intake"}


def status(snapshot: Snapshot, ctx: Context) -> dict[str, Any]:
    responses = read_responses(snapshot.responses, ctx, day_first(snapshot.responses))
    register = snapshot.tabs.get(ctx.tabs.register.name)
    review = snapshot.tabs.get(ctx.tabs.review.name)
    cases = register.records() if register else []
    reviews = review.records() if review else []
    open_reviews = [
        r for r in reviews
        if not (values.text(r.get(V.STATUS)) or "").startswith(RELEASED_PREFIX) and values.text(r.get(V.ID))
    ]
    by_state = Counter(
        STATE_KEYS.get(values.text(c.get(R.STATE)) or "", "unknown")
        for c in cases if values.text(c.get(R.ID))
    )
    known = {values.text(c.get(R.ID)) for c in cases} | {values.text(r.get(V.ID)) for r in reviews}
    warnings = sum(int(values.text(c.get(R.WARNINGS)) or 0) for c in cases if values.text(c.get(R.ID)))
    return {
        "responses": len(responses),
        "cases": sum(by_state.values()),
        "review": len(open_reviews),
        "review_pending": sum(1 for r in open_reviews if values.text(r.get(V.STATUS)) != DISMISSED),
        "unprocessed": sum(1 for r in responses if r.marker not in known),
        "by_state": dict(sorted(by_state.items())),
        "warnings": warnings,
        "cases_with_warnings": sum(
            1 for c in cases if values.text(c.get(R.ID)) and (values.text(c.get(R.WARNINGS)) or "0") != "0"
        ),
        "edited_after_intake": sum(1 for c in cases if values.text(c.get(R.EDITED))),
    }


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Respons formulir : {report['responses']}",
        f"Kasus            : {report['cases']}",
        f"Tinjauan Admin   : {report['review']} ({report['review_pending']} menunggu)",
        f"Belum diproses   : {report['unprocessed']}",
        f"Peringatan       : {report['warnings']} pada {report['cases_with_warnings']} kasus",
        "Per tahap        : " + (", ".join(f"{k}={v}" for k, v in report["by_state"].items()) or "-"),
    ]
    return "\n".join(lines)
