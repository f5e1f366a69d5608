"""`python -m sync doctor`: what stands between this configuration and a working worker.

Each check gives a `Finding` (ok / warning / error) in plain words, Indonesian and
English, saying what to fix. Nothing is written anywhere. Requests: Sheets two (the
tab titles, then one `values.batchGet` of every responses tab's header row), Drive one
`permissions.list` of the spreadsheet (who can open it: `sync.commands.doctor_access`), one
`files.list` of the letters folder and, when no template is found there, one `files.get`
of the folder. The local backend's checks are in `sync.commands.doctor_local`. Google's
refusals are worded as the store and `init` word them (`sync.stores.google_errors`).

Credentials are never printed: only the service account's e-mail address, which the
office needs in order to share the spreadsheet with it.

The folder check knows the `drive.file` scope: the worker sees only the files it made.
Before `init` has uploaded the templates, a folder a person created is invisible to
it, so "not found" is then a warning (init will tell for sure), not an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import gspread
import requests
from googleapiclient.errors import HttpError

from config.placeholders import placeholders
from config.placeholders import warning as placeholder_warning
from config.settings import Settings
from letters.writer import TEMPLATE_KINDS
from rules import values
from rules.columns import find_columns
from rules.errors import SapaError, StructureError, TransientError
from rules.intake import REQUIRED
from sync.commands.compose import google_clients
from sync.commands.doctor_access import access_findings
from sync.commands.findings import Finding, error, ok, warning
from sync.cycle import sheet_zone
from sync.cycle.context import Context
from sync.cycle.form_structure import HEADER_LOST
from sync.cycle.identify import header_lost
from sync.cycle.tabs import layouts
from sync.stores.google_errors import access_refusal, who
from sync.stores.google_retry import RetryPolicy, status_of
from sync.stores.google_templates import TEMPLATE_NAMES, list_templates
from sync.stores.responses import RESPONSE_TABS, response_tab_names
from sync.stores.store import Table

FOLDER = "application/vnd.google-apps.folder"
Connect = Callable[[Settings], tuple[gspread.Client, Any, Any, str | None]]


def diagnose(
    settings: Settings,
    client: gspread.Client | None = None,
    drive: Any = None,
    *,
    account_email: str | None = None,
    service_account: bool | None = None,
    connect: Connect | None = None,
    retry: RetryPolicy | None = None,
) -> list[Finding]:
    """Run every check; later checks are skipped when an earlier one makes them meaningless.

    Pass already-built clients (and the account e-mail `load_credentials` gave) to skip
    loading credentials; otherwise `connect` (default `sync.commands.compose.google_clients`) loads
    them and builds the clients. `service_account` defaults to "an e-mail is known"
    (load_credentials gives one only for a service account).
    """
    out: list[Finding] = []
    google = settings.google
    if not google.spreadsheet_id:
        out.append(error(
            "config",
            "google.spreadsheet_id kosong: salin id dari URL spreadsheet (/d/<id>/edit) ke konfigurasi.",
            "google.spreadsheet_id is empty: copy the id from the spreadsheet's URL (/d/<id>/edit).",
        ))
        return out
    if not google.letters_folder_id:
        out.append(warning(
            "config",
            "google.letters_folder_id kosong: surat tidak akan dibuat. Isi dengan id folder surat (dari URL-nya).",
            "google.letters_folder_id is empty: no letter will be drafted. Set it to the letters folder's id "
            "(from its URL).",
        ))
    out += placeholder_findings(settings)
    if client is None or drive is None:
        try:
            built_client, built_drive, _, email = (connect or google_clients)(settings)
        except SapaError as err:  # its message names files and settings, never a secret
            out.append(error("credentials", f"Kredensial Google tidak dapat dimuat: {err}",
                             f"Google credentials could not be loaded: {err}"))
            return out
        except Exception as err:  # an unexpected library error: its type only
            out.append(error("credentials", f"Kredensial Google tidak dapat dimuat ({type(err).__name__}).",
                             f"Google credentials could not be loaded ({type(err).__name__})."))
            return out
        client, drive = client or built_client, drive or built_drive
        account_email = account_email or email
    email = account_email or _client_email(client)
    is_service = service_account if service_account is not None else email is not None
    retry = retry or RetryPolicy(attempts=3)
    out.append(_credentials(email, is_service))
    headers = _spreadsheet(client, settings, email, retry, out)
    if drive is not None and any(f.check == "spreadsheet" and f.status == "ok" for f in out):
        out += access_findings(drive, google.spreadsheet_id, retry)
    for tab, row in (headers or {}).items():
        out += form_headers(row, settings, tab)
    if google.letters_folder_id and drive is not None:
        out += _letters(drive, google.letters_folder_id, email, is_service, retry)
    return out


def placeholder_findings(settings: Settings) -> list[Finding]:
    """A warning while the letters' staff are still the shipped fictional placeholders."""
    found = placeholders(settings)
    if not found:
        return []
    english = placeholder_warning(found)
    return [warning(
        "letters_staff",
        f"Pejabat dan staf untuk surat masih contoh bawaan (nama dan NIP fiktif): {', '.join(found)}. Ganti "
        "dengan pejabat dan staf kantor yang sebenarnya di bagian letters: pada berkas konfigurasi (--config) "
        "sebelum surat ditandatangani.",
        english[0].upper() + english[1:],
    )]


