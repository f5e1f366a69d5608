"""Benchmark: how soon a DARURAT complaint reaches the duty phone, and how many messages a day staff get.

On a local workbook holding the demo office (40 responses, then the demo's staff walk: decisions over
`--days` days, a cycle every 8 hours), with every role and the operator as recipients of a channel that
only counts. Prints:
- the time from a response's arrival to its message: the wait for the next poll (0 .. poll interval,
  `poll_interval_seconds`) plus the cycle that takes it in and sends (measured, best of `--repeat`);
- the messages the office's recipients get per day, by kind, over the walk (a day's digest included).
Not a test: `python benchmarks/bench_notify.py [--json]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Counting:
    """A channel that counts what it is given (the text's first line says its kind)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def send(self, address: str, text: str, subject: str) -> object:
        from sync.notify.channels import Delivery

        self.texts.append(text)
        return Delivery(True)


def bench(days: int, repeat: int, folder: Path) -> dict[str, object]:
    from config.notify import RECIPIENT_ROLES
    from config.settings import Settings
    from sync.commands import demo, demo_walk
    from sync.commands.selftest.office import response_row
    from sync.cycle.context import Context
    from sync.cycle.run import run_cycle
    from sync.notify.sender import Sender
    from sync.stores.local_store import LocalStore

    settings = Settings.model_validate({"notify": {
        "recipients": {role: [f"telegram:{i}"] for i, role in enumerate(RECIPIENT_ROLES, start=1)}}})
    ctx = Context.from_settings(settings)
    path = folder / "office.xlsx"
    rows = demo.sample_rows()
    demo.write_responses(path, rows, settings)
    channel = Counting()
    sender = Sender({"telegram": channel}, settings.notify)
    last = max(r["timestamp"] for r in rows if isinstance(r["timestamp"], datetime))
    start = (last + timedelta(minutes=15)).replace(tzinfo=ctx.zone)
    run_cycle(LocalStore(path), ctx, start, sender=sender)
    taken_in = len(channel.texts)
    register = LocalStore(path).read([ctx.tabs.register.name]).tabs[ctx.tabs.register.name]
    risks = {str(register.get(r, "ID Kasus")): register.get(r, "Risiko") for r in register.rows}
    walked = demo_walk.walk(LocalStore(path), ctx, start, timedelta(hours=8), demo_walk.choose_cases(risks),
                            sender=sender)  # type: ignore[arg-type]
    end = start + timedelta(hours=8) * walked.cycles
    for hour in range(8, days * 24, 8):  # the rest of the days: nothing typed, cycles every 8 hours
        if start + timedelta(hours=hour) > end:
            run_cycle(LocalStore(path), ctx, start + timedelta(hours=hour), sender=sender)
    span_days = max(days, (end - start).total_seconds() / 86400)
    kinds = Counter(" ".join(text.split()[:2]).rstrip(":,") for text in channel.texts[taken_in:])

    arrival: list[float] = []
    for i in range(repeat):  # a DARURAT complaint arrives: the cycle that takes it in, and sends
        copy = folder / f"arrival{i}.xlsx"
        shutil.copy(path, copy)
        from openpyxl import load_workbook

        book = load_workbook(copy)
        sheet = book["Respons Formulir 1"]
        answers = response_row(timestamp=(end + timedelta(minutes=1)).astimezone(ctx.zone).replace(tzinfo=None),
                                in_danger="Ya", victim_age="9", violence_types="Seksual")
        headers = [c.value for c in sheet[1]]
        questions = settings.form.questions
        sheet.append([answers.get(next((k for k, t in questions.items() if t == h), ""), None) for h in headers])
        book.save(copy)
        before = len(channel.texts)
        started = time.perf_counter()
        run_cycle(LocalStore(copy), ctx, end + timedelta(minutes=2), sender=sender)
        arrival.append(time.perf_counter() - started)
        assert any("DARURAT" in t for t in channel.texts[before:]), "the DARURAT message was not sent"
    poll = settings.poll_interval_seconds
    cycle = min(arrival)
    return {
        "poll_interval_s": poll,
        "cycle_with_send_s": round(cycle, 2),
        "arrival_to_message_mean_s": round(poll / 2 + cycle, 1),
        "arrival_to_message_worst_s": round(poll + cycle, 1),
        "messages_at_intake_of_40": taken_in,
        "days": round(span_days, 1),
        "messages_per_day": round((len(channel.texts) - taken_in) / span_days, 1),
        "by_kind": dict(kinds.most_common()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = bench(args.days, args.repeat, Path(folder))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"poll every {result['poll_interval_s']} s; the cycle that takes a DARURAT complaint in and sends: "
          f"{result['cycle_with_send_s']} s (best of {args.repeat})")
    print(f"  arrival -> message: mean {result['arrival_to_message_mean_s']} s, worst "
          f"{result['arrival_to_message_worst_s']} s")
    print(f"  messages when the 40 demo responses are taken in: {result['messages_at_intake_of_40']}")
    print(f"  then {result['messages_per_day']} messages a day over {result['days']} days of the demo's walk, "
          f"all recipients together:")
    for kind, count in result["by_kind"].items():  # type: ignore[union-attr]
        print(f"    {count:>4}  {kind}")


if __name__ == "__main__":
    _ = UTC
    main()
