"""The worker's dead man's switch: `worker.ping_url` is fetched after every cycle that succeeds.

The Healthchecks convention (https://healthchecks.io/docs/signaling_failures/): a GET of the
check's URL says "alive"; the same URL with `/fail` appended says "this run failed", which alerts
at once instead of after the grace time. A monitor that stops hearing the worker alerts whoever it
is set to, without anyone opening the spreadsheet. Self-hosted Healthchecks, or any URL monitor
that counts requests, works the same.

A ping that fails is a warning in the program log and nothing more: the cycle has already done its
work. The log names the ping's host only, since the URL's path is the check's secret.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests

from sync.notify.delivery import TIMEOUT

log = logging.getLogger(__name__)

T = TypeVar("T")


def fail_url(url: str) -> str:
    """`<url>/fail`, before any query string."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/fail"))


def ping(url: str, *, failed: bool = False, get: Callable[..., requests.Response] = requests.get) -> bool:
    """GET `url` (or its /fail form); True when it answered 2xx or 3xx. Never raises."""
    target = fail_url(url) if failed else url
    host = urlsplit(url).netloc
    try:
        response = get(target, timeout=TIMEOUT)
    except requests.RequestException as err:
        log.warning("cannot ping worker.ping_url at %s (%s); the cycle itself is unaffected", host, type(err).__name__)
        return False
    except Exception as err:  # a ping never fails a cycle
        log.warning("cannot ping worker.ping_url at %s (unexpected %s)", host, type(err).__name__)
        return False
    if response.status_code >= 400:
        log.warning("worker.ping_url at %s answered HTTP %d: check the address", host, response.status_code)
        return False
    return True


def pinged(job: Callable[[], T], url: str | None) -> Callable[[], T]:
    """`job` followed by a ping when it returns, or by a /fail ping when it raises (raised again)."""
    if not url:
        return job

    def run() -> T:
        try:
            result = job()
        except Exception:
            ping(url, failed=True)
            raise
        ping(url)
        return result

    return run
