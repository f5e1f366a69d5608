"""Check 5: privacy: no personal data in logs, output or errors; role tabs; letter sharing; secrets.

The personal data are the demo's seeded names, phone numbers and addresses, searched for after
the demo's staff walk on both backends. The secrets belong to a throwaway service account key,
OAuth client and cached token made here; the credential scenarios must fail before the network,
so every connection is refused and counted.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import secrets
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.exceptions import RefreshError
from openpyxl import load_workbook

from config import load_settings
from config.notify import RECIPIENT_ROLES
from config.settings import Settings
from googledouble.drive_files import DOC
from googledouble.errors import invalid_value
from rules import values
from rules.errors import SapaError
from sync.commands import demo, demo_walk
from sync.commands.app import main
from sync.commands.compose import Outside, google_clients
from sync.commands.doctor import diagnose, render
from sync.commands.loop import guarded
from sync.commands.selftest.common import make_ctx
from sync.commands.selftest.office import GoogleBackend
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.cycle.tabs import CASE_ID, I, R
from sync.notify.channels import Delivery
from sync.notify.sender import Sender
from sync.stores.google_auth import SCOPES, load_credentials
from sync.stores.text import cell_text

Tables = Mapping[str, list[list[object]]]
# The columns that show who a person is: a role tab without one must not hold its values in any cell.
IDENTITY = {"reporter_name": I.REPORTER, "reporter_phone": I.PHONE, "victim_address": I.ADDRESS,
            "victim_name": I.VICTIM}
ENV = "GOOGLE_APPLICATION_CREDENTIALS"


class _Capture(logging.Handler):
    """What a person could see: every log record (with its traceback), output, exception traces."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.out = io.StringIO()
        self.traces: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the default formatter appends exc_info and stack_info

    def trace(self, err: BaseException) -> None:
        self.traces.append("".join(traceback.format_exception(err)))

    def text(self) -> str:
        return "\n".join([*self.lines, self.out.getvalue(), *self.traces])

    @contextlib.contextmanager
    def on(self) -> Iterator[None]:
        root = logging.getLogger()
        level = root.level
        root.addHandler(self)
        root.setLevel(logging.DEBUG)
        try:
            with contextlib.redirect_stdout(self.out), contextlib.redirect_stderr(self.out):
                yield
        finally:
            root.removeHandler(self)
            root.setLevel(level)


def _seeded() -> dict[str, set[str]]:
    """Each identity field's seeded values, as typed and as the tabs hold them (phones: E.164, digits)."""
    out: dict[str, set[str]] = {field: set() for field in IDENTITY}
    for row in demo.sample_rows():
        for field in IDENTITY:
            raw = str(row.get(field) or "")
            forms = {raw}
            if field == "reporter_phone":
                e164 = values.phone(raw)[0] or ""
                forms |= {e164, e164.lstrip("+")}  # the WhatsApp link holds 62...
            out[field] |= {s for s in forms if len(s) > 4}  # "S", "NH", "test" would match anywhere
    return out


def _role_tabs(tables: Tables, seeded: Mapping[str, set[str]]) -> tuple[int, int]:
    """(role tabs with exactly their columns and no identity they do not show, role tabs with cases)."""
    good = filled = 0
    for layout in make_ctx().tabs.roles.values():
        rows = tables.get(layout.name) or [[]]
        header = [cell_text(h) for h in rows[0]]
        while header and header[-1] is None:
            header.pop()
        hidden = {v for field, column in IDENTITY.items() if column not in layout.headers for v in seeded[field]}
        cells = "\n".join(str(v) for row in rows[1:] for v in row if v is not None)
        good += tuple(header) == layout.headers and not any(v in cells for v in hidden)
        filled += len(rows) > 1
    return good, filled