def render(findings: Sequence[Finding]) -> str:
    marks = {"ok": "[OK]", "warning": "[PERHATIAN / WARNING]", "error": "[GALAT / ERROR]"}
    lines: list[str] = []
    for finding in findings:
        lines.append(f"{marks[finding.status]} {finding.check}")
        lines.append(f"    ID: {finding.indonesian}")
        lines.append(f"    EN: {finding.english}")
    counts = {s: sum(1 for f in findings if f.status == s) for s in ("ok", "warning", "error")}
    lines.append("")
    lines.append(f"Ringkasan / Summary: {counts['ok']} ok, {counts['warning']} perhatian / warning(s), "
                 f"{counts['error']} galat / error(s).")
    if counts["error"]:
        lines.append("Perbaiki galat di atas lalu jalankan lagi: python -m sync doctor / "
                     "Fix the errors above, then run again: python -m sync doctor")
    return "\n".join(lines)


def exit_code(findings: Sequence[Finding]) -> int:
    """0 when nothing is an error (warnings allowed), 2 otherwise (the CLI's "fix your setup")."""
    return 2 if any(f.status == "error" for f in findings) else 0


# --- checks ---------------------------------------------------------------------------------


def _client_email(client: gspread.Client) -> str | None:
    email = getattr(getattr(client, "auth", None), "service_account_email", None)
    return email if isinstance(email, str) and email else None


def _credentials(email: str | None, is_service: bool) -> Finding:
    if is_service and email:
        return ok("credentials", f"Kredensial dimuat: akun layanan {email}.",
                  f"Credentials loaded: service account {email}.")
    if is_service:
        return ok("credentials", "Kredensial dimuat: akun layanan.", "Credentials loaded: service account.")
    return ok("credentials", "Kredensial dimuat: pengguna Google (OAuth).",
              "Credentials loaded: a Google user (OAuth).")


def _spreadsheet(
    client: gspread.Client, settings: Settings, email: str | None, retry: RetryPolicy, out: list[Finding]
) -> dict[str, list[object]] | None:
    """Access, the responses tabs and the worker's tabs; each responses tab's header row when readable."""
    sid = settings.google.spreadsheet_id
    http = client.http_client
    try:
        body = retry.run("the doctor's read", lambda: http.fetch_sheet_metadata(
            sid, params={"fields": "properties(title,locale,timeZone),sheets(properties(title))"}))
    except Exception as err:
        out.append(_access_error(err, sid, email))
        return None
    props = body.get("properties") or {}
    title, locale, zone = str(props.get("title", "")), props.get("locale"), props.get("timeZone")
    titles = [str((s.get("properties") or {}).get("title", "")) for s in body.get("sheets") or []]
    out.append(ok("spreadsheet", f"Spreadsheet '{title}' dapat dibuka (lokal {locale}, zona waktu {zone}).",
                  f"The spreadsheet '{title}' is readable (locale {locale}, time zone {zone})."))
    out.append(time_zone(zone, settings))
    tabs = [t.name for t in layouts(settings).all]
    out += responses_tabs(titles, settings, tabs)
    missing = [t for t in tabs if t not in titles]
    if missing:
        out.append(warning(
            "worker_tabs",
            f"Tab kerja belum ada: {', '.join(missing)}. Jalankan `python -m sync init` (membuat tab, "
            "judul kolom, pilihan, dan proteksi).",
            f"Worker tabs not there yet: {', '.join(missing)}. Run `python -m sync init` (it makes the tabs, "
            "headers, dropdowns and protections).",
        ))
    else:
        out.append(ok("worker_tabs", "Semua tab kerja ada.", "Every worker tab is there."))
    names = response_names(titles, settings)
    if not names:
        return None
    ranges = ["'{}'!1:1".format(name.replace("'", "''")) for name in names]
    try:
        answer = retry.run("the doctor's header read", lambda: http.values_batch_get(
            sid, ranges, params={"valueRenderOption": "UNFORMATTED_VALUE"}))
    except Exception as err:
        out.append(_access_error(err, sid, email))
        return None
    found = answer.get("valueRanges") or []
    return {name: list(((r.get("values") or [[]]) or [[]])[0]) for name, r in zip(names, found, strict=False)}


