"""Finding each question's column as the office's form is edited over the months."""

from __future__ import annotations

from config.settings import Settings
from rules.columns import find_columns, loose
from rules.complaint import FIELDS

QUESTIONS = Settings().form.questions
HEADERS = [QUESTIONS[f] for f in FIELDS] + ["ID Kasus SAPA"]
DANGER = FIELDS.index("in_danger")


def with_title(position: int, title: str, headers: list[str] = HEADERS) -> list[str]:
    return [title if i == position else h for i, h in enumerate(headers)]


def test_every_default_question_is_found_and_the_marker_is_not_an_extra() -> None:
    found = find_columns(HEADERS, QUESTIONS, skip=("ID Kasus SAPA",))
    assert found.index == {f: i for i, f in enumerate(FIELDS)}
    assert not (found.missing or found.renamed or found.extra or found.duplicated)


def test_case_and_spaces_do_not_matter_and_the_english_timestamp_is_found() -> None:
    headers = with_title(DANGER, "  apakah KORBAN dalam  bahaya sekarang? ", with_title(0, "Timestamp"))
    found = find_columns(headers, QUESTIONS)
    assert found.index["in_danger"] == DANGER and found.index["timestamp"] == 0 and not found.renamed


def test_a_remark_added_to_a_title_is_the_same_question() -> None:
    assert loose("Apakah korban dalam bahaya sekarang? (wajib)") == loose("Apakah korban dalam bahaya sekarang?")
    found = find_columns(with_title(DANGER, "Apakah korban dalam bahaya sekarang? (wajib) *"), QUESTIONS)
    assert found.index["in_danger"] == DANGER
    assert [(r.field, r.how) for r in found.renamed] == [("in_danger", "mirip")]


def test_a_reworded_or_corrected_title_is_recognised_by_similarity() -> None:
    for title in ("Apakah korban dalam bahaya saat ini?", "Apakah korban dalam bahya sekarang"):
        found = find_columns(with_title(DANGER, title), QUESTIONS)
        assert found.index["in_danger"] == DANGER, title
        assert found.renamed[0].found == title and not found.missing


def test_a_title_changed_beyond_recognition_is_found_by_its_place_among_the_questions() -> None:
    found = find_columns(with_title(DANGER, "Situasi korban"), QUESTIONS)
    assert found.index["in_danger"] == DANGER
    assert [(r.field, r.how, r.column) for r in found.renamed] == [("in_danger", "posisi", DANGER)]


def test_two_unknown_columns_where_one_question_should_be_are_not_guessed() -> None:
    headers = with_title(DANGER, "Situasi korban")
    headers.insert(DANGER + 1, "Catatan lain")
    found = find_columns(headers, QUESTIONS, skip=("ID Kasus SAPA",))
    assert "in_danger" in found.missing and "in_danger" not in found.index
    assert {t for _, t in found.extra} == {"Situasi korban", "Catatan lain"}


def test_a_new_question_after_the_form_columns_is_an_extra_until_the_office_lists_it() -> None:
    headers = [*HEADERS[:-1], "Apakah pelaku tinggal serumah?", "ID Kasus SAPA"]
    found = find_columns(headers, QUESTIONS, skip=("ID Kasus SAPA",))
    assert not found.missing and found.extra == ((len(FIELDS), "Apakah pelaku tinggal serumah?"),)
    assert found.unlisted == ("Apakah pelaku tinggal serumah?",)
    listed = find_columns(headers, QUESTIONS, skip=("ID Kasus SAPA",), known_extra=["Apakah pelaku tinggal serumah?"])
    assert listed.extra and not listed.unlisted


def test_google_s_own_email_column_is_not_a_new_question() -> None:
    headers = [HEADERS[0], "Alamat email", *HEADERS[1:]]
    found = find_columns(headers, QUESTIONS, skip=("ID Kasus SAPA",))
    assert found.extra == ((1, "Alamat email"),) and not found.unlisted and not found.renamed


def test_an_alias_names_an_older_title() -> None:
    headers = with_title(DANGER, "Bahaya?")
    found = find_columns(headers, QUESTIONS, aliases={"in_danger": ["Bahaya?"]})
    assert found.index["in_danger"] == DANGER and not found.renamed


def test_a_doubled_title_reads_the_first_and_says_so() -> None:
    headers = [*HEADERS, QUESTIONS["story"]]
    found = find_columns(headers, QUESTIONS)
    assert found.index["story"] == FIELDS.index("story") and found.duplicated == (QUESTIONS["story"],)


def test_two_missing_questions_never_take_the_same_column() -> None:
    headers = [h for i, h in enumerate(HEADERS) if i != DANGER]
    headers = with_title(FIELDS.index("urgent_needs") - 1, "Butuh apa?", headers)
    found = find_columns(headers, QUESTIONS)
    columns = list(found.index.values())
    assert len(columns) == len(set(columns))
