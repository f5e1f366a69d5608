"""Monitoring after the case (SOP.md step 7): follow-up days by risk, embedded as `Settings.monitoring`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.monitoring import MonitoringPolicy


def _default_days() -> dict[str, list[int]]:
    return {risk: list(days) for risk, days in MonitoringPolicy().days.items()}


class Monitoring(BaseModel):
    """When the Konselor checks on a victim after the office closed or referred the case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: dict[str, list[int]] = Field(
        default_factory=_default_days,
        description="follow-up days after closure or referral, per risk level (tinggi = DARURAT: sooner)",
    )
    warn_days: int = Field(default=2, ge=0, description="a follow-up shows as due this many days before its day")

    @model_validator(mode="after")
    def _valid(self) -> Monitoring:
        self.policy()  # the rule checks levels and days, with the reason
        return self

    def policy(self) -> MonitoringPolicy:
        return MonitoringPolicy(days={k: tuple(v) for k, v in self.days.items()}, warn_days=self.warn_days)
