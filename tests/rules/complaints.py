"""A valid, low-risk complaint for the rule tests; each test changes only what it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from rules.complaint import Complaint

BASE = Complaint(
    submitted_at=datetime(2026, 11, 28, 9, 0),
    channel="Formulir online",
    reporter_name=None,
    reporter_relation="Tetangga",
    reporter_phone="+6281234567890",
    reporter_phone_raw="0812-3456-7890",
    wa_safe="ya",
    wa_safe_time=None,
    victim_name="Siti Aminah",
    victim_sex="Perempuan",
    victim_age=30,
    victim_disability="tidak",
    kecamatan="Singkawang Barat",
    kelurahan="Pasiran",
    victim_address="Jl. Contoh 1",
    violence_types=("psikis",),
    incident_place="Rumah tangga",
    incident_date=date(2026, 11, 27),
    perpetrator_relation="Suami/istri",
    story="Sering dimarahi.",
    in_danger="tidak",
    urgent_needs=(),
    consent=True,
)


def complaint(**changes: Any) -> Complaint:
    return replace(BASE, **changes)
