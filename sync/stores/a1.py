"""Spreadsheet addresses: column letters and quoted tab names, the same for every store, the cycle's
messages and the formulas the worker writes (1 -> A, 27 -> AA). Pure, without a spreadsheet library,
so the cycle can name a column without importing openpyxl or gspread.
"""

from __future__ import annotations

MAX_COLUMN = 18278  # ZZZ: the most columns either a Google sheet or an .xlsx file can have


def column_letter(number: int) -> str:
    """A 1-based column number as spreadsheet letters (1 -> A, 26 -> Z, 27 -> AA)."""
    if not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"column {number} is outside 1..{MAX_COLUMN}: no spreadsheet column has it")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quoted_title(title: str) -> str:
    """A tab's name as an A1 reference writes it: in single quotes, a quote inside doubled."""
    return "'" + title.replace("'", "''") + "'"
