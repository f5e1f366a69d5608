"""The monthly recap's settings: how the office's form answers map to SIMFONI-PPA's values.

An office whose form words a category differently maps it here once; an answer no
mapping knows is counted as "Lainnya" and named in a warning (rules/recap.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rules.complaint import VIOLENCE_TYPES
from rules.recap import OTHER, PLACES, RELATIONS, VIOLENCE, RecapMapping, categories
from rules.recap_export import Suppression
from rules.workflow import WorkflowOptions


class FormChoices(Protocol):
    """What the recap reads of the form's choices (config.settings.Choices)."""

    @property
    def victim_sex(self) -> Sequence[str]: ...
    @property
    def kecamatan(self) -> Mapping[str, object]: ...
    @property
    def outside_area(self) -> str: ...
    @property
    def channels(self) -> Sequence[str]: ...


class FormSettings(Protocol):
    @property
    def choices(self) -> FormChoices: ...


class OfficeSettings(Protocol):
    """What the recap reads of an office's settings (config.settings.Settings, which holds a Recap: a
    protocol here, so that this module does not import the one that imports it)."""

    @property
    def form(self) -> FormSettings: ...
    def workflow_options(self) -> WorkflowOptions: ...


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _default_recap_places() -> dict[str, str]:
    return {"Rumah tangga": "Rumah Tangga", "Sekolah": "Sekolah", "Tempat kerja": "Tempat Kerja",
            "Fasilitas umum": "Fasilitas Umum", "Media sosial/daring": OTHER, OTHER: OTHER}


def _default_recap_relations() -> dict[str, str]:
    return {"Orang tua": "Orang Tua", "Keluarga/saudara": "Keluarga/Saudara", "Suami/istri": "Suami/Istri",
            "Pacar/teman": "Pacar/Teman", "Tetangga": "Tetangga", "Guru": "Guru", "Majikan": "Majikan",
            "Rekan kerja": "Rekan Kerja", "Orang tidak dikenal": OTHER, OTHER: OTHER}


class Recap(_Strict):
    """The monthly recap in SIMFONI-PPA's categories (tab 'Rekap Bulanan', `python -m sync report`)."""

    tab: str = "Rekap Bulanan"
    violence_types: dict[str, str] = Field(
        default_factory=lambda: dict(zip(VIOLENCE_TYPES, VIOLENCE, strict=True)),
        description="SIMFONI-PPA's jenis kekerasan for each of the form's types (by key, as form.choices)",
    )
    incident_place: dict[str, str] = Field(
        default_factory=_default_recap_places,
        description="the form's answers to 'Tempat kejadian' -> SIMFONI-PPA's tempat kejadian",
    )
    perpetrator_relation: dict[str, str] = Field(
        default_factory=_default_recap_relations,
        description="the form's answers to 'Hubungan pelaku dengan korban' -> SIMFONI-PPA's hubungan pelaku",
    )
    channels: dict[str, str] = Field(
        default_factory=dict, description="other wordings of a channel -> one of form.choices.channels",
    )
    suppress_below: int = Field(
        default=3, ge=0,
        description="in the export that leaves the office, counts from 1 to this minus 1 are shown as '<3' "
                    "(0: every count shown)",
    )
    suppress_categories: list[str] = Field(
        default_factory=lambda: ["kecamatan"],
        description="the export's categories where a small count could point at a person",
    )

    @field_validator("violence_types")
    @classmethod
    def _violence(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(VIOLENCE_TYPES))
        if unknown:
            raise ValueError(f"unknown keys {unknown}; expected some of {list(VIOLENCE_TYPES)}")
        return _simfoni(value, VIOLENCE)

    @field_validator("incident_place")
    @classmethod
    def _places(cls, value: dict[str, str]) -> dict[str, str]:
        return _simfoni(value, PLACES)

    @field_validator("perpetrator_relation")
    @classmethod
    def _relations(cls, value: dict[str, str]) -> dict[str, str]:
        return _simfoni(value, RELATIONS)

    @field_validator("suppress_categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        known = [c.key for c in categories(RecapMapping({}, {}, {}))]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown recap categories {unknown}; expected some of {known}")
        return value

    def mapping(self, settings: OfficeSettings) -> RecapMapping:
        """The mapping for this office: its form's choices, kecamatan and referral destinations."""
        choices = settings.form.choices
        return RecapMapping(
            violence={k: self.violence_types.get(k, OTHER) for k in VIOLENCE_TYPES},
            places=self.incident_place,
            relations=self.perpetrator_relation,
            sexes=tuple(choices.victim_sex),
            kecamatan=(*choices.kecamatan, choices.outside_area),
            channels=tuple(choices.channels),
            lembaga=settings.workflow_options().lembaga,
            channel_aliases=self.channels,
        )

    def suppression(self) -> Suppression:
        return Suppression(below=self.suppress_below, categories=tuple(self.suppress_categories))


def _simfoni(value: dict[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
    wrong = sorted({v for v in value.values() if v not in allowed})
    if wrong:
        raise ValueError(f"{wrong} are not SIMFONI-PPA values; use one of {list(allowed)}")
    return value
