"""From a form response to a complaint, or to the Admin's review tab with a reason.

FORM.md, "What invalid must mean here": a fixable problem never stops a complaint;
it becomes an Indonesian warning on the case. Only a response that cannot be acted
on at all goes to review, and even then it is kept, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from rules import options, values
from rules.complaint import FIELDS, VICTIM_AND_EVENT_FIELDS, Complaint
from rules.options import OptionSet
from rules.places import match_place

TIMESTAMP_TITLES = ("Timestamp", "Stempel waktu")

# Required questions of the default form, and their short Indonesian names.
REQUIRED: Mapping[str, str] = {
    "reporter_relation": "hubungan pelapor dengan korban",
    "victim_name": "nama korban",
    "victim_sex": "jenis kelamin korban",
    "kecamatan": "kecamatan",
    "violence_types": "jenis kekerasan",
    "story": "cerita kejadian",
    "in_danger": "apakah korban dalam bahaya",
}
_FREE_TEXT = ("reporter_name", "victim_name", "victim_address", "kelurahan", "story", "wa_safe_time")


@dataclass(frozen=True)
class FormSpec:
    """What the rules need to know of the office's form (built from the configuration)."""

    questions: Mapping[str, str]
    default_channel: str
    violence_types: OptionSet
    urgent_needs: OptionSet
    yes_no_unknown: OptionSet
    wa_safe: OptionSet
    victim_sex: Sequence[str]
    areas: Mapping[str, Sequence[str]]
    outside_area: str
    test_answers: Sequence[str]

    def options(self) -> dict[str, tuple[OptionSet, bool]]:
        """The questions whose answers are options the worker reasons about: field -> (options, checkboxes)."""
        return {"wa_safe": (self.wa_safe, False), "victim_disability": (self.yes_no_unknown, False),
                "violence_types": (self.violence_types, True), "in_danger": (self.yes_no_unknown, False),
                "urgent_needs": (self.urgent_needs, True)}


# Where each question's options are in the configuration, for the messages that say how to add a label.
OPTION_SETTINGS: Mapping[str, str] = {
    "wa_safe": "form.choices.wa_safe", "victim_disability": "form.choices.yes_no_unknown",
    "violence_types": "form.choices.violence_types", "in_danger": "form.choices.yes_no_unknown",
    "urgent_needs": "form.choices.urgent_needs",
}


@dataclass(frozen=True)
class Columns:
    """Where each question is in the responses tab, found by its title."""

    index: Mapping[str, int]  # field -> 0-based column
    missing: tuple[str, ...]  # fields whose question title is not in the header row
    duplicated: tuple[str, ...]  # titles found more than once (the first one is read)


def find_columns(headers: Sequence[object], questions: Mapping[str, str]) -> Columns:
    """Map each field to its column by header title; case and stray spaces do not matter."""
    positions: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        title = values.text(header)
        if title:
            positions.setdefault(values.normalize(title), []).append(i)
    index: dict[str, int] = {}
    missing: list[str] = []
    duplicated: list[str] = []
    for field in FIELDS:
        titles = [questions[field]] + (list(TIMESTAMP_TITLES) if field == "timestamp" else [])
        found = [positions[values.normalize(t)] for t in titles if values.normalize(t) in positions]
        if not found:
            missing.append(field)
            continue
        index[field] = found[0][0]
        if len(found[0]) > 1:
            duplicated.append(questions[field])
    return Columns(index, tuple(missing), tuple(duplicated))


def answers_of(row: Sequence[object], columns: Columns) -> dict[str, object]:
    """The row's answers by field (blank for a question the tab does not have)."""
    return {f: (row[i] if i < len(row) else None) for f, i in columns.index.items()}


def submitted_at(answers: Mapping[str, object], *, day_first: bool) -> datetime | None:
    """The form's timestamp; None when unreadable or implausible (before 2000, after 2100)."""
    moment = values.timestamp(answers.get("timestamp"), day_first=day_first)
    return moment if moment is not None and 2000 <= moment.year <= 2100 else None


CALL_BACK = "Hanya nomor telepon yang diisi; hubungi kembali pelapor untuk melengkapi pengaduan."


