"""The letter templates in the office's Drive folder: their names and marks, and how to find them.

`init` uploads them and the worker finds them at start (`find_templates`); `doctor` and the probe
look for them too. Found by their `sapa_template` app property, never by name: staff may rename them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from letters.writer import TEMPLATE_KINDS
from sync.stores.google_retry import RetryPolicy

DOC = "application/vnd.google-apps.document"
TEMPLATE_NAMES = {
    "surat_tugas": "Template Surat Tugas (sapa-sync)",
    "surat_rujukan": "Template Surat Rujukan (sapa-sync)",
    "laporan_penjangkauan": "Template Laporan Hasil Penjangkauan (sapa-sync)",
    "kronologi_kejadian": "Template Kronologi Kejadian (sapa-sync)",
    "laporan_akhir": "Template Laporan Akhir Penanganan Kasus (sapa-sync)",
}
TEMPLATE_PROPERTY = "sapa_template"  # appProperties key: survives staff renaming the document
LETTER_PROPERTY = "sapa_key"  # what the letter writer puts on its copies (never a template)


@dataclass(frozen=True)
class TemplateFile:
    kind: str
    id: str
    name: str
    created: str
    drive_id: str | None


def list_templates(drive: Any, folder_id: str, retry: RetryPolicy | None = None) -> list[TemplateFile]:
    """The templates init uploaded into the folder (one `files.list`; another page per 1000 Docs there).

    Found by their `sapa_template` app property, so renaming one in Drive does not lose it;
    the letters (copies) carry `sapa_key` and are never taken for a template.
    """
    query = f"'{_quote(folder_id)}' in parents and trashed = false and mimeType = '{DOC}'"
    out: list[TemplateFile] = []
    token: str | None = None
    retry = retry or RetryPolicy()
    while True:
        answer = retry.run("the list of the letters folder", drive.files().list(
            q=query, fields="nextPageToken,files(id,name,appProperties,createdTime,driveId)", pageSize=1000,
            supportsAllDrives=True, includeItemsFromAllDrives=True, pageToken=token,
        ).execute)
        for item in answer.get("files", []):
            props = item.get("appProperties") or {}
            kind = props.get(TEMPLATE_PROPERTY)
            if kind in TEMPLATE_KINDS and LETTER_PROPERTY not in props:
                out.append(TemplateFile(str(kind), str(item["id"]), str(item.get("name", "")),
                                        str(item.get("createdTime", "")), item.get("driveId")))
        token = answer.get("nextPageToken")
        if not token:
            return sorted(out, key=lambda t: (t.kind, t.created, t.id))


def find_templates(drive: Any, folder_id: str, retry: RetryPolicy | None = None) -> dict[str, str]:
    """kind -> template document id, for the letter writer at start (the oldest, if staff made two)."""
    found: dict[str, str] = {}
    for template in list_templates(drive, folder_id, retry):
        found.setdefault(template.kind, template.id)
    return found


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
