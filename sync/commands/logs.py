"""The program log's two formats: text lines, or one JSON object a line (`--log-json`).

A JSON line is {"time", "level", "message"}; the cycle line adds its counts as fields
(the `fields` a log call passes in `extra`). Case IDs and counts only: never personal data.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per log record, for log collectors (journald, Cloud Logging)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line |= {k: v for k, v in fields.items() if k not in line}
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(*, verbose: bool, as_json: bool) -> None:
    """The root logger writes to standard error, as text or JSON lines (unless already set up)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
