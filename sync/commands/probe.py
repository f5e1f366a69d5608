"""`sapa-sync doctor --probe`: try, on the office's real spreadsheet and letters folder, every Google
behaviour the worker's safety rests on (sync.commands.probe_checks), and remember the verdict.

The probe works only in a scratch tab and scratch Docs it makes, and removes them at the end,
also when a check or Google fails (try/finally). Each behaviour comes out confirmed, contradicted
or not checked (with why). Every request and answer is kept, without personal data, in an answers
file (default `probe-answers.jsonl` beside the worker's state file) that the office can send to the
developers, who correct the Google double (googledouble/) from it.

The verdict is saved beside the state file (`<state>.probe.json`). While the last probe found a
contradicted behaviour, `run` and `once` refuse to start (`ProbeRefused`, exit 2) and say what
was found, what the worker would risk, and what to do. A later probe that confirms everything lifts
the refusal; an office that never ran the probe runs as before.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import gspread

from config.settings import Settings
from sync.commands.health import state_path
from sync.commands.probe_checks import (
    BEHAVIOURS,
    SCRATCH_DOC,
    SCRATCH_TAB,
    Behaviour,
    Contradicted,
    Scratch,
    Unchecked,
    make_tab,
)
from sync.commands.probe_wire import Recorder, Refused, Wire
from sync.stores.refusals import ProbeRefused

log = logging.getLogger(__name__)

Outcome = Literal["confirmed", "contradicted", "unchecked"]
ANSWERS = "probe-answers.jsonl"


@dataclass(frozen=True)
class Result:
    name: str
    outcome: Outcome
    indonesian: str
    english: str


@dataclass(frozen=True)
class ProbeReport:
    results: tuple[Result, ...]
    answers: Path
    left_behind: tuple[str, ...] = ()  # scratch objects the probe could not remove (to delete by hand)

    @property
    def contradicted(self) -> list[Result]:
        return [r for r in self.results if r.outcome == "contradicted"]


def verdict_path(settings: Settings) -> Path:
    state = state_path(settings)
    return state.with_name(state.stem + ".probe.json")


def answers_path(settings: Settings) -> Path:
    return state_path(settings).parent / ANSWERS


def run_probe(
    settings: Settings,
    client: gspread.Client,
    drive: Any,
    docs: Any,
    *,
    email: str | None,
    now: datetime,
    answers: Path | None = None,
    randint: Callable[[int, int], int] | None = None,
) -> ProbeReport:
    """Run every check in a scratch tab and Doc, remove them, save the verdict and the answers."""
    recorder = Recorder()
    scratch = Scratch(Wire(client, settings.google.spreadsheet_id, recorder), settings, drive, docs, email)
    if randint is not None:
        scratch.randint = randint
    results: list[Result] = []
    left: list[str] = []
    path = answers or answers_path(settings)
    try:
        try:
            make_tab(scratch)
        except (Refused, OSError, ValueError) as err:
            log.warning("probe: the scratch tab could not be made (%s)", type(err).__name__)
        for behaviour in BEHAVIOURS:
            results.append(_run(behaviour, scratch))
    finally:
        left = clean_up(scratch)
        recorder.write(path)
    report = ProbeReport(tuple(results), path, tuple(left))
    save_verdict(settings, report, now)
    return report


def _run(behaviour: Behaviour, scratch: Scratch) -> Result:
    name = behaviour.name
    try:
        seen_id, seen_en = behaviour.check(scratch)
    except Contradicted as found:
        return Result(name, "contradicted", found.indonesian, found.english)
    except Unchecked as why:
        return Result(name, "unchecked", why.indonesian, why.english)
    except Refused as err:
        return Result(name, "unchecked", f"Google menjawab HTTP {err.status}: {err.message}",
                      f"Google answered HTTP {err.status}: {err.message}")
    except Exception as err:  # no answer (network, timeout): said by its type, never guessed
        log.warning("probe: %s could not be checked (%s)", name, type(err).__name__)
        return Result(name, "unchecked", f"Google tidak menjawab ({type(err).__name__}); ulangi uji ini nanti.",
                      f"Google did not answer ({type(err).__name__}); run the probe again later.")
    return Result(name, "confirmed", seen_id, seen_en)


def clean_up(scratch: Scratch) -> list[str]:
    """Remove the scratch tab and Docs; what could not be removed is returned, for a person to delete."""
    left: list[str] = []
    try:
        tabs = _scratch_tabs(scratch)
        if tabs:
            scratch.wire.batch([{"deleteSheet": {"sheetId": sheet_id}} for sheet_id in tabs])
    except Exception as err:
        log.warning("probe: the scratch tab was not removed (%s)", type(err).__name__)
        left.append(f"tab '{scratch.tab_title or SCRATCH_TAB}'")
    for file_id in _scratch_files(scratch):
        try:
            scratch.wire.google(scratch.drive.files().delete(fileId=file_id, supportsAllDrives=True))
        except Exception as err:
            log.warning("probe: a scratch Doc was not removed (%s)", type(err).__name__)
            left.append(f"Doc '{SCRATCH_DOC}' ({file_id})")
    return left


def _scratch_tabs(scratch: Scratch) -> list[int]:
    """This probe's scratch tab, and any an earlier probe left (stopped before its clean-up), by title."""
    answer = scratch.wire.get("sheets(properties(sheetId,title))", real=True)
    found = [int(s["properties"]["sheetId"]) for s in answer.get("sheets") or []
             if str((s.get("properties") or {}).get("title", "")).startswith(SCRATCH_TAB)]
    return sorted(set(found) | ({scratch.tab_id} if scratch.tab_id is not None else set()))