def _local_demo(seen: _Capture) -> tuple[list[int], Tables]:
    """`python -m sync demo`, then an error: a new workbook left open in LibreOffice."""


    with tempfile.TemporaryDirectory() as tmp, seen.on():
        codes = [main(["demo", "--dir", tmp])]
        book = load_workbook(Path(tmp) / "sapa-demo.xlsx")
        tables = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
        fresh = Path(tmp) / "baru.xlsx"
        demo.write_responses(fresh, demo.sample_rows(), Settings())
        (Path(tmp) / ".~lock.baru.xlsx#").write_text("x")
        codes.append(main(["--workbook", str(fresh), "once"]))
    return codes, tables


class _Recording:
    """A notification channel that keeps what it is given to send (every role and the operator are recipients)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def send(self, address: str, text: str, subject: str) -> Delivery:
        self.texts.append(f"{subject}\n{text}")
        return Delivery(True)


NOTIFIED = {"notify": {"recipients": {role: [f"telegram:{i}"] for i, role in enumerate(RECIPIENT_ROLES, start=1)}}}


def _google_walk(seen: _Capture, channel: _Recording) -> tuple[Tables, int, int]:
    """The demo's staff walk on Google (the API double), letters and notifications on: (tabs, letter Docs,
    files shared by link); the messages sent are in `channel`."""

    ctx, rows = Context.from_settings(Settings.model_validate(NOTIFIED)), demo.sample_rows()
    sender = Sender({"telegram": channel}, ctx.settings.notify)
    backend = GoogleBackend(Path(tempfile.gettempdir()))  # a Google backend writes no file
    backend.create(rows, Settings())
    store, writer = backend.store(), backend.writer()
    before = set(backend.double.files)

    def type_in(_store: object, _ctx: object, role: str, case_id: str, cells: Mapping[str, str]) -> None:
        for header, value in cells.items():  # in the browser, as staff do (and without reading whole tabs)
            backend.type_into(ctx.tabs.roles[role].name, CASE_ID, case_id, header, value)

    last = max(r["timestamp"] for r in rows if isinstance(r["timestamp"], datetime))
    first = (last + timedelta(minutes=15)).replace(tzinfo=ctx.zone)
    refused = invalid_value(  # Google quotes a refused value back: a reporter's answer, here
        "requests[0].update_cells.rows[0].values[6].user_entered_value", "TYPE_STRING",
        f"{rows[0]['victim_name']} {rows[0]['story']}")

    with seen.on():
        try:
            backend.double.refuse_next("sheets.spreadsheets.batchUpdate", refused)  # as the run loop meets it
            guarded(lambda: run_cycle(store, ctx, first, writer, sender=sender))()
            run_cycle(store, ctx, first, writer, sender=sender)
            table = store.read([ctx.tabs.register.name]).tabs[ctx.tabs.register.name]
            risks = {str(table.get(r, R.ID)): cell_text(table.get(r, R.RISK)) for r in table.rows}
            demo_walk.walk(store, ctx, first, timedelta(hours=8), demo_walk.choose_cases(risks), writer, type_in,
                           sender)
        except Exception as err:  # searched like any other trace; the check then fails
            seen.trace(err)
    double = backend.double
    letters = sum(1 for i, f in double.files.items() if i not in before and f.mime_type == DOC)
    public = ("anyone", "domain")
    shared = {i for i, p in double.permission_log if p["type"] in public} | {i for i, _ in double.anyone_permissions()}
    shared |= {f.id for f in double.files.values() if any(p["type"] in public for p in f.permissions)}
    return {t: backend.tab(t) for t in backend.tabs()}, letters, len(shared)


def _throwaway(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Credential files, sound and broken, holding distinctive secrets; (files, the secrets)."""


    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    body = pem.splitlines()[1:-1]
    key_id, client_secret = secrets.token_hex(20), "GOCSPX-" + secrets.token_urlsafe(21)
    refresh, access = "1//0g" + secrets.token_urlsafe(60), "ya29.a0" + secrets.token_urlsafe(90)
    uri = "https://oauth2.googleapis.com/token"
    key = {"type": "service_account", "project_id": "sapa-selftest", "private_key_id": key_id, "private_key": pem,
           "client_email": "sapa-worker@sapa-selftest.iam.gserviceaccount.com", "client_id": "1", "token_uri": uri}
    user = {"token": access, "refresh_token": refresh, "client_id": "1-sapa.apps.googleusercontent.com",
            "client_secret": client_secret, "token_uri": uri, "scopes": list(SCOPES), "expiry": "2999-01-01T00:00:00Z"}
    installed = {"client_id": user["client_id"], "client_secret": client_secret, "token_uri": uri,
                 "auth_uri": "https://accounts.google.com/o/oauth2/auth"}
    texts = {"key": json.dumps(key), "key-cut": json.dumps(key)[:-60],  # cut: the whole private key, bad JSON
             "key-fields-missing": json.dumps({k: key[k] for k in ("type", "private_key_id", "private_key")}),
             "client": json.dumps({"installed": installed}), "client-not-installed": json.dumps({"desktop": installed}),
             "token": json.dumps(user), "token-cut": json.dumps(user)[:-40]}
    files = {name: folder / f"{name}.json" for name in texts}
    for name, text in texts.items():
        files[name].write_text(text, encoding="utf-8")
    return files, [body[1], body[len(body) // 2], body[-2], key_id, client_secret, refresh, access]


def _scenarios(files: Mapping[str, Path], folder: Path, hidden: list[str],
               outside: Outside) -> list[tuple[Callable[[], bool], bool]]:
    """Offline runs that touch credentials: (run, whether it must raise); a run says if it went as planned."""


    def config(**google: object) -> Path:
        path = folder / f"config-{secrets.token_hex(4)}.yaml"
        data = {"store": {"backend": "google"},
                "google": {"spreadsheet_id": "1SapaSelftest", **{k: str(v) for k, v in google.items()}}}
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    def cli(command: str, code: int, env: Path | None = None, **google: object) -> tuple[Callable[[], bool], bool]:
        def run() -> bool:
            given = replace(outside, environ={**outside.environ, **({ENV: str(env)} if env else {})})
            return main(["-v", "--config", str(config(**google)), command], outside=given) == code
        return run, False

    def connect(raises: bool = False, **google: object) -> tuple[Callable[[], bool], bool]:
        def run() -> bool:  # clients are built offline: no request until the first call
            settings = load_settings(config(**google))
            email = load_credentials(settings, environ=outside.environ, browser=outside.browser)[1]
            built = google_clients(settings, outside=outside)
            return built[1] is not None and (email is None) == ("oauth_client" in google)
        return run, raises

    def doctor(error: Exception) -> tuple[Callable[[], bool], bool]:
        def broken(settings: Settings) -> Any:
            raise error

        def run() -> bool:
            findings = diagnose(load_settings(config()), connect=broken)
            print(render(findings))
            return [f.check for f in findings if f.check != "letters_staff"] == ["config", "credentials"]
        return run, False

    secret = "; ".join(hidden)
    broken, cut, missing = files["key-fields-missing"], files["key-cut"], folder / "hilang.json"
    return [
        cli("doctor", 2, credentials=broken), cli("once", 2, credentials=broken), cli("init", 2, credentials=broken),
        cli("doctor", 2, credentials=cut), cli("once", 2, credentials=missing), cli("doctor", 2, env=cut),
        cli("once", 2, oauth_client=files["client-not-installed"], token_cache=files["token-cut"]),
        cli("doctor", 2, oauth_client=missing, token_cache=files["token-cut"]),
        connect(credentials=files["key"]), connect(oauth_client=files["client"], token_cache=files["token"]),
        connect(True, credentials=broken), connect(True, credentials=cut),
        doctor(ValueError(f"private_key={secret}")),
        doctor(RefreshError(f"invalid_grant: {secret}")),  # type: ignore[no-untyped-call]
    ]


NETWORK = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex")
_REFUSING: list[list[str]] = []  # while it holds a list, every connection is refused and noted there
_HOOKED: list[bool] = []  # the hook is added once a process


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    """An audit hook (PEP 578): the interpreter calls it before every connection or name lookup."""
    if _REFUSING and event in NETWORK:
        _REFUSING[-1].append(event)
        raise OSError("the privacy self-test allows no network")


@contextlib.contextmanager
def _offline(attempts: list[str]) -> Iterator[Outside]:
    """Refuse (and count) every connection and browser login: the scenarios must stop before the network.
    Yields what the scenarios take from outside: the environment without a developer's own key, and a
    browser login that is refused."""
    if not _HOOKED:
        sys.addaudithook(_refuse_network)  # once a process: a hook cannot be removed, so it is switched
        _HOOKED.append(True)

    def browser(client_secret: Path, flow: Any) -> Any:
        attempts.append("browser")
        raise OSError("the privacy self-test allows no browser login")

    _REFUSING.append(attempts)
    try:
        yield Outside({k: v for k, v in os.environ.items() if k != ENV}, browser)
    finally:
        _REFUSING.remove(attempts)


def _credentials() -> tuple[int, int, int, int, int]:
    """(secrets, secrets printed, scenarios, scenarios not as planned, network attempts)."""
    seen, attempts = _Capture(), list[str]()
    with tempfile.TemporaryDirectory() as tmp:
        files, hidden = _throwaway(Path(tmp))
        planned, scenarios = 0, []
        with seen.on(), _offline(attempts) as outside:
            scenarios = _scenarios(files, Path(tmp), hidden, outside)
            for run, raises in scenarios:
                try:
                    planned += run() and not raises
                except Exception as err:  # an error a caller could print: its whole trace is searched
                    seen.trace(err)
                    planned += raises and isinstance(err, SapaError)
    text = seen.text()  # a secret counts as printed when any 16-character piece of it (at any offset) is there
    printed = sum(1 for s in hidden if any(s[i:i + 16] in text for i in range(len(s) - 15)))
    return len(hidden), printed, len(scenarios), len(scenarios) - planned, len(attempts)


def privacy() -> tuple[str, bool]:
    seeded = _seeded()
    stories = {str(r["story"]) for r in demo.sample_rows() if len(str(r.get("story") or "")) > 20}
    everything = set().union(*seeded.values(), stories)
    seen = _Capture()
    codes, local = _local_demo(seen)
    channel = _Recording()
    google, letters, shared = _google_walk(seen, channel)
    log_tab, outbox = Settings().tabs.log, Settings().tabs.outbox
    searched = seen.text() + repr(local.get(log_tab)) + repr(google.get(log_tab)) + repr(google.get(outbox))
    messages = "\n".join(channel.texts)
    told = sum(1 for s in everything if s in messages)
    leaks = sum(1 for s in everything if s in searched)
    roles = len(make_ctx().tabs.roles)
    (good_local, filled_local), (good_google, filled_google) = (_role_tabs(t, seeded) for t in (local, google))
    hidden, printed, scenarios, unplanned, network = _credentials()
    refusal = any("Google refused the cycle's write" in line for line in seen.lines)
    ok = (codes == [0, 1] and not seen.traces and len(everything) >= 40 and refusal and not leaks
          and bool(channel.texts) and not told
          and good_local == good_google == filled_local == filled_google == roles
          and letters > 0 and not shared and hidden == 7 and not printed and not unplanned and not network)
    tabs = (f"{good_local}/{roles} x 2 backends" if good_local == good_google
            else f"{good_local}/{roles} local, {good_google}/{roles} Google")
    figure = (f"privacy: {leaks} of {len(everything)} seeded names/phones/addresses/stories in {len(seen.lines)} "
              f"log lines, output, errors (one quoted back by Google) and the log tab (local + Google walks); "
              f"{told} in the {len(channel.texts)} notifications of the Google walk; "
              f"role tabs {tabs} hold only their columns; "
              f"{shared} of {letters} letters shared by link; {printed} of {hidden} secrets printed in {scenarios} "
              "credential scenarios")
    problems = {f"{unplanned} scenarios not as planned": unplanned, f"{network} network attempts": network,
                "the Google walk failed": seen.traces, f"demo exit codes {codes}": codes != [0, 1],
                "no notification was sent": not channel.texts}
    return figure + "".join(f"; {p}" for p, shown in problems.items() if shown), ok
