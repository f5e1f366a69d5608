"""Benchmark: the local workbook at 1,000, 5,000 and 10,000 responses (issue 22).

For each size, on a workbook of that many new responses and the default settings (no
go-live date): the first cycle(s) until nothing is left for a next one, an idle cycle,
and `status --json` as staff run it. Each runs in a fresh process: its wall time, its
CPU time (the wall time of a busy machine says little) and its peak memory (the
resident set of that process). Targets: the first cycles of 5,000 responses <= 60 s and
<= 400 MB, of 10,000 <= 3 min; an idle cycle of 5,000 <= 3 s; `status --json` of 5,000
<= 2 s. The idle cycle against a bare openpyxl load and save: benchmarks/bench_idle.py.
Not a test: `python benchmarks/bench_local.py` (`--sizes 1000` for a quick look).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = "2027-01-02T00:00:00+00:00"  # when every cycle runs (UTC)

# Cycles back to back while one leaves part of its plan (as `once` runs them), then the figures.
CYCLES = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
from config.settings import Settings
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.stores.local_store import LocalStore
ctx = Context.from_settings(Settings())
now = datetime.fromisoformat(sys.argv[2])
started, cpu = time.perf_counter(), time.process_time()
cycles, writes = 0, 0
while True:
    result = run_cycle(LocalStore(Path(sys.argv[1])), ctx, now)
    cycles, writes = cycles + 1, writes + len(result.plan.operations)
    if not result.more or cycles >= 100:
        break
print(json.dumps({"s": time.perf_counter() - started, "cpu": time.process_time() - cpu, "cycles": cycles,
                  "writes": writes, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# `status --json` as the command line runs it, start-up and imports included.
STATUS = """
import contextlib, io, json, resource, sys, time
started, cpu = time.perf_counter(), time.process_time()
from sync.commands.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["--workbook", sys.argv[1], "status", "--json"])
report = json.loads(out.getvalue())
print(json.dumps({"s": time.perf_counter() - started, "cpu": time.process_time() - cpu, "code": code,
                  "cases": report["cases"], "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def fresh(script: str, *args: str) -> dict[str, float]:
    """Run `script` in a new interpreter; the figures it prints last, and the process's own wall time."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    figures = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    figures["process_s"] = time.perf_counter() - started
    return figures


def bench(size: int, folder: Path) -> dict[str, float | int]:
    from config.settings import Settings
    from sync.commands import demo

    path = folder / f"bench-{size}.xlsx"
    demo.write_responses(path, demo.sample_rows(size, start=datetime(2025, 1, 1)), Settings())
    first = fresh(CYCLES, str(path), NOW)
    idle = fresh(CYCLES, str(path), NOW)
    status = fresh(STATUS, str(path))
    return {
        "responses": size,
        "first_cycles_s": round(first["s"], 2), "first_cycles_cpu_s": round(first["cpu"], 2),
        "first_cycles": int(first["cycles"]), "first_cycles_writes": int(first["writes"]),
        "first_cycles_peak_mb": round(first["mb"]),
        "idle_cycle_s": round(idle["s"], 2), "idle_cycle_cpu_s": round(idle["cpu"], 2),
        "idle_cycle_writes": int(idle["writes"]), "idle_cycle_peak_mb": round(idle["mb"]),
        "status_s": round(status["process_s"], 2), "status_cpu_s": round(status["cpu"], 2),
        "status_peak_mb": round(status["mb"]), "status_cases": int(status["cases"]),
        "workbook_mb": round(path.stat().st_size / 2**20, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            results.append(bench(size, Path(folder)))
            if not args.json:
                _print(results[-1], header=len(results) == 1)
    if args.json:
        print(json.dumps(results))


def _print(r: dict[str, float | int], *, header: bool) -> None:
    if header:
        print("seconds: wall (CPU); MB: peak resident set of the process")
        print(f"{'responses':>9} | {'first cycle(s)':>22} {'MB':>5} | {'idle cycle':>16} {'MB':>5} | "
              f"{'status --json':>14} {'MB':>5} | {'xlsx MB':>7}")
    first = f"{r['first_cycles_s']}s ({r['first_cycles_cpu_s']}) x{r['first_cycles']}"
    idle = f"{r['idle_cycle_s']}s ({r['idle_cycle_cpu_s']}) w{r['idle_cycle_writes']}"
    status = f"{r['status_s']}s ({r['status_cpu_s']})"
    print(f"{r['responses']:>9} | {first:>22} {r['first_cycles_peak_mb']:>5} | {idle:>16} "
          f"{r['idle_cycle_peak_mb']:>5} | {status:>14} {r['status_peak_mb']:>5} | {r['workbook_mb']:>7}", flush=True)


if __name__ == "__main__":
    main()
