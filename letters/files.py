"""File helpers shared by the local letter writer and the local workbook store."""

from __future__ import annotations

import contextlib
import glob
import logging
import time
from pathlib import Path

log = logging.getLogger(__name__)

STALE_SECONDS = 3600  # a save takes seconds; an older temporary file is a killed worker's


def remove_stale_temporaries(folder: Path, prefix: str) -> None:
    """Remove the `<prefix>*.tmp` files a worker killed mid-save left (SIGKILL, power cut): never used again."""
    now = time.time()
    for leftover in folder.glob(f"{glob.escape(prefix)}*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
                log.info("removed %s, left by an interrupted save", leftover.name)
