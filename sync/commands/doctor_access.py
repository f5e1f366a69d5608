"""`doctor`'s access checks: who can read the spreadsheet, whatever its protections.

Every editor of the spreadsheet can read every tab: protections (Data → Protected sheets and
ranges) only stop edits, and a person who may edit one tab can open, copy or download them all.
So the findings say it plainly, and check the one share that would open the victims' personal
data to anyone at all: "anyone with the link".

That check reads the spreadsheet's permissions from Drive (`permissions.list`, one request). Under
the worker's `drive.file` scope Drive shows the worker only the files it created or was given
through a picker: for a spreadsheet a person made, Google answers 404 "File not found", as for a
file that does not exist. The finding then says that it could not check, and how a person checks.
"""

from __future__ import annotations

from typing import Any

from googleapiclient.errors import HttpError

from rules.errors import SapaError
from sync.commands.findings import Finding, error, ok, warning
from sync.stores.google_retry import RetryPolicy, status_of

HOW_TO_CHECK_ID = (
    "Periksa sendiri: buka spreadsheet → Bagikan → Akses umum harus \"Dibatasi\" (Restricted), bukan \"Siapa saja "
    "yang memiliki link\"."
)
HOW_TO_CHECK_EN = (
    "Check it by hand: open the spreadsheet → Share → General access must be \"Restricted\", not \"Anyone with the "
    "link\"."
)


def access_findings(drive: Any, spreadsheet_id: str, retry: RetryPolicy) -> list[Finding]:
    """What every editor can read, and whether the spreadsheet is shared by link."""
    return [editors_read_everything(), link_sharing(drive, spreadsheet_id, retry)]


def editors_read_everything() -> Finding:
    return ok(
        "readers",
        "Setiap editor spreadsheet dapat membaca semua tab, termasuk data pribadi korban dan pelapor: proteksi "
        "hanya mencegah perubahan, bukan membaca (dan editor dapat menyalin atau mengunduh seluruh spreadsheet). "
        "Bagikan spreadsheet hanya dengan petugas yang menangani kasus.",
        "Every editor of the spreadsheet can read every tab, victims' and reporters' personal data included: the "
        "protections only stop edits, not reading (and an editor can copy or download the whole spreadsheet). "
        "Share the spreadsheet only with the staff who handle the cases.",
    )


def link_sharing(drive: Any, spreadsheet_id: str, retry: RetryPolicy) -> Finding:
    """An error when anyone with the link can open the spreadsheet; a warning when Drive does not tell."""

    request = drive.permissions().list(fileId=spreadsheet_id, fields="permissions(type,role)",
                                       supportsAllDrives=True)
    try:
        answer = retry.run("the doctor's sharing check", request.execute)
    except (HttpError, SapaError) as err:
        return _not_checked(status_of(err))
    kinds = {str(p.get("type")) for p in answer.get("permissions") or []}
    if "anyone" in kinds:
        return error(
            "link_sharing",
            "Spreadsheet dibagikan lewat tautan: siapa saja yang memiliki tautannya dapat membuka data pribadi "
            "korban. Buka spreadsheet → Bagikan → Akses umum → pilih \"Dibatasi\" (Restricted), lalu bagikan hanya "
            "dengan akun petugas.",
            "The spreadsheet is shared by link: anyone who has the link can open the victims' personal data. Open "
            "the spreadsheet → Share → General access → choose \"Restricted\", then share it only with the staff's "
            "accounts.",
        )
    if "domain" in kinds:
        return warning(
            "link_sharing",
            "Spreadsheet dibagikan kepada seluruh domain (organisasi): setiap akun di domain itu dapat membukanya. "
            "Ubah Akses umum menjadi \"Dibatasi\" (Bagikan → Akses umum) kecuali memang disengaja.",
            "The spreadsheet is shared with a whole domain (organisation): every account there can open it. Set "
            "General access to \"Restricted\" (Share → General access) unless that is intended.",
        )
    return ok("link_sharing", "Spreadsheet tidak dibagikan lewat tautan (akses umum: Dibatasi).",
              "The spreadsheet is not shared by link (general access: Restricted).")


def _not_checked(status: int | None) -> Finding:
    if status == 404:
        why_id = (
            "Dengan izin drive.file pekerja hanya melihat berkas yang dibuatnya sendiri, jadi Google Drive tidak "
            "menunjukkan kepadanya siapa yang dapat membuka spreadsheet ini (HTTP 404)."
        )
        why_en = (
            "Under the drive.file scope the worker sees only the files it created, so Google Drive does not show it "
            "who can open this spreadsheet (HTTP 404)."
        )
    else:
        shown = f"HTTP {status}" if status is not None else "tidak ada jawaban"
        why_id = f"Google Drive tidak menunjukkan kepada pekerja siapa yang dapat membuka spreadsheet ini ({shown})."
        why_en = ("Google Drive did not show the worker who can open this spreadsheet "
                  f"({f'HTTP {status}' if status is not None else 'no answer'}).")
    return warning(
        "link_sharing",
        f"Tidak dapat memeriksa apakah spreadsheet dibagikan lewat tautan. {why_id} {HOW_TO_CHECK_ID}",
        f"Could not check whether the spreadsheet is shared by link. {why_en} {HOW_TO_CHECK_EN}",
    )
