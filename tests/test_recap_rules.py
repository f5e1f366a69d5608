"""The monthly recap (rules/recap.py, rules/recap_export.py): pure, over typed case facts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from config.recap import Recap as RecapSettings
from config.settings import Settings
from rules.complaint import VIOLENCE_TYPES
from rules.recap import (
    HANDLED,
    HISTORY,
    ONGOING,
    OTHER,
    REFERRED,
    REJECTED,
    UNKNOWN,
    CaseFacts,
    categories,
    facts_of,
    recap,
    service,
)
from rules.recap_export import NO_SUPPRESSION, Suppression, csv_rows, export
from rules.sla import SlaPolicy

SETTINGS = Settings()
MAPPING = SETTINGS.recap.mapping(SETTINGS)
PROMISE = timedelta(hours=48)
AS_OF = datetime(2026, 12, 31, 23, 0)
H = timedelta(hours=1)


def _recap(cases: list[CaseFacts], reviews: tuple[datetime, ...] = ()):  # type: ignore[no-untyped-def]
    return recap(cases, reviews, 2026, MAPPING, PROMISE, AS_OF)


def test_a_case_belongs_to_the_month_it_was_received() -> None:
    cases = [CaseFacts(datetime(2026, 10, 31, 23, 59), "intake"), CaseFacts(datetime(2026, 11, 1, 0, 0), "intake"),
             CaseFacts(datetime(2025, 11, 5), "intake")]
    result = _recap(cases, (datetime(2026, 11, 2), datetime(2026, 11, 3), datetime(2025, 11, 3)))
    assert [m.cases for m in result.months] == [0] * 9 + [1, 1, 0]
    assert (result.month(11).review, result.total.cases, result.total.review) == (2, 2, 2)
    assert result.month(11).period == "2026-11" and result.total.period == "2026"


def test_a_case_with_several_types_counts_once_in_each() -> None:
    result = _recap([CaseFacts(datetime(2026, 3, 1), "intake", violence=("fisik", "seksual", "tppo")),
                     CaseFacts(datetime(2026, 3, 2), "intake")])
    by = result.month(3).by["jenis_kekerasan"]
    assert (by["Fisik"], by["Seksual"], by["Trafficking (TPPO)"], by[UNKNOWN], by["Psikis"]) == (1, 1, 1, 1, 0)
    block = next(b for b in result.categories if b.key == "jenis_kekerasan")
    assert block.multiple and "dihitung sekali pada setiap jenisnya" in block.note


def test_blank_or_unreadable_answers_are_not_known() -> None:
    by = _recap([CaseFacts(datetime(2026, 1, 5), "intake", sex="P?", kecamatan="Pontianak", place="  ")]).month(1).by
    assert all(by[key][UNKNOWN] == 1 for key in ("tempat_kejadian", "usia_korban", "jenis_kelamin",
                                                  "anak_dewasa", "disabilitas", "hubungan_pelaku", "kecamatan"))


def test_ages_fall_in_simfoni_groups_and_18_is_an_adult() -> None:
    ages = [0, 5, 6, 12, 13, 17, 18, 24, 25, 44, 45, 59, 60, 99]
    by = _recap([CaseFacts(datetime(2026, 2, 1), "intake", age=a) for a in ages]).month(2).by
    assert by["usia_korban"] == {"0-5": 2, "6-12": 2, "13-17": 2, "18-24": 2, "25-44": 2, "45-59": 2, "60+": 2,
                                 UNKNOWN: 0}
    assert by["anak_dewasa"] == {"Anak": 6, "Dewasa": 8, UNKNOWN: 0}


def test_the_forms_wording_maps_to_simfoni_and_an_unmapped_answer_is_lainnya_with_a_warning() -> None:
    cases = [CaseFacts(datetime(2026, 4, 1), "intake", place="Rumah tangga", relation="Orang tidak dikenal"),
             CaseFacts(datetime(2026, 4, 2), "intake", place="Kebun sawit", relation="Paman"),
             CaseFacts(datetime(2026, 5, 2), "intake", place="kebun  sawit", channel="Instagram")]
    result = _recap(cases)
    assert result.month(4).by["tempat_kejadian"]["Rumah Tangga"] == 1
    assert result.month(4).by["tempat_kejadian"][OTHER] == 1
    assert result.month(4).by["hubungan_pelaku"][OTHER] == 2
    assert result.month(5).by["saluran"][OTHER] == 1
    text = " ".join(result.warnings)
    assert "'Kebun sawit' (1 kasus)" in text and "'kebun  sawit' (1 kasus)" in text
    assert "'Paman' (1 kasus)" in text and "recap.perpetrator_relation" in text and "'Instagram'" in text
    assert "Rumah tangga" not in text and "Orang tidak dikenal" not in text


def test_an_office_that_words_a_category_differently_maps_it_once() -> None:
    wording = RecapSettings(incident_place={"Di rumah": "Rumah Tangga"}, channels={"WA": "Datang langsung"})
    office = Settings(recap=wording)
    mapping = office.recap.mapping(office)
    result = recap([CaseFacts(datetime(2026, 6, 1), "intake", place="di rumah", channel="wa"),
                    CaseFacts(datetime(2026, 6, 2), "intake", place="Sekolah")], (), 2026, mapping, PROMISE, AS_OF)
    assert result.month(6).by["tempat_kejadian"]["Rumah Tangga"] == 1
    assert result.month(6).by["tempat_kejadian"]["Sekolah"] == 1  # SIMFONI's own name is always understood
    assert result.month(6).by["saluran"]["Datang langsung"] == 1
    assert result.warnings == ()


def test_every_default_form_choice_is_mapped() -> None:
    places = ["Rumah tangga", "Sekolah", "Tempat kerja", "Fasilitas umum", "Media sosial/daring", "Lainnya"]
    relations = ["Orang tua", "Keluarga/saudara", "Suami/istri", "Pacar/teman", "Tetangga", "Guru", "Majikan",
                 "Rekan kerja", "Orang tidak dikenal", "Lainnya"]
    cases = [CaseFacts(datetime(2026, 7, 1), "intake", place=p, relation=r, violence=VIOLENCE_TYPES,
                       channel=c, kecamatan=k, sex=s)
             for p in places for r in relations for c in SETTINGS.form.choices.channels
             for k in MAPPING.kecamatan[:2] for s in SETTINGS.form.choices.victim_sex]
    result = _recap(cases)
    assert result.warnings == ()
    assert result.month(7).by["jenis_kekerasan"][OTHER] == len(cases)  # "lainnya" is SIMFONI's Lainnya


def test_outcomes_and_referral_destinations() -> None:
    day = datetime(2026, 8, 3)
    cases = [CaseFacts(day, "closed"), CaseFacts(day, "closed", destination="RSUD"),
             CaseFacts(day, "referred", destination="Unit PPA Polres"), CaseFacts(day, "referred", destination="X"),
             CaseFacts(day, "rejected"), CaseFacts(day, "outreach"),
             CaseFacts(day, "identification", destination="RSUD"), CaseFacts(day, "history")]
    by = _recap(cases).month(8).by
    assert by["hasil"] == {HANDLED: 1, REFERRED: 3, REJECTED: 1, ONGOING: 2, HISTORY: 1}
    assert by["lembaga_rujukan"]["RSUD"] == 1 and by["lembaga_rujukan"]["Unit PPA Polres"] == 1
    assert by["lembaga_rujukan"][OTHER] == 1 and sum(by["lembaga_rujukan"].values()) == by["hasil"][REFERRED]


def test_service_figures() -> None:
    t = datetime(2026, 9, 1, 8)
    cases = [
        CaseFacts(t, "closed", first_contact=t + 1 * H, completed=t + 20 * H, first_contact_met=True),
        CaseFacts(t, "referred", destination="RSUD", first_contact=t + 3 * H, completed=t + 50 * H,
                  first_contact_met=False),
        CaseFacts(t, "outreach", first_contact=t + 2 * H, first_contact_met=True),  # open past 2 days
        CaseFacts(AS_OF - H, "intake"),  # open, within the promise
        CaseFacts(t, "rejected", completed=t + H),
        CaseFacts(t, "history"),
    ]
    figures = service(cases, PROMISE, AS_OF)
    assert figures.median_first_contact_hours == 2.0 and figures.median_completion_hours == 35.0
    assert (figures.completed, figures.promise_met, figures.promise_missed) == (2, 1, 2)
    assert (figures.first_contact_met, figures.first_contact_missed) == (2, 1)
    assert service([], PROMISE, AS_OF).median_first_contact_hours is None


def test_first_contact_met_by_the_risk_deadline() -> None:
    t = datetime(2026, 9, 1, 8)
    policy = SlaPolicy()
    assert facts_of(None, t, "verification", first_contact=t + 5 * H, risk="sedang", policy=policy).first_contact_met
    assert facts_of(None, t, "verification", first_contact=t + 7 * H, risk="sedang").first_contact_met is False
    assert facts_of(None, t, "verification", first_contact=t + 2 * H, risk=None).first_contact_met is False
    assert facts_of(None, t, "intake").first_contact_met is None


def test_the_export_has_stable_keys_counts_only_and_hides_small_kecamatan_counts() -> None:
    day = datetime(2026, 11, 10)
    cases = [CaseFacts(day, "intake", kecamatan="Singkawang Barat")] * 2 \
        + [CaseFacts(day, "intake", kecamatan="Singkawang Timur", sex="Perempuan")] * 4
    result = _recap(cases, (day,))
    out = export(result.month(11), result.categories, SETTINGS.recap.suppression())
    assert list(out) == ["month", "cases", "review", "by", "service"]
    assert (out["month"], out["cases"], out["review"]) == ("2026-11", 6, 1)
    by = out["by"]
    assert isinstance(by, dict) and list(by) == [c.key for c in result.categories]
    assert by["kecamatan"]["Singkawang Barat"] == "<3" and by["kecamatan"]["Singkawang Timur"] == 4
    assert by["kecamatan"]["Singkawang Utara"] == 0 and by["kecamatan"][UNKNOWN] == 0
    assert by["jenis_kelamin"][UNKNOWN] == 2  # only the configured categories are hidden
    assert json.loads(json.dumps(out)) == out
    kept = export(result.month(11), result.categories, NO_SUPPRESSION)["by"]
    assert isinstance(kept, dict) and kept["kecamatan"]["Singkawang Barat"] == 2
    wider = export(result.month(11), result.categories, Suppression(below=5, categories=("kecamatan",)))["by"]
    assert isinstance(wider, dict) and wider["kecamatan"]["Singkawang Timur"] == "<5"


def test_the_csv_export_holds_the_same_figures() -> None:
    result = _recap([CaseFacts(datetime(2026, 11, 3), "intake", kecamatan="Singkawang Barat")])
    rows = csv_rows(result.month(11), result.categories, SETTINGS.recap.suppression())
    assert rows[0] == ("bulan", "kategori", "nilai", "jumlah")
    assert ("2026-11", "kasus", "jumlah kasus", "1") in rows
    assert ("2026-11", "kecamatan", "Singkawang Barat", "<3") in rows
    assert ("2026-11", "layanan", "median_first_contact_hours", "") in rows


def test_unknown_recap_settings_are_refused() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="not SIMFONI-PPA values"):
        RecapSettings(incident_place={"Di rumah": "Rumah"})
    with pytest.raises(ValidationError, match="unknown recap categories"):
        RecapSettings(suppress_categories=["kelurahan"])


# --- a generated year of cases --------------------------------------------------------

ANSWER = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(
    ["Rumah tangga", "Sekolah", "Orang tua", "Guru", "Perempuan", "Laki-laki", "Singkawang Barat",
     "Formulir online", "Datang langsung", "RSUD", "Di luar Kota Singkawang"]))
MOMENT = st.datetimes(min_value=datetime(2025, 12, 25), max_value=datetime(2027, 1, 5))
FACTS = st.builds(
    CaseFacts, received=MOMENT,
    state=st.sampled_from(["intake", "identification", "verification", "outreach", "decision", "referred",
                           "closed", "rejected", "history"]),
    violence=st.lists(st.sampled_from(VIOLENCE_TYPES), unique=True).map(tuple),
    place=ANSWER, age=st.one_of(st.none(), st.integers(-1, 120)), sex=ANSWER,
    disability=st.sampled_from([None, "ya", "tidak", "tidak_tahu"]), relation=ANSWER, kecamatan=ANSWER,
    channel=ANSWER, destination=ANSWER,
    first_contact=st.one_of(st.none(), MOMENT), completed=st.one_of(st.none(), MOMENT),
    first_contact_met=st.sampled_from([None, True, False]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(FACTS, max_size=80), st.lists(MOMENT, max_size=10))
def test_single_valued_categories_sum_to_the_months_cases(cases: list[CaseFacts], reviews: list[datetime]) -> None:
    result = _recap(cases, tuple(reviews))
    in_year = [c for c in cases if c.received.year == 2026]
    assert result.total.cases == len(in_year) == sum(m.cases for m in result.months)
    assert result.total.review == sum(1 for r in reviews if r.year == 2026) == sum(m.review for m in result.months)
    for number, figures in enumerate(result.months, start=1):
        assert figures.cases == sum(1 for c in in_year if c.received.month == number)
    for figures in (*result.months, result.total):
        for block in result.categories:
            counts = figures.by[block.key]
            assert list(counts) == list(block.values)
            if block.key == "jenis_kekerasan":
                assert sum(counts.values()) >= figures.cases
            elif block.key == "lembaga_rujukan":
                assert sum(counts.values()) == figures.by["hasil"][REFERRED]
            else:
                assert sum(counts.values()) == figures.cases, block.key
        assert figures.service.promise_met + figures.service.promise_missed <= figures.cases
    for block in result.categories:
        for value in block.values:
            assert result.total.by[block.key][value] == sum(m.by[block.key][value] for m in result.months)


def test_categories_follow_the_configuration() -> None:
    blocks = {b.key: b for b in categories(MAPPING)}
    assert blocks["kecamatan"].values[-2:] == ("Di luar Kota Singkawang", UNKNOWN)
    assert blocks["saluran"].values[:4] == tuple(SETTINGS.form.choices.channels)


# --- the tab's rows ---------------------------------------------------------------------


def test_the_tabs_rows_have_unique_keys_and_the_charts_rows_sit_at_fixed_places() -> None:
    from rules.recap_table import HEADERS, MONTHS, ON_TIME_SERIES, VIOLENCE_SERIES, YEAR, series_keys, table_rows

    small = _recap([CaseFacts(datetime(2026, 11, 3), "intake", violence=("fisik", "psikis"), place="Kebun")])
    other = Settings(workflow={"lembaga": ["A"]}, form={"choices": {"channels": ["X"]}})
    large = recap([], (), 2026, other.recap.mapping(other), PROMISE, AS_OF)
    rows, rows_elsewhere = table_rows(small, 48), table_rows(large, 48)
    assert len({r.key for r in rows}) == len(rows)
    assert [r.key for r in rows][:20] == [r.key for r in rows_elsewhere][:20]  # the charts' rows
    assert set(series_keys(rows, VIOLENCE_SERIES)) <= {r.key for r in rows[:20]}
    assert set(ON_TIME_SERIES) <= {r.key for r in rows[:20]}
    cells = {r.key: r.cells() for r in rows}
    assert list(cells["kasus"]) == list(HEADERS)
    assert cells["kasus"]["Nov"] == 1 and cells["kasus"][YEAR] == 1 and cells["kasus"]["Okt"] == 0
    assert cells["jenis_kekerasan:Fisik"]["Nov"] == 1 and cells["jenis_kekerasan:Psikis"][YEAR] == 1
    assert "dihitung sekali pada setiap jenisnya" in (cells["jenis_kekerasan:Fisik"]["Keterangan"] or "")
    assert "'Kebun' (1 kasus)" in (cells["peringatan"]["Keterangan"] or "")
    assert cells["layanan:promise_met"]["Nov"] == 0 and cells["tahun"]["Nilai"] == 2026
    assert len(MONTHS) == 12
    assert table_rows(_recap([]), 48)[-1].note is None  # no warning: the row is blank
