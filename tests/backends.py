"""The contract suite's backends live with the self-test that also runs them: `sync/commands/selftest/office.py`."""

from sync.commands.selftest.office import (
    Backend,
    GoogleBackend,
    LocalBackend,
    after_first,
    docx_text,
    google_spreadsheet,
    headers_of,
    response_row,
    template_lines,
)

__all__ = [
    "Backend", "GoogleBackend", "LocalBackend", "after_first", "docx_text", "google_spreadsheet", "headers_of",
    "response_row", "template_lines",
]
