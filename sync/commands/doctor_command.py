"""`python -m sync doctor [--probe] [--notify-test]`: the set-up's findings, then the optional live checks.

The Google checks are in doctor.py (and doctor_access.py), the local ones in doctor_local.py, the
recipients' in doctor_notify.py; the probe of Google's behaviours in probe.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from config.settings import Settings
from sync.commands import doctor_notify, probe
from sync.commands.compose import PROCESS, Outside, google_clients, now
from sync.commands.doctor import diagnose, exit_code, render
from sync.commands.doctor_local import diagnose_local
from sync.commands.findings import Finding
from sync.commands.loop import refused_logins
from sync.notify.channels import channels_from

Print = Callable[[str], object]


def run(settings: Settings, *, probe_google: bool = False, answers: Path | None = None, notify_test: bool = False,
        out: Print = print, outside: Outside = PROCESS) -> int:
    """Print the findings (then the probe's and the test messages' outcomes, as asked); the exit code."""
    if settings.store.backend == "google":
        findings = diagnose(settings, connect=partial(google_clients, outside=outside))
    else:
        findings = diagnose_local(settings)
    channels = channels_from(settings)
    findings = [*findings, *doctor_notify.notify_findings(settings, channels)]
    out(render(findings))
    code = exit_code(findings)
    if probe_google:
        code = max(code, run_probe(settings, findings, answers, out, outside))
    if notify_test:
        tried = doctor_notify.notify_test(settings, channels)
        out(f"\n{doctor_notify.render(tried)}")
        code = max(code, doctor_notify.exit_code(tried))
    return code


def run_probe(settings: Settings, findings: Sequence[Finding], answers: Path | None, out: Print = print,
              outside: Outside = PROCESS) -> int:
    """Try, in a scratch tab and Doc, every Google behaviour the worker relies on (after a sound set-up)."""
    if settings.store.backend != "google":
        out("Uji --probe hanya untuk Google (store.backend: google). / The probe is for the Google backend only.")
        return 0
    if any(f.status == "error" and f.check in ("config", "credentials", "spreadsheet") for f in findings):
        out("Uji perilaku Google dilewati: perbaiki galat di atas dulu. / Probe skipped: fix the errors above first.")
        return 2
    with refused_logins():
        sheets, drive, docs, email = google_clients(settings, outside=outside)
        report = probe.run_probe(settings, sheets, drive, docs, email=email, now=now(), answers=answers)
    out(probe.render(report))
    return probe.exit_code(report)
