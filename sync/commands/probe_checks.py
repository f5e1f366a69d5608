"""The Google behaviours the worker's safety rests on, one check each, run in a scratch tab and Doc.

Each check returns what it saw when Google behaves as assumed, raises `Contradicted` when it
does not, and `Unchecked` when it cannot tell (and why). `Scratch` holds the probe's scratch tab
and Docs so that `sync.commands.probe` removes them whatever happens.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from typing import Any

from config.settings import Settings
from sync.commands.probe_wire import TAG, Refused, Wire
from sync.cycle.tabs import layouts
from sync.stores import google_changes, google_read
from sync.stores.google_requests import create_meta_request, guard_requests
from sync.stores.google_templates import DOC, LETTER_PROPERTY, TEMPLATE_PROPERTY
from sync.stores.responses import RESPONSE_TABS

SCRATCH_TAB = "Uji sapa-sync (boleh dihapus)"
SCRATCH_DOC = "Uji sapa-sync (boleh dihapus)"
PROBE_KEY = "sapa.probe"
LABELS = ("d", "b", "a", "e", "c")  # rows 1-5 of the scratch tab; the keyed row holds "a" (row index 3)
KEYED = 3
FOLDER = "application/vnd.google-apps.folder"


class Contradicted(Exception):
    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(english)
        self.indonesian, self.english = indonesian, english


class Unchecked(Exception):
    def __init__(self, indonesian: str, english: str) -> None:
        super().__init__(english)
        self.indonesian, self.english = indonesian, english


@dataclass
class Scratch:
    """The probe's Google objects and what it knows of the account; all removed at the end."""

    wire: Wire
    settings: Settings
    drive: Any
    docs: Any
    email: str | None
    randint: Callable[[int, int], int] = field(default_factory=lambda: _random.SystemRandom().randint)
    tab_id: int | None = None
    tab_title: str = ""
    files: list[str] = field(default_factory=list)  # Drive ids of scratch Docs and copies

    def new_id(self) -> int:
        return self.randint(1, 2**31 - 1)

    def tab(self) -> int:
        if self.tab_id is None:
            raise Unchecked("Tab uji tidak dapat dibuat.", "The scratch tab could not be made.")
        return self.tab_id


Seen = tuple[str, str]  # what a check saw, Indonesian and English


@dataclass(frozen=True)
class Behaviour:
    name: str
    indonesian: str  # what the worker assumes
    english: str
    risk_id: str  # what the worker would risk if Google does otherwise
    risk_en: str
    check: Callable[[Scratch], Seen]


# --- the scratch tab --------------------------------------------------------------------------


def make_tab(scratch: Scratch) -> None:
    scratch.tab_title = f"{SCRATCH_TAB} {scratch.randint(1000, 9999)}"
    answer = scratch.wire.batch([{"addSheet": {"properties": {
        "title": scratch.tab_title, "gridProperties": {"rowCount": 12, "columnCount": 3}}}}])
    scratch.tab_id = int(answer["replies"][0]["addSheet"]["properties"]["sheetId"])


def _row(sheet_id: int, index: int, texts: list[str]) -> dict[str, Any]:
    return {"updateCells": {
        "rows": [{"values": [{"userEnteredValue": {"stringValue": t}} for t in texts]}],
        "start": {"sheetId": sheet_id, "rowIndex": index, "columnIndex": 0},
        "fields": "userEnteredValue",
    }}


def _seed(scratch: Scratch) -> list[dict[str, Any]]:
    sheet = scratch.tab()
    return [_row(sheet, 0, ["Uji"]), *(_row(sheet, i, [label]) for i, label in enumerate(LABELS, start=1))]


def _column_a(scratch: Scratch) -> list[str]:
    title = scratch.tab_title.replace("'", "''")
    answer = scratch.wire.sheets("sheets.spreadsheets.values.get", "get", f"/values/'{title}'!A1:A20")
    return [str(row[0]) if row else "" for row in answer.get("values") or []]


def _meta_row(scratch: Scratch, meta_id: int) -> int | None:
    try:
        answer = scratch.wire.sheets("sheets.spreadsheets.developerMetadata.get", "get",
                                     f"/developerMetadata/{meta_id}")
    except Refused as err:
        if err.status == 404:
            return None
        raise
    dimension = (answer.get("location") or {}).get("dimensionRange") or {}
    return int(dimension.get("startIndex", 0))