def _scratch_files(scratch: Scratch) -> list[str]:
    """This probe's scratch Docs, and any by that name in the letters folder (an answer lost, an earlier probe)."""
    found = list(scratch.files)
    folder = scratch.settings.google.letters_folder_id
    if folder:
        try:
            answer = scratch.wire.google(scratch.drive.files().list(
                q=f"name = '{SCRATCH_DOC}' and '{folder}' in parents and trashed = false", fields="files(id)",
                supportsAllDrives=True, includeItemsFromAllDrives=True))
            found += [str(f["id"]) for f in answer.get("files") or [] if str(f["id"]) not in found]
        except Exception as err:
            log.warning("probe: the scratch Docs could not be looked up (%s)", type(err).__name__)
    return found


# --- the verdict, and the refusal to run -------------------------------------------------------


def save_verdict(settings: Settings, report: ProbeReport, now: datetime) -> None:
    path = verdict_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"when": now.isoformat(), "answers": str(report.answers), "results": [asdict(r) for r in report.results]}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def refuse_if_contradicted(settings: Settings) -> None:
    """Raise ProbeRefused while the last probe found a behaviour contradicted (none run: nothing)."""
    if settings.store.backend != "google":
        return
    path = verdict_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as err:
        raise ProbeRefused(f"the last probe's verdict {path} cannot be read ({type(err).__name__}): run "
                           "`sapa-sync doctor --probe` again.") from None
    found = [r for r in data.get("results") or [] if r.get("outcome") == "contradicted"
             and not (r.get("name") == "fingerprints" and settings.worker.full_read_every == 1)]  # not relied on
    if found:
        raise ProbeRefused(refusal(found, path, Path(data.get("answers") or answers_path(settings))))


def refusal(found: Sequence[dict[str, Any]], verdict: Path, answers: Path) -> str:
    table = {b.name: b for b in BEHAVIOURS}
    lines = ["Google tidak berperilaku seperti yang diandalkan pekerja; pekerja tidak dijalankan. / "
             "Google does not behave as the worker relies on; the worker will not run."]
    for item in found:
        behaviour = table.get(str(item.get("name")))
        lines.append(f"- {item.get('name')}: {item.get('english')}")
        if behaviour is not None:
            lines.append(f"  Risiko / risk: {behaviour.risk_id} / {behaviour.risk_en}.")
    lines.append(f"Kirim berkas jawaban {answers} ke pengembang, lalu jalankan `sapa-sync doctor --probe` lagi setelah "
                 f"pembaruan. / Send the answers file {answers} to the developers, then run `sapa-sync doctor "
                 f"--probe` again after an update (verdict: {verdict}).")
    return "\n".join(lines)


# --- printing ----------------------------------------------------------------------------------

MARKS = {"confirmed": "[OK]", "contradicted": "[BERTENTANGAN / CONTRADICTED]",
         "unchecked": "[TIDAK DIPERIKSA / NOT CHECKED]"}


def render(report: ProbeReport) -> str:
    lines = ["", "Uji perilaku Google / Google behaviour probe:"]
    table = {b.name: b for b in BEHAVIOURS}
    for result in report.results:
        behaviour = table[result.name]
        lines.append(f"{MARKS[result.outcome]} {result.name}")
        lines.append(f"    Anggapan / assumed: {behaviour.english}")
        lines.append(f"    ID: {result.indonesian}")
        lines.append(f"    EN: {result.english}")
    for item in report.left_behind:
        lines.append(f"[PERHATIAN / WARNING] tidak terhapus, hapus manual / not removed, delete by hand: {item}")
    lines.append(f"Jawaban Google disimpan / Google's answers saved: {report.answers}")
    if report.contradicted:
        lines.append("Pekerja tidak akan berjalan sampai uji ini lolos. Kirim berkas jawaban itu ke pengembang. / "
                     "The worker will not run until the probe passes. Send that answers file to the developers.")
    return "\n".join(lines)


def exit_code(report: ProbeReport) -> int:
    return 2 if report.contradicted else 0
