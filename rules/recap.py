"""The monthly recap in SIMFONI-PPA's categories: counts per month of one year, and the year.

Every case is counted in the month it was received (WIB). A single-valued category counts
each case exactly once, so its rows sum to the month's cases: a blank or unreadable answer
is "Tidak diketahui", an answer the office's mapping does not know is "Lainnya" (and named
in a warning, so that the office maps it once in the configuration). Jenis kekerasan is
the one category where a case counts once in each type ticked. Review rows are counted
apart: they are not cases. Pure: the caller passes the cases, the mapping and `as_of`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from rules.complaint import Complaint
from rules.sla import SlaPolicy
from rules.values import normalize

UNKNOWN = "Tidak diketahui"
OTHER = "Lainnya"

# SIMFONI-PPA's values (DOMAIN.md), as its dashboard names them.
VIOLENCE = ("Fisik", "Psikis", "Seksual", "Eksploitasi", "Trafficking (TPPO)", "Penelantaran", OTHER)
PLACES = ("Rumah Tangga", "Tempat Kerja", "Sekolah", "Fasilitas Umum", "Lembaga Pendidikan Kilat", OTHER)
RELATIONS = ("Orang Tua", "Keluarga/Saudara", "Suami/Istri", "Pacar/Teman", "Tetangga", "Guru", "Majikan",
             "Rekan Kerja", OTHER)
AGE_GROUPS: tuple[tuple[int, str], ...] = (  # (lowest age, label)
    (0, "0-5"), (6, "6-12"), (13, "13-17"), (18, "18-24"), (25, "25-44"), (45, "45-59"), (60, "60+"),
)
CHILD, ADULT = "Anak", "Dewasa"
DISABILITY = {"ya": "Ya", "tidak": "Tidak"}
HANDLED, REFERRED, REJECTED, ONGOING, HISTORY = (
    "Ditangani Dinas", "Dirujuk", "Ditolak", "Masih berjalan", "Riwayat (sebelum sistem)",
)
OUTCOMES = (HANDLED, REFERRED, REJECTED, ONGOING, HISTORY)
MULTIPLE_NOTE = "Satu kasus dengan beberapa jenis kekerasan dihitung sekali pada setiap jenisnya."


@dataclass(frozen=True)
class CaseFacts:
    """What the recap needs of one case: categorical answers and service times, no personal data.

    Times are naive WIB. Answers are as the form gave them (checkbox types as their stable
    keys, disability as "ya"/"tidak"/"tidak_tahu"); None is blank or unreadable. `destination`
    is the referral destination when the case was ever referred; `completed` when the office's
    service ended (closed, or handed on by referral); `first_contact_met` whether the first
    contact kept the risk's deadline (None: not contacted yet, or no deadline applies).
    """

    received: datetime
    state: str
    violence: tuple[str, ...] = ()
    violence_unknown: tuple[str, ...] = ()  # ticked labels that name no option of the form (counted "Lainnya")
    place: str | None = None
    age: int | None = None
    sex: str | None = None
    disability: str | None = None
    relation: str | None = None
    kecamatan: str | None = None
    channel: str | None = None
    destination: str | None = None
    first_contact: datetime | None = None
    completed: datetime | None = None
    first_contact_met: bool | None = None


def facts_of(
    complaint: Complaint | None,
    received: datetime,
    state: str,
    *,
    destination: str | None = None,
    first_contact: datetime | None = None,
    completed: datetime | None = None,
    risk: str | None = None,
    policy: SlaPolicy | None = None,
) -> CaseFacts:
    """A case's facts from its validated answers (None: its response is gone) and its register."""
    met = None
    if first_contact is not None and state != "history":
        spans = (policy or SlaPolicy()).first_contact
        met = first_contact - received <= spans.get(risk or "", min(spans.values()))
    facts = CaseFacts(received, state, destination=destination, first_contact=first_contact,
                      completed=completed, first_contact_met=met)
    if complaint is None:
        return facts
    return replace(
        facts, violence=complaint.violence_types, violence_unknown=complaint.unknown_options.get("violence_types", ()),
        place=complaint.incident_place, age=complaint.victim_age,
        sex=complaint.victim_sex, disability=complaint.victim_disability,
        relation=complaint.perpetrator_relation, kecamatan=complaint.kecamatan, channel=complaint.channel,
    )


@dataclass(frozen=True)
class RecapMapping:
    """How the office's form answers map to SIMFONI-PPA's values (from the configuration).

    `violence`: complaint key -> SIMFONI label; `places`, `relations`: the form's answer ->
    SIMFONI label; the other lists are the values the recap shows, in order.
    """

    violence: Mapping[str, str]
    places: Mapping[str, str]
    relations: Mapping[str, str]
    sexes: tuple[str, ...] = ("Perempuan", "Laki-laki")
    kecamatan: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    lembaga: tuple[str, ...] = ()
    channel_aliases: Mapping[str, str] = field(default_factory=dict)  # another wording -> a channel


@dataclass(frozen=True)
class Category:
    """One block of the recap: its stable key (the export's), its Indonesian title, its rows."""

    key: str
    title: str
    values: tuple[str, ...]
    multiple: bool = False  # a case may count in several values
    note: str = ""