def read_complaint(
    answers: Mapping[str, object], spec: FormSpec, *, day_first: bool, unreadable: Collection[str] = ()
) -> Complaint:
    """Validate one response; every problem found becomes a warning, none is fatal.

    `unreadable`: fields whose column is missing from the responses tab. Their answers
    are unknown, not blank: never "Belum diisi", and the risk rules count them unknown.
    """
    answers = {f: answers.get(f) for f in FIELDS if f not in unreadable}
    unread = {f: "" for f in FIELDS if f in unreadable}
    warn = [f"Kolom jawaban '{spec.questions.get(f, f)}' tidak ditemukan di tab respons; jawaban tidak terbaca."
            for f in unread]
    t = {f: values.text(answers.get(f)) for f in FIELDS}

    submitted = submitted_at(answers, day_first=day_first)
    if submitted is None:
        warn.append("Stempel waktu kosong atau tidak terbaca; waktu diterima memakai waktu sistem.")
    phone, problem = values.phone(answers.get("reporter_phone"))
    if phone is not None and _nothing_about_victim(t, unreadable):
        warn.insert(0, CALL_BACK)
    _add(warn, problem)
    if t["reporter_phone"] is None and "reporter_phone" not in unreadable:
        warn.append("Nomor WhatsApp pelapor kosong; konfirmasi harus lewat saluran lain.")
    age, problem = values.age(answers.get("victim_age"))
    _add(warn, problem)
    if age is None and t["victim_age"]:
        unread["victim_age"] = t["victim_age"][:_KEPT]
    wa_safe = _choice(answers, "wa_safe", spec.wa_safe, "Aman dihubungi lewat WhatsApp", warn, unread)
    disability = _choice(answers, "victim_disability", spec.yes_no_unknown, "Disabilitas korban", warn, unread)
    in_danger = _choice(answers, "in_danger", spec.yes_no_unknown, "Korban dalam bahaya", warn, unread)
    unknown: dict[str, tuple[str, ...]] = {}
    violence = _checkboxes(answers, "violence_types", spec.violence_types, "Jenis kekerasan", warn, unknown)
    needs = _checkboxes(answers, "urgent_needs", spec.urgent_needs, "Bantuan yang dibutuhkan segera", warn, unknown)
    sex = t["victim_sex"]
    if sex and values.normalize(sex) not in {values.normalize(s) for s in spec.victim_sex}:
        warn.append(f"Jenis kelamin korban '{sex[:30]}' tidak dikenal; mohon periksa.")
    place = match_place(t["kecamatan"], t["kelurahan"], spec.areas, spec.outside_area)
    warn.extend(place.warnings)
    incident = values.calendar_date(answers.get("incident_date"), day_first=day_first)
    if t["incident_date"] and incident is None:
        warn.append(f"Tanggal kejadian '{t['incident_date'][:30]}' tidak terbaca; mohon periksa.")
    elif incident and submitted and incident > submitted.date():
        warn.append("Tanggal kejadian sesudah tanggal pengaduan; mohon periksa.")
    missing = [name for f, name in REQUIRED.items() if not t[f] and f not in unreadable]
    if missing:
        warn.append("Belum diisi: " + ", ".join(missing) + ".")
    if not t["consent"] and "consent" not in unreadable:
        warn.append("Persetujuan penggunaan data belum diberikan; tanyakan kepada pelapor.")

    return Complaint(
        submitted_at=submitted,
        channel=t["channel"] or spec.default_channel,
        reporter_name=t["reporter_name"],
        reporter_relation=t["reporter_relation"],
        reporter_phone=phone,
        reporter_phone_raw=t["reporter_phone"],
        wa_safe=wa_safe,
        wa_safe_time=t["wa_safe_time"],
        victim_name=t["victim_name"],
        victim_sex=sex,
        victim_age=age,
        victim_disability=disability,
        kecamatan=place.kecamatan,
        kelurahan=place.kelurahan,
        victim_address=t["victim_address"],
        violence_types=violence,
        incident_place=t["incident_place"],
        incident_date=incident,
        perpetrator_relation=t["perpetrator_relation"],
        story=t["story"],
        in_danger=in_danger,
        urgent_needs=needs,
        consent=bool(t["consent"]),
        warnings=values.unique(warn),
        unreadable=unread,
        unknown_options=unknown | {f: (a,) for f, a in unread.items() if a and f in spec.options()},
    )


_KEPT = 40  # characters of an unreadable answer the complaint keeps, for the reasons staff see


