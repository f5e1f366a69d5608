"""Benchmark: an idle local cycle against a bare openpyxl load-and-save of the same workbook.

Builds a workbook of `--responses` (3,000) form responses, runs cycles until one has
nothing to write, then times, `--repeat` times each: (a) `load_workbook` + `save` of
that workbook, (b) an idle `run_cycle` at the same clock time and (c) one an hour later
(nothing new: it may write only what an hour changes, a case's time status and the
heartbeat; anything more is churn). Prints the best times, the ratio idle / (load +
save) (the target is <= 0.5), how much of the idle cycle is the store's read, and the
writes of each idle cycle (0); the CPU times and their ratio too, which a busy machine
changes less. Where the time goes:
`python -m cProfile -s cumtime benchmarks/bench_idle.py --repeat 1`.
Not a test: `python benchmarks/bench_idle.py [--json]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 12, 1, 3, 10, tzinfo=UTC)  # 10:10 WIB


def bench(responses: int, repeat: int, folder: Path) -> dict[str, float | int]:
    from openpyxl import load_workbook

    from config.settings import Settings
    from sync.commands import demo
    from sync.cycle.context import Context
    from sync.cycle.run import run_cycle
    from sync.stores.local_store import LocalStore

    settings = Settings()
    ctx = Context.from_settings(settings)
    path = folder / "bench.xlsx"
    demo.write_responses(path, demo.sample_rows(responses, start=datetime(2026, 11, 1)), settings)
    for _ in range(5):  # until idle
        if not run_cycle(LocalStore(path), ctx, NOW).plan:
            break

    cpu: dict[str, float] = {}  # the best CPU times: on a busy machine the wall time says little

    def best(action: object, name: str = "") -> float:
        times, cpus = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            action()  # type: ignore[operator]
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - started_cpu)
        cpu[name] = min(cpus)
        return min(times)

    copy = folder / "copy.xlsx"
    bare = best(lambda: load_workbook(path).save(copy), "bare")
    writes: list[int] = []
    idle = best(lambda: writes.append(len(run_cycle(LocalStore(path), ctx, NOW).plan.operations)), "idle")
    read = best(lambda: LocalStore(path).read([layout.name for layout in ctx.tabs.all]))  # of which reading
    later: list[int] = []
    hour = folder / "hour.xlsx"

    def an_hour_later() -> None:
        shutil.copy(path, hour)  # a cycle that writes changes the file: start each from the idle workbook
        later.append(len(run_cycle(LocalStore(hour), ctx, NOW + timedelta(hours=1)).plan.operations))

    idle_later = best(an_hour_later)
    return {
        "responses": responses,
        "workbook_mb": round(path.stat().st_size / 2**20, 2),
        "load_save_s": round(bare, 2),
        "idle_cycle_s": round(idle, 2),
        "idle_read_s": round(read, 2),
        "idle_cycle_writes": max(writes),
        "idle_ratio": round(idle / bare, 2),
        "load_save_cpu_s": round(cpu["bare"], 2),
        "idle_cycle_cpu_s": round(cpu["idle"], 2),
        "idle_ratio_cpu": round(cpu["idle"] / cpu["bare"], 2),
        "hour_later_cycle_s": round(idle_later, 2),
        "hour_later_writes": max(later),
        "hour_later_ratio": round(idle_later / bare, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = bench(args.responses, args.repeat, Path(folder))
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['responses']} responses, workbook {result['workbook_mb']} MB (best of {args.repeat})")
    print(f"  openpyxl load_workbook + save : {result['load_save_s']:>6}s  (CPU {result['load_save_cpu_s']}s)")
    print(f"  idle cycle, same time         : {result['idle_cycle_s']:>6}s  ratio {result['idle_ratio']}  "
          f"writes {result['idle_cycle_writes']}  (CPU {result['idle_cycle_cpu_s']}s, "
          f"ratio {result['idle_ratio_cpu']})")
    print(f"    of which reading the workbook: {result['idle_read_s']:>6}s")
    print(f"  idle cycle, an hour later     : {result['hour_later_cycle_s']:>6}s  ratio {result['hour_later_ratio']}  "
          f"writes {result['hour_later_writes']}")


if __name__ == "__main__":
    main()
