"""`sapa-sync` (or `python -m sync`): a thin command line over the cycle.

Exit codes: see EXIT_CODES (0 success, 1 failed cycle or unexpected, 2 configuration or input, 130 interrupted).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import schedule

from config import load_settings
from config.placeholders import placeholders
from config.placeholders import warning as placeholder_warning
from config.settings import Settings
from letters.local_writer import LocalLetterWriter
from letters.writer import TEMPLATE_KINDS, LetterWriter
from rules.errors import ConfigError, InputError, SapaError, where
from sync.commands import demo as demo_data
from sync.commands import demo_walk
from sync.commands.health import Watch, alarming, heartbeat, staff_message, stale_message, state_path
from sync.commands.health import load as load_health
from sync.commands.logs import configure as configure_logs
from sync.commands.status import render, status, tabs_read
from sync.cycle.context import Context
from sync.cycle.run import run_cycle, run_cycles
from sync.cycle.tabs import R
from sync.notify.channels import channels_from
from sync.notify.ping import pinged
from sync.notify.sender import Sender
from sync.stores.local_store import LocalStore
from sync.stores.refusals import LoginRefused
from sync.stores.store import Store
from sync.stores.text import cell_text

if TYPE_CHECKING:
    from sync.commands.doctor import Finding

log = logging.getLogger("sync")


EXIT_CODES = """exit codes:
  0    success
  1    a cycle failed (the next `once` or `run` cycle tries again), or an unexpected error
  2    bad configuration or input (the message says what to fix)
  130  interrupted (Ctrl-C)"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
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


