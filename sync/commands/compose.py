"""The composition root: the store, the letter writer, the Context and the sender, built from Settings.

Every command that touches the office's spreadsheet gets its parts here, so that the command line only
parses arguments and the rest of the worker never asks which backend it has (cosmicpython's bootstrap).
The Google client libraries are imported only when the configuration names the Google backend: a local
workbook's commands start without them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config import load_settings
from config.placeholders import placeholders
from config.placeholders import warning as placeholder_warning
from config.settings import Settings
from letters.local_writer import LocalLetterWriter
from letters.writer import TEMPLATE_KINDS, LetterWriter
from rules.errors import InputError
from sync.cycle.context import Context
from sync.notify.channels import channels_from
from sync.notify.sender import Sender
from sync.stores.local_store import LocalStore
from sync.stores.store import Store

log = logging.getLogger("sync")


@dataclass(frozen=True)
class Outside:
    """What the worker takes from outside its configuration: the environment (the variable that may name
    the service account key) and the browser login of `init`. The self-test passes its own."""

    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    browser: Callable[[Path, Any], Any] | None = None  # (OAuth client file, flow) -> credentials; None: a browser


PROCESS = Outside()


def settings_from(config: Path | None, workbook: Path | None) -> Settings:
    """The configuration file (the packaged one when None); a workbook given means the local backend."""
    path = str(workbook) if workbook else None
    backend = "local" if path else None
    return load_settings(config, **{"store.workbook": path, "store.backend": backend})


def google_settings(settings: Settings) -> Settings:
    """`settings`, when they name the Google backend; otherwise an error saying how to."""
    if settings.store.backend != "google":
        raise InputError("this command works on the Google spreadsheet: set store.backend: google in the "
                         "configuration (and google.spreadsheet_id), then pass it with --config.")
    return settings


def warn_placeholders(settings: Settings) -> None:
    found = placeholders(settings)
    if found:
        log.warning(placeholder_warning(found))


def now() -> datetime:
    return datetime.now(UTC)


def context(settings: Settings) -> Context:
    return Context.from_settings(settings)


def open_writer(settings: Settings, workbook: Path) -> LocalLetterWriter:
    """The local letter writer: its folder beside the workbook."""
    return LocalLetterWriter(workbook.parent / settings.letters.folder, settings.letters)


def google_clients(settings: Settings, *, login: bool = False,
                   outside: Outside = PROCESS) -> tuple[Any, Any, Any, str | None]:
    """Sheets (gspread), Drive and Docs clients, and the service account's e-mail (None for a user login)."""
    from sync.stores.google_auth import clients  # lazy: only the Google backend needs the Google libraries

    return clients(settings, login=login, environ=outside.environ, browser=outside.browser)


def open_backend(settings: Settings, outside: Outside = PROCESS) -> tuple[Store, LetterWriter | None]:
    """The store and the letter writer the configuration names: local files or Google."""
    if settings.store.backend == "google":
        return _google_backend(settings, outside)
    if settings.store.workbook is None:
        raise InputError("no workbook given: pass --workbook FILE.xlsx or set store.workbook.")
    workbook = settings.store.workbook
    return LocalStore(workbook, settings.store.responses_tab), open_writer(settings, workbook)


def _google_backend(settings: Settings, outside: Outside) -> tuple[Store, LetterWriter | None]:
    # The Google client libraries take seconds to import, which a local workbook's commands never need:
    from letters.google_writer import GoogleLetterWriter  # lazy: only the Google backend needs it
    from sync.stores.google_retry import RetryPolicy  # lazy: as above
    from sync.stores.google_store import GoogleStore  # lazy: as above
    from sync.stores.google_templates import find_templates  # lazy: as above

    sheets, drive, docs, _ = google_clients(settings, outside=outside)
    retry = RetryPolicy()  # one for the spreadsheet and the letters: Sheets, Drive and Docs alike
    store = GoogleStore(sheets, settings.google.spreadsheet_id, settings.store.responses_tab,
                        log_tabs=(settings.tabs.log,), max_request_bytes=settings.worker.max_request_bytes,
                        retry=retry, full_read_every=settings.worker.full_read_every)
    folder = settings.google.letters_folder_id
    if not folder:
        log.warning("google.letters_folder_id is empty: no letter will be drafted")
        return store, None
    templates = find_templates(drive, folder, retry)
    missing = sorted(set(TEMPLATE_KINDS) - set(templates))
    if missing:
        raise InputError(f"letter templates {missing} are not in the letters folder: run `python -m sync init`.")
    return store, GoogleLetterWriter(drive, docs, folder, templates, retry=retry)


def open_store(settings: Settings, outside: Outside = PROCESS) -> Store:
    return open_backend(settings, outside)[0]


def notification_sender(settings: Settings) -> Sender | None:
    """The sender of the outbox's messages, when the configuration names recipients."""
    return Sender(channels_from(settings), settings.notify) if settings.notify.enabled else None
