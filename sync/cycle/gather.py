"""What a cycle decides from, read once: the worker tabs as records, the responses, who each one is, and
what intake adds this cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rules.case_ids import Sequence as IdSequence
from rules.duplicates import DuplicatePolicy
from rules.whatsapp import WhatsAppPolicy
from sync.cycle import form_structure
from sync.cycle.context import Context
from sync.cycle.form_structure import TabStructure
from sync.cycle.identify import identify, read_responses
from sync.cycle.intake_step import Intake, take_in
from sync.cycle.records import ReadModel, read_model
from sync.stores.store import Snapshot


@dataclass(frozen=True)
class Gathered:
    """What a cycle decides from: the worker tabs as records, the responses and who they are."""

    read: ReadModel
    structure: tuple[TabStructure, ...]
    intake: Intake
    stamp: datetime  # when this cycle did what it logs, as a date cell
    whatsapp: WhatsAppPolicy  # how a reporter's number becomes a link (the office's own numbers never do)
    duplicates: DuplicatePolicy  # which cases are probably the same (the office's own numbers link none)

    @property
    def unread_tab(self) -> bool:
        """A responses tab's answers cannot be read: a case without its response is not "missing"."""
        return any(s.lost for s in self.structure)


def gather(snapshot: Snapshot, ctx: Context, now: datetime) -> Gathered:
    """Read the snapshot once: the worker tabs as records, the responses, who each one is, what intake adds."""
    read = read_model(snapshot.tabs, ctx)
    responses = read_responses(snapshot.response_tabs, ctx, snapshot.time_zone)
    structure = tuple(form_structure.read_structure(snapshot.response_tabs, ctx))
    known = {i: r.fingerprint or "" for i, r in read.register.items()}
    known |= {i: r.fingerprint or "" for i, r in read.review.items()}
    ids = identify(responses, known, ctx)
    seen = [*read.seen_ids(), *(r.marker for r in responses)]
    intake = take_in(ids, read.review, IdSequence(ctx.case_ids, seen), IdSequence(ctx.review_ids, seen), ctx, now)
    office_phones = ctx.settings.office.phones()  # typed on hotline calls: nobody's WhatsApp, no duplicate link
    whatsapp = ctx.settings.whatsapp.policy(ctx.settings.office.service_name, office_phones)
    return Gathered(read, structure, intake, now.replace(second=0, microsecond=0), whatsapp,
                    ctx.settings.duplicates.policy(office_phones))
