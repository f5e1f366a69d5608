"""The Sub Koordinator's WhatsApp confirmation: a click-to-chat link, or why not.

The reporter's phone may be read by the abuser (DOMAIN.md). So the message names
only the service and the case number — never the victim, the event or any word of
violence — and the reporter's "safe to contact" answer is obeyed: "tidak" means no
link at all. The office's wording is configurable; a template that would leak what
the case is about is refused when the policy is built.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import phonenumbers

from rules.complaint import Complaint
from rules.values import is_mobile

DEFAULT_SERVICE = "Layanan SAPA Dinas Sosial Kota Singkawang"
DEFAULT_TEMPLATE = (
    "Halo, kami dari {layanan}. Kami ingin menindaklanjuti permohonan Anda dengan "
    "nomor {nomor_kasus}. Apakah sekarang waktu yang aman untuk berbicara? Silakan "
    "balas pesan ini, atau beri tahu kami waktu yang lebih baik. Terima kasih."
)
# Words that would tell a reader of the phone what the case is about.
DEFAULT_FORBIDDEN: tuple[str, ...] = (
    "kekerasan", "seksual", "pelecehan", "perkosaan", "pemerkosaan", "cabul", "kdrt",
    "penganiayaan", "korban", "pelaku", "trafficking", "tppo", "perdagangan orang",
    "eksploitasi", "penelantaran", "aniaya", "pengaduan",
)
PLACEHOLDERS = frozenset({"layanan", "nomor_kasus"})

NOTE_UNSAFE = (
    "Pelapor menyatakan TIDAK aman dihubungi lewat WhatsApp — jangan kirim pesan; "
    "hubungi lewat saluran lain."
)
NOTE_NO_PHONE = (
    "Pelapor tidak mencantumkan nomor WhatsApp — konfirmasi lewat WhatsApp tidak "
    "dapat dilakukan; hubungi lewat saluran lain bila ada."
)
NOTE_BAD_PHONE = (
    "Nomor WhatsApp pelapor tidak valid — perbaiki nomornya dulu agar tautan "
    "WhatsApp dapat dibuat."
)
# The new notes say their point first: a narrow cell shows the first words.
NOTE_NOT_MOBILE = (
    "Bukan nomor seluler (telepon rumah atau kantor) — tidak dapat dihubungi lewat WhatsApp; "
    "telepon langsung bila aman."
)
NOTE_OFFICE_PHONE = (
    "Ini nomor kantor sendiri (hotline atau petugas), bukan nomor pelapor — tidak ada tautan "
    "WhatsApp; hubungi pelapor lewat saluran yang ia sebutkan."
)
NOTE_UNANSWERED = (
    "Pelapor tidak menjawab apakah aman dihubungi lewat WhatsApp — kirim pesan "
    "singkat ini saja dan tunggu balasan sebelum membahas kasus."
)


def _forbidden_in(text: str, words: tuple[str, ...]) -> list[str]:
    folded = " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
    return [w for w in words if re.search(rf"\b{re.escape(w.casefold())}\b", folded)]


@dataclass(frozen=True)
class WhatsAppPolicy:
    """The office's wording: `template` uses {layanan} and {nomor_kasus} only."""

    service_name: str = DEFAULT_SERVICE
    template: str = DEFAULT_TEMPLATE
    forbidden_words: tuple[str, ...] = DEFAULT_FORBIDDEN
    office_phones: frozenset[str] = frozenset()  # E.164: the office's own numbers, never a reporter's

    def __post_init__(self) -> None:
        _check_wording(self.service_name, self.template, self.forbidden_words)


@lru_cache(maxsize=16)
def _check_wording(service_name: str, template: str, forbidden_words: tuple[str, ...]) -> None:
    """Refuse a template that is not discreet (checked once per wording: a cycle builds the
    policy for every case)."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    if names != PLACEHOLDERS:
        raise ValueError(
            "the WhatsApp template must use exactly {layanan} and {nomor_kasus}; "
            f"found {sorted(names)}"
        )
    leaked = _forbidden_in(f"{service_name} {template}", forbidden_words)
    if leaked:
        raise ValueError(f"the WhatsApp message must stay discreet; remove: {leaked}")


@dataclass(frozen=True)
class WhatsAppContact:
    """What the Sub Koordinator's tab shows: a link (or none) and a note for staff."""

    link: str | None
    note: str = ""


def message(case_number: str, policy: WhatsAppPolicy = WhatsAppPolicy()) -> str:
    return policy.template.format(layanan=policy.service_name, nomor_kasus=case_number)


def wa_digits(phone: str) -> str | None:
    """The number as wa.me wants it: country code first, digits only, no leading 0."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if digits.startswith("620") or not re.fullmatch(r"[1-9]\d{7,14}", digits):
        return None  # E.164 allows 8 to 15 digits; no Indonesian number starts 62 0
    return digits


def wa_link(phone: str, text: str) -> str | None:
    """`https://wa.me/<digits>?text=<url-encoded>`, or None if the number is unusable."""
    digits = wa_digits(phone)
    if digits is None:
        return None
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


@lru_cache(maxsize=1 << 16)
def link_label(link: str) -> str:
    """What the link's cell shows: `WhatsApp +62 812-3456-7890` (the number changes it)."""
    digits = link.split("wa.me/", 1)[-1].split("?", 1)[0]
    try:
        number = phonenumbers.parse("+" + digits)
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        shown = "+" + digits
    return f"WhatsApp {shown}"


def contact(
    complaint: Complaint, case_number: str, policy: WhatsAppPolicy = WhatsAppPolicy()
) -> WhatsAppContact:
    """Respect the reporter's safety answer first, then the phone number."""
    if complaint.wa_safe == "tidak":
        return WhatsAppContact(None, NOTE_UNSAFE)
    if complaint.reporter_phone is None:
        note = NOTE_BAD_PHONE if complaint.reporter_phone_raw else NOTE_NO_PHONE
        return WhatsAppContact(None, note)
    link = wa_link(complaint.reporter_phone, message(case_number, policy))
    if link is None:
        return WhatsAppContact(None, NOTE_BAD_PHONE)
    if complaint.reporter_phone in policy.office_phones:
        return WhatsAppContact(None, NOTE_OFFICE_PHONE)
    if not is_mobile(complaint.reporter_phone):
        return WhatsAppContact(None, NOTE_NOT_MOBILE)
    if complaint.wa_safe == "waktu_tertentu":
        when = " ".join((complaint.wa_safe_time or "").split())[:100]
        when = f": {when}" if when else " (waktunya tidak disebutkan — jangan kirim dulu)"
        return WhatsAppContact(link, f"Pelapor hanya aman dihubungi pada waktu tertentu{when}.")
    if complaint.wa_safe is None:
        return WhatsAppContact(link, NOTE_UNANSWERED)
    return WhatsAppContact(link)
