"""What `doctor` finds: one check's outcome (ok / warning / error) in Indonesian and English.

Its own module so that every part of the doctor (Google, local, access, notifications) builds on it
without importing the doctor itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    check: str  # config, letters_staff, credentials, spreadsheet, time_zone, readers, link_sharing,
    # responses_tab, form_headers, worker_tabs, letters_folder, templates
    status: Status
    indonesian: str
    english: str


def ok(check: str, indonesian: str, english: str) -> Finding:
    return Finding(check, "ok", indonesian, english)


def warning(check: str, indonesian: str, english: str) -> Finding:
    return Finding(check, "warning", indonesian, english)


def error(check: str, indonesian: str, english: str) -> Finding:
    return Finding(check, "error", indonesian, english)
