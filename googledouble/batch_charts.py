"""batchUpdate requests on embedded charts: ``addChart`` and ``updateChartSpec`` (basic charts only).

A chart is kept on the sheet of its anchor cell and read back under ``sheets[].charts``. As
Google does, a spec is checked: its chart type and stacking are known values and every source
range lies on an existing sheet. Unlike Google, the double does not move a chart's ranges when
rows or columns are inserted or deleted.
"""

from __future__ import annotations

import copy
from typing import Any

from .batch_common import Ctx, RequestError, range_box, sheet_of

CHART_TYPES = ("BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA")
STACKED_TYPES = ("NOT_STACKED", "STACKED", "PERCENT_STACKED")


def add_chart(ctx: Ctx, req: dict[str, Any]) -> dict[str, Any]:
    chart = copy.deepcopy(req.get("chart") or {})
    _check_spec(ctx, chart.get("spec"))
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell")
    if not isinstance(anchor, dict):
        raise RequestError("Only charts with an overlayPosition.anchorCell are modelled by the double.")
    sheet = sheet_of(ctx, anchor.get("sheetId"))
    taken = {c["chartId"] for s in ctx.book.sheets for c in s.charts}
    chart_id = chart.get("chartId")
    if chart_id is None:
        chart_id = ctx.rng.randint(1, 2**31 - 1)
        while chart_id in taken:
            chart_id = ctx.rng.randint(1, 2**31 - 1)
    elif int(chart_id) in taken:
        raise RequestError(f"An object with the id {chart_id} already exists.")
    chart["chartId"] = int(chart_id)
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def update_chart_spec(ctx: Ctx, req: dict[str, Any]) -> None:
    _check_spec(ctx, req.get("spec"))
    chart = _chart(ctx, req.get("chartId"))
    chart["spec"] = copy.deepcopy(req["spec"])
    return None


def _chart(ctx: Ctx, chart_id: Any) -> dict[str, Any]:
    found = [c for s in ctx.book.sheets for c in s.charts if c["chartId"] == int(chart_id or 0)]
    if not found:
        raise RequestError(f"No chart with id: {chart_id}")
    return found[0]


def _check_spec(ctx: Ctx, spec: Any) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("basicChart"), dict):
        raise RequestError("Only basic charts (spec.basicChart) are modelled by the double.")
    basic = spec["basicChart"]
    if basic.get("chartType") not in CHART_TYPES:
        raise RequestError(f"Invalid value at 'chart.spec.basic_chart.chart_type': {basic.get('chartType')!r}")
    if basic.get("stackedType", "NOT_STACKED") not in STACKED_TYPES:
        raise RequestError(f"Invalid value at 'chart.spec.basic_chart.stacked_type': {basic.get('stackedType')!r}")
    parts = [d.get("domain") for d in basic.get("domains", [])] + [s.get("series") for s in basic.get("series", [])]
    if not basic.get("series"):
        raise RequestError("A chart needs at least one series.")
    for part in parts:
        sources = ((part or {}).get("sourceRange") or {}).get("sources")
        if not sources:
            raise RequestError("Each domain and series needs a sourceRange with sources.")
        for source in sources:
            range_box(ctx, source)

