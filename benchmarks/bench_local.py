"""Benchmark: the first and an idle cycle on workbooks of 1,000 and 10,000 responses.

Prints wall time and peak memory (the resident set of a fresh process running just
that cycle). Not a test: `python benchmarks/bench_local.py` (`--sizes 1000` for a
quick look).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CYCLE = """
import json, resource, sys, time
from datetime import UTC, datetime
from config.settings import Settings
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.stores.local_store import LocalStore
ctx = Context.from_settings(Settings())
started = time.perf_counter()
result = run_cycle(LocalStore(__import__("pathlib").Path(sys.argv[1])), ctx, datetime(2027, 1, 2, tzinfo=UTC))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": seconds, "mb": peak, "writes": len(result.plan.operations)}))
"""


def cycle(path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CYCLE, str(path)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench(size: int, folder: Path) -> dict[str, float | int]:
    from config.settings import Settings
    from sync.commands import demo

    path = folder / f"bench-{size}.xlsx"
    demo.write_responses(path, demo.sample_rows(size, start=datetime(2025, 1, 1)), Settings())
    first = cycle(path)
    idle = cycle(path)
    return {
        "responses": size,
        "first_cycle_s": round(first["s"], 2), "first_cycle_peak_mb": round(first["mb"]),
        "first_cycle_writes": int(first["writes"]),
        "idle_cycle_s": round(idle["s"], 2), "idle_cycle_peak_mb": round(idle["mb"]),
        "idle_cycle_writes": int(idle["writes"]),
        "workbook_mb": round(path.stat().st_size / 2**20, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = [bench(size, Path(folder)) for size in args.sizes]
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'responses':>10} {'first cycle':>12} {'peak MB':>8} {'writes':>7} {'idle cycle':>11} {'peak MB':>8} "
          f"{'writes':>7} {'xlsx MB':>8}")
    for r in results:
        print(f"{r['responses']:>10} {r['first_cycle_s']:>11}s {r['first_cycle_peak_mb']:>8} "
              f"{r['first_cycle_writes']:>7} {r['idle_cycle_s']:>10}s {r['idle_cycle_peak_mb']:>8} "
              f"{r['idle_cycle_writes']:>7} {r['workbook_mb']:>8}")


if __name__ == "__main__":
    main()
