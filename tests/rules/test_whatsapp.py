"""WhatsApp click-to-chat links: discreet, and only when the reporter said it is safe."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from rules.whatsapp import (
    NOTE_BAD_PHONE,
    NOTE_NO_PHONE,
    NOTE_NOT_MOBILE,
    NOTE_OFFICE_PHONE,
    NOTE_UNANSWERED,
    NOTE_UNSAFE,
    WhatsAppContact,
    WhatsAppPolicy,
    contact,
    message,
    wa_digits,
    wa_link,
)
from tests.rules.complaints import complaint

CASE = "SAPA-2026-000123"
VIOLENCE_WORDS = ("kekerasan", "seksual", "psikis", "fisik", "korban", "pelaku", "kdrt")


def text_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["text"][0]


def test_safe_reporter_gets_a_discreet_link() -> None:
    result = contact(complaint(violence_types=("seksual",)), CASE)
    assert result.note == ""
    assert result.link is not None
    assert result.link.startswith("https://wa.me/6281234567890?text=")
    text = text_of(result.link)
    assert CASE in text
    assert "Layanan SAPA Dinas Sosial Kota Singkawang" in text
    assert "Siti" not in text and "Aminah" not in text and "Pasiran" not in text
    assert not any(word in text.casefold() for word in VIOLENCE_WORDS)


def test_link_is_fully_url_encoded() -> None:
    link = wa_link("+6281234567890", "Halo & sampai jumpa? ya/tidak #1")
    assert link == (
        "https://wa.me/6281234567890?text="
        "Halo%20%26%20sampai%20jumpa%3F%20ya%2Ftidak%20%231"
    )
    assert unquote(link.split("text=")[1]) == "Halo & sampai jumpa? ya/tidak #1"


@pytest.mark.parametrize(
    "phone", ["+6281234567890", "6281234567890", "081234567890", "0812-3456-7890",
              "+62 812 3456 7890", "81234567890"],
)
def test_number_becomes_digits_with_country_code(phone: str) -> None:
    assert wa_digits(phone) == "6281234567890"


def test_foreign_numbers_keep_their_country_code() -> None:
    assert wa_digits("+60123456789") == "60123456789"  # e.g. a reporter working in Malaysia


@pytest.mark.parametrize("phone", ["", "+", "abc", "0", "+62 81", "00000000000"])
def test_unusable_number_gives_no_digits(phone: str) -> None:
    assert wa_digits(phone) is None
    assert wa_link(phone, "x") is None


def test_not_safe_means_no_link_at_all() -> None:
    result = contact(complaint(wa_safe="tidak"), CASE)
    assert result == WhatsAppContact(None, NOTE_UNSAFE)
    assert "TIDAK aman" in result.note and "jangan kirim pesan" in result.note
    assert contact(complaint(wa_safe="tidak", reporter_phone=None), CASE).note == NOTE_UNSAFE


def test_safe_only_at_certain_times_gives_link_and_the_time() -> None:
    result = contact(complaint(wa_safe="waktu_tertentu", wa_safe_time="  setelah  jam 20.00 "), CASE)
    assert result.link is not None
    assert result.note == "Pelapor hanya aman dihubungi pada waktu tertentu: setelah jam 20.00."


def test_safe_time_missing_says_wait() -> None:
    result = contact(complaint(wa_safe="waktu_tertentu", wa_safe_time=None), CASE)
    assert result.link is not None
    assert "waktunya tidak disebutkan" in result.note


def test_unanswered_safety_question_gives_link_with_caution() -> None:
    result = contact(complaint(wa_safe=None), CASE)
    assert result.link is not None and result.note == NOTE_UNANSWERED


def test_no_phone_means_no_whatsapp_confirmation() -> None:
    result = contact(complaint(reporter_phone=None, reporter_phone_raw=None), CASE)
    assert result == WhatsAppContact(None, NOTE_NO_PHONE)
    assert "tidak dapat dilakukan" in result.note


def test_invalid_phone_asks_staff_to_fix_it() -> None:
    typo = complaint(reporter_phone=None, reporter_phone_raw="0812-34")
    assert contact(typo, CASE) == WhatsAppContact(None, NOTE_BAD_PHONE)
    garbage = complaint(reporter_phone="+62")
    assert contact(garbage, CASE) == WhatsAppContact(None, NOTE_BAD_PHONE)


def test_office_wording_is_configurable() -> None:
    policy = WhatsAppPolicy(service_name="SAPA Singkawang",
                            template="Salam dari {layanan}, nomor {nomor_kasus}.")
    assert message(CASE, policy) == f"Salam dari SAPA Singkawang, nomor {CASE}."
    link = contact(complaint(), CASE, policy).link
    assert link is not None and text_of(link) == f"Salam dari SAPA Singkawang, nomor {CASE}."


@pytest.mark.parametrize(
    "changes",
    [
        {"template": "Halo dari {layanan}."},
        {"template": "Halo {nama_korban}, {layanan} {nomor_kasus}"},
        {"template": "Laporan kekerasan {nomor_kasus} dari {layanan}"},
        {"service_name": "Layanan Pengaduan KDRT"},
        {"template": "Tentang KORBAN: {layanan} {nomor_kasus}"},
    ],
)
def test_a_leaky_template_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        WhatsAppPolicy(**changes)


def test_default_message_is_discreet() -> None:
    text = message(CASE).casefold()
    assert not any(word in text for word in VIOLENCE_WORDS)


def test_a_landline_gets_no_link_and_the_note_says_why() -> None:
    landline = complaint(reporter_phone="+62562639472", reporter_phone_raw="0562 639472")
    assert contact(landline, CASE) == WhatsAppContact(None, NOTE_NOT_MOBILE)


def test_the_offices_own_number_is_nobodys_whatsapp() -> None:
    """On hotline calls the Admin may type the office's number as the reporter's."""
    office = complaint(reporter_phone="+6281299990000")
    policy = WhatsAppPolicy(office_phones=frozenset({"+6281299990000"}))
    assert contact(office, CASE, policy) == WhatsAppContact(None, NOTE_OFFICE_PHONE)
    assert contact(office, CASE).link is not None  # any other office's policy: a reporter's mobile
