"""Risk triage of a complaint: tinggi / sedang / rendah, with the reasons staff see.

Local standards citing Permen PPPA 2/2022 identify each complaint's risk at intake:
high risk is served immediately (with police and health staff when needed), medium
within about 6 hours (DOMAIN.md). The signals come from the form: danger now, the
kinds of violence, urgent needs, the victim's age and disability. Every threshold
is in `TriagePolicy` so an office can tune it; the defaults err on the side of the
victim — an unanswered or unreadable danger question counts as "not known", never as
"no", and a victim whose age is not known counts as a child until it is. The reasons
say which answer was blank or unreadable, quoting at most its first few characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rules.complaint import Complaint

RiskLevel = Literal["tinggi", "sedang", "rendah"]
RISK_LEVELS: tuple[RiskLevel, ...] = ("tinggi", "sedang", "rendah")
RISK_LABELS: dict[RiskLevel, str] = {"tinggi": "DARURAT", "sedang": "Sedang", "rendah": "Rendah"}

VIOLENCE_LABELS: dict[str, str] = {
    "fisik": "Kekerasan fisik",
    "psikis": "Kekerasan psikis",
    "seksual": "Kekerasan seksual",
    "eksploitasi": "Eksploitasi",
    "tppo": "Perdagangan orang (TPPO)",
    "penelantaran": "Penelantaran",
    "lainnya": "Kekerasan lainnya",
}
NEED_LABELS: dict[str, str] = {
    "medis": "Butuh bantuan medis segera",
    "tempat_aman": "Butuh tempat aman segera",
    "hukum": "Butuh pendampingan hukum segera",
    "konseling": "Butuh konseling segera",
    "lainnya": "Butuh bantuan lain segera",
}
# The answers with options whose unknown label makes a case at least medium risk, as the reasons name them.
UNKNOWN_OPTION_NAMES: dict[str, str] = {
    "violence_types": "Jenis kekerasan",
    "urgent_needs": "Bantuan segera",
    "victim_disability": "Jawaban disabilitas",
}
NO_SIGNAL = "Tidak ada tanda bahaya atau kerentanan khusus"
PRESUMED_CHILD = "dianggap anak sampai dipastikan"
_QUOTED = 30  # characters of an unreadable answer a reason may quote
_KEPT = 40  # characters of an unknown option a reason quotes (all the complaint keeps)


@dataclass(frozen=True)
class TriagePolicy:
    """Which answers make a complaint high or medium risk.

    High by default: danger now; trafficking (the victim is usually still held);
    sexual violence against a child; a need for a safe place or medical help (both
    mean someone must act today). Medium: a child victim, sexual violence,
    exploitation, a victim with a disability, or danger not known (asked, or not
    answered) — each makes the victim more vulnerable or the situation unclear; and
    `medium_when_answer_unknown`: a kind of violence, an urgent need or a disability answer
    that names no option of the form (a reworded option not yet in the configuration):
    unknown, never absent, until staff look.
    `unknown_age_as_child`: a blank or unreadable age counts as a child's, for every
    child rule (the presumption of minority in child protection).
    """

    high_when_in_danger: bool = True
    high_violence: tuple[str, ...] = ("tppo",)
    high_violence_against_child: tuple[str, ...] = ("seksual",)
    high_needs: tuple[str, ...] = ("tempat_aman", "medis")
    medium_when_child: bool = True
    medium_violence: tuple[str, ...] = ("seksual", "eksploitasi")
    medium_when_disability: bool = True
    medium_when_danger_unknown: bool = True
    medium_when_answer_unknown: bool = True
    unknown_age_as_child: bool = True


@dataclass(frozen=True)
class Triage:
    """The risk level and why, most serious reason first."""

    level: RiskLevel
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return risk_label(self.level)


def risk_label(level: RiskLevel) -> str:
    """How staff see a level: high risk is shown as DARURAT (emergency)."""
    return RISK_LABELS[level]


def triage(complaint: Complaint, policy: TriagePolicy = TriagePolicy()) -> Triage:
    """Classify one complaint; every signal found is listed, not only the first."""
    high = _high_reasons(complaint, policy)
    medium = [r for r in _medium_reasons(complaint, policy) if r not in high]
    if high:
        return Triage("tinggi", tuple(high + medium))
    if medium:
        return Triage("sedang", tuple(medium))
    return Triage("rendah", (NO_SIGNAL,))


def _as_child(c: Complaint, policy: TriagePolicy) -> bool:
    return c.maybe_child if policy.unknown_age_as_child else c.is_child


def _high_reasons(c: Complaint, policy: TriagePolicy) -> list[str]:
    reasons: list[str] = []
    if policy.high_when_in_danger and c.in_danger == "ya":
        reasons.append("Korban dalam bahaya sekarang")
    reasons += [VIOLENCE_LABELS.get(v, v) for v in c.violence_types if v in policy.high_violence]
    if _as_child(c, policy):
        against = "terhadap anak" if c.is_child else "terhadap anak (usia korban belum pasti; dianggap anak)"
        reasons += [
            f"{VIOLENCE_LABELS.get(v, v)} {against}"
            for v in c.violence_types
            if v in policy.high_violence_against_child and v not in policy.high_violence
        ]
    reasons += [NEED_LABELS.get(n, n) for n in c.urgent_needs if n in policy.high_needs]
    return reasons


def _medium_reasons(c: Complaint, policy: TriagePolicy) -> list[str]:
    reasons: list[str] = []
    if policy.medium_when_child and _as_child(c, policy):
        reasons.append(_child_reason(c))
    already_high = set(policy.high_violence)
    if _as_child(c, policy):
        already_high |= set(policy.high_violence_against_child)
    reasons += [
        VIOLENCE_LABELS.get(v, v)
        for v in c.violence_types
        if v in policy.medium_violence and v not in already_high
    ]
    if policy.medium_when_disability and c.victim_disability == "ya":
        reasons.append("Korban penyandang disabilitas")
    if policy.medium_when_danger_unknown and c.in_danger in ("tidak_tahu", None):
        reasons.append(_danger_unknown_reason(c))
    if policy.medium_when_answer_unknown:
        reasons += [_unknown_option_reason(name, c.unknown_options[f])
                    for f, name in UNKNOWN_OPTION_NAMES.items() if c.unknown_options.get(f)]
    return reasons


def _unknown_option_reason(name: str, answers: tuple[str, ...]) -> str:
    return f"{name} tidak dikenal: '{', '.join(answers)[:_KEPT]}'; periksa dan tentukan risikonya"


def _child_reason(c: Complaint) -> str:
    if c.is_child:
        return "Korban anak (di bawah 18 tahun)"
    answer = c.unreadable.get("victim_age")
    if answer is None:
        return f"Usia korban tidak diisi; {PRESUMED_CHILD}"
    if not answer:
        return f"Kolom jawaban usia korban tidak ditemukan; {PRESUMED_CHILD}"
    return f"Usia korban tidak terbaca: '{answer[:_QUOTED]}'; {PRESUMED_CHILD}"


def _danger_unknown_reason(c: Complaint) -> str:
    unknown = "bahaya saat ini tidak diketahui"
    answer = c.unreadable.get("in_danger") if c.in_danger is None else None
    if answer is None:
        return unknown.capitalize()
    if not answer:
        return f"Kolom jawaban 'dalam bahaya' tidak ditemukan; {unknown}"
    return f"Jawaban 'dalam bahaya' tidak terbaca: '{answer[:_QUOTED]}'; {unknown}"
