"""`python -m sync doctor` on the local backend: the workbook, its responses tabs and headers,
the letters folder and templates. Nothing is written; the workbook is opened read-only.
"""

from __future__ import annotations

import os
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from config.settings import Settings
from letters.writer import TEMPLATE_KINDS, template_path
from rules.errors import SapaError
from sync.commands.doctor import form_headers, placeholder_findings, response_names, responses_tabs
from sync.commands.findings import Finding, error, ok, warning
from sync.cycle.context import Context
from sync.cycle.register_guard import lost_cases, operator_message, staff_message
from sync.cycle.tabs import layouts
from sync.stores.local_store import LocalStore, lock_file


def diagnose_local(settings: Settings) -> list[Finding]:
    path = settings.store.workbook
    if path is None:
        return [error("config", "store.workbook kosong: beri --workbook FILE.xlsx atau isi store.workbook.",
                      "store.workbook is empty: pass --workbook FILE.xlsx or set store.workbook.")]
    if not path.exists():
        return [error("workbook", f"Buku kerja {path} tidak ada. Buat contoh dengan `python -m sync demo`, atau "
                                  "beri buku kerja yang berisi tab respons formulir.",
                      f"The workbook {path} does not exist. Make a sample with `python -m sync demo`, or give the "
                      "workbook that holds the form responses tab.")]
    try:
        book = load_workbook(path, read_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as err:
        return [error("workbook", f"{path} tidak dapat dibuka sebagai .xlsx ({type(err).__name__}). Simpan ulang "
                                  "dari LibreOffice/Excel sebagai 'Excel 2007-365 (.xlsx)'.",
                      f"{path} cannot be opened as an .xlsx workbook ({type(err).__name__}). Save it again from "
                      "LibreOffice/Excel as 'Excel 2007-365 (.xlsx)'.")]
    try:
        out = [*_workbook(path), *responses_tabs(book.sheetnames, settings, [t.name for t in layouts(settings).all])]
        for name in response_names(book.sheetnames, settings):
            header = next(book[name].iter_rows(min_row=1, max_row=1, values_only=True), ())
            out += form_headers(list(header), settings, name)
        lost = _register(path, settings) if response_names(book.sheetnames, settings) else []
        out += [_worker_tabs(book.sheetnames, settings, lost), *lost]
    finally:
        book.close()
    return out + placeholder_findings(settings) + _letters(path.parent / settings.letters.folder, settings)


def _workbook(path: Path) -> list[Finding]:
    out = [ok("workbook", f"Buku kerja {path.name} dapat dibuka.", f"The workbook {path.name} opens.")]
    lock = lock_file(path)
    if lock:
        out.append(warning("workbook", f"{path.name} sedang dibuka di LibreOffice/Excel ({lock}): siklus "
                                       "menunggu sampai ditutup.",
                           f"{path.name} is open in LibreOffice/Excel ({lock}): cycles wait until it is closed."))
    if not os.access(path, os.W_OK):
        out.append(error("workbook", f"{path} hanya-baca: pekerja tidak dapat menyimpan. Jadikan dapat ditulis.",
                         f"{path} is read-only: the worker cannot save it. Make it writable."))
    return out


def _worker_tabs(titles: list[str], settings: Settings, lost: list[Finding]) -> Finding:
    missing = [t.name for t in layouts(settings).all if t.name not in titles]
    if lost:  # a register that lost cases is no tab for the first cycle to make
        missing = [name for name in missing if name != settings.tabs.case_register]
    if missing:
        return ok("worker_tabs", f"Tab kerja dibuat pada siklus pertama: {', '.join(missing)}.",
                  f"Worker tabs are made by the first cycle: {', '.join(missing)}.")
    return ok("worker_tabs", "Semua tab kerja ada.", "Every worker tab is there.")


def _register(path: Path, settings: Settings) -> list[Finding]:
    """An error when the case register lacks cases the worker knows: no cycle writes until it is restored."""
    ctx = Context.from_settings(settings)
    try:
        snapshot = LocalStore(path, settings.store.responses_tab).read(
            [ctx.tabs.register.name, ctx.tabs.log.name, *(layout.name for layout in ctx.tabs.roles.values())])
    except SapaError:  # a workbook cycles cannot read: the findings above say why
        return []
    lost = lost_cases(snapshot, ctx)
    if not lost:
        return []
    english = operator_message(lost, ctx)
    return [error("register", staff_message(lost, ctx), english[0].upper() + english[1:])]


def _letters(folder: Path, settings: Settings) -> list[Finding]:
    out: list[Finding] = []
    parent = folder if folder.exists() else folder.parent
    if os.access(parent, os.W_OK):
        out.append(ok("letters_folder", f"Folder surat {folder} dapat ditulis.", f"The letters folder {folder} is "
                                                                                   "writable."))
    else:
        out.append(error("letters_folder", f"Folder surat {folder} tidak dapat ditulis.",
                         f"The letters folder {folder} is not writable."))
    templates = settings.letters.templates
    missing = [str(p) for kind in TEMPLATE_KINDS
               if not (p := template_path(kind, getattr(templates, kind))).exists()]
    if missing:
        out.append(error("templates", f"Template surat tidak ada: {', '.join(missing)}. Periksa letters.templates.",
                         f"Letter templates missing: {', '.join(missing)}. Check letters.templates."))
    else:
        out.append(ok("templates", "Template Surat Tugas dan Surat Rujukan ada.",
                      "The Surat Tugas and Surat Rujukan templates are there."))
    return out
