"""The document writer: one interface, a local (.docx) and a Google Docs implementation."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

TEMPLATES = Path(__file__).with_name("templates")
# Every document the worker drafts: the two letters and the case documents (letters/README.md).
TEMPLATE_KINDS = ("surat_tugas", "surat_rujukan", "laporan_penjangkauan", "kronologi_kejadian", "laporan_akhir")


class Order(Protocol):
    """What a writer needs of a letter order (sync.cycle.letters_step.LetterOrder)."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def values(self) -> Mapping[str, str]: ...
    @property
    def file_stem(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def replaces(self) -> str | None: ...


class LetterWriter(Protocol):
    def draft(self, order: Order) -> str:
        """Write the letter; return its link. Drafting the same key again replaces it."""
        ...

    def settled(self) -> None:
        """The cycle's write landed: the sheet links every document drafted so far (a writer that looks
        for documents an earlier crash left unlinked may stop looking)."""
        ...


def template_path(kind: str, configured: Path | None) -> Path:
    return configured or TEMPLATES / f"{kind}.docx"
