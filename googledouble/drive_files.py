"""Drive file records and the conversions/exports Drive performs on them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import docx  # python-docx
from docx.table import Table
from docx.text.paragraph import Paragraph

FOLDER = "application/vnd.google-apps.folder"
SHEET = "application/vnd.google-apps.spreadsheet"
DOC = "application/vnd.google-apps.document"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 10 * 1024 * 1024


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    created: str
    modified: str
    parents: list[str] = field(default_factory=list)
    drive_id: str | None = None
    trashed: bool = False
    starred: bool = False
    description: str | None = None
    content: bytes | None = None
    app_created: bool = True
    properties: dict[str, str] = field(default_factory=dict)
    app_properties: dict[str, str] = field(default_factory=dict)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)

    def link(self) -> str:
        if self.mime_type == DOC:
            return f"https://docs.google.com/document/d/{self.id}/edit?usp=drivesdk"
        if self.mime_type == SHEET:
            return f"https://docs.google.com/spreadsheets/d/{self.id}/edit?usp=drivesdk"
        if self.mime_type == FOLDER:
            return f"https://drive.google.com/drive/folders/{self.id}"
        return f"https://drive.google.com/file/d/{self.id}/view?usp=drivesdk"

    def resource(self, owner_email: str) -> dict[str, Any]:
        """The full File resource; responses are cut down by the ``fields`` mask."""
        out: dict[str, Any] = {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "starred": self.starred,
            "trashed": self.trashed,
            "explicitlyTrashed": self.trashed,
        }
        if self.parents:
            out["parents"] = list(self.parents)
        if self.description:
            out["description"] = self.description
        if self.properties:
            out["properties"] = dict(self.properties)
        if self.app_properties:
            out["appProperties"] = dict(self.app_properties)
        out["webViewLink"] = self.link()
        out["createdTime"] = self.created
        out["modifiedTime"] = self.modified
        if self.drive_id:
            out["driveId"] = self.drive_id
            out["teamDriveId"] = self.drive_id
        else:
            out["owners"] = [
                {
                    "kind": "drive#user",
                    "displayName": owner_email.split("@")[0],
                    "me": True,
                    "permissionId": "00000000000000000000",
                    "emailAddress": owner_email,
                }
            ]
            out["ownedByMe"] = True
        if self.content is not None and not self.mime_type.startswith("application/vnd.google-apps."):
            out["size"] = str(len(self.content))
        out["shared"] = any(p["type"] != "user" or p.get("role") != "owner" for p in self.permissions)
        out["capabilities"] = {"canEdit": True, "canCopy": True, "canShare": True, "canDelete": True}
        return out

    def query_view(self) -> dict[str, Any]:
        """What ``q`` expressions compare against."""
        return {
            "name": self.name,
            "mimeType": self.mime_type,
            "parents": self.parents,
            "trashed": self.trashed,
            "starred": self.starred,
            "createdTime": self.created,
            "modifiedTime": self.modified,
            "_owners": [p.get("emailAddress") for p in self.permissions if p.get("role") == "owner"],
            "_writers": [p.get("emailAddress") for p in self.permissions if p.get("role") in ("owner", "writer")],
            "_readers": [p.get("emailAddress") for p in self.permissions],
        }


def docx_paragraphs(content: bytes) -> list[str]:
    """Paragraph texts of a .docx, tables flattened in document order (python-docx)."""
    document = docx.Document(io.BytesIO(content))
    texts: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            texts.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            for row in table.rows:
                for cell in row.cells:
                    texts.extend(p.text for p in cell.paragraphs)
    return texts


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A small but valid one-page PDF showing ``lines`` (Latin-1 only; others become ``?``)."""

    def esc(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream_lines = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
    for line in lines[:55]:
        stream_lines.append(f"({esc(line)}) Tj T*")
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def csv_text(rows: list[list[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        writer.writerow(list(row) + [""] * (width - len(row)))
    return buffer.getvalue().rstrip("\r\n")


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))]
