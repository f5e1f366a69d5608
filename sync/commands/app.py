"""The office's commands (demo, once, run, init, login, doctor, status, report): the parser, one call per
command, errors turned into exit codes. `cli.py` adds the developer's commands (bench, selftest).

Each command's module is imported when that command runs: `--help` and a local `once` start without
the Google client libraries or the API double.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from rules.errors import InputError, SapaError, where
from sync.commands import compose, demo_command, loop
from sync.commands.logs import configure as configure_logs
from sync.commands.report import month_report
from sync.commands.status import office_status

EXIT_CODES = """exit codes:
  0    success
  1    a cycle failed (the next `once` or `run` cycle tries again), or an unexpected error
  2    bad configuration or input (the message says what to fix)
  130  interrupted (Ctrl-C)"""

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """A command: its name and help, its own options, and the function that runs it."""

    name: str
    help: str
    handler: Handler
    options: Callable[[argparse.ArgumentParser], None] = lambda parser: None


def main(argv: Sequence[str] | None = None, developer: Sequence[Command] = (),
         outside: compose.Outside = compose.PROCESS) -> int:
    """Parse `argv`, run its command, and turn what went wrong into a message and an exit code.

    `outside`: the environment and the browser login the commands use (the process's)."""
    args = parser(developer).parse_args(argv)
    args.outside = outside
    configure_logs(verbose=args.verbose, as_json=args.log_json)
    try:
        code = int(args.command(args))
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:  # `sapa-sync status | head`: the reader left, which is no error
        _quiet_closed_stdout()
        return 0
    except SapaError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # report without its message, which may quote a reporter's text
        print(f"error: unexpected {type(err).__name__} at {where(err)}; please report it", file=sys.stderr)
        return 1


def _quiet_closed_stdout() -> None:
    """Point standard output at devnull, so that the interpreter's final flush raises nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's capture): nothing is flushed at exit
        pass
    finally:
        os.close(devnull)


def _global_options(parser: argparse.ArgumentParser, default: Callable[[object], object]) -> None:
    """The options every command takes, before or after the command's name."""
    parser.add_argument("--config", type=Path, default=default(None),
                        help="configuration file (default: the packaged config/default.yaml)")
    parser.add_argument("--workbook", type=Path, default=default(None),
                        help="local .xlsx workbook (overrides store.workbook)")
    parser.add_argument("-v", "--verbose", action="store_true", default=default(False),
                        help="more detail in the program log")
    parser.add_argument("--log-json", action="store_true", default=default(False),
                        help="program log as one JSON object a line (time, level, message, cycle counts)")


def parser(developer: Sequence[Command] = ()) -> argparse.ArgumentParser:
    """The office's commands, and the `developer` ones listed after `doctor`."""
    parser = argparse.ArgumentParser(
        prog="sapa-sync",
        description="sapa-sync: turns SAPA form responses into cases and routes them to staff tabs.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _global_options(parser, lambda value: value)
    options = argparse.ArgumentParser(add_help=False)  # after the command: only what is given overrides
    _global_options(options, lambda value: argparse.SUPPRESS)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    at = next(i for i, c in enumerate(OFFICE) if c.name == "doctor") + 1
    for command in (*OFFICE[:at], *developer, *OFFICE[at:]):
        sub = commands.add_parser(command.name, help=command.help, description=command.help, parents=[options],
                                  epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
        command.options(sub)
        sub.set_defaults(command=command.handler)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return compose.settings_from(args.config, getattr(args, "workbook", None))


# --- the commands ------------------------------------------------------------------------------


def _demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, default=Path("sapa-demo"), help="folder for the sample (sapa-demo)")
    parser.add_argument("--force", action="store_true", help="replace an earlier demo in the folder, letters too")


def cmd_demo(args: argparse.Namespace) -> int:
    print(demo_command.run(_settings(args), args.dir, force=args.force))
    return 0


def _once_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rebuild-lost-cases", action="store_true",
                        help="only when no backup holds them: rebuild the cases the case register lost from their "
                             "responses, at the Admin's intake (their steps, dates and visits are lost; decisions "
                             "still in the role tabs are applied again)")


def cmd_once(args: argparse.Namespace) -> int:
    loop.once(_settings(args), rebuild_lost_cases=args.rebuild_lost_cases, outside=args.outside)
    return 0


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=int, help="seconds between cycles (overrides the configuration)")