def _add(warnings: list[str], problem: str | None) -> None:
    if problem:
        warnings.append(problem)


def _choice(
    answers: Mapping[str, object], field: str, labels: OptionSet, name: str,
    warn: list[str], unread: dict[str, str],
) -> str | None:
    reading = options.choice(answers.get(field), labels)
    if reading.unknown:
        unknown = reading.unknown[0]
        warn.append(f"Jawaban '{name}' tidak dikenal: '{unknown[:40]}'; mohon periksa.")
        unread[field] = unknown[:_KEPT]
    return reading.keys[0] if reading.keys else None


def _checkboxes(
    answers: Mapping[str, object], field: str, labels: OptionSet, name: str, warn: list[str],
    unknown: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """The ticked keys; any other text is a warning (kept as "Lainnya" when the form has it), and
    is kept as unknown: the triage weighs it, it is never taken for nothing ticked."""
    reading = options.checkboxes(answers.get(field), labels)
    if reading.unknown:
        kept = "dicatat sebagai 'Lainnya'" if "lainnya" in reading.keys else "tidak dicatat"
        written = ", ".join(reading.unknown)[:60]
        warn.append(f"Jawaban '{name}' tidak dikenal: '{written}'; {kept}, mohon periksa.")
        unknown[field] = tuple(u[:_KEPT] for u in reading.unknown)
    return reading.keys


# --- what cannot be acted on --------------------------------------------------------

_TEST_PATTERN = re.compile(r"^(te+s+t*(ing)?|coba+( ?coba+)?|a+s+d+f*|\W+)$")


def review_reason(
    answers: Mapping[str, object], spec: FormSpec, unreadable: Collection[str] = ()
) -> str | None:
    """Why a response cannot become a case, in Indonesian; None when it can.

    The reason goes to the log tab too, so it never quotes what the reporter wrote.
    `unreadable`: fields whose column is missing, so their answer is unknown, not blank.
    """
    t = {f: None if f in unreadable else values.text(answers.get(f)) for f in FIELDS}
    if _nothing_about_victim(t, unreadable):
        return _nothing_to_act_on(t["reporter_phone"], unreadable)
    if _is_test(t, spec, unreadable):
        return "Tampaknya kiriman uji coba (isian 'test'/'coba'), bukan pengaduan."
    return None


def _nothing_about_victim(t: Mapping[str, str | None], unreadable: Collection[str]) -> bool:
    """Every answer about the victim and the event is blank, and not because its column is missing."""
    return all(t[f] is None and f not in unreadable for f in VICTIM_AND_EVENT_FIELDS)


def _nothing_to_act_on(phone: str | None, unreadable: Collection[str]) -> str | None:
    """None when there is a number to call the reporter back on: that is a case."""
    if "reporter_phone" in unreadable:
        why = "kolom nomor telepon pelapor tidak ditemukan"
    elif phone is None:
        why = "tidak ada nomor telepon pelapor"
    elif values.phone(phone)[0] is not None:
        return None
    else:
        why = "nomor telepon pelapor tidak terbaca"
    return f"Semua jawaban tentang korban dan kejadian kosong, dan {why}; tidak ada yang dapat ditindaklanjuti."


def _is_test(t: Mapping[str, str | None], spec: FormSpec, unreadable: Collection[str] = ()) -> bool:
    danger = options.choice(t["in_danger"], spec.yes_no_unknown)
    if danger.keys == ("ya",) or danger.unknown or "in_danger" in unreadable:
        return False  # a reported danger, or one that cannot be read, is never set aside
    markers = {values.normalize(m) for m in spec.test_answers}
    written = [values.normalize(t[f] or "") for f in _FREE_TEXT if t[f]]
    story = values.normalize(t["story"] or "")
    looks_test = [w in markers or bool(_TEST_PATTERN.match(w)) for w in written]
    return bool(story) and all(looks_test)


def duplicate_key(answers: Mapping[str, object]) -> tuple[str, ...]:
    """The answers without the timestamp, for spotting the same form sent twice."""
    return tuple(values.normalize(values.text(answers.get(f)) or "") for f in FIELDS[1:])


def is_resubmission(earlier: datetime | None, later: datetime | None, window_hours: float) -> bool:
    """Identical answers sent again within the window (a double click, a retry)."""
    if earlier is None or later is None:
        return True
    return abs((later - earlier).total_seconds()) <= window_hours * 3600
