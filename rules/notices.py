"""Who is told what, in which words: the cycle's events turned into messages for staff's phones.

Pure: the caller passes this cycle's events (`Happening`), what a message may say of each case
(`CaseBrief`, nothing personal by construction) and the time; this module returns `Notice`s that the
worker's outbox sends. A message holds case IDs, risk, step, deadline, what to do and a link to the
role's tab — never a name, phone number, address, age, answer or free text: the text of a case's
message is built from the `CaseBrief` fields and this module's own words only, never from an event's
detail (a ✗ in `Pesan Sistem` can quote what staff typed, so a refused decision points to it instead).

Choices, and why:
- A new DARURAT case gets its own urgent message to the Admin and the Sub Koordinator and is left out
  of the Admin's "your turn" list: one buzz per emergency, not two.
- Any message that lists a DARURAT case is urgent (sent in quiet hours too): a DARURAT case forwarded to
  the Sub Koordinator at 22:00 has a one-hour first-contact clock running.
- The role above, told of late cases: Admin → Sub Koordinator → Kepala Bidang → Kepala Dinas; the Tim
  Penjangkauan → Kepala Bidang (who leads the team day to day); the Kepala Dinas has no one above
  (`DEFAULT_ABOVE`).
- Messages grouped per role are keyed by the cycle's time to the second (`STAMP`): two cycles in the
  same minute (a short poll) must not share a key, or the outbox would drop the second as sent.
- The daily digest says nothing to a role with nothing waiting: every message should ask for an action;
  that the worker is alive is said by `worker.ping_url` and its alarms, not by an empty digest.
- The digest counts referred cases apart: they wait for the other institution, not for the role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from types import MappingProxyType

from rules.sla import CLOCK_LABELS
from rules.workflow import CLOCK_STOPPED, ROLE_LABELS, STATE_LABELS, STEP_NAMES

MAX_CHARS = 4000  # Telegram's limit is 4,096 characters
MAX_LISTED = 30  # case lines in one message; the rest are counted
MAX_DETAIL = 1500  # characters of a worker event's detail
STAMP = "%Y%m%d%H%M%S"  # the cycle's time in the keys of grouped messages
OPERATOR = "operator"
DARURAT = "DARURAT"
REVIEW_TAB = "review"  # optional key of `NoticePolicy.tab_links`: the Admin's review tab
FIRST_CONTACT_STATES = ("intake", "identification")  # rules.sla.SlaPolicy's default

DEFAULT_ABOVE: Mapping[str, str] = MappingProxyType(
    {"admin": "subkoor", "subkoor": "kabid", "tim": "kabid", "kabid": "kadis"}
)

# The worker's own events: a headline, and whether it is sent in quiet hours too.
WORKER_EVENTS: Mapping[str, tuple[str, bool]] = MappingProxyType({
    "sync_alarm": ("ALARM sapa-sync: sinkronisasi gagal berulang kali.", True),
    "register_lost": ("ALARM sapa-sync: Daftar Kasus kehilangan kasus; sistem berhenti menulis.", True),
    "channel_down": ("ALARM sapa-sync: saluran notifikasi tidak dapat mengirim pesan.", True),
    "sync_recovered": ("sapa-sync pulih: sinkronisasi berjalan lagi.", True),
    "form_structure": ("sapa-sync: susunan tab respons formulir perlu diperiksa.", False),
    "answers_removed": ("sapa-sync: jawaban hilang dari tab respons (kolom atau sel dihapus?).", False),
})
FORM_SETTLED = "Susunan tab respons sesuai konfigurasi lagi."  # a form_structure event without detail
WORKER_TAIL = "Rincian: tab Log Aktivitas dan perintah `sapa-sync status`."


@dataclass(frozen=True)
class Happening:
    """One log event of this cycle, as the rules see it (unknown codes give no notice)."""

    code: str
    subject: str  # case or review ID ("" for the worker's own events)
    role: str | None = None  # for decision_refused / deadline_*: the role key concerned
    detail: str = ""  # shown for the worker's own events only


@dataclass(frozen=True)
class CaseBrief:
    """What a message may say of a case: nothing personal."""

    case_id: str
    risk: str | None  # the label as shown: "DARURAT", "Sedang", "Rendah"
    state: str  # rules.workflow STATES key
    queue_role: str | None  # whose turn (rules.workflow.QUEUE), None when nobody's
    due: datetime | None  # naive local deadline of the current step
    waiting_since: datetime | None  # naive local time it entered its step
    late: bool = False
    nearly_late: bool = False


@dataclass(frozen=True)
class NoticePolicy:
    roles: Mapping[str, str]  # role key -> label (rules.workflow.ROLE_LABELS)
    above: Mapping[str, str]  # role -> the role told of its late cases too (DEFAULT_ABOVE)
    tab_links: Mapping[str, str]  # role key (or REVIEW_TAB) -> link or name of its tab; "" when unknown
    zone_label: str = "WIB"


@dataclass(frozen=True)
class Notice:
    key: str  # stable and unique: the same happening gives the same key; the outbox dedups by it
    audience: tuple[str, ...]  # role keys, or "operator"
    text: str  # Indonesian, at most MAX_CHARS characters
    urgent: bool  # sent during quiet hours too


def default_policy(tab_links: Mapping[str, str], zone_label: str = "WIB") -> NoticePolicy:
    return NoticePolicy(ROLE_LABELS, DEFAULT_ABOVE, tab_links, zone_label)


def in_quiet_hours(now: time, start: time | None, end: time | None) -> bool:
    """Whether `now` is in [start, end); a span such as 21:00–06:00 runs over midnight. No span: never."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def notices(
    happenings: Sequence[Happening], cases: Mapping[str, CaseBrief], policy: NoticePolicy, now: datetime
) -> list[Notice]:
    """This cycle's messages, in a stable order: emergencies, turns, deadlines, refusals, the worker, digest."""
    ctx = _Ctx(cases, policy, now)
    found = [
        *_darurat(happenings, ctx),
        *_turns(happenings, ctx),
        *_deadlines(happenings, "deadline_near", ctx),
        *_deadlines(happenings, "deadline_missed", ctx),
        *_refused(happenings, ctx),
        *_worker(happenings, ctx),
        *(_digest(ctx) if any(h.code == "daily_digest" for h in happenings) else []),
    ]
    return list({n.key: n for n in found}.values())  # one notice per key, the first kept


