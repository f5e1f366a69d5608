"""The validated complaint: what the rest of the worker knows about one form response.

Field names are stable English keys; the staff-facing labels and the form's question
titles live in the configuration. Checkbox answers that drive decisions (violence
types, urgent needs) are mapped to the stable keys below; other choices keep the
form's wording so that an office's own labels pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

# The form's questions, by stable key, in the order of the default form (FORM.md).
FIELDS: tuple[str, ...] = (
    "timestamp",
    "channel",
    "reporter_name",
    "reporter_relation",
    "reporter_phone",
    "wa_safe",
    "wa_safe_time",
    "victim_name",
    "victim_sex",
    "victim_age",
    "victim_disability",
    "kecamatan",
    "kelurahan",
    "victim_address",
    "violence_types",
    "incident_place",
    "incident_date",
    "perpetrator_relation",
    "story",
    "in_danger",
    "urgent_needs",
    "consent",
)

# Answers that say something about the victim or the event. A response with all of
# these blank cannot be acted on (FORM.md, "What invalid must mean here").
VICTIM_AND_EVENT_FIELDS: tuple[str, ...] = (
    "victim_name",
    "victim_sex",
    "victim_age",
    "victim_disability",
    "kecamatan",
    "kelurahan",
    "victim_address",
    "violence_types",
    "incident_place",
    "incident_date",
    "perpetrator_relation",
    "story",
    "in_danger",
    "urgent_needs",
)


# Stable keys of the checkbox answers (the form's labels for them are configurable).
VIOLENCE_TYPES: tuple[str, ...] = (
    "fisik", "psikis", "seksual", "eksploitasi", "tppo", "penelantaran", "lainnya",
)
URGENT_NEEDS: tuple[str, ...] = ("medis", "tempat_aman", "hukum", "konseling", "lainnya")
YES_NO_UNKNOWN: tuple[str, ...] = ("ya", "tidak", "tidak_tahu")
WA_SAFE: tuple[str, ...] = ("ya", "tidak", "waktu_tertentu")


@dataclass(frozen=True)
class Complaint:
    """One complaint as the worker understands it after validation.

    `None` means the reporter left the answer blank, or it could not be read: then
    `unreadable` holds the field, and the reason is one of `warnings`. An answer the
    worker cannot read is unknown, never "no": the rules that weigh risk look there.
    Timestamps are naive datetimes in the office's time zone (WIB by default), as the
    form responses sheet records them.
    """

    submitted_at: datetime | None
    channel: str
    reporter_name: str | None
    reporter_relation: str | None
    reporter_phone: str | None  # E.164, e.g. "+6281234567890"
    reporter_phone_raw: str | None
    wa_safe: str | None  # "ya" | "tidak" | "waktu_tertentu" | None
    wa_safe_time: str | None
    victim_name: str | None
    victim_sex: str | None
    victim_age: int | None
    victim_disability: str | None  # "ya" | "tidak" | "tidak_tahu" | None
    kecamatan: str | None
    kelurahan: str | None
    victim_address: str | None
    violence_types: tuple[str, ...]  # keys of VIOLENCE_TYPES
    incident_place: str | None
    incident_date: date | None
    perpetrator_relation: str | None
    story: str | None
    in_danger: str | None  # "ya" | "tidak" | "tidak_tahu" | None
    urgent_needs: tuple[str, ...]  # keys of URGENT_NEEDS
    consent: bool
    warnings: tuple[str, ...] = field(default=())
    # Answers given but not readable, by field: their first characters, or "" when the
    # question's column is missing from the responses tab.
    unreadable: Mapping[str, str] = field(default_factory=dict)
    # Answers to the questions with options (violence types, urgent needs, yes/no) that name no
    # option, by field: unknown, never absent (rules/options.py; the triage weighs them).
    unknown_options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_child(self) -> bool:
        """A child is anyone under 18 (UU 35/2014), by a known age."""
        return self.victim_age is not None and self.victim_age < 18

    @property
    def age_known(self) -> bool:
        return self.victim_age is not None

    @property
    def maybe_child(self) -> bool:
        """A child, or a victim whose age is not known (blank or unreadable): child
        protection presumes a child until the age is established (UNHCR, UNICEF)."""
        return self.is_child or not self.age_known