def time_zone(zone: str | None, settings: Settings) -> Finding:
    """The spreadsheet's time zone, in which Google writes the form's timestamps, against `timezone`."""
    ctx = Context.from_settings(settings)
    now = ctx.local_time(datetime.now(UTC))
    said_id, said_en = sheet_zone.messages(zone, ctx, now), sheet_zone.problems(zone, ctx, now)
    if said_id:
        return warning("time_zone", said_id[0], said_en[0][0].upper() + said_en[0][1:])
    return ok("time_zone", f"Zona waktu spreadsheet ({zone}) sesuai timezone konfigurasi ({settings.timezone}).",
              f"The spreadsheet's time zone ({zone}) matches timezone in the configuration ({settings.timezone}).")


def response_names(titles: Sequence[str], settings: Settings) -> list[str]:
    try:
        return response_tab_names(titles, settings.store.responses_tab, "")
    except StructureError:
        return []


def responses_tabs(titles: Sequence[str], settings: Settings, worker_tabs: Sequence[str]) -> list[Finding]:
    """The tabs the form has written: none is an error, two or more (a form linked again) a warning."""
    names = response_names(titles, settings)
    wanted = [settings.store.responses_tab] if settings.store.responses_tab else list(RESPONSE_TABS)
    if not names:
        guess = _closest(wanted[0], [t for t in titles if t not in worker_tabs])
        hint_id = f" Mungkin maksudnya '{guess}'?" if guess else ""
        hint_en = f" Did you mean '{guess}'?" if guess else ""
        listed = " atau ".join(f"'{w}'" for w in wanted)
        return [error(
            "responses_tab",
            f"Tab respons formulir ({listed}) tidak ada; tab yang ada: {', '.join(titles)}.{hint_id} Hubungkan "
            "Google Form ke spreadsheet ini (Formulir → Respons → Tautkan ke Spreadsheet), atau isi "
            "store.responses_tab dengan nama tab yang diisi formulir.",
            f"The form responses tab ({' or '.join(repr(w) for w in wanted)}) is missing; the tabs are: "
            f"{', '.join(titles)}.{hint_en} Link the Google Form to this spreadsheet (Form → Responses → Link to "
            "Sheets), or set store.responses_tab to the tab the form fills.",
        )]
    if len(names) > 1:
        quoted = ", ".join(f"'{n}'" for n in names)
        return [warning(
            "responses_tab",
            f"Formulir sudah menulis ke {len(names)} tab respons: {quoted} (formulir ditautkan ulang?). Pekerja "
            f"membaca semuanya; respons yang sama di tab lama dan baru tetap satu kasus. Formulir kini mengisi "
            f"'{names[-1]}'.",
            f"The form has written {len(names)} responses tabs: {quoted} (linked again?). The worker reads them "
            f"all; a response in both the old and the new tab stays one case. The form now fills '{names[-1]}'.",
        )]
    return [ok("responses_tab", f"Tab respons formulir '{names[0]}' ditemukan.",
               f"The form responses tab '{names[0]}' is there.")]


