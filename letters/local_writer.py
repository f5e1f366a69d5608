"""Letters as .docx files in a folder beside the workbook, named by case and letter type.

One order key, one file: drafting again (a rerun, a crash, a redraft) replaces the
file atomically, so there is never a second document for the same letter.
"""

from __future__ import annotations

import errno
from pathlib import Path

from config.letters import Letters
from letters.emblem import with_emblem
from letters.files import DISK, Disk
from letters.render_docx import render
from letters.writer import Order, template_path
from rules.errors import SapaError


class LocalLetterWriter:
    def __init__(self, folder: Path, settings: Letters, *, disk: Disk = DISK) -> None:
        self.folder = folder
        self._disk = disk
        self._templates = settings.templates
        self._emblem = settings.emblem

    def settled(self) -> None:
        """Nothing to do: a document is found again by its file name."""

    def draft(self, order: Order) -> str:
        target = self.folder / f"{order.file_stem}.docx"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            template = template_path(order.kind, getattr(self._templates, order.kind))
            package = with_emblem(template, self._emblem) if self._emblem else None
            render(template, order.values, target, package=package, disk=self._disk)
        except OSError as err:  # the cycle stops before its write: the next one drafts the letter again
            if err.errno == errno.ENOSPC:
                raise SapaError(
                    f"the disk holding {self.folder} is full; the letter {target.name} was not drafted and "
                    "the workbook was not changed. Free some space; the next cycle drafts it."
                ) from None
            raise SapaError(
                f"cannot write the letter {target}: {err.strerror or type(err).__name__}; the workbook was not "
                "changed. Check that the folder is writable."
            ) from None
        return f"{self.folder.name}/{target.name}"