def categories(mapping: RecapMapping) -> tuple[Category, ...]:
    """The recap's blocks in the order of the tab; single-valued ones end with "Tidak diketahui"."""
    def single(key: str, title: str, values: Iterable[str], note: str = "") -> Category:
        return Category(key, title, (*dict.fromkeys(values), UNKNOWN), note=note)
    return (
        Category("jenis_kekerasan", "Jenis kekerasan", (*VIOLENCE, UNKNOWN), multiple=True, note=MULTIPLE_NOTE),
        single("tempat_kejadian", "Tempat kejadian", PLACES),
        single("usia_korban", "Usia korban (tahun)", (label for _, label in AGE_GROUPS)),
        single("jenis_kelamin", "Jenis kelamin korban", mapping.sexes),
        single("anak_dewasa", "Anak / dewasa", (CHILD, ADULT), "Anak: di bawah 18 tahun (UU 35/2014)."),
        single("disabilitas", "Korban penyandang disabilitas", DISABILITY.values()),
        single("hubungan_pelaku", "Hubungan pelaku dengan korban", RELATIONS),
        single("kecamatan", "Kecamatan tempat tinggal korban", mapping.kecamatan),
        single("saluran", "Saluran pengaduan", (*mapping.channels, OTHER)),
        Category("hasil", "Hasil penanganan", OUTCOMES),
        Category("lembaga_rujukan", "Lembaga tujuan rujukan (kasus dirujuk)", (*mapping.lembaga, OTHER),
                 note="Hanya kasus yang dirujuk; jumlahnya sama dengan baris 'Dirujuk'."),
    )


@dataclass(frozen=True)
class Unmapped:
    """A form answer the mapping does not know: counted as "Lainnya" until the office maps it."""

    category: str  # the Category's key
    answer: str


def classify(case: CaseFacts, mapping: RecapMapping) -> tuple[dict[str, tuple[str, ...]], tuple[Unmapped, ...]]:
    """The values a case counts in, by category key, and its answers that no mapping knows."""
    unmapped: list[Unmapped] = []

    def mapped(key: str, answer: str | None, table: Mapping[str, str], known: Sequence[str]) -> str:
        if answer is None or not answer.strip():
            return UNKNOWN
        found = _lookup(table, known).get(normalize(answer))
        if found is None:
            unmapped.append(Unmapped(key, answer.strip()[:40]))
            return OTHER
        return found

    unmapped += [Unmapped("jenis_kekerasan", label.strip()[:40]) for label in case.violence_unknown]
    ticked = [mapping.violence.get(k, OTHER) for k in case.violence] + ([OTHER] if case.violence_unknown else [])
    violence = tuple(dict.fromkeys(ticked)) or (UNKNOWN,)
    outcome = _outcome(case)
    found = {
        "jenis_kekerasan": violence,
        "tempat_kejadian": (mapped("tempat_kejadian", case.place, mapping.places, PLACES),),
        "usia_korban": (_age_group(case.age),),
        "jenis_kelamin": (_known(case.sex, mapping.sexes) or UNKNOWN,),
        "anak_dewasa": (UNKNOWN if case.age is None else CHILD if case.age < 18 else ADULT,),
        "disabilitas": (DISABILITY.get(case.disability or "", UNKNOWN),),
        "hubungan_pelaku": (mapped("hubungan_pelaku", case.relation, mapping.relations, RELATIONS),),
        "kecamatan": (_known(case.kecamatan, mapping.kecamatan) or UNKNOWN,),
        "saluran": (mapped("saluran", case.channel, mapping.channel_aliases, mapping.channels),),
        "hasil": (outcome,),
        "lembaga_rujukan": (_known(case.destination, mapping.lembaga) or OTHER,) if outcome == REFERRED else (),
    }
    return found, tuple(unmapped)


def _lookup(table: Mapping[str, str], known: Sequence[str]) -> dict[str, str]:
    """The office's mapping wins over a value's own name."""
    return {normalize(k): k for k in known} | {normalize(k): v for k, v in table.items()}


def _known(answer: str | None, values: Sequence[str]) -> str | None:
    if answer is None:
        return None
    wanted = normalize(answer)
    return next((v for v in values if normalize(v) == wanted), None)


