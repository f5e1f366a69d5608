"""Benchmark: the first and an idle cycle on workbooks of 1,000 and 10,000 responses.

Prints wall time and peak Python memory (tracemalloc) for each. Not a test: run it
with `python benchmarks/bench_local.py` (add `--sizes 1000` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config.settings import Settings
from sync import demo
from sync.context import Context
from sync.cycle import run_cycle
from sync.local_store import LocalStore

NOW = datetime(2027, 1, 2, tzinfo=UTC)


def measure(job: Callable[[], object]) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    job()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def bench(size: int, folder: Path) -> dict[str, float | int]:
    settings = Settings()
    ctx = Context.from_settings(settings)
    path = folder / f"bench-{size}.xlsx"
    demo.write_responses(path, demo.sample_rows(size, start=datetime(2025, 1, 1)), settings)
    first_s, first_mb = measure(lambda: run_cycle(LocalStore(path), ctx, NOW))
    idle_s, idle_mb = measure(lambda: run_cycle(LocalStore(path), ctx, NOW))
    return {
        "responses": size,
        "first_cycle_s": round(first_s, 2),
        "first_cycle_peak_mb": round(first_mb, 1),
        "idle_cycle_s": round(idle_s, 2),
        "idle_cycle_peak_mb": round(idle_mb, 1),
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
    print(f"{'responses':>10} {'first cycle':>12} {'peak MB':>8} {'idle cycle':>11} {'peak MB':>8} {'xlsx MB':>8}")
    for r in results:
        print(f"{r['responses']:>10} {r['first_cycle_s']:>11}s {r['first_cycle_peak_mb']:>8} "
              f"{r['idle_cycle_s']:>10}s {r['idle_cycle_peak_mb']:>8} {r['workbook_mb']:>8}")


if __name__ == "__main__":
    main()
