"""`sapa-sync` (or `python -m sync`): the office's commands (app.py) and the developer's, bench and selftest.

Exit codes: see EXIT_CODES (0 success, 1 failed cycle or unexpected, 2 configuration or input, 130 interrupted).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from rules.errors import InputError
from sync.commands import app
from sync.commands.app import EXIT_CODES, Command

__all__ = ["EXIT_CODES", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    return app.main(argv, DEVELOPER)


def _bench_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object on standard output")
    parser.add_argument("--responses", type=int, default=60, help="new responses in the busy cycle (60)")
    parser.add_argument("--requests-out", type=Path, metavar="FILE",
                        help="write every request the worker sent (method, URL, body) as JSON lines")


def cmd_bench(args: argparse.Namespace) -> int:
    from sync.commands import bench  # lazy: only bench needs the Google API double

    result = bench.run_bench(args.responses, args.requests_out)
    print(json.dumps(result, ensure_ascii=False) if args.json else bench.render(result))
    return 0


def _selftest_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--slow", action="store_true", help="the full sweep (bigger busy cycle); minutes")


def cmd_selftest(args: argparse.Namespace) -> int:
    from sync.commands import selftest  # lazy: only selftest needs the Google API double

    if args.slow:  # the sweeps run the tests' property, written with hypothesis (a development dependency)
        try:
            import hypothesis  # noqa: F401  # lazy: only selftest --slow needs hypothesis
        except ImportError:
            raise InputError("selftest --slow needs hypothesis: pip install -r requirements-dev.txt (or install "
                             "the extra: python -m pip install 'sapa-sync[selftest]')") from None
    checks = selftest.run_selftest(fast=not args.slow)
    print(selftest.render(checks))
    return 0 if all(check.passed for check in checks) else 1


DEVELOPER = (
    Command("bench", "measure API requests per cycle over the Google API double", cmd_bench, _bench_options),
    Command("selftest", "prove the reliability and privacy guarantees; print the figures", cmd_selftest,
            _selftest_options),
)
