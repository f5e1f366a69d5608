"""Make the pictures of docs/panduan-staf.md again: `python docs/pictures/make.py`.

Runs the demo in a temporary folder, then renders the first screen of each role tab and
the first page of a Surat Tugas with LibreOffice (`soffice`) and poppler (`pdftoppm`),
which the tests do not need (Debian: libreoffice-calc libreoffice-writer poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TABS = {  # tab -> picture
    "Admin - Penerimaan": "admin-penerimaan",
    "Sub Koordinator": "sub-koordinator",
    "Kepala Bidang": "kepala-bidang",
    "Kepala Dinas": "kepala-dinas",
    "Tim Penjangkauan": "tim-penjangkauan",
    "Agenda Surat Keluar": "agenda-surat-keluar",
}
WIDTH, HEIGHT, DPI = 1000, 430, 60  # pixels of the top-left corner kept: what fits a screen


def render_pdf(source: Path, folder: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=300)
    return folder / (source.stem + ".pdf")


def picture(pdf: Path, name: str, *, height: int = HEIGHT) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                    "-x", "0", "-y", "0", "-W", str(WIDTH), "-H", str(height), str(pdf), str(HERE / name)],
                   check=True)


def one_tab(book_path: Path, tab: str, folder: Path) -> Path:
    """A copy of the workbook holding only `tab`, printed landscape on A3 with its grid."""
    book = load_workbook(book_path)
    for other in list(book.sheetnames):
        if other != tab:
            del book[other]
    sheet = book[tab]
    sheet.sheet_state = "visible"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.sheet_properties.pageSetUpPr.fitToPage = False  # as on a screen, not the tab's own print setup
    sheet.print_title_cols = None
    sheet.print_options.gridLines = True
    copy = folder / (TABS[tab] + ".xlsx")
    book.save(copy)
    return copy


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(folder / "demo")], cwd=ROOT,
                       check=True, capture_output=True)
        book = next((folder / "demo").glob("*.xlsx"))
        for tab, name in TABS.items():
            picture(render_pdf(one_tab(book, tab, folder), folder), name)
        letter = sorted((folder / "demo").glob("*/*surat-tugas.docx"))[0]
        picture(render_pdf(letter, folder), "surat-tugas", height=700)
    print(f"pictures written to {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
