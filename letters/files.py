"""File helpers shared by the local letter writer and the local workbook store."""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import time
import zipfile
from pathlib import Path
from typing import IO

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


class Disk:
    """The writes a save makes (a zip's entries, fsync, the rename that publishes the file), in one place.

    The workbook store and the local letter writer make every write through the one they are given, so
    that the self-test can fail any of them (a full disk, a kill at the k-th write) through their own API.
    """

    def zip_writer(self, file: str | Path | IO[bytes]) -> zipfile.ZipFile:
        """A new zip (an .xlsx or a .docx) written to `file`."""
        return zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)

    def fsync(self, descriptor: int) -> None:
        os.fsync(descriptor)

    def replace(self, source: Path | str, target: Path | str) -> None:
        os.replace(source, target)

    def writable(self, path: Path) -> bool:
        """Whether this process may write `path` (asked before a save, so that nothing is half done)."""
        return os.access(path, os.W_OK)


DISK = Disk()
