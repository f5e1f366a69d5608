"""Recognising an answer's option as the office's form is reworded (issue 23, point 1)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from config.settings import Choices, Settings
from rules.complaint import Complaint
from rules.intake import read_complaint
from rules.options import LABEL, SAME, SIMILAR, OptionSet, Reading, checkboxes, choice, recognise, split_ticked
from rules.recap import OTHER, CaseFacts, RecapMapping, classify, facts_of, recap
from rules.triage import TriagePolicy, triage
from sync.commands.selftest.office import response_row
from sync.cycle.context import Context
from tests.rules.complaints import complaint

VIOLENCE = OptionSet.of(Choices().violence_types)
YES_NO = OptionSet.of(Choices().yes_no_unknown)


def key_of(answer: str, options: OptionSet = VIOLENCE) -> str | None:
    found = recognise(answer, options)
    return found.key if found else None


def test_a_configured_label_or_the_option_key_is_the_option_whatever_the_case_and_spaces() -> None:
    assert recognise("  perdagangan   ORANG (tppo) ", VIOLENCE) == recognise("TPPO", VIOLENCE)
    assert recognise("TPPO", VIOLENCE) is not None and recognise("TPPO", VIOLENCE).how == LABEL  # type: ignore[union-attr]


def test_an_option_has_several_labels_and_a_single_label_still_works() -> None:
    mapped = OptionSet.of({"fisik": "Fisik", "seksual": ["Kekerasan seksual", "Seksual", "Pelecehan"]})
    for answer in ("Kekerasan seksual", "Seksual", "pelecehan"):  # the new label, and old responses' labels
        assert recognise(answer, mapped) is not None and recognise(answer, mapped).how == LABEL  # type: ignore[union-attr]
        assert key_of(answer, mapped) == "seksual"
    assert mapped.label("seksual") == "Kekerasan seksual" and mapped.label("fisik") == "Fisik"


@pytest.mark.parametrize(("answer", "key"), [
    ("Perdagangan Orang - TPPO", "tppo"),
    ("perdagangan orang, tppo", "tppo"),
    ("Perdagangan orang", "tppo"),  # the remark dropped
    ("Seksual (pemerkosaan, pencabulan)", "seksual"),  # a remark added
    ("Psikis.", "psikis"),
])
def test_the_same_label_with_punctuation_and_remarks_set_aside(answer: str, key: str) -> None:
    found = recognise(answer, VIOLENCE)
    assert found is not None and (found.key, found.how) == (key, SAME)


@pytest.mark.parametrize(("answer", "key"), [
    ("Kekerasan seksual", "seksual"),  # the option's words are all in the answer
    ("Penelantaran anak", "penelantaran"),
    ("Seksuall", "seksual"),  # a near spelling
    ("Fisk", "fisik"),
])
def test_the_clearly_closest_option(answer: str, key: str) -> None:
    found = recognise(answer, VIOLENCE)
    assert found is not None and (found.key, found.how) == (key, SIMILAR)


@pytest.mark.parametrize("answer", [
    "Kekerasan fisik dan psikis",  # two options' words: no guess between them
    "Eksploitasi seksual",
    "Kekerasan berbasis gender online",
    "Trafficking",
    "dikurung di kamar",
])
def test_no_guess_between_two_options_nor_far_from_any(answer: str) -> None:
    assert recognise(answer, VIOLENCE) is None


def test_of_two_close_options_the_fuller_wins_only_when_it_holds_the_other() -> None:
    assert key_of("Tidak tahu / ragu", YES_NO) == "tidak_tahu"  # "Tidak tahu" holds "Tidak"
    assert key_of("Ya, tapi tidak sekarang", YES_NO) is None  # "Ya" and "Tidak": neither holds the other
    labelled = OptionSet.of({"fisik": "Kekerasan fisik", "psikis": "Kekerasan psikis"})
    assert key_of("Kekerasan", labelled) is None and key_of("fisik", labelled) == "fisik"


@pytest.mark.parametrize(("answer", "options"), [
    ("Tidak yakin", YES_NO),  # in danger? "not sure" is no "no"
    ("Tidak, tapi pelaku masih serumah", YES_NO),
    ("Ya, hanya malam hari", OptionSet.of(Choices().wa_safe)),  # safe on WhatsApp? not at any hour
])
def test_a_single_choice_with_words_added_is_unknown_never_the_safer_option(answer: str,
                                                                             options: OptionSet) -> None:
    assert recognise(answer, options, single=True) is None
    assert choice(answer, options) == Reading(unknown=(answer,))
    assert recognise("Tidak tahu / ragu", YES_NO, single=True) is not None  # a near spelling still is


def test_a_checkbox_answer_is_split_at_commas_outside_brackets() -> None:
    assert split_ticked("Fisik, Seksual (pemerkosaan, pencabulan), ") == ["Fisik", "Seksual (pemerkosaan, pencabulan)"]
    reading = checkboxes("Fisik, Seksual (pemerkosaan, pencabulan), Perdagangan Orang - TPPO", VIOLENCE)
    assert reading == Reading(("fisik", "seksual", "tppo"))


def test_checkboxes_keep_what_names_no_option_as_unknown_and_lainnya() -> None:
    reading = checkboxes("Fisik, Kekerasan seksual, dikurung di kamar", VIOLENCE)
    assert reading.keys == ("fisik", "seksual", "lainnya")
    assert reading.unknown == ("dikurung di kamar",)
    assert reading.similar == (("Kekerasan seksual", "seksual"),)
    assert checkboxes("  seksual ,PSIKIS", VIOLENCE).keys == ("psikis", "seksual")


def test_a_checkbox_label_that_contains_a_comma_is_not_split() -> None:
    labels = OptionSet.of({"fisik": "Fisik", "psikis": ["Psikis, verbal"], "lainnya": "Lainnya"})
    assert checkboxes("Psikis, verbal, Fisik", labels) == Reading(("fisik", "psikis"))


def test_a_single_choice_names_its_unknown_answer() -> None:
    assert choice("Mungkin", YES_NO) == Reading(unknown=("Mungkin",))
    assert choice(None, YES_NO) == Reading()


def test_the_configuration_takes_a_label_or_a_list_and_refuses_blank_labels() -> None:
    choices = Choices(violence_types={"seksual": ["Kekerasan seksual", "Seksual"], "fisik": "Fisik"})
    assert OptionSet.of(choices.violence_types).label("seksual") == "Kekerasan seksual"
    for wrong in ({"seksual": []}, {"seksual": ["Seksual", " "]}):
        with pytest.raises(ValidationError, match="seksual: \\[Seksual, Kekerasan seksual\\]"):
            Choices(violence_types=wrong)


SPEC = Context.from_settings(Settings()).spec
RECEIVED = datetime(2026, 11, 28, 9, 30)
PROMISE = timedelta(days=2)


def read(**answers: object) -> Complaint:
    return read_complaint(response_row(**answers), SPEC, day_first=True)


def test_reworded_options_keep_their_risk() -> None:
    trafficking = read(violence_types="Perdagangan Orang - TPPO", victim_age="25")
    assert triage(trafficking).level == "tinggi" and not trafficking.unknown_options
    sexual = read(violence_types="Kekerasan seksual", victim_age="10")
    assert sexual.violence_types == ("seksual",)
    assert triage(sexual).reasons[0] == "Kekerasan seksual terhadap anak"


def test_an_unknown_option_is_unknown_never_absent() -> None:
    c = read(violence_types="Kekerasan berbasis gender online", victim_age="30", urgent_needs=None)
    assert c.unknown_options == {"violence_types": ("Kekerasan berbasis gender online",)}
    found = triage(c)
    assert found.level == "sedang"
    assert found.reasons == ("Jenis kekerasan tidak dikenal: 'Kekerasan berbasis gender online'; periksa dan "
                             "tentukan risikonya",)


@pytest.mark.parametrize(("unknown", "reason"), [
    ({"violence_types": ("KBGO",)}, "Jenis kekerasan tidak dikenal: 'KBGO'"),
    ({"urgent_needs": ("Uang transport", "Makanan")}, "Bantuan segera tidak dikenal: 'Uang transport, Makanan'"),
    ({"victim_disability": ("Tunarungu",)}, "Jawaban disabilitas tidak dikenal: 'Tunarungu'"),
])
def test_an_unknown_option_makes_a_case_at_least_sedang_naming_it(unknown: dict[str, tuple[str, ...]],
                                                                    reason: str) -> None:
    found = triage(complaint(unknown_options=unknown))
    assert found.level == "sedang" and found.reasons[0].startswith(reason)
    assert triage(complaint(unknown_options=unknown), TriagePolicy(medium_when_answer_unknown=False)).level == "rendah"


def test_the_recap_counts_an_unknown_violence_label_as_lainnya_and_warns_naming_it() -> None:
    c = read(violence_types="KBGO", victim_age="30")
    facts = facts_of(c, RECEIVED, "received")
    mapping = RecapMapping({"fisik": "Fisik", "lainnya": OTHER}, {}, {}, channels=("Formulir online",))
    found, unmapped = classify(facts, mapping)
    assert found["jenis_kekerasan"] == (OTHER,) and [u.answer for u in unmapped] == ["KBGO"]
    result = recap([facts], [], 2026, mapping, PROMISE, RECEIVED)
    assert any("'KBGO' (1 kasus)" in w and "form.choices.violence_types" in w for w in result.warnings)
    known = recap([CaseFacts(RECEIVED, "received", violence=("fisik",))], [], 2026, mapping, PROMISE, RECEIVED)
    assert known.warnings == ()

