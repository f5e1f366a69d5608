"""The shortcuts an idle cycle takes give exactly what the long way gives (benchmarks/bench_idle.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import options, values
from rules.case_ids import IdPattern
from rules.options import OptionSet
from rules.whatsapp import WhatsAppPolicy

_SPACES = re.compile(r"\s+")


def normalize_the_long_way(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain).strip().casefold()


def text_the_long_way(cell: object) -> str | None:
    if cell is None or isinstance(cell, bool):
        return None if cell is None else ("Ya" if cell else "Tidak")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", str(cell)).strip() or None


def choice_key_the_long_way(cell: object, labels: Mapping[str, str]) -> tuple[str | None, str | None]:
    raw = values.text(cell)
    if raw is None:
        return None, None
    wanted = values.normalize(raw)
    for key, label in labels.items():
        if values.normalize(label) == wanted or values.normalize(key) == wanted:
            return key, None
    return None, raw


WORDS = st.sampled_from(["Ya", "ya ", "YA", "Tidak", "tidak tahu", "Tidak  tahu", "Perempuan", "perempuan",
                         "Lainnya", "É", "é", "e\u0301", "ﬁsik", "fisik", "", " ", "\u0301", "Ünd", "und"])
TEXT = st.one_of(WORDS, st.text(max_size=12), st.text(alphabet="aAéÉ \t\n\u0301ﬁ", max_size=8))


@given(TEXT)
def test_normalize_gives_what_the_full_unicode_normalization_gives(value: str) -> None:
    assert values.normalize(value) == normalize_the_long_way(value)


@given(st.one_of(TEXT, st.text(alphabet="a \x00\x07\t\n\r\x0b\x1f\x7f\xa0\u2028\ud800", max_size=8),
                 st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False)))
def test_text_gives_what_removing_control_characters_gives(cell: object) -> None:
    assert values.text(cell) == text_the_long_way(cell)


@given(st.dictionaries(TEXT, TEXT, max_size=6), st.one_of(st.none(), TEXT, st.integers(0, 3), st.booleans()))
def test_a_choice_is_found_as_the_label_by_label_search_finds_it(labels: dict[str, str], answer: object) -> None:
    """Where a label or a key names the answer, the remembered lookup gives the first such option."""
    key, unmatched = choice_key_the_long_way(answer, labels)
    reading = options.choice(answer, OptionSet.of(labels))
    if key is not None:
        assert reading.keys == (key,) and not reading.similar
    elif unmatched is None:
        assert reading == options.Reading()


def test_a_choice_follows_the_labels_it_is_given_not_those_of_an_earlier_call() -> None:
    assert options.choice("Ya", OptionSet.of({"ya": "Ya"})).keys == ("ya",)
    assert options.choice("Ya", OptionSet.of({"ya": "Ya, aman"})).keys == ("ya",)  # by its key
    assert options.choice("Ya", OptionSet.of({"aman": "Ya", "ya": "Ya"})).keys == ("aman",)  # the first that matches
    assert options.choice("Ya", OptionSet.of({"tidak": "Tidak"})).unknown == ("Ya",)


def test_an_id_pattern_reads_only_its_own_ids() -> None:
    cases, reviews = IdPattern("SAPA-{year}-{seq:04d}"), IdPattern("TINJAU-{year}-{seq:03d}")
    assert cases.parse(" SAPA-2026-0007 ") == (2026, 7)
    assert reviews.parse("SAPA-2026-0007") is None
    assert reviews.parse("TINJAU-2026-012") == (2026, 12)
    assert cases.parse("SAPA-2026-0007x") is None


def test_an_indiscreet_wording_is_refused_every_time() -> None:
    """The check is done once per wording; a refusal is never remembered as a pass."""
    for _ in range(2):
        with pytest.raises(ValueError, match="discreet"):
            WhatsAppPolicy(template="Kasus kekerasan {nomor_kasus} di {layanan}")
    WhatsAppPolicy(template="Halo dari {layanan}, nomor {nomor_kasus}.")


DIGIT_GROUPS = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=15), min_size=1, max_size=6)
KNOWN_NUMBERS = st.sampled_from(["081234567890", "6281234567890", "+6281234567890", "0812-3456-7890",
                                 "+62-821-4455-6677", "0562639472", "0812", "08123456789012345", "8123456789",
                                 "0062812345678", "+1-650-253-0000", "00-0", "0812-3456-7890-0813-1234-5678"])


@given(st.one_of(KNOWN_NUMBERS, st.builds(lambda plus, groups: plus + "-".join(groups), st.sampled_from(["", "+"]),
                                           DIGIT_GROUPS)))
def test_a_number_in_digits_and_hyphens_is_read_as_the_number_matcher_reads_it(raw: str) -> None:
    assert values.phone(raw) == values.numbers_in(raw)