def _access_error(err: BaseException, sid: str, email: str | None) -> Finding:
    status = status_of(err)
    refusal = access_refusal(status, sid, email)
    if refusal is not None:
        return error(refusal.check, refusal.indonesian, refusal.english)
    if isinstance(err, TransientError | requests.RequestException):
        return error("spreadsheet",
                     "Google tidak menjawab (jaringan atau kuota). Periksa koneksi internet lalu coba lagi.",
                     "Google did not answer (network or quota). Check the internet connection and try again.")
    return error("spreadsheet", f"Google menjawab HTTP {status} saat membuka spreadsheet.",
                 f"Google answered HTTP {status} when opening the spreadsheet.")


def form_headers(headers: Sequence[object], settings: Settings, tab: str) -> list[Finding]:
    """A responses tab's header row against form.questions (matched as the worker matches them)."""
    titles = tuple(values.text(h) or "" for h in headers)
    if header_lost(Table(tab, titles, (), ()), Context.from_settings(settings)):
        return [error("form_headers", HEADER_LOST.format(tab=tab),
                      f"Row 1 of tab '{tab}' is not the form's header row (sorted with the data, deleted, or "
                      "form.questions matches none of its titles): the worker reads nothing from the tab until the "
                      "question titles are back in row 1 (undo, or restore from the version history).")]
    form = settings.form
    questions = form.questions
    columns = find_columns(headers, questions, aliases=form.aliases, known_extra=form.extra_questions,
                           skip=(settings.tabs.response_marker_column,))
    out: list[Finding] = []
    for field in columns.missing:
        title = questions[field]
        guess = _closest(title, [t for _, t in columns.extra])
        hint_id = f" Judul yang mirip di tab: '{guess}'." if guess else ""
        hint_en = f" A similar title in the tab: '{guess}'." if guess else ""
        needed = field in REQUIRED or field == "timestamp"
        finding = error if needed else warning
        out.append(finding(
            "form_headers",
            f"Kolom '{title}' (form.questions.{field}) tidak ada di tab '{tab}'.{hint_id} Jawabannya tidak terbaca "
            "(dianggap tidak diketahui, bukan kosong). Samakan judul pertanyaan di Google Form, atau ubah "
            f"form.questions.{field} (atau tambahkan form.aliases.{field}) di konfigurasi.",
            f"Column '{title}' (form.questions.{field}) is not in tab '{tab}'.{hint_en} Its answers are unreadable "
            "(taken as unknown, not blank). Make the form's question title match, or change "
            f"form.questions.{field} (or add form.aliases.{field}) in the configuration.",
        ))
    for renamed in columns.renamed:
        how_id = "judulnya mirip" if renamed.how == "mirip" else "posisinya di antara pertanyaan lain"
        how_en = "a similar title" if renamed.how == "mirip" else "its position among the other questions"
        out.append(warning(
            "form_headers",
            f"Pertanyaan '{renamed.configured}' (form.questions.{renamed.field}) berjudul '{renamed.found}' di tab "
            f"'{tab}'; dikenali dari {how_id} dan tetap dibaca. Bila benar, tulis judul baru itu di "
            f"form.questions.{renamed.field}.",
            f"Question '{renamed.configured}' (form.questions.{renamed.field}) is titled '{renamed.found}' in tab "
            f"'{tab}'; recognised by {how_en} and read. If that is right, put the new title in "
            f"form.questions.{renamed.field}.",
        ))
    for title in columns.duplicated:
        out.append(warning("form_headers",
                           f"Kolom '{title}' ada lebih dari sekali di tab '{tab}': hanya yang pertama dibaca.",
                           f"Column '{title}' appears more than once in tab '{tab}': only the first is read."))
    for title in columns.unlisted:
        out.append(warning(
            "form_headers",
            f"Kolom '{title}' di tab '{tab}' tidak ada di form.questions: jawabannya ditampilkan kepada Admin di "
            "kolom 'Jawaban Lain'. Daftarkan di form.extra_questions (atau form.aliases bila ini pertanyaan lama).",
            f"Column '{title}' in tab '{tab}' is not in form.questions: its answers are shown to the Admin as "
            "'Jawaban Lain'. List it in form.extra_questions (or form.aliases if it is an older title).",
        ))
    if not out:
        out.append(ok("form_headers", f"Semua judul pertanyaan formulir cocok dengan konfigurasi ({tab}).",
                      f"Every form question title matches the configuration ({tab})."))
    return sorted(out, key=lambda f: f.status != "error")  # errors first