@dataclass(frozen=True)
class _Ctx:
    cases: Mapping[str, CaseBrief]
    policy: NoticePolicy
    now: datetime

    @property
    def stamp(self) -> str:
        return self.now.strftime(STAMP)

    def label(self, role: str) -> str:
        return self.policy.roles.get(role, role)

    def tab(self, role: str) -> str:
        """`tab Sub Koordinator: <link>`, or the label alone when the link is unknown."""
        link = self.policy.tab_links.get(role, "")
        return f"tab {self.label(role)}: {link}" if link else f"tab {self.label(role)}"

    def moment(self, when: datetime) -> str:
        """`07/12 15:00 WIB`; the year too when it is not this year's."""
        day = f"{when:%d/%m}" if when.year == self.now.year else f"{when:%d/%m/%Y}"
        return f"{day} {when:%H:%M} {self.policy.zone_label}".rstrip()

    def line(self, brief: CaseBrief, full_step: bool = False) -> str:
        """One case in a list: ID, risk, step, deadline."""
        step = (STATE_LABELS if full_step else STEP_NAMES).get(brief.state, brief.state)
        parts = [brief.case_id, brief.risk or "", step, f"batas {self.moment(brief.due)}" if brief.due else ""]
        return "- " + " · ".join(p for p in parts if p)


def _order(brief: CaseBrief) -> tuple[int, int, datetime, str]:
    """DARURAT first, then the soonest deadline, then the ID."""
    return (brief.risk != DARURAT, brief.due is None, brief.due or datetime.min, brief.case_id)


def _darurat(happenings: Sequence[Happening], ctx: _Ctx) -> list[Notice]:
    out = []
    for case_id in _subjects(happenings, "case_created"):
        brief = ctx.cases.get(case_id)
        if brief is None or brief.risk != DARURAT:
            continue
        step = STATE_LABELS.get(brief.state, brief.state)
        due = ""
        if brief.due is not None:
            what = "batas kontak pertama" if brief.state in FIRST_CONTACT_STATES else "batas"
            due = f" · {what} {ctx.moment(brief.due)}"
        text = "\n".join([
            f"DARURAT: kasus baru {case_id}",
            f"Tahap: {step}{due}",
            f"Segera: {ctx.label('admin')} teruskan ke {ctx.label('subkoor')} sekarang; "
            f"{ctx.label('subkoor')} hubungi pelapor sekarang (baca dulu kolom Catatan WhatsApp).",
            f"Buka {ctx.tab('admin')}",
            f"Lalu {ctx.tab('subkoor')}",
        ])
        out.append(Notice(f"darurat:{case_id}", ("admin", "subkoor"), _fit(text), True))
    return out


