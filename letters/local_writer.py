"""Letters as .docx files in a folder beside the workbook, named by case and letter type.

One order key, one file: drafting again (a rerun, a crash, a redraft) replaces the
file atomically, so there is never a second document for the same letter.
"""

from __future__ import annotations

from pathlib import Path

from config.letters import Letters
from letters.render_docx import render
from letters.writer import Order, template_path


class LocalLetterWriter:
    def __init__(self, folder: Path, settings: Letters) -> None:
        self.folder = folder
        self._templates = settings.templates

    def draft(self, order: Order) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{order.file_stem}.docx"
        render(template_path(order.kind, getattr(self._templates, order.kind)), order.values, target)
        return f"{self.folder.name}/{target.name}"
