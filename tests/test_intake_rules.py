"""From a response to a complaint with warnings, or to review with a reason."""

from datetime import date, datetime

import pytest

from config.settings import Settings
from rules.case_ids import IdPattern, Sequence
from rules.intake import duplicate_key, find_columns, read_complaint, review_reason
from rules.triage import triage
from sync.commands.selftest.office import response_row
from sync.cycle.context import Context

SPEC = Context.from_settings(Settings()).spec


def complaint(**answers: object):  # type: ignore[no-untyped-def]
    return read_complaint(response_row(**answers), SPEC, day_first=True)


def test_a_complete_response_has_no_warnings() -> None:
    c = complaint()
    assert c.warnings == ()
    assert c.reporter_phone == "+6281234567890"
    assert c.victim_age == 12 and c.is_child
    assert c.violence_types == ("fisik", "psikis")
    assert c.kecamatan == "Singkawang Barat" and c.kelurahan == "Pasiran"
    assert c.submitted_at == datetime(2026, 11, 28, 9, 30)
    assert c.consent


def test_fixable_problems_become_indonesian_warnings_on_the_case() -> None:
    c = complaint(reporter_phone="0812-ABC", victim_age="tidak tahu", kecamatan="Singkawang Pusat",
                  story=None, consent=None, incident_date="kemarin")
    text = " ".join(c.warnings)
    assert "Nomor WhatsApp pelapor" in text
    assert "Usia korban bukan angka" in text
    assert "Kecamatan 'Singkawang Pusat' tidak dikenal" in text
    assert "Belum diisi: cerita kejadian" in text
    assert "Persetujuan penggunaan data" in text
    assert "Tanggal kejadian 'kemarin' tidak terbaca" in text


def test_blank_channel_means_the_online_form() -> None:
    assert complaint(channel=None).channel == "Formulir online"


def test_anonymous_report_is_accepted_without_a_warning_about_the_name() -> None:
    c = complaint(reporter_name=None)
    assert c.reporter_name is None
    assert not any("pelapor" in w and "nama" in w.casefold() for w in c.warnings)


def test_incident_date_after_the_complaint_is_flagged() -> None:
    c = complaint(incident_date="30/11/2026")
    assert c.incident_date == date(2026, 11, 30)
    assert any("sesudah tanggal pengaduan" in w for w in c.warnings)


def test_unknown_choice_is_a_warning_and_the_answer_is_kept_blank() -> None:
    c = complaint(in_danger="Mungkin")
    assert c.in_danger is None
    assert any("Mungkin" in w for w in c.warnings)


def test_unreadable_timestamp_is_a_warning_not_a_rejection() -> None:
    c = complaint(timestamp="kemarin")
    assert c.submitted_at is None
    assert any("Stempel waktu" in w for w in c.warnings)
    assert review_reason(response_row(timestamp="kemarin"), SPEC) is None


BLANK_VICTIM_AND_EVENT = dict.fromkeys(
    ["victim_name", "victim_sex", "victim_age", "kecamatan", "kelurahan", "victim_address",
     "violence_types", "story", "in_danger"])


def test_nothing_about_victim_or_event_and_no_number_to_call_back_goes_to_review() -> None:
    reason = review_reason(response_row(**BLANK_VICTIM_AND_EVENT, reporter_phone=None), SPEC)
    assert reason and "korban dan kejadian kosong" in reason


@pytest.mark.parametrize("story", ["test", "Tes", "TESTING", "coba coba", "asdf", "..."])
def test_obvious_test_submission_goes_to_review(story: str) -> None:
    row = response_row(story=story, victim_name="test", reporter_name="coba", victim_address=None,
                       kelurahan=None)
    reason = review_reason(row, SPEC)
    assert reason and "uji coba" in reason


def test_a_test_looking_response_that_reports_danger_is_a_case() -> None:
    row = response_row(story="test", victim_name="test", reporter_name=None, victim_address=None,
                       kelurahan=None, in_danger="Ya")
    assert review_reason(row, SPEC) is None


def test_a_real_story_mentioning_coba_is_a_case() -> None:
    assert review_reason(response_row(story="Pelaku mencoba memukul, saya coba lari"), SPEC) is None


def test_initials_are_not_mistaken_for_a_test() -> None:
    assert review_reason(response_row(victim_name="X", story="Dipukul ayahnya."), SPEC) is None


def test_an_age_in_words_is_the_same_complaint_as_in_digits() -> None:
    assert complaint(victim_age="tujuh tahun") == complaint(victim_age="7")


@pytest.mark.parametrize("age", ["??", "dewasa", "tidak tahu"])
def test_an_unreadable_age_is_unknown_and_counts_as_a_child(age: str) -> None:
    c = complaint(victim_age=age, violence_types="Seksual")
    assert c.victim_age is None and c.unreadable["victim_age"] == age
    assert not c.is_child and c.maybe_child
    result = triage(c)
    assert result.label == "DARURAT"
    assert any("dianggap anak" in r for r in result.reasons)


def test_an_unknown_danger_answer_is_unknown_with_its_reason() -> None:
    c = complaint(in_danger="Mungkin")
    assert c.in_danger is None and c.unreadable["in_danger"] == "Mungkin"
    assert "Jawaban 'dalam bahaya' tidak terbaca: 'Mungkin'" in "; ".join(triage(c).reasons)


def test_a_missing_column_is_unreadable_not_blank() -> None:
    row = response_row()
    del row["victim_age"], row["in_danger"]
    c = read_complaint(row, SPEC, day_first=True, unreadable={"victim_age", "in_danger"})
    assert c.unreadable == {"victim_age": "", "in_danger": ""}
    assert "Kolom jawaban 'Usia korban (tahun)' tidak ditemukan di tab respons; jawaban tidak terbaca." in c.warnings
    assert not any(w.startswith("Belum diisi") for w in c.warnings)  # not "apakah korban dalam bahaya"
    reasons = "; ".join(triage(c).reasons)
    assert "Kolom jawaban usia korban tidak ditemukan; dianggap anak" in reasons
    assert "Kolom jawaban 'dalam bahaya' tidak ditemukan" in reasons


