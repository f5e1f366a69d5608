"""What a cycle needs from the configuration, built once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from config.settings import Settings
from rules.case_ids import IdPattern
from rules.intake import FormSpec
from rules.options import OptionSet
from sync.cycle.tabs import Tabs, layouts


@dataclass(frozen=True)
class Context:
    settings: Settings
    tabs: Tabs
    spec: FormSpec
    case_ids: IdPattern
    review_ids: IdPattern
    zone: ZoneInfo

    @classmethod
    def from_settings(cls, settings: Settings) -> Context:
        form = settings.form
        choices = form.choices
        spec = FormSpec(
            questions=form.questions,
            default_channel=choices.default_channel,
            violence_types=OptionSet.of(choices.violence_types),
            urgent_needs=OptionSet.of(choices.urgent_needs),
            yes_no_unknown=OptionSet.of(choices.yes_no_unknown),
            wa_safe=OptionSet.of(choices.wa_safe),
            victim_sex=tuple(choices.victim_sex),
            areas={k: tuple(v) for k, v in choices.kecamatan.items()},
            outside_area=choices.outside_area,
            test_answers=tuple(settings.intake.test_answers),
        )
        return cls(
            settings=settings,
            tabs=layouts(settings),
            spec=spec,
            case_ids=IdPattern(settings.case_ids.pattern),
            review_ids=IdPattern(settings.case_ids.review_pattern),
            zone=settings.zone,
        )

    @property
    def marker_header(self) -> str:
        return self.settings.tabs.response_marker_column

    def local_time(self, moment: datetime) -> datetime:
        """`moment` (aware) as a naive time in the office's zone, as the sheet holds times."""
        return moment.astimezone(self.zone).replace(tzinfo=None)


def show_time(moment: datetime | None) -> str | None:
    """How the worker writes a time: sortable, locale-free, to the minute."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else None