def cmd_run(args: argparse.Namespace) -> int:
    loop.run(_settings(args), args.interval, args.outside)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from sync.commands.google_init import init_spreadsheet  # lazy: only init prepares a spreadsheet

    settings = compose.google_settings(_settings(args))
    # a person runs init: a first login may open a browser
    sheets, drive, _, email = compose.google_clients(settings, login=True, outside=args.outside)
    print(init_spreadsheet(sheets, drive, settings, worker_email=email).render())
    return 0


def _login_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-browser", action="store_true",
                        help="print the address to open instead of opening a browser (a server reached over SSH)")
    parser.add_argument("--port", type=int, default=8765,
                        help="local port Google's answer comes back to (8765); forward it over SSH on a server")


def cmd_login(args: argparse.Namespace) -> int:
    from sync.commands.login import login  # lazy: only login opens a browser (the Google libraries)

    print(login(_settings(args), open_browser=not args.no_browser, port=args.port))
    return 0


def _doctor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--probe", action="store_true",
                        help="then try, in a scratch tab and Doc, every Google behaviour the worker relies on")
    parser.add_argument("--answers", type=Path, metavar="FILE",
                        help="where the probe keeps Google's answers (probe-answers.jsonl in the state folder)")
    parser.add_argument("--notify-test", action="store_true",
                        help="then send one test message to every notification recipient (notify.recipients) "
                             "and say what came back from each")


def cmd_doctor(args: argparse.Namespace) -> int:
    from sync.commands import doctor_command  # lazy: only doctor loads the checks (and the Google libraries)

    return doctor_command.run(_settings(args), probe_google=args.probe, answers=args.answers,
                              notify_test=args.notify_test, outside=args.outside)


def cmd_status(args: argparse.Namespace) -> int:
    report, text = office_status(_settings(args), compose.now(), args.outside)
    print(json.dumps(report, ensure_ascii=False) if args.json else text)
    return 0


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object on standard output")


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", required=True,
                        help="the month, YYYY-MM (cases count in the month received, WIB)")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one JSON object: month, cases, review, by, service")
    shape.add_argument("--csv", type=Path, metavar="FILE", help="write the figures to FILE as CSV")
    parser.add_argument("--all-counts", action="store_true",
                        help="show small counts too (the office's own archive; not for sending out)")


def cmd_report(args: argparse.Namespace) -> int:
    settings = _settings(args)
    ctx = compose.context(settings)
    found = month_report(compose.open_store(settings, args.outside), ctx, ctx.local_time(compose.now()), args.month,
                         all_counts=args.all_counts)
    for warning in found.recap.warnings:
        print(f"peringatan: {warning}", file=sys.stderr)
    if args.csv is not None:
        try:
            args.csv.write_text(found.csv(), encoding="utf-8")
        except OSError as err:
            raise InputError(f"cannot write {args.csv}: {err.strerror}. Give a writable path with --csv.") from None
        print(f"{found.figures.period}: {found.figures.cases} cases written to {args.csv}")
    elif args.json:
        print(json.dumps(found.json(), ensure_ascii=False))
    else:
        print(found.text(settings.sla.service_hours))
    return 0


OFFICE = (
    Command("demo", "make a sample workbook and run one cycle on it", cmd_demo, _demo_options),
    Command("once", "run one cycle", cmd_once, _once_options),
    Command("run", "run a cycle every poll_interval_seconds until stopped", cmd_run, _run_options),
    Command("init", "prepare the Google spreadsheet: tabs, dropdowns, protections, templates", cmd_init),
    Command("login", "log in to Google as a user, once, and save the login (google.oauth_client)", cmd_login,
            _login_options),
    Command("doctor", "check the set-up (workbook or Google) and say what to fix (ID/EN)", cmd_doctor,
            _doctor_options),
    Command("status", "count responses, cases, review rows and states", cmd_status, _json_option),
    Command("report", "one month's recap in SIMFONI-PPA's categories (counts only)", cmd_report, _report_options),
)