def _turns(happenings: Sequence[Happening], ctx: _Ctx) -> list[Notice]:
    """One message per role listing the cases that entered its step this cycle."""
    entered: dict[str, dict[str, CaseBrief | None]] = {}
    reviews = {h.subject for h in happenings if h.code == "to_review"}
    for h in happenings:
        role = _turn_of(h, ctx.cases.get(h.subject))
        if role is not None and h.subject:
            entered.setdefault(role, {})[h.subject] = ctx.cases.get(h.subject)
    out = []
    for role in sorted(entered):
        items = entered[role]
        briefs = sorted((b for i, b in items.items() if b is not None and i not in reviews), key=_order)
        shown = {b.case_id for b in briefs}
        lines = [ctx.line(b) for b in briefs] + [
            f"- {i} · tinjauan" if i in reviews else f"- {i}" for i in sorted(set(items) - shown)
        ]
        tail = [f"Buka {ctx.tab(role)}"]
        if reviews & set(items) and ctx.policy.tab_links.get(REVIEW_TAB):
            tail.append(f"Tinjauan: {ctx.policy.tab_links[REVIEW_TAB]}")
        head = [f"Giliran Anda ({ctx.label(role)}): {len(lines)} kasus masuk tahap Anda."]
        text = _compose(head, [("", lines)], tail)
        urgent = any(b.risk == DARURAT for b in briefs)
        out.append(Notice(f"turn:{role}:{ctx.stamp}", (role,), text, urgent))
    return out


def _turn_of(h: Happening, brief: CaseBrief | None) -> str | None:
    """Whose step the case (or review) entered with this event, if it gets a place in a turn list."""
    if h.code == "to_review":
        return "admin"
    if h.code == "case_created":  # a DARURAT case has its own message
        return None if brief is not None and brief.risk == DARURAT else "admin"
    if h.code == "transition" and brief is not None and not _stays(h.detail):
        return brief.queue_role
    return None


def _stays(detail: str) -> bool:
    """A decision that keeps the step ("Dirujuk ke lembaga lain → Dirujuk ke lembaga lain": the Konselor's
    visit to a referred case) brings it to nobody's turn; the log row's detail says "Step A → Step B"."""
    steps = [part.strip() for part in detail.split("→")]
    return len(steps) == 2 and steps[0] == steps[1]


def _deadlines(happenings: Sequence[Happening], code: str, ctx: _Ctx) -> list[Notice]:
    """Nearly late to the case's role; late also to the role above it. One message per role."""
    missed = code == "deadline_missed"
    told: dict[str, dict[str, dict[str, CaseBrief]]] = {}  # recipient -> owner role -> case ID -> brief
    for h in happenings:
        brief = ctx.cases.get(h.subject)
        if h.code != code or brief is None:
            continue
        owner = h.role or brief.queue_role
        if not owner:
            continue
        recipients = [owner] + ([ctx.policy.above[owner]] if missed and owner in ctx.policy.above else [])
        for recipient in recipients:
            told.setdefault(recipient, {}).setdefault(owner, {})[brief.case_id] = brief
    out = []
    for role in sorted(told):
        by_owner = told[role]
        owners = sorted(by_owner, key=lambda o: (o != role, o))  # the role's own step first
        sections = [(_section_title(role, owner, ctx), [ctx.line(b, full_step=True)
                     for b in sorted(by_owner[owner].values(), key=_order)]) for owner in owners]
        count = sum(len(cases) for cases in by_owner.values())
        if missed:
            head = [f"{CLOCK_LABELS['terlambat']}: {count} kasus melewati batas waktu."]
            tail = [_late_advice(role in by_owner, len(by_owner) > (role in by_owner))]
        else:
            head = [f"{CLOCK_LABELS['hampir_terlambat']}: {count} kasus mendekati batas waktu."]
            tail = ["Tangani sebelum batasnya."]
        tail.append(f"Buka {ctx.tab(role)}")
        urgent = any(b.risk == DARURAT for cases in by_owner.values() for b in cases.values())
        prefix = "late" if missed else "near"
        out.append(Notice(f"{prefix}:{role}:{ctx.stamp}", (role,), _compose(head, sections, tail), urgent))
    return out


def _late_advice(own: bool, below: bool) -> str:
    if own and below:
        return "Kasus di tahap Anda: tangani sekarang. Kasus di tahap lain: ingatkan petugasnya."
    return "Tangani sekarang." if own else "Ingatkan petugasnya untuk menanganinya sekarang."


