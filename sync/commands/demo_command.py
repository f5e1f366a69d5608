"""`python -m sync demo`: a sample workbook (demo.py), a first cycle and a month of staff work (demo_walk.py).

Built in a hidden folder and moved in only when finished: a demo that stops changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from config.settings import Settings
from rules.errors import InputError, SapaError
from sync.commands import demo, demo_walk
from sync.commands.compose import context, now, open_writer
from sync.commands.status import render, status, tabs_read
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import R
from sync.stores.local_store import LocalStore
from sync.stores.store import Store
from sync.stores.text import cell_text


def run(settings: Settings, folder: Path, *, force: bool = False, clock: Callable[[], datetime] = now) -> str:
    """Make the demo in `folder` (an earlier one is replaced only with `force`); what to print."""
    workbook = folder / demo.WORKBOOK
    letters = demo.letters_folder(folder, settings)
    demo.check_replaceable(workbook, letters, force=force)  # before anything is written
    with demo.staging(folder) as stage:
        try:
            report, walked = build(stage / workbook.name, settings, clock())
        except SapaError as err:  # its message speaks of the unfinished copy, which is thrown away
            stopped = InputError if isinstance(err, InputError) else SapaError
            raise stopped(f"the demo stopped before it was finished and changed nothing in {folder}: {err}") from None
        demo.install(stage, workbook, letters)
    tabs = settings.tabs
    lines = [render(report),
             "\nIkuti kasus contoh di tab-tab peran (Admin, Sub Koordinator, Kepala Bidang, Kepala Dinas, Tim, "
             "Konselor):"]
    lines += [f"  - {case_id}: {path}" for path, case_id in walked.cases.items()]
    lines.append(f"\nKasus yang dipantau Konselor (tab '{tabs.konselor}'):")
    lines += [f"  - {case_id}: {shown}"
              for case_id, shown in demo_walk.monitored(LocalStore(workbook), context(settings), clock())]
    lines.append(
        f"\nBuka {workbook} (LibreOffice/Excel) dan lihat tab:\n"
        f"  - '{tabs.intake}': kasus baru untuk Admin, dengan catatan validasi\n"
        f"  - '{tabs.subkoor}', '{tabs.kabid}', '{tabs.kadis}', '{tabs.tim}': antrean dan keputusan tiap peran\n"
        f"  - '{tabs.konselor}': jadwal dan catatan kunjungan pemantauan\n"
        f"  - '{tabs.review}': respons yang perlu ditinjau Admin (isi 'Tindakan Admin')\n"
        f"  - '{tabs.case_register}': daftar semua kasus\n"
        f"  - '{settings.letters.register_tab}': agenda surat keluar; draf surat di folder {letters}\n"
        f"  - '{tabs.log}': catatan setiap tindakan sistem\n"
        f"  - 'Respons Formulir 1': kolom '{tabs.response_marker_column}' di ujung kanan\n"
        f"Lalu jalankan lagi: python -m sync --workbook {workbook} once"
    )
    return "\n".join(lines)


def build(workbook: Path, settings: Settings, finish: datetime) -> tuple[dict[str, Any], demo_walk.Walk]:
    """The sample responses, a first cycle and the staff walk, in `workbook`; its status at the end."""
    ctx = context(settings)
    # a month of the office: the responses came in over two days, staff worked them since (and the
    # Konselor has follow-ups due, one of them late)
    local_start = ctx.local_time(finish) - timedelta(days=30)
    rows = demo.sample_rows(start=local_start.replace(second=0, microsecond=0))
    worked, fresh = demo.split_fresh(rows, ctx.local_time(finish).replace(second=0, microsecond=0))
    demo.write_responses(workbook, worked, settings)
    last = max(r["timestamp"] for r in worked if isinstance(r["timestamp"], datetime))
    first_cycle = (last + timedelta(minutes=15)).replace(tzinfo=ctx.zone)
    store = LocalStore(workbook)
    writer = open_writer(settings, workbook)
    run_cycle(store, ctx, first_cycle, writer)
    risks = {str(k): v for k, v in register_risks(store, ctx).items()}
    rounds = max(len(p) for p in demo_walk.PATHS.values())
    worked_until = finish - demo.FRESH_SPAN - timedelta(minutes=15)
    walked = demo_walk.walk(store, ctx, first_cycle, (worked_until - first_cycle) / rounds,
                            demo_walk.choose_cases(risks), writer)
    demo.append_responses(store, fresh, settings)
    run_cycle(store, ctx, finish, writer)
    return status(store.read(tabs_read(ctx)), ctx, ctx.local_time(finish)), walked


def register_risks(store: Store, ctx: Context) -> dict[str, str | None]:
    """Each case's risk, as the case register shows it."""
    table = store.read([ctx.tabs.register.name]).tabs[ctx.tabs.register.name]
    return {str(table.get(r, R.ID)): cell_text(table.get(r, R.RISK)) for r in table.rows}
