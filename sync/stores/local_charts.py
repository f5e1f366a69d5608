"""Charts on the local workbook (openpyxl).

openpyxl does not keep a chart faithfully across a load and a save (older versions drop it, newer
ones re-serialize what they understood of it), so the charts a tab shows are recorded in the
workbook itself (a custom document property, which openpyxl and LibreOffice keep) and drawn
afresh, from the rows the tab then holds, at every save the worker makes. A cycle that writes
nothing does not save, and leaves the chart as it is.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sync.stores.store import Chart
from sync.stores.text import cell_text

CHARTS_PROPERTY = "sapa.charts"  # JSON: {tab: [chart, ...]}


def record_charts(book: Workbook, tab: str, charts: tuple[Chart, ...]) -> None:
    """Remember the charts `tab` shows, for this save and every later one."""
    recorded = recorded_charts(book)
    recorded[tab] = [asdict(chart) for chart in charts]
    props = book.custom_doc_props
    props.props = [p for p in props.props if p.name != CHARTS_PROPERTY]
    props.append(StringProperty(name=CHARTS_PROPERTY, value=json.dumps(recorded, ensure_ascii=False)))


def recorded_charts(book: Workbook) -> dict[str, list[dict[str, Any]]]:
    for prop in book.custom_doc_props.props:
        if prop.name == CHARTS_PROPERTY:
            try:
                found = json.loads(str(prop.value))
            except ValueError:
                return {}
            return found if isinstance(found, dict) else {}
    return {}


def draw_charts(book: Workbook) -> None:
    """Draw every recorded chart on its tab, replacing whatever the load made of the earlier one."""
    for tab, charts in recorded_charts(book).items():
        if tab not in book.sheetnames:
            continue
        sheet = book[tab]
        sheet._charts = []
        for chart in filter(None, map(_chart, charts)):
            drawn = _bar_chart(sheet, chart)
            if drawn is not None:
                sheet.add_chart(drawn, sheet.cell(row=chart.anchor_row, column=chart.anchor_column).coordinate)


def _chart(spec: dict[str, Any]) -> Chart | None:
    try:
        return Chart(**{**spec, "series": tuple(spec["series"]), "columns": tuple(spec["columns"])})
    except (TypeError, KeyError):
        return None  # recorded by another version: nothing drawn rather than a failed save


def _bar_chart(sheet: Worksheet, chart: Chart) -> BarChart | None:
    headers = [cell_text(cell.value) for cell in sheet[1]]
    columns = [headers.index(h) + 1 for h in chart.columns if h in headers]
    if chart.key_header not in headers or chart.label_header not in headers or not columns:
        return None
    key, label = headers.index(chart.key_header) + 1, headers.index(chart.label_header) + 1
    rows = {cell_text(sheet.cell(row=r, column=key).value): r for r in range(2, sheet.max_row + 1)}
    drawn = BarChart()
    drawn.type = "col"
    drawn.title = chart.title
    drawn.width, drawn.height = chart.width_cm, chart.height_cm
    drawn.x_axis.title = chart.x_title or None
    drawn.y_axis.title = chart.y_title or None
    drawn.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told
    drawn.y_axis.delete = False
    if chart.stacked:
        drawn.grouping = "stacked"
        drawn.overlap = 100
    for wanted in chart.series:
        row = rows.get(wanted)
        if row is not None:
            values = Reference(sheet, min_col=min(columns), max_col=max(columns), min_row=row)
            drawn.series.append(Series(values, title=cell_text(sheet.cell(row=row, column=label).value) or wanted))
    drawn.set_categories(Reference(sheet, min_col=min(columns), max_col=max(columns), min_row=1))
    return drawn