def _sentence(parts: Iterable[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _refused(call: Callable[[], object]) -> Refused | None:
    try:
        call()
    except Refused as err:
        if err.status != 400:
            raise
        return err
    return None


# --- 1. metadata ids --------------------------------------------------------------------------


def metadata_ids(scratch: Scratch) -> Seen:
    sheet, meta_id = scratch.tab(), scratch.new_id()
    scratch.wire.batch([*_seed(scratch), create_meta_request(sheet, 1, PROBE_KEY, "", meta_id)])
    taken = _refused(partial(scratch.wire.batch, [
        _row(sheet, 2, ["tidak boleh tertulis"]), create_meta_request(sheet, 2, PROBE_KEY, "", meta_id)]))
    if taken is None:
        raise Contradicted(
            "Membuat metadata dengan id yang sudah ada TIDAK menggagalkan batch.",
            "Creating metadata with an id that already exists did NOT fail the batch.")
    if _column_a(scratch)[2:3] != [LABELS[1]]:
        raise Contradicted(
            "Batch ditolak, tetapi tulisan sebelumnya dalam batch itu tetap diterapkan.",
            "The batch was refused, yet a value written earlier in it was applied.")
    guard = _refused(partial(scratch.wire.batch, guard_requests(sheet, 1, {
        "metadataId": meta_id, "metadataKey": PROBE_KEY}, "")))
    if guard is not None:
        raise Contradicted(
            f"Hapus lalu buat lagi id metadata yang sama dalam satu batch ditolak: {guard.message}",
            f"Delete-then-create of the same metadata id in one batch was refused: {guard.message}")
    if _meta_row(scratch, meta_id) != 1:
        raise Contradicted("Setelah hapus-lalu-buat, metadata tidak ada di barisnya.",
                           "After delete-then-create the metadata is not on its row.")
    return ("Id yang sudah ada menggagalkan seluruh batch; hapus-lalu-buat id yang sama berhasil.",
            "An existing id fails the whole batch; delete-then-create of the same id succeeds.")


# --- 2. row metadata moves with its row -------------------------------------------------------


def _moves(sheet: int) -> dict[str, dict[str, Any]]:
    rows = {"sheetId": sheet, "dimension": "ROWS"}
    return {
        "sortRange": {"sortRange": {"range": {"sheetId": sheet, "startRowIndex": 1, "endRowIndex": 6},
                                    "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}]}},
        "moveDimension": {"moveDimension": {"source": {**rows, "startIndex": KEYED, "endIndex": KEYED + 1},
                                            "destinationIndex": 1}},
        "insertDimension": {"insertDimension": {"range": {**rows, "startIndex": 1, "endIndex": 2},
                                                "inheritFromBefore": False}},
        "deleteDimension": {"deleteDimension": {"range": {**rows, "startIndex": 1, "endIndex": 2}}},
    }


def rows_move(scratch: Scratch) -> Seen:
    sheet = scratch.tab()
    wrong: list[tuple[str, str]] = []
    for name, move in _moves(sheet).items():
        meta_id = scratch.new_id()
        scratch.wire.batch([*_seed(scratch), create_meta_request(sheet, KEYED, PROBE_KEY, "", meta_id)])
        scratch.wire.batch([move])
        labels = _column_a(scratch)
        now = labels.index("a") if "a" in labels else None
        if _meta_row(scratch, meta_id) != now:
            wrong.append((f"{name}: metadata tidak ikut barisnya", f"{name}: the metadata did not move with its row"))
            continue
        # the guard's delete, naming the old place, must match nothing (then its re-create fails: behaviour 1)
        delete = guard_requests(sheet, KEYED, {"metadataId": meta_id, "metadataKey": PROBE_KEY}, "")[0]
        _refused(partial(scratch.wire.batch, [delete]))  # an error or a no-op: either is fine
        if _meta_row(scratch, meta_id) != now:
            wrong.append((f"{name}: hapus menurut tempat lama mengenai metadata yang sudah pindah",
                          f"{name}: a delete naming the old place removed the metadata that had moved"))
    if wrong:
        raise Contradicted(_sentence(["metadata baris", *(w[0] for w in wrong)]),
                           _sentence(["row metadata", *(w[1] for w in wrong)]))
    return ("Metadata baris ikut barisnya (urut, pindah, sisip, hapus); hapus menurut tempat lama tidak mengenainya.",
            "Row metadata moves with its row (sort, move, insert, delete); a delete naming the old place misses it.")


# --- 2b. change detection ----------------------------------------------------------------------


FINGERPRINT_CELL = "C1"  # the scratch tab is 3 columns wide: the formula covers A:B, below and right of nothing


def _fingerprint(scratch: Scratch) -> object:
    title = scratch.tab_title.replace("'", "''")
    answer = scratch.wire.sheets("sheets.spreadsheets.values.get", "get", f"/values/'{title}'!{FINGERPRINT_CELL}",
                                 params={"valueRenderOption": "UNFORMATTED_VALUE"})
    values = answer.get("values") or [[None]]
    return values[0][0] if values[0] else None


def spreadsheet_settings(scratch: Scratch) -> Seen:
    """The spreadsheet's locale and time zone, as Google gives them (the formula parses in that locale)."""
    answer = scratch.wire.get(google_read.SETTINGS_FIELDS, real=True)
    locale, zone = google_read.settings_of(answer)
    return (f"lokal spreadsheet {locale}, zona waktu {zone}", f"spreadsheet locale {locale}, time zone {zone}")


def fingerprints(scratch: Scratch) -> Seen:
    """The change-detection formula (sync/stores/google_changes.py) on the scratch tab's columns A:B: a number,
    and a different one after each kind of edit an idle cycle must not miss; in the spreadsheet's locale, which
    it reports."""
    sheet = scratch.tab()
    where_id, where_en = spreadsheet_settings(scratch)
    formula = google_changes.formula(scratch.tab_title, 2)
    scratch.wire.batch([*_seed(scratch), {"updateCells": {
        "rows": [{"values": [{"userEnteredValue": {"formulaValue": formula}}]}],
        "start": {"sheetId": sheet, "rowIndex": 0, "columnIndex": 2}, "fields": "userEnteredValue"}}])
    edits: list[tuple[str, str, list[dict[str, Any]]]] = [
        ("baris baru di bawah", "a new row below", [_row(sheet, 9, ["respons baru"])]),
        ("sel diubah", "a cell changed", [_row(sheet, 2, ["b diubah"])]),
        ("angka diubah", "a number changed", [{"updateCells": {
            "rows": [{"values": [{"userEnteredValue": {"numberValue": 46000.25}}]}],
            "start": {"sheetId": sheet, "rowIndex": 4, "columnIndex": 1}, "fields": "userEnteredValue"}}]),
        ("baris diurutkan", "rows sorted", [_moves(sheet)["sortRange"]]),
    ]
    before = _fingerprint(scratch)
    if not isinstance(before, (int, float)) or isinstance(before, bool):
        raise Contradicted(f"Rumus sidik perubahan tidak menghasilkan angka ({str(before)[:40]}; {where_id}).",
                           f"The change-detection formula gives no number ({str(before)[:40]}; {where_en}).")
    missed: list[tuple[str, str]] = []
    for indonesian, english, requests_ in edits:
        scratch.wire.batch(requests_)
        after = _fingerprint(scratch)
        if after == before or not isinstance(after, (int, float)):
            missed.append((indonesian, english))
        before = after
    if missed:
        raise Contradicted(_sentence([f"sidik perubahan ({where_id}) tidak berubah setelah", *(m[0] for m in missed)]),
                           _sentence([f"the change fingerprint ({where_en}) did not change after",
                                      *(m[1] for m in missed)]))
    return (f"Sidik perubahan berubah setelah baris baru, sel diubah, angka diubah, dan pengurutan ({where_id}).",
            f"The change fingerprint changed after a new row, a changed cell, a changed number and a sort "
            f"({where_en}).")


# --- 3. protections -----------------------------------------------------------------------------


def protections(scratch: Scratch) -> Seen:
    sheet = scratch.tab()
    editors = sorted({scratch.email} if scratch.email else set())
    scratch.wire.batch([{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet}, "description": f"{TAG} uji / probe",
        **({"editors": {"users": editors}} if editors else {})}}}])
    refused = _refused(partial(scratch.wire.batch, [_row(sheet, 7, ["tulis / write"])]))
    title = scratch.tab_title.replace("'", "''")
    answer = scratch.wire.get("sheets(properties(sheetId),protectedRanges(protectedRangeId,requestingUserCanEdit))",
                              ranges=[f"'{title}'!A1"])
    ours = [p for s in answer.get("sheets") or [] for p in s.get("protectedRanges") or []]
    can_edit = bool(ours) and all(p.get("requestingUserCanEdit") for p in ours)
    blocked = _blocking(scratch)
    problems: list[tuple[str, str]] = []
    if refused is not None or not can_edit:
        problems.append((
            "proteksi seperti buatan init menghalangi akun pekerja menulis di tab uji",
            "a protection made as init makes it keeps the worker's account from writing to the scratch tab"))
    if blocked:
        names = ", ".join(blocked)
        problems.append((f"proteksi yang menghalangi akun pekerja ada di tab kerja: {names} (buka Data → Sheet dan "
                         "rentang yang dilindungi, tambahkan akun pekerja sebagai editor atau hapus proteksi itu)",
                         f"a protection that blocks the worker's account is on worker tabs: {names} (open Data → "
                         "Protected sheets and ranges, add the worker's account as editor or remove it)"))
    if problems:
        raise Contradicted(_sentence(p[0] for p in problems), _sentence(p[1] for p in problems))
    return ("Proteksi buatan init membiarkan akun pekerja menulis; tidak ada proteksi lain yang menghalanginya.",
            "Protections made as init makes them leave the worker's account able to write; none other blocks it.")


def _blocking(scratch: Scratch) -> list[str]:
    """Worker and responses tabs with a protection the worker's account may not edit (titles only read)."""
    answer = scratch.wire.get(
        "sheets(properties(sheetId,title),protectedRanges(protectedRangeId,description,warningOnly,"
        "requestingUserCanEdit))", real=True)
    settings = scratch.settings
    wanted = {layout.name for layout in layouts(settings).all}
    wanted |= {settings.store.responses_tab} if settings.store.responses_tab else set(RESPONSE_TABS)
    out: list[str] = []
    for sheet in answer.get("sheets") or []:
        title = str((sheet.get("properties") or {}).get("title", ""))
        if title not in wanted:
            continue
        for prot in sheet.get("protectedRanges") or []:
            if not prot.get("warningOnly") and not prot.get("requestingUserCanEdit"):
                out.append(f"'{title}'")
                break
    return out


# --- 4. Docs replaceAllText ---------------------------------------------------------------------

LINE = "{{sapa_uji_baris}}"
NAME = "{{sapa_uji_nama}}"


def make_doc(scratch: Scratch) -> str:
    folder = scratch.settings.google.letters_folder_id
    body: dict[str, Any] = {"name": SCRATCH_DOC, "mimeType": DOC, **({"parents": [folder]} if folder else {})}
    made = scratch.wire.google(scratch.drive.files().create(body=body, fields="id", supportsAllDrives=True))
    scratch.files.append(str(made["id"]))
    return str(made["id"])


def replace_text(scratch: Scratch) -> Seen:
    try:
        doc = make_doc(scratch)
    except Refused as err:
        raise Unchecked(f"Dokumen uji tidak dapat dibuat (HTTP {err.status}); lihat pemeriksaan folder surat.",
                        f"The scratch Doc could not be made (HTTP {err.status}); see the letters folder check.",
                        ) from None
    text = f"{LINE}\n{NAME}\n"
    start = 1 + len(LINE) + 1  # the name placeholder; its first part bold, the rest plain
    scratch.wire.google(scratch.docs.documents().batchUpdate(documentId=doc, body={"requests": [
        {"insertText": {"location": {"index": 1}, "text": text}},
        {"updateTextStyle": {"range": {"startIndex": start, "endIndex": start + len("{{sapa_uji_na")},
                             "textStyle": {"bold": True}, "fields": "bold"}},
    ]}))
    answer = scratch.wire.google(scratch.docs.documents().batchUpdate(documentId=doc, body={"requests": [
        {"replaceAllText": {"containsText": {"text": LINE, "matchCase": True}, "replaceText": "satu\ndua"}},
        {"replaceAllText": {"containsText": {"text": NAME, "matchCase": True}, "replaceText": "Nama Uji"}},
    ]}))
    got = scratch.wire.google(scratch.docs.documents().get(documentId=doc))
    paragraphs = ["".join(str((e.get("textRun") or {}).get("content", "")) for e in
                          (c.get("paragraph") or {}).get("elements") or [])
                  for c in (got.get("body") or {}).get("content") or [] if "paragraph" in c]
    wrong: list[tuple[str, str]] = []
    if not any(a == "satu\n" and b == "dua\n" for a, b in pairwise(paragraphs)):
        wrong.append(("\"\\n\" dalam teks pengganti tidak memulai paragraf baru",
                      "a \"\\n\" in the replacement did not start a new paragraph"))
    replies = answer.get("replies") or [{}, {}]
    changed = int(((replies[1] if len(replies) > 1 else {}).get("replaceAllText") or {}).get("occurrencesChanged", 0))
    if changed != 1 or not any("Nama Uji" in p for p in paragraphs):
        wrong.append(("penanda yang terbelah oleh format (sebagian tebal) tidak ditemukan",
                      "a placeholder split across formatting runs (part bold) was not found"))
    if wrong:
        raise Contradicted(_sentence(w[0] for w in wrong), _sentence(w[1] for w in wrong))
    return ("\"\\n\" memulai paragraf baru; penanda yang terbelah oleh format tetap diganti.",
            "\"\\n\" starts a new paragraph; a placeholder split across formatting runs is still replaced.")


# --- 5. Drive files.copy ------------------------------------------------------------------------


def copy_template(scratch: Scratch) -> Seen:
    folder = scratch.settings.google.letters_folder_id
    if not folder:
        raise Unchecked("google.letters_folder_id kosong: tidak ada folder surat untuk diuji.",
                        "google.letters_folder_id is empty: no letters folder to try.")
    query = f"'{_quote(folder)}' in parents and trashed = false and mimeType = '{DOC}'"
    found = scratch.wire.google(scratch.drive.files().list(
        q=query, fields="files(id,appProperties)", pageSize=100, supportsAllDrives=True,
        includeItemsFromAllDrives=True))
    templates = [f for f in found.get("files") or []
                 if TEMPLATE_PROPERTY in (f.get("appProperties") or {})
                 and LETTER_PROPERTY not in (f.get("appProperties") or {})]
    if not templates:
        raise Unchecked(*_no_template(scratch, folder))
    try:
        made = scratch.wire.google(scratch.drive.files().copy(
            fileId=templates[0]["id"], body={"name": SCRATCH_DOC, "parents": [folder]},
            fields="id,parents", supportsAllDrives=True))
    except Refused as err:
        if err.status not in (400, 403, 404):
            raise
        raise Contradicted(
            f"Menyalin template ke folder surat ditolak (HTTP {err.status}): {err.message}",
            f"Copying a template into the letters folder was refused (HTTP {err.status}): {err.message}") from None
    scratch.files.append(str(made["id"]))
    if folder not in (made.get("parents") or []):
        raise Contradicted("Salinan template tidak berada di folder surat.",
                           "The template's copy is not in the letters folder.")
    return ("Template dapat disalin ke folder surat dengan izin drive.file.",
            "A template can be copied into the letters folder under the drive.file scope.")


def _no_template(scratch: Scratch, folder: str) -> Seen:
    try:
        meta = scratch.wire.google(scratch.drive.files().get(fileId=folder, fields="id,mimeType",
                                                             supportsAllDrives=True))
    except Refused as err:
        return (f"Folder surat {folder} tidak terlihat oleh pekerja (HTTP {err.status}). Dengan izin drive.file "
                "pekerja hanya melihat berkas buatannya. Pastikan id folder benar dan folder dibagikan dengan akun "
                "pekerja, lalu jalankan `sapa-sync init` (init mengunggah template ke folder itu dan menolak folder "
                "yang salah), lalu ulangi uji ini.",
                f"The letters folder {folder} is not visible to the worker (HTTP {err.status}). Under the drive.file "
                "scope the worker sees only the files it made. Check the folder id and that the folder is shared "
                "with the worker's account, run `sapa-sync init` (it uploads the templates into that folder and "
                "refuses a wrong one), then run the probe again.")
    if meta.get("mimeType") != FOLDER:
        return (f"google.letters_folder_id ({folder}) bukan folder: salin id dari URL folder.",
                f"google.letters_folder_id ({folder}) is not a folder: copy the id from the folder's URL.")
    return ("Belum ada template di folder surat: jalankan `sapa-sync init`, lalu ulangi uji ini.",
            "No template in the letters folder yet: run `sapa-sync init`, then run the probe again.")


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour(
        "metadata_ids",
        "createDeveloperMetadata dengan id yang sudah ada menggagalkan SELURUH batch; hapus-lalu-buat id yang "
        "sama dalam satu batch berhasil.",
        "createDeveloperMetadata with an id that already exists fails the WHOLE batch; delete-then-create of "
        "the same id in one batch succeeds.",
        "pekerja bisa menulis ke baris yang dipindah staf (data kasus tertulis di baris kasus lain)",
        "the worker could write into a row staff moved (a case's data written into another case's row)",
        metadata_ids,
    ),
    Behaviour(
        "rows_move",
        "Metadata baris ikut barisnya saat diurutkan (sortRange), dipindah (moveDimension), atau ada baris "
        "disisip/dihapus di atasnya; penjaga di tempat lama tidak cocok lagi.",
        "Row metadata moves with its row on sortRange, moveDimension and rows inserted/deleted above it; a "
        "guard naming the old place matches nothing.",
        "pekerja bisa menulis ke baris yang salah setelah staf mengurutkan atau menyisip baris",
        "the worker could write into the wrong row after staff sorted or inserted rows",
        rows_move,
    ),
    Behaviour(
        "fingerprints",
        "Rumus sidik perubahan (SUMPRODUCT dari LEN dan ROW kolom terbuka, ditambah SUM) menghasilkan angka dan "
        "berubah setelah baris baru, sel diubah, angka diubah, dan pengurutan.",
        "The change fingerprint formula (SUMPRODUCT of LEN and ROW of open-ended columns, plus SUM) gives a "
        "number, and another one after a new row, a changed cell, a changed number and a sort.",
        "siklus yang diam bisa melewatkan respons atau keputusan baru sampai pembacaan penuh berikutnya; sampai "
        "diperbaiki, tulis worker.full_read_every: 1 di konfigurasi",
        "an idle cycle could miss a new response or decision until the next full read; until fixed, set "
        "worker.full_read_every: 1 in the configuration",
        fingerprints,
    ),
    Behaviour(
        "protections",
        "Proteksi yang dibuat init membiarkan akun pekerja menulis; tidak ada proteksi lain di tab kerja yang "
        "menghalanginya.",
        "The protections init makes leave the worker's account able to write; no other protection on the "
        "worker tabs blocks it.",
        "setiap siklus akan ditolak Google, tidak ada kasus yang diproses",
        "Google would refuse every cycle's write; no case would be processed",
        protections,
    ),
    Behaviour(
        "docs_replace",
        "replaceAllText: \"\\n\" dalam pengganti memulai paragraf baru; penanda yang terbelah oleh format tetap "
        "ditemukan.",
        "replaceAllText: a \"\\n\" in the replacement starts a new paragraph; a placeholder split across "
        "formatting runs is still found.",
        "surat bisa keluar dengan penanda {{...}} yang tidak terganti atau alamat dalam satu baris",
        "letters could go out with {{...}} placeholders left in, or an address run into one line",
        replace_text,
    ),
    Behaviour(
        "drive_copy",
        "files.copy dari template ke folder surat berhasil dengan izin drive.file.",
        "files.copy of a template into the letters folder works under the drive.file scope.",
        "surat tidak dapat dibuat",
        "no letter could be drafted",
        copy_template,
    ),
)
