"""A Google Doc as the double keeps it: one string of paragraphs, each ending in ``\\n``; indices are
UTF-16 code units and the body starts at index 1 (index 0 is the section break), as in Google Docs.
The Docs API (docs.py) edits it; the double (double.py) and the office's staff (staff.py) hold it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Document:
    document_id: str
    title: str
    text: str = "\n"
    styles: list[str] = field(default_factory=list)
    revision: int = 1
    run_breaks: set[int] = field(default_factory=set)  # offsets in `text` where updateTextStyle split a run

    def clone(self, new_id: str | None = None, title: str | None = None) -> Document:
        return Document(new_id or self.document_id, title or self.title, self.text, list(self.styles), 1,
                        set(self.run_breaks))

    @property
    def paragraphs(self) -> list[str]:
        return [p + "\n" for p in self.text[:-1].split("\n")] if self.text != "\n" else ["\n"]

    @property
    def revision_id(self) -> str:
        return f"ALm37B{zlib.crc32(self.document_id.encode()):010d}r{self.revision}"

    def set_text(self, text: str) -> None:
        if not text.endswith("\n"):
            text += "\n"
        self.text = text
        count = len(self.paragraphs)
        self.styles = (self.styles + ["NORMAL_TEXT"] * count)[:count]

    @property
    def end_index(self) -> int:
        return 1 + utf16_len(self.text)

    def plain_text(self) -> str:
        return self.text
