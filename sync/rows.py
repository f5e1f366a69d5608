"""What each tab's row of a case (or of a review) should show."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from rules import values
from rules.complaint import Complaint
from sync.context import Context, show_time
from sync.identify import Response
from sync.store import Value
from sync.tabs import I, Layout, R, Tabs, V
from sync.text import cell_text

PENDING = "Menunggu tinjauan Admin"
DISMISSED = "Diabaikan oleh Admin"
RELEASED_PREFIX = "Dirilis menjadi "
CANNOT_RELEASE = "Tidak dapat dirilis: respons asli tidak ditemukan di tab respons"
RESPONSE_MISSING = (
    "Respons asli tidak ditemukan di tab respons (baris dihapus?). "
    "Data kasus tidak diperbarui; kembalikan baris respons bila memungkinkan."
)
INTAKE_LABEL = "Penerimaan (Admin)"


def new_register(stamp: str | None, source: str) -> dict[str, object]:
    return {R.STATE: INTAKE_LABEL, R.CREATED: stamp, R.SOURCE: source}


@dataclass
class Desired:
    register: dict[str, dict[str, Value]] = field(default_factory=dict)
    intake: dict[str, dict[str, Value]] = field(default_factory=dict)
    review: dict[str, dict[str, Value]] = field(default_factory=dict)

    def by_layout(self, tabs: Tabs) -> Iterator[tuple[Layout, dict[str, dict[str, Value]]]]:
        yield tabs.intake, self.intake
        yield tabs.review, self.review
        yield tabs.register, self.register

    def add_case(
        self,
        case_id: str,
        record: Mapping[str, object],
        response: Response | None,
        complaint: Complaint | None,
        ctx: Context,
    ) -> None:
        limit = ctx.settings.intake.max_cell_chars
        state = _v(record.get(R.STATE)) or INTAKE_LABEL
        edited = _v(record.get(R.EDITED))
        self.register[case_id] = {
            R.ID: case_id,
            R.RECEIVED: show_time(complaint.submitted_at) if complaint else _v(record.get(R.RECEIVED)),
            R.CHANNEL: complaint.channel if complaint else _v(record.get(R.CHANNEL)),
            R.STATE: state,
            R.WARNINGS: str(len(complaint.warnings)) if complaint else _v(record.get(R.WARNINGS)),
            R.EDITED: edited,
            R.SOURCE: _v(record.get(R.SOURCE)),
            R.CREATED: _v(record.get(R.CREATED)),
            R.FINGERPRINT: _v(record.get(R.FINGERPRINT)),
            R.NOTE: _v(record.get(R.NOTE)),
        }
        if complaint is None or response is None:
            self.intake[case_id] = {I.ID: case_id, I.STATE: state}
            return
        raw = {k: values.text(v) for k, v in response.answers.items()}
        self.intake[case_id] = {
            I.ID: case_id,
            I.RECEIVED: show_time(complaint.submitted_at),
            I.CHANNEL: complaint.channel,
            I.STATE: state,
            I.REPORTER: complaint.reporter_name or "Anonim",
            I.RELATION: complaint.reporter_relation,
            I.PHONE: complaint.reporter_phone or complaint.reporter_phone_raw,
            I.WA_SAFE: " — ".join(v for v in (raw.get("wa_safe"), complaint.wa_safe_time) if v) or None,
            I.VICTIM: complaint.victim_name,
            I.SEX: complaint.victim_sex,
            I.AGE: str(complaint.victim_age) if complaint.victim_age is not None else raw.get("victim_age"),
            I.DISABILITY: raw.get("victim_disability"),
            I.KECAMATAN: complaint.kecamatan or raw.get("kecamatan"),
            I.KELURAHAN: complaint.kelurahan or raw.get("kelurahan"),
            I.ADDRESS: complaint.victim_address,
            I.VIOLENCE: raw.get("violence_types"),
            I.PLACE: complaint.incident_place,
            I.DATE: complaint.incident_date.isoformat()
            if complaint.incident_date else raw.get("incident_date"),
            I.PERPETRATOR: complaint.perpetrator_relation,
            I.DANGER: raw.get("in_danger"),
            I.NEEDS: raw.get("urgent_needs"),
            I.STORY: complaint.story,
            I.CONSENT: "Ya" if complaint.consent else "Belum",
            I.WARNINGS: "\n".join(f"• {w}" for w in complaint.warnings) or None,
            I.EDITED: edited,
        }
        self.intake[case_id] = {k: _cut(v, limit) for k, v in self.intake[case_id].items()}

    def add_review(
        self, review_id: str, record: Mapping[str, object], response: Response | None, ctx: Context
    ) -> None:
        row: dict[str, Value] = {
            V.ID: review_id,
            V.RECEIVED: show_time(response.submitted) if response else _v(record.get(V.RECEIVED)),
            V.REASON: _v(record.get(V.REASON)),
            V.SUMMARY: summary(response, ctx) if response else _v(record.get(V.SUMMARY)),
            V.STATUS: _v(record.get(V.STATUS)) or PENDING,
            V.FINGERPRINT: response.fingerprint if response else _v(record.get(V.FINGERPRINT)),
        }
        self.review[review_id] = row


def summary(response: Response, ctx: Context) -> str | None:
    """The non-blank answers, "Question: answer" per line, cut to a readable length."""
    lines = []
    for field_name, value in response.answers.items():
        if field_name == "timestamp":
            continue
        text = values.text(value)
        if text:
            lines.append(f"{ctx.spec.questions[field_name]}: {text[:300]}")
    return cell_text("\n".join(lines), limit=2000) if lines else None


def _v(value: object) -> str | None:
    return cell_text(value)


def _cut(value: Value, limit: int) -> Value:
    return cell_text(value, limit=limit) if isinstance(value, str) else value
