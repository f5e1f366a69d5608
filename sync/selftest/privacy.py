"""Check 5: privacy: no personal data in logs, output or errors; role tabs; letter sharing; secrets."""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
from pathlib import Path

from config.settings import Settings
from sync import demo

# --- 5. privacy ---------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


def privacy() -> tuple[str, bool]:
    from openpyxl import load_workbook

    from sync.cli import main

    seeded = {str(r.get(f)) for r in demo.sample_rows()
              for f in ("reporter_name", "victim_name", "victim_address", "reporter_phone")}
    seeded = {s for s in seeded if len(s) > 4 and s != "None"}
    root = logging.getLogger()
    handler = _Collect()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    try:
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            codes = [main(["demo", "--dir", tmp])]
            workbook = Path(tmp) / "sapa-demo.xlsx"
            log_tab = repr(list(load_workbook(workbook)["Log Aktivitas"].iter_rows(values_only=True)))
            fresh = Path(tmp) / "baru.xlsx"  # an error message too: a new workbook open in LibreOffice
            demo.write_responses(fresh, demo.sample_rows(), Settings())
            (Path(tmp) / ".~lock.baru.xlsx#").write_text("x")
            codes.append(main(["--workbook", str(fresh), "once"]))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    searched = "\n".join(handler.lines) + out.getvalue() + err.getvalue() + log_tab
    leaks = sorted(s for s in seeded if s in searched)
    ok = codes == [0, 1] and not leaks and len(seeded) >= 40
    figure = (f"privacy: {len(leaks)} of {len(seeded)} seeded names/phones/addresses found in "
              f"{len(handler.lines)} log lines, output, errors and the log tab")
    return figure, ok