def _section_title(role: str, owner: str, ctx: _Ctx) -> str:
    if owner == role:
        return "Di tahap Anda:"
    return f"Di tahap {ctx.label(owner)} (Anda atasannya):"


def _refused(happenings: Sequence[Happening], ctx: _Ctx) -> list[Notice]:
    out = []
    for h in happenings:
        if h.code != "decision_refused" or not h.role or not h.subject:
            continue
        text = (f"Keputusan Anda untuk {h.subject} belum diterapkan: lihat kolom Pesan Sistem, "
                f"lengkapi, dan sistem mencoba lagi.\nBuka {ctx.tab(h.role)}")
        out.append(Notice(f"refused:{h.subject}:{h.role}:{ctx.stamp}", (h.role,), _fit(text), False))
    return out


def _worker(happenings: Sequence[Happening], ctx: _Ctx) -> list[Notice]:
    """The worker's own events, to the operator: one message per kind of event in a cycle."""
    details: dict[str, list[str]] = {}
    for h in happenings:
        if h.code in WORKER_EVENTS:
            detail = h.detail.strip() or (FORM_SETTLED if h.code == "form_structure" else "")
            details.setdefault(h.code, [])
            if detail and detail not in details[h.code]:
                details[h.code].append(_clip(detail, MAX_DETAIL))
    out = []
    for code in WORKER_EVENTS:  # the table's order: alarms first
        if code not in details:
            continue
        headline, urgent = WORKER_EVENTS[code]
        text = _compose([headline], [("", [f"- {d}" for d in details[code]])], [WORKER_TAIL], unit="temuan")
        out.append(Notice(f"{code}:{ctx.stamp}", (OPERATOR,), text, urgent))
    return out


def _digest(ctx: _Ctx) -> list[Notice]:
    """Per role with a queue: how many cases wait, how many DARURAT, late, nearly late, and the oldest."""
    queues: dict[str, list[CaseBrief]] = {}
    for brief in ctx.cases.values():
        if brief.queue_role:
            queues.setdefault(brief.queue_role, []).append(brief)
    out = []
    for role in sorted(queues):
        working = [b for b in queues[role] if b.state not in CLOCK_STOPPED]
        referred = len(queues[role]) - len(working)
        lines = [f"Ringkasan harian {ctx.label(role)}, {ctx.now:%d/%m/%Y}:"]
        if working:
            lines.append(
                f"{len(working)} kasus menunggu Anda: {_count(working, lambda b: b.risk == DARURAT)} DARURAT, "
                f"{_count(working, lambda b: b.late)} terlambat, "
                f"{_count(working, lambda b: b.nearly_late and not b.late)} hampir terlambat."
            )
            dated = [b for b in working if b.waiting_since is not None]
            if dated:
                oldest = min(dated, key=lambda b: (b.waiting_since or datetime.max, b.case_id))
                assert oldest.waiting_since is not None
                lines.append(f"Menunggu paling lama: {oldest.case_id} (sejak {ctx.moment(oldest.waiting_since)}).")
        if referred:
            lines.append(f"{referred} kasus rujukan menunggu lembaga tujuan.")
        lines.append(f"Buka {ctx.tab(role)}")
        out.append(Notice(f"digest:{role}:{ctx.now:%Y%m%d}", (role,), _fit("\n".join(lines)), False))
    return out


def _count(briefs: Iterable[CaseBrief], test: Callable[[CaseBrief], bool]) -> int:
    return sum(1 for b in briefs if test(b))


def _subjects(happenings: Sequence[Happening], code: str) -> list[str]:
    return list(dict.fromkeys(h.subject for h in happenings if h.code == code and h.subject))


def _compose(
    head: list[str], sections: list[tuple[str, list[str]]], tail: list[str], unit: str = "kasus"
) -> str:
    """Head, listed lines by section, tail: at most MAX_LISTED lines listed and MAX_CHARS characters,
    the rest counted ("… dan 12 kasus lain")."""
    for budget in range(MAX_LISTED, -1, -1):
        text = "\n".join([*head, *_listed(sections, budget, unit), *tail])
        if len(text) <= MAX_CHARS:
            return text
    return _fit(text)


def _listed(sections: list[tuple[str, list[str]]], budget: int, unit: str) -> list[str]:
    out: list[str] = []
    for title, lines in sections:
        if title:
            out.append(title)
        shown = lines[: max(budget, 0)]
        budget -= len(shown)
        out.extend(shown)
        if len(lines) > len(shown):
            out.append(f"… dan {len(lines) - len(shown)} {unit} lain")
    return out


def _fit(text: str) -> str:
    return _clip(text, MAX_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
