"""The case register is the memory of every case: a register that lost cases is never rebuilt.

The register tab holds what no response says: a case's step and step dates, the decisions already
applied (so that a decision left in a role tab is not applied twice), the referral, the Konselor's
visits. A register deleted or cleared (nothing protects it on the local workbook; the owner of a Google
spreadsheet can clear it) would otherwise be rebuilt from the responses as new cases: a closed DARURAT
case back in the Admin's queue, a referred one at the Kepala Dinas, the role tabs' old decisions applied
again. So a cycle whose register lacks a case the worker knows stops before planning, writes nothing,
and says how to restore the register.

Known cases, each written by the worker in the same write as the case's register row:
- a case ID in the responses' marker column;
- a case ID in a role tab that the log tab names (a case the worker created; an ID mistyped in a role
  tab is no case).

Not evidence of a loss: the log alone (after a year's retention period the office removes that year's
responses and rows and keeps the log), review IDs (the Admin's review tab is another tab), and a new
office (no register and nothing known yet).
"""

from __future__ import annotations

from rules.errors import RegisterLost
from sync.cycle.context import Context
from sync.cycle.records import column_texts
from sync.cycle.tabs import CASE_ID, L, R
from sync.stores.store import Snapshot

SHOWN = 5  # case IDs a message names


def lost_cases(snapshot: Snapshot, ctx: Context) -> list[str]:
    """The case IDs the worker knows that the register lacks, sorted (from the tabs `snapshot` holds)."""
    listed = set(column_texts(snapshot.tabs.get(ctx.tabs.register.name), R.ID))
    known = {m for t in snapshot.response_tabs for m in column_texts(t, ctx.marker_header) if ctx.case_ids.parse(m)}
    missing = known - listed
    role_ids = {i for layout in ctx.tabs.roles.values() for i in column_texts(snapshot.tabs.get(layout.name), CASE_ID)}
    role_ids -= listed | missing
    if role_ids:
        logged = set(column_texts(snapshot.tabs.get(ctx.tabs.log.name), L.ID))
        missing |= {i for i in role_ids & logged if ctx.case_ids.parse(i)}
    return sorted(missing)


def require_register(snapshot: Snapshot, ctx: Context) -> None:
    """Stop the cycle (RegisterLost) when the register lacks cases the worker knows."""
    lost = lost_cases(snapshot, ctx)
    if lost:
        raise RegisterLost(operator_message(lost, ctx), staff_message(lost, ctx))


def operator_message(lost: list[str], ctx: Context) -> str:
    """For the program log and standard error (English): what happened, what was not done, what to do."""
    name = ctx.tabs.register.name
    return (
        f"the case register tab '{name}' lacks {len(lost)} known cases ({_shown(lost, ' and ', 'more')}); "
        f"nothing was written. Restore '{name}' from the workbook's backup copy, or on Google from File > Version "
        "history: no cycle writes until then. The tab was deleted or cleared, or rows of it were deleted, while "
        "those cases' IDs are still in the form responses' marker column or in role tabs; rebuilt from their "
        "responses, the cases would lose their steps, step dates, applied decisions and visits. If the cases were "
        "removed on purpose (retention), remove their response rows and role-tab rows too; if the tab was "
        "renamed, name it back or set tabs.case_register. Only if no backup holds them: `once "
        "--rebuild-lost-cases` rebuilds them from their responses, at the Admin's intake."
    )


def staff_message(lost: list[str], ctx: Context) -> str:
    """For the log tab and `status` (Indonesian): what happened and how to restore the register."""
    name = ctx.tabs.register.name
    return (
        f"Tab '{name}' kehilangan {len(lost)} kasus yang sudah tercatat ({_shown(lost, ' dan ', 'lainnya')}): "
        "tab itu dihapus atau dikosongkan, atau barisnya dihapus. Sistem berhenti menulis agar tahap, tanggal, "
        f"keputusan, dan riwayat kunjungan kasus tidak hilang. Pulihkan tab '{name}' dari cadangan buku kerja, "
        "atau di Google dari File → Histori versi; sistem berjalan lagi pada siklus berikutnya. Bila kasus itu "
        "sengaja dihapus (masa retensi), hapus juga baris responsnya dan barisnya di tab peran."
    )


def _shown(ids: list[str], joiner: str, more: str) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + (f"{joiner}{len(ids) - SHOWN} {more}" if len(ids) > SHOWN else "")