def _age_group(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    return [label for low, label in AGE_GROUPS if age >= low][-1]


def _outcome(case: CaseFacts) -> str:
    if case.state == "rejected":
        return REJECTED
    if case.state == "history":
        return HISTORY
    if case.destination and case.state in ("referred", "closed"):
        return REFERRED
    if case.state == "closed":
        return HANDLED
    return ONGOING


# --- the service figures ---------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """The office's promises kept, over the cases of a month (or the year).

    Hours are medians, one decimal; None when no case has the time yet. The 2-day promise
    is met by a case completed within it; it is missed by one completed later, or still
    open past it at `as_of`. Rejected and historical cases are outside the promise.
    """

    median_first_contact_hours: float | None = None
    median_completion_hours: float | None = None
    completed: int = 0
    promise_met: int = 0
    promise_missed: int = 0
    first_contact_met: int = 0
    first_contact_missed: int = 0


def service(cases: Sequence[CaseFacts], promise: timedelta, as_of: datetime) -> Service:
    contact = [_hours(c.first_contact - c.received) for c in cases if c.first_contact is not None]
    done = [c for c in cases if c.completed is not None and c.state not in ("rejected", "history")]
    met = sum(1 for c in done if c.completed is not None and c.completed - c.received <= promise)
    open_late = sum(1 for c in cases if c.completed is None and c.state not in _OUTSIDE_PROMISE
                    and as_of - c.received > promise)
    return Service(
        median_first_contact_hours=_median(contact),
        median_completion_hours=_median([_hours(c.completed - c.received) for c in done if c.completed]),
        completed=len(done),
        promise_met=met,
        promise_missed=len(done) - met + open_late,
        first_contact_met=sum(1 for c in cases if c.first_contact_met is True),
        first_contact_missed=sum(1 for c in cases if c.first_contact_met is False),
    )


_OUTSIDE_PROMISE = ("rejected", "history", "closed", "referred")


def _hours(span: timedelta) -> float:
    return max(span.total_seconds(), 0.0) / 3600


def _median(hours: Sequence[float]) -> float | None:
    return round(statistics.median(hours), 1) if hours else None


# --- the recap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One column of the recap: a month ("2026-11") or the year ("2026")."""

    period: str
    cases: int
    review: int
    by: Mapping[str, Mapping[str, int]]  # category key -> value -> count (every value, zeros too)
    service: Service


@dataclass(frozen=True)
class Recap:
    year: int
    categories: tuple[Category, ...]
    months: tuple[Figures, ...]  # January to December
    total: Figures
    warnings: tuple[str, ...] = field(default=())

    def month(self, number: int) -> Figures:
        return self.months[number - 1]


def recap(
    cases: Iterable[CaseFacts],
    reviews: Iterable[datetime],
    year: int,
    mapping: RecapMapping,
    promise: timedelta,
    as_of: datetime,
) -> Recap:
    """The recap of `year`: each case in the month it was received, review rows counted apart."""
    blocks = categories(mapping)
    by_month: dict[int, list[CaseFacts]] = {m: [] for m in range(1, 13)}
    for case in cases:
        if case.received.year == year:
            by_month[case.received.month].append(case)
    review_months = Counter(moment.month for moment in reviews if moment.year == year)
    unmapped: Counter[Unmapped] = Counter()
    months = []
    for month, members in by_month.items():
        figures, missed = _figures(f"{year}-{month:02d}", members, review_months[month], blocks, mapping,
                                   promise, as_of)
        months.append(figures)
        unmapped.update(missed)
    everyone = [c for members in by_month.values() for c in members]
    total, _ = _figures(str(year), everyone, sum(review_months.values()), blocks, mapping, promise, as_of)
    return Recap(year, blocks, tuple(months), total, unmapped_warnings(unmapped, blocks))


def _figures(
    period: str, cases: Sequence[CaseFacts], review: int, blocks: Sequence[Category], mapping: RecapMapping,
    promise: timedelta, as_of: datetime,
) -> tuple[Figures, Counter[Unmapped]]:
    counts: dict[str, Counter[str]] = {b.key: Counter() for b in blocks}
    unmapped: Counter[Unmapped] = Counter()
    for case in cases:
        found, missed = classify(case, mapping)
        for key, values in found.items():
            counts[key].update(values)
        unmapped.update(missed)
    by = {b.key: {value: counts[b.key][value] for value in b.values} for b in blocks}
    return Figures(period, len(cases), review, by, service(cases, promise, as_of)), unmapped


def unmapped_warnings(unmapped: Mapping[Unmapped, int], blocks: Sequence[Category]) -> tuple[str, ...]:
    """One Indonesian warning per category with answers no mapping knows, naming them."""
    titles = {b.key: b.title for b in blocks}
    grouped: dict[str, list[str]] = {}
    for item, count in sorted(unmapped.items(), key=lambda kv: (kv[0].category, kv[0].answer)):
        grouped.setdefault(item.category, []).append(f"'{item.answer}' ({count} kasus)")
    return tuple(
        f"Rekap: jenis kekerasan yang bukan pilihan formulir dihitung sebagai '{OTHER}': {', '.join(answers)}. "
        "Bila itu pilihan formulir yang diubah, tambahkan labelnya pada pilihan yang dimaksud di konfigurasi "
        "form.choices.violence_types (mis. seksual: [Seksual, Kekerasan seksual])."
        if key == "jenis_kekerasan" else
        f"Rekap: jawaban '{titles[key]}' belum dipetakan ke kategori SIMFONI-PPA dan dihitung sebagai "
        f"'{OTHER}': {', '.join(answers)}. Petakan di konfigurasi ({_SETTING[key]})."
        for key, answers in grouped.items()
    )


_SETTING = {"tempat_kejadian": "recap.incident_place", "hubungan_pelaku": "recap.perpetrator_relation",
            "saluran": "recap.channels atau form.choices.channels"}