def _closest(title: str, candidates: Sequence[str]) -> str | None:
    keys = {values.normalize(c): c for c in candidates}
    found = difflib.get_close_matches(values.normalize(title), list(keys), n=1, cutoff=0.6)
    return keys[found[0]] if found else None


def _letters(drive: Any, folder: str, email: str | None, is_service: bool, retry: RetryPolicy) -> list[Finding]:
    """The folder (reachable; on a Shared Drive for a service account) and the templates in it."""

    who_id, who_en = who(email)
    out: list[Finding] = []
    try:
        templates = list_templates(drive, folder, retry)
    except (HttpError, TransientError) as err:  # TransientError: no answer after the retries
        status = getattr(getattr(err, "resp", None), "status", "?")
        return [error("letters_folder", f"Folder surat tidak dapat dibaca (HTTP {status}).",
                      f"The letters folder cannot be read (HTTP {status}).")]
    shared: bool | None = None
    if templates:
        shared = all(t.drive_id for t in templates)
        out.append(ok("letters_folder", "Folder surat dapat dijangkau (template ada di dalamnya).",
                      "The letters folder is reachable (the templates are in it)."))
    else:
        try:
            meta = retry.run("the doctor's folder check", drive.files().get(
                fileId=folder, fields="id,name,mimeType,driveId", supportsAllDrives=True).execute)
        except (HttpError, TransientError) as err:
            status = getattr(getattr(err, "resp", None), "status", "?")
            out.append(warning(
                "letters_folder",
                f"Folder surat {folder} tidak terlihat oleh pekerja (HTTP {status}). Dengan izin drive.file pekerja "
                f"hanya melihat berkas buatannya, jadi ini wajar sebelum `init`. Pastikan id folder benar dan folder "
                f"dibagikan dengan {who_id}, lalu jalankan `python -m sync init`: bila folder salah, init akan "
                "menolaknya.",
                f"The letters folder {folder} is not visible to the worker (HTTP {status}). Under the drive.file "
                "scope the worker sees only the files it made, so this is expected before `init`. Check the folder "
                f"id and that the folder is shared with {who_en}, then run `python -m sync init`: it refuses a wrong "
                "folder.",
            ))
        else:
            if meta.get("mimeType") != FOLDER:
                out.append(error("letters_folder",
                                 f"google.letters_folder_id ({folder}) bukan folder: salin id dari URL folder.",
                                 f"google.letters_folder_id ({folder}) is not a folder: copy the id from the "
                                 "folder's URL."))
                return out
            shared = bool(meta.get("driveId"))
            out.append(ok("letters_folder", f"Folder surat '{meta.get('name', folder)}' dapat dijangkau.",
                          f"The letters folder '{meta.get('name', folder)}' is reachable."))
    if shared is False and is_service:
        out.append(error(
            "letters_folder",
            f"Folder surat ada di My Drive, bukan di Drive Bersama. Akun layanan tidak punya ruang Drive sendiri "
            f"dan tidak dapat membuat surat di sana: buat folder di Drive Bersama (Shared Drive), tambahkan {who_id} "
            "sebagai Pengelola konten, lalu isi google.letters_folder_id dengan id folder itu.",
            f"The letters folder is in My Drive, not on a Shared Drive. A service account has no Drive storage of "
            f"its own and cannot make letters there: create the folder in a Shared Drive, add {who_en} as Content "
            "manager, and set google.letters_folder_id to that folder's id.",
        ))
    elif shared and is_service:
        out.append(ok("letters_folder", "Folder surat ada di Drive Bersama.",
                      "The letters folder is on a Shared Drive."))
    kinds = {t.kind for t in templates}
    missing = [k for k in TEMPLATE_KINDS if k not in kinds]
    if missing:
        names = ", ".join(TEMPLATE_NAMES[k] for k in missing)
        out.append(error("templates",
                         f"Template surat belum ada di folder: {names}. Jalankan `python -m sync init` untuk "
                         "mengunggahnya.",
                         f"Letter templates missing from the folder: {names}. Run `python -m sync init` to upload "
                         "them."))
    else:
        out.append(ok("templates", "Template Surat Tugas dan Surat Rujukan ada di folder surat.",
                      "The Surat Tugas and Surat Rujukan templates are in the letters folder."))
    return out