def test_a_missing_column_is_not_read_even_when_the_answers_hold_a_value() -> None:
    c = read_complaint(response_row(victim_age="40"), SPEC, day_first=True, unreadable={"victim_age"})
    assert c.victim_age is None and c.maybe_child


def test_blank_because_columns_are_missing_is_not_sent_to_review_as_blank() -> None:
    row = response_row(**BLANK_VICTIM_AND_EVENT)
    assert review_reason(row, SPEC, unreadable={"story"}) is None


def test_a_test_looking_response_whose_danger_column_is_missing_is_a_case() -> None:
    row = response_row(story="test", victim_name="test", reporter_name=None, victim_address=None,
                       kelurahan=None, in_danger=None)
    assert review_reason(row, SPEC) is not None
    assert review_reason(row, SPEC, unreadable={"in_danger"}) is None


PHONE_ONLY = dict(BLANK_VICTIM_AND_EVENT, reporter_name=None, reporter_relation=None, wa_safe=None, consent=None)


def test_a_phone_number_alone_is_a_case_to_call_back() -> None:
    row = response_row(**PHONE_ONLY)
    assert review_reason(row, SPEC) is None
    c = read_complaint(row, SPEC, day_first=True)
    assert c.reporter_phone == "+6281234567890"
    assert c.warnings[0] == "Hanya nomor telepon yang diisi; hubungi kembali pelapor untuk melengkapi pengaduan."
    assert triage(c).label == "Sedang"


@pytest.mark.parametrize(("phone", "says"), [
    ("0812-ABC", "nomor telepon pelapor tidak terbaca"),
    (None, "tidak ada nomor telepon pelapor"),
])
def test_nothing_to_act_on_says_whether_a_number_was_given(phone: str | None, says: str) -> None:
    reason = review_reason(response_row(**PHONE_ONLY | {"reporter_phone": phone}), SPEC)
    assert reason and "korban dan kejadian kosong" in reason and says in reason
    assert "0812" not in reason  # the review reason goes to the log tab: no reporter text


def test_a_missing_phone_column_is_said_in_the_review_reason() -> None:
    row = response_row(**PHONE_ONLY | {"reporter_phone": None})
    reason = review_reason(row, SPEC, unreadable={"reporter_phone"})
    assert reason and "kolom nomor telepon pelapor tidak ditemukan" in reason


def test_two_phone_numbers_give_the_first_and_say_two_were_given() -> None:
    c = complaint(reporter_phone="0812 3456 7890 / 0813 1111 2222")
    assert c.reporter_phone == "+6281234567890"
    assert any("2 nomor" in w for w in c.warnings)


def test_an_unrecognised_violence_type_is_a_warning_and_no_lower_risk() -> None:
    c = complaint(violence_types="Seksual, digoda lewat pesan")
    assert c.violence_types == ("seksual", "lainnya")
    assert any("digoda lewat pesan" in w and "Jenis kekerasan" in w for w in c.warnings)
    found, known = triage(c), triage(complaint(violence_types="Seksual"))
    assert found.level == known.level == "tinggi"
    assert found.reasons == (*known.reasons, "Jenis kekerasan tidak dikenal: 'digoda lewat pesan'; periksa dan "
                                             "tentukan risikonya")


def test_an_unrecognised_urgent_need_is_a_warning() -> None:
    c = complaint(urgent_needs="Medis, uang transport")
    assert c.urgent_needs == ("medis", "lainnya")
    assert any("uang transport" in w and "Bantuan yang dibutuhkan" in w for w in c.warnings)


def test_duplicate_key_ignores_the_timestamp_only() -> None:
    a = response_row()
    assert duplicate_key(a) == duplicate_key(a | {"timestamp": datetime(2026, 11, 28, 9, 32)})
    assert duplicate_key(a) != duplicate_key(a | {"story": "lain"})


def test_columns_are_found_by_title_whatever_the_order_spaces_or_locale() -> None:
    questions = Settings().form.questions
    headers = ["Timestamp", " nama korban (boleh inisial) ", "Ceritakan kejadiannya", "Extra question",
               "Ceritakan kejadiannya"]
    columns = find_columns(headers, questions)
    assert columns.index["timestamp"] == 0
    assert columns.index["victim_name"] == 1
    assert columns.index["story"] == 2
    assert "kecamatan" in columns.missing
    assert columns.duplicated == ("Ceritakan kejadiannya",)


def test_case_ids_run_per_year_after_every_id_already_seen() -> None:
    pattern = IdPattern("SAPA-{year}-{seq:04d}")
    seq = Sequence(pattern, ["SAPA-2026-0007", "SAPA-2026-0003", "SAPA-2025-0120", "junk", None, 5])
    assert seq.next(2026) == "SAPA-2026-0008"
    assert seq.next(2026) == "SAPA-2026-0009"
    assert seq.next(2025) == "SAPA-2025-0121"
    assert seq.next(2027) == "SAPA-2027-0001"
    assert pattern.parse("SAPA-2026-0008") == (2026, 8)
    assert pattern.parse("TINJAU-2026-0008") is None


def test_a_custom_pattern_is_parsed_back() -> None:
    pattern = IdPattern("PPA/{seq:03d}/{year}")
    assert pattern.format(2026, 4) == "PPA/004/2026"
    assert pattern.parse("PPA/004/2026") == (2026, 4)