def _parser() -> argparse.ArgumentParser:
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

    def add_parser(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, parents=[options], epilog=EXIT_CODES,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    demo = add_parser("demo", help="make a sample workbook and run one cycle on it")
    demo.add_argument("--dir", type=Path, default=Path("sapa-demo"), help="folder for the sample (sapa-demo)")
    demo.add_argument("--force", action="store_true", help="replace an earlier demo in the folder, letters too")
    demo.set_defaults(command=cmd_demo)

    once = add_parser("once", help="run one cycle")
    once.add_argument("--rebuild-lost-cases", action="store_true",
                      help="only when no backup holds them: rebuild the cases the case register lost from their "
                           "responses, at the Admin's intake (their steps, dates and visits are lost; decisions "
                           "still in the role tabs are applied again)")
    once.set_defaults(command=cmd_once)

    run = add_parser("run", help="run a cycle every poll_interval_seconds until stopped")
    run.add_argument("--interval", type=int, help="seconds between cycles (overrides the configuration)")
    run.set_defaults(command=cmd_run)

    init = add_parser("init", help="prepare the Google spreadsheet: tabs, dropdowns, protections, templates")
    init.set_defaults(command=cmd_init)

    login = add_parser("login", help="log in to Google as a user, once, and save the login (google.oauth_client)")
    login.add_argument("--no-browser", action="store_true",
                       help="print the address to open instead of opening a browser (a server reached over SSH)")
    login.add_argument("--port", type=int, default=8765,
                       help="local port Google's answer comes back to (8765); forward it over SSH on a server")
    login.set_defaults(command=cmd_login)

    doctor = add_parser("doctor", help="check the set-up (workbook or Google) and say what to fix (ID/EN)")
    doctor.add_argument("--probe", action="store_true",
                        help="then try, in a scratch tab and Doc, every Google behaviour the worker relies on")
    doctor.add_argument("--answers", type=Path, metavar="FILE",
                        help="where the probe keeps Google's answers (probe-answers.jsonl in the state folder)")
    doctor.add_argument("--notify-test", action="store_true",
                        help="then send one test message to every notification recipient (notify.recipients) "
                             "and say what came back from each")
    doctor.set_defaults(command=cmd_doctor)

    bench = add_parser("bench", help="measure API requests per cycle over the Google API double")
    bench.add_argument("--json", action="store_true", help="one JSON object on standard output")
    bench.add_argument("--responses", type=int, default=60, help="new responses in the busy cycle (60)")
    bench.add_argument("--requests-out", type=Path, metavar="FILE",
                       help="write every request the worker sent (method, URL, body) as JSON lines")
    bench.set_defaults(command=cmd_bench)

    selftest = add_parser("selftest", help="prove the reliability and privacy guarantees; print the figures")
    selftest.add_argument("--slow", action="store_true", help="the full sweep (bigger busy cycle); minutes")
    selftest.set_defaults(command=cmd_selftest)

    stat = add_parser("status", help="count responses, cases, review rows and states")
    stat.add_argument("--json", action="store_true", help="one JSON object on standard output")
    stat.set_defaults(command=cmd_status)

    report = add_parser("report", help="one month's recap in SIMFONI-PPA's categories (counts only)")
    report.add_argument("--month", required=True, help="the month, YYYY-MM (cases count in the month received, WIB)")
    shape = report.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one JSON object: month, cases, review, by, service")
    shape.add_argument("--csv", type=Path, metavar="FILE", help="write the figures to FILE as CSV")
    report.add_argument("--all-counts", action="store_true",
                        help="show small counts too (the office's own archive; not for sending out)")
    report.set_defaults(command=cmd_report)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    workbook = str(args.workbook) if getattr(args, "workbook", None) else None
    backend = "local" if workbook else None  # --workbook means the local backend
    return load_settings(args.config, **{"store.workbook": workbook, "store.backend": backend})


def _warn_placeholders(settings: Settings) -> None:
    found = placeholders(settings)
    if found:
        log.warning(placeholder_warning(found))


def open_writer(settings: Settings, workbook: Path) -> LocalLetterWriter:
    return LocalLetterWriter(workbook.parent / settings.letters.folder, settings.letters)


def open_backend(settings: Settings) -> tuple[Store, LetterWriter | None]:
    """The store and the letter writer the configuration names: local files or Google."""
    if settings.store.backend == "google":
        from letters.google_writer import GoogleLetterWriter
        from sync.commands.google_init import find_templates
        from sync.stores.google_auth import clients
        from sync.stores.google_retry import RetryPolicy
        from sync.stores.google_store import GoogleStore

        sheets, drive, docs, _ = clients(settings)
        retry = RetryPolicy()  # one for the spreadsheet and the letters: Sheets, Drive and Docs alike
        store = GoogleStore(sheets, settings.google.spreadsheet_id, settings.store.responses_tab,
                            log_tabs=(settings.tabs.log,), max_request_bytes=settings.worker.max_request_bytes,
                            retry=retry, full_read_every=settings.worker.full_read_every)
        folder = settings.google.letters_folder_id
        if not folder:
            log.warning("google.letters_folder_id is empty: no letter will be drafted")
            return store, None
        templates = find_templates(drive, folder, retry)
        missing = sorted(set(TEMPLATE_KINDS) - set(templates))
        if missing:
            raise InputError(f"letter templates {missing} are not in the letters folder: run `python -m sync init`.")
        return store, GoogleLetterWriter(drive, docs, folder, templates, retry=retry)
    if settings.store.workbook is None:
        raise InputError("no workbook given: pass --workbook FILE.xlsx or set store.workbook.")
    workbook = settings.store.workbook
    return LocalStore(workbook, settings.store.responses_tab), open_writer(settings, workbook)


def open_store(settings: Settings) -> Store:
    return open_backend(settings)[0]


def now() -> datetime:
    return datetime.now(UTC)


def cmd_once(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _refuse_after_probe(settings)
    _warn_placeholders(settings)
    ctx = Context.from_settings(settings)
    opened: list[Store] = []

    def cycle() -> None:
        with refused_logins():
            store, writer = open_backend(settings)  # inside: a failure to connect is a failed cycle too
            opened.append(store)
            rebuild = args.rebuild_lost_cases
            sender = notification_sender(settings)
            run_cycles(lambda: run_cycle(store, ctx, now(), writer, rebuild_lost=rebuild,  # a large plan: in parts
                                         sender=sender))

    alerting = notification_sender(settings)
    watch = Watch.from_settings(settings, ctx, now, alerting.alert_operator if alerting else None)
    try:
        watch.cycle(pinged(cycle, settings.worker.ping_url), lambda: opened[0] if opened else None)
    finally:
        if watch.alarm:
            print(watch.alarm, file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from sync.commands.bench import render as render_bench
    from sync.commands.bench import run_bench

    result = run_bench(args.responses, args.requests_out)
    print(json.dumps(result, ensure_ascii=False) if args.json else render_bench(result))
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from sync.commands.selftest import render as render_checks
    from sync.commands.selftest import run_selftest

    try:  # the hostile-input check runs the tests' property, written with hypothesis
        import hypothesis  # noqa: F401
    except ImportError:
        raise InputError(
            "selftest needs hypothesis, which the worker itself does not: install the extra with "
            "`python -m pip install 'sapa-sync[selftest]'` (or, in the source checkout, "
            "`python -m pip install -r requirements-dev.txt`)."
        ) from None
    checks = run_selftest(fast=not args.slow)
    print(render_checks(checks))
    return 0 if all(check.passed for check in checks) else 1


def cmd_login(args: argparse.Namespace) -> int:
    from sync.stores.google_auth import browser_login, default_token_cache, save_login

    google = _settings(args).google
    if google.oauth_client is None:
        raise ConfigError("login is for a user login: set google.oauth_client to the OAuth client file of type "
                          "\"Desktop app\". A service account (google.credentials) needs no login.")
    if not google.oauth_client.is_file():
        raise ConfigError(f"OAuth client file not found: {google.oauth_client} (google.oauth_client).")
    token = google.token_cache or default_token_cache()
    if args.no_browser:
        print(f"On a server: from your own computer first run  ssh -L {args.port}:localhost:{args.port} "
              "<user>@<this server>  and keep it open; then open the address below in your computer's browser.",
              file=sys.stderr)
    creds = browser_login(google.oauth_client, open_browser=not args.no_browser, port=args.port,
                          wait_seconds=600)
    save_login(creds, token)
    print(f"logged in; the login is saved in {token}. Keep that file private: it opens the office's "
          "spreadsheet. `run` and `once` renew it by themselves and never open a browser.")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from sync.commands.google_init import init_spreadsheet
    from sync.stores.google_auth import clients

    settings = _google_settings(args)
    sheets, drive, _, email = clients(settings, login=True)  # a person runs init: a first login may open a browser
    print(init_spreadsheet(sheets, drive, settings, worker_email=email).render())
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from sync.commands.doctor import diagnose, exit_code
    from sync.commands.doctor import render as render_findings
    from sync.commands.doctor_notify import exit_code as notify_exit_code
    from sync.commands.doctor_notify import notify_findings, notify_test
    from sync.commands.doctor_notify import render as render_notify_test
    from sync.notify.channels import channels_from

    settings = _settings(args)
    if settings.store.backend == "google":
        findings = diagnose(settings)
    else:
        from sync.commands.doctor_local import diagnose_local

        findings = diagnose_local(settings)
    channels = channels_from(settings)
    findings = [*findings, *notify_findings(settings, channels)]
    print(render_findings(findings))
    code = exit_code(findings)
    if args.probe:
        code = max(code, _probe(settings, findings, args.answers))
    if args.notify_test:
        tried = notify_test(settings, channels)
        print(f"\n{render_notify_test(tried)}")
        code = max(code, notify_exit_code(tried))
    return code


def _refuse_after_probe(settings: Settings) -> None:
    """Stop (exit 2) while the last `doctor --probe` found Google contradicting the worker's assumptions."""
    if settings.store.backend == "google":
        from sync.commands.probe import refuse_if_contradicted

        refuse_if_contradicted(settings)


def _probe(settings: Settings, findings: Sequence[Finding], answers: Path | None) -> int:
    from sync.commands import probe

    if settings.store.backend != "google":
        print("Uji --probe hanya untuk Google (store.backend: google). / The probe is for the Google backend only.")
        return 0
    if any(f.status == "error" and f.check in ("config", "credentials", "spreadsheet") for f in findings):
        print("Uji perilaku Google dilewati: perbaiki galat di atas dulu. / Probe skipped: fix the errors above first.")
        return 2
    from sync.stores.google_auth import clients

    with refused_logins():
        sheets, drive, docs, email = clients(settings)
        report = probe.run_probe(settings, sheets, drive, docs, email=email, now=now(), answers=answers)
    print(probe.render(report))
    return probe.exit_code(report)


def _google_settings(args: argparse.Namespace) -> Settings:
    settings = _settings(args)
    if settings.store.backend != "google":
        raise InputError("this command works on the Google spreadsheet: set store.backend: google in the "
                         "configuration (and google.spreadsheet_id), then pass it with --config.")
    return settings


def cmd_report(args: argparse.Namespace) -> int:
    from sync.commands.report import month_report

    settings = _settings(args)
    ctx = Context.from_settings(settings)
    found = month_report(open_store(settings), ctx, ctx.local_time(now()), args.month, all_counts=args.all_counts)
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


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    ctx = Context.from_settings(settings)
    report = status(open_store(settings).read(tabs_read(ctx)), ctx, ctx.local_time(now()))
    health = load_health(state_path(settings))
    report["failed_cycles"] = health.failed_cycles
    report |= heartbeat(health, settings, now())
    warning = staff_message(health, ctx.zone) if alarming(health, settings.worker.alarm_after_failed_cycles) else None
    if warning is None and report["stale"]:
        warning = stale_message(health, ctx.zone)
    if warning:
        report.setdefault("messages", []).append(warning)
    text = render(report)
    if warning and warning not in text:
        text += "\n" + warning
    print(json.dumps(report, ensure_ascii=False) if args.json else text)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    folder: Path = args.dir
    workbook = folder / demo_data.WORKBOOK
    letters = demo_data.letters_folder(folder, settings)
    demo_data.check_replaceable(workbook, letters, force=args.force)  # before anything is written
    with demo_data.staging(folder) as stage:
        try:
            report, walked = _build_demo(stage / workbook.name, settings)
        except SapaError as err:  # its message speaks of the unfinished copy, which is thrown away
            stopped = InputError if isinstance(err, InputError) else SapaError
            raise stopped(f"the demo stopped before it was finished and changed nothing in {folder}: {err}") from None
        demo_data.install(stage, workbook, letters)
    tabs = settings.tabs
    print(render(report))
    print("\nIkuti kasus contoh di tab-tab peran (Admin, Sub Koordinator, Kepala Bidang, Kepala Dinas, Tim, "
          "Konselor):")
    for path, case_id in walked.cases.items():
        print(f"  - {case_id}: {path}")
    print(f"\nKasus yang dipantau Konselor (tab '{tabs.konselor}'):")
    for case_id, shown in demo_walk.monitored(LocalStore(workbook), Context.from_settings(settings), now()):
        print(f"  - {case_id}: {shown}")
    print(
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
    return 0


def _build_demo(workbook: Path, settings: Settings) -> tuple[dict[str, Any], demo_walk.Walk]:
    """The sample responses, a first cycle and the staff walk, in `workbook`; its status at the end."""
    ctx = Context.from_settings(settings)
    finish = now()
    # a month of the office: the responses came in over two days, staff worked them since (and the
    # Konselor has follow-ups due, one of them late)
    local_start = ctx.local_time(finish) - timedelta(days=30)
    rows = demo_data.sample_rows(start=local_start.replace(second=0, microsecond=0))
    worked, fresh = demo_data.split_fresh(rows, ctx.local_time(finish).replace(second=0, microsecond=0))
    demo_data.write_responses(workbook, worked, settings)
    last = max(r["timestamp"] for r in worked if isinstance(r["timestamp"], datetime))
    first_cycle = (last + timedelta(minutes=15)).replace(tzinfo=ctx.zone)
    store = LocalStore(workbook)
    writer = open_writer(settings, workbook)
    run_cycle(store, ctx, first_cycle, writer)
    risks = {str(k): v for k, v in _register_risks(store, ctx).items()}
    rounds = max(len(p) for p in demo_walk.PATHS.values())
    worked_until = finish - demo_data.FRESH_SPAN - timedelta(minutes=15)
    walked = demo_walk.walk(store, ctx, first_cycle, (worked_until - first_cycle) / rounds,
                            demo_walk.choose_cases(risks), writer)
    demo_data.append_responses(store, fresh, settings)
    run_cycle(store, ctx, finish, writer)
    return status(store.read(tabs_read(ctx)), ctx, ctx.local_time(finish)), walked


def notification_sender(settings: Settings) -> Sender | None:
    """The sender of the outbox's messages, when the configuration names recipients."""
    return Sender(channels_from(settings), settings.notify) if settings.notify.enabled else None


def _register_risks(store: Store, ctx: Context) -> dict[str, str | None]:
    table = store.read([ctx.tabs.register.name]).tabs[ctx.tabs.register.name]
    return {str(table.get(r, R.ID)): cell_text(table.get(r, R.RISK)) for r in table.rows}


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _refuse_after_probe(settings)
    _warn_placeholders(settings)
    ctx = Context.from_settings(settings)
    store, writer = open_backend(settings)
    interval = args.interval or settings.poll_interval_seconds
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        log.info("stopping after the current cycle (signal %d)", signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sender = notification_sender(settings)
    cycle = _guarded(pinged(lambda: run_cycles(lambda: run_cycle(store, ctx, now(), writer, sender=sender)),
                            settings.worker.ping_url),
                     Watch.from_settings(settings, ctx, now, sender.alert_operator if sender else None), store)
    cycle()
    schedule.every(interval).seconds.do(cycle)
    log.info("polling every %d s; Ctrl-C or SIGTERM stops", interval)
    while not stopping:
        schedule.run_pending()
        time.sleep(min(1.0, interval))
    schedule.clear()
    return 0


@contextlib.contextmanager
def refused_logins() -> Iterator[None]:
    """Google refusing to renew the credentials, wherever a client met it, as the operator must read it."""
    from google.auth.exceptions import RefreshError

    try:
        yield
    except RefreshError as err:
        from sync.stores.google_auth import login_refused

        raise login_refused(err) from None


def _guarded(job: Callable[[], object], watch: Watch | None = None,
             store: Store | None = None) -> Callable[[], None]:
    """A cycle that logs a failure and lets the next cycle try again; `watch` counts failures."""

    def guarded_job() -> object:
        with refused_logins():
            return job()

    def wrapped() -> None:
        try:
            if watch is None:
                guarded_job()
            else:
                watch.cycle(guarded_job, lambda: store)
        except LoginRefused:  # no later cycle can succeed: stop, and say how to log in again
            raise
        except InputError as err:
            log.error("%s", err)
        except SapaError as err:
            log.warning("cycle skipped: %s", err)
        except Exception as err:
            log.error(
                "cycle failed: unexpected %s at %s; retrying next cycle", type(err).__name__, where(err)
            )
        if watch is not None and watch.alarm:
            log.error("%s", watch.alarm)

    return wrapped

