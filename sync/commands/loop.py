"""`once` and `run`: one guarded cycle, or a cycle every poll interval until stopped.

A failed cycle is logged and the next one tries again (`guarded`); only a refused login stops the
loop, since no later cycle can succeed without a person logging in again. `Watch` (health.py)
counts the failures and raises the alarm.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator
from types import FrameType

import schedule

from config.settings import Settings
from rules.errors import InputError, SapaError, where
from sync.commands.compose import PROCESS, Outside, context, notification_sender, now, open_backend, warn_placeholders
from sync.commands.health import Watch
from sync.cycle.run import run_cycle, run_cycles
from sync.notify.ping import pinged
from sync.stores.refusals import LoginRefused
from sync.stores.store import Store

log = logging.getLogger("sync")


@contextlib.contextmanager
def refused_logins() -> Iterator[None]:
    """Google refusing to renew the credentials, wherever a client met it, as the operator must read it."""
    from google.auth.exceptions import RefreshError  # lazy: only the Google backend needs the Google libraries

    try:
        yield
    except RefreshError as err:
        from sync.stores.google_auth import login_refused  # lazy: as above

        raise login_refused(err) from None


def guarded(job: Callable[[], object], watch: Watch | None = None,
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


def refuse_after_probe(settings: Settings) -> None:
    """Stop (exit 2) while the last `doctor --probe` found Google contradicting the worker's assumptions."""
    if settings.store.backend == "google":
        from sync.commands.probe import refuse_if_contradicted  # lazy: only the Google backend has a probe

        refuse_if_contradicted(settings)


def once(settings: Settings, *, rebuild_lost_cases: bool = False, outside: Outside = PROCESS) -> None:
    """One cycle (in parts, when the plan is large); a failure is recorded and raised, an alarm printed."""
    refuse_after_probe(settings)
    warn_placeholders(settings)
    ctx = context(settings)
    opened: list[Store] = []

    def cycle() -> None:
        with refused_logins():
            store, writer = open_backend(settings, outside)  # inside: a failure to connect is a failed cycle too
            opened.append(store)
            sender = notification_sender(settings)
            run_cycles(lambda: run_cycle(store, ctx, now(), writer, rebuild_lost=rebuild_lost_cases,
                                         sender=sender))

    alerting = notification_sender(settings)
    watch = Watch.from_settings(settings, ctx, now, alerting.alert_operator if alerting else None)
    try:
        watch.cycle(pinged(cycle, settings.worker.ping_url), lambda: opened[0] if opened else None)
    finally:
        if watch.alarm:
            print(watch.alarm, file=sys.stderr)


def run(settings: Settings, interval: int | None = None, outside: Outside = PROCESS) -> None:
    """A guarded cycle every `interval` seconds (the configuration's poll interval) until SIGTERM or Ctrl-C."""
    refuse_after_probe(settings)
    warn_placeholders(settings)
    ctx = context(settings)
    store, writer = open_backend(settings, outside)
    every = interval or settings.poll_interval_seconds
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        log.info("stopping after the current cycle (signal %d)", signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sender = notification_sender(settings)
    cycle = guarded(pinged(lambda: run_cycles(lambda: run_cycle(store, ctx, now(), writer, sender=sender)),
                           settings.worker.ping_url),
                    Watch.from_settings(settings, ctx, now, sender.alert_operator if sender else None), store)
    cycle()
    schedule.every(every).seconds.do(cycle)
    log.info("polling every %d s; Ctrl-C or SIGTERM stops", every)
    while not stopping:
        schedule.run_pending()
        time.sleep(min(1.0, every))
    schedule.clear()
