"""The one column-letter helper agrees with openpyxl's and gspread's at every column either allows."""

from __future__ import annotations

import gspread
import pytest
from openpyxl.utils import get_column_letter

from sync.stores.a1 import MAX_COLUMN, column_letter, quoted_title


def test_column_letters_match_openpyxl_and_gspread_everywhere() -> None:
    for number in range(1, MAX_COLUMN + 1):
        assert column_letter(number) == get_column_letter(number)
    for number in (1, 26, 27, 52, 53, 702, 703, MAX_COLUMN):
        assert column_letter(number) == gspread.utils.rowcol_to_a1(1, number).rstrip("1")


def test_named_columns() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 28, 702, 703)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize("number", [0, -1, MAX_COLUMN + 1])
def test_no_column_outside_the_grid(number: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        column_letter(number)


def test_quoted_title_doubles_quotes() -> None:
    assert quoted_title("Daftar Kasus") == "'Daftar Kasus'"
    assert quoted_title("Kasus 'lama'") == "'Kasus ''lama'''"
