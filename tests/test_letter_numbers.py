"""Letter numbers: per year, never repeated, never skipped, whatever the register holds."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from config.letters import LetterNumbering, Letters
from rules.letter_numbers import (
    IssuedNumber,
    LetterCounter,
    Numbering,
    NumberPattern,
    next_number,
    parse_number,
    rujukan_variant,
)

DAY = date(2026, 11, 28)
PER_TYPE = Numbering()
SHARED = Numbering(counter="shared")


def tugas(n: int, year: int = 2026) -> str:
    return f"800.1.11.1/{n}/DSP3A/{year}"


def test_first_number_of_the_year() -> None:
    assert next_number([], PER_TYPE, "surat_tugas", DAY) == "800.1.11.1/1/DSP3A/2026"


def test_next_after_a_gap_free_sequence() -> None:
    issued = [tugas(n) for n in range(1, 22)]
    random.Random(7).shuffle(issued)  # the register may be sorted any way
    assert next_number(issued, PER_TYPE, "surat_tugas", DAY) == "800.1.11.1/22/DSP3A/2026"


def test_a_gap_is_never_filled() -> None:
    """Number 3 may be on a letter a clerk numbered by hand: it is not given again."""
    assert next_number([tugas(1), tugas(2), tugas(5)], PER_TYPE, "surat_tugas", DAY) == tugas(6)


def test_surat_rujukan_codes_for_child_and_adult_victims() -> None:
    child = next_number([], PER_TYPE, "surat_rujukan", DAY, rujukan_variant(child_victim=True))
    adult = next_number([], PER_TYPE, "surat_rujukan", DAY, rujukan_variant(child_victim=False))
    assert child == "400.2.4/1/DSP3A/2026"
    assert adult == "400.2.3/1/DSP3A/2026"


def test_separate_counters_per_letter_type() -> None:
    register = [tugas(1), tugas(2), tugas(3), "400.2.4/1/DSP3A/2026", "400.2.3/2/DSP3A/2026"]
    assert next_number(register, PER_TYPE, "surat_tugas", DAY) == tugas(4)
    # both rujukan codes advance the one rujukan counter
    assert next_number(register, PER_TYPE, "surat_rujukan", DAY, "anak") == "400.2.4/3/DSP3A/2026"


def test_shared_counter_counts_every_letter_in_the_register() -> None:
    register = [tugas(1), "400.2.4/2/DSP3A/2026", "900.1/3/DSP3A/2026"]  # 900.1: another letter of the office
    assert next_number(register, SHARED, "surat_tugas", DAY) == tugas(4)
    assert next_number(register, SHARED, "surat_rujukan", DAY, "dewasa") == "400.2.3/4/DSP3A/2026"


def test_per_type_counter_ignores_other_codes() -> None:
    assert next_number(["900.1/30/DSP3A/2026"], PER_TYPE, "surat_tugas", DAY) == tugas(1)


def test_year_rollover() -> None:
    register = [tugas(n, 2026) for n in range(1, 41)] + [tugas(1, 2027)]
    assert next_number(register, PER_TYPE, "surat_tugas", date(2027, 1, 2)) == tugas(2, 2027)
    assert next_number(register, PER_TYPE, "surat_tugas", date(2026, 12, 31)) == tugas(41, 2026)
    assert next_number(register, PER_TYPE, "surat_tugas", date(2028, 1, 1)) == tugas(1, 2028)


def test_junk_in_the_register() -> None:
    register: list[object] = [
        None, 5, 3.0, "", "-", "batal", "Nomor Surat", "800.1.11.1/abc/DSP3A/2026", "800.1.11.1//DSP3A/2026",
        "1800.1.11.1/99/DSP3A/2026x",
        "  800.1.11.1 / 07 / dsp3a / 2026 ",  # typed by hand: blanks, a leading zero, lower case
        "800.1.11.1/9/DSP3A/2026 (batal)",  # a cancelled number is still used
        "800.1.11.1/10/DSP3A/2026; 800.1.11.1/11/DSP3A/2026",  # two in one cell
    ]
    assert next_number(register, PER_TYPE, "surat_tugas", DAY) == tugas(12)


def test_batch_numbers_follow_each_other() -> None:
    counter = LetterCounter(PER_TYPE, [tugas(4)])
    assert counter.next("surat_tugas", DAY) == tugas(5)
    assert counter.next("surat_tugas", DAY) == tugas(6)
    assert counter.next("surat_rujukan", DAY, "anak") == "400.2.4/1/DSP3A/2026"
    assert counter.last("surat_tugas", 2026) == 6


def test_pattern_with_roman_month_and_padding() -> None:
    numbering = Numbering(pattern="{kode}/{urut:03d}/{unit}/{bulan_romawi}/{tahun}")
    issued = ["800.1.11.1/009/DSP3A/X/2026"]
    number = next_number(issued, numbering, "surat_tugas", DAY)
    assert number == "800.1.11.1/010/DSP3A/XI/2026"
    assert NumberPattern(numbering.pattern).parse(number) == IssuedNumber(
        urut=10, tahun=2026, kode="800.1.11.1", unit="DSP3A", bulan=11
    )


def test_parse_number() -> None:
    assert parse_number("800.1.11.1/22/DSP3A/2026") == IssuedNumber(22, 2026, "800.1.11.1", "DSP3A")
    assert parse_number("nomor 22") is None
    assert parse_number(22) is None


def test_unit_with_a_slash_reads_back() -> None:
    numbering = Numbering(unit="DSP3A/PPA")
    first = next_number([], numbering, "surat_tugas", DAY)
    assert first == "800.1.11.1/1/DSP3A/PPA/2026"
    assert next_number([first], numbering, "surat_tugas", DAY) == "800.1.11.1/2/DSP3A/PPA/2026"


def test_choosing_a_code() -> None:
    assert PER_TYPE.code("surat_tugas") == "800.1.11.1"
    with pytest.raises(KeyError, match="variant"):
        PER_TYPE.code("surat_rujukan")
    with pytest.raises(KeyError, match="unknown letter type"):
        PER_TYPE.code("surat_edaran")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": "{kode}/{unit}/{tahun}"}, "urut"),
        ({"pattern": "{kode}/{urut}/{unit}"}, "tahun"),
        ({"pattern": "{kode}/{urut}/{unit}/{tahun}/{bulan}"}, "unknown field"),
        ({"pattern": "{kode}/{urut}/{unit:>5}/{tahun}"}, "zero padding"),
        ({"pattern": "{kode}/{urut/{tahun}"}, "format string"),
        ({"pattern": "{urut}/{unit}/{tahun}"}, "kode"),
        ({"unit": "DSP 3A"}, "unit code"),
        ({"codes": {"surat_tugas": {"umum": "800-1"}}}, "classification code"),
        ({"codes": {"surat_tugas": {"umum": "400.2.4"}, "surat_rujukan": {"anak": "400.2.4"}}}, "both"),
        ({"codes": {"surat_tugas": {}}}, "at least one"),
        ({"counter": "monthly"}, "counter"),
    ],
)
def test_bad_numbering_is_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Numbering(**kwargs)  # type: ignore[arg-type]


def test_a_shared_counter_may_share_codes_and_omit_the_code() -> None:
    Numbering(counter="shared", codes={"surat_tugas": {"umum": "400.2"}, "surat_rujukan": {"anak": "400.2"}})
    assert next_number(["1/DSP3A/2026"], Numbering(pattern="{urut}/{unit}/{tahun}", counter="shared"),
                       "surat_tugas", DAY) == "2/DSP3A/2026"


def test_numbering_settings() -> None:
    settings = Letters().numbering
    assert settings.rules() == PER_TYPE
    with pytest.raises(ValidationError, match="urut"):
        LetterNumbering(pattern="{kode}/{tahun}")
    with pytest.raises(ValidationError, match="anak"):
        LetterNumbering(codes={"surat_tugas": {"umum": "800.1.11.1"}, "surat_rujukan": {"semua": "400.2"}})
    with pytest.raises(ValidationError):
        LetterNumbering(counter="per_month")  # type: ignore[arg-type]


KINDS = st.sampled_from([("surat_tugas", None), ("surat_rujukan", "anak"), ("surat_rujukan", "dewasa")])


@given(
    st.lists(st.tuples(KINDS, st.sampled_from([2026, 2027])), max_size=40),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_numbers_never_repeat_and_never_skip(
    requests: list[tuple[tuple[str, str | None], int]], shared: bool, rnd: random.Random
) -> None:
    """Letters drafted one cycle at a time, the register re-read (shuffled, with junk) each time."""
    numbering = SHARED if shared else PER_TYPE
    register: list[object] = ["", None, "junk"]
    for (kind, variant), year in requests:
        rnd.shuffle(register)
        register.append(next_number(register, numbering, kind, date(year, 6, 1), variant))
    drafted = [n for n in register if isinstance(n, str) and "/" in n]
    assert len(set(drafted)) == len(drafted) == len(requests)
    issued = [numbering.format.parse(n) for n in drafted]
    by_counter: dict[tuple[str | None, int], list[int]] = {}
    for number in issued:
        assert number is not None
        key = numbering.counter_key(number)
        by_counter.setdefault((key, number.tahun), []).append(number.urut)
    for sequence in by_counter.values():
        assert sorted(sequence) == list(range(1, len(sequence) + 1))
