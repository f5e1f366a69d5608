"""Every value a dropdown offers is accepted as offered, on both backends (issue #10, item 5).

An .xlsx list written inline is one quoted, comma-separated string of at most 255
characters, so a choice with a comma ("Setujui, usulkan Surat Tugas") cannot be
offered that way. These tests read each dropdown as LibreOffice, Excel or Google
Sheets offers it, type every offered value into a case waiting for it, and see it
applied.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import get_column_letter, quote_sheetname, range_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from config.settings import Settings
from rules.workflow import (
    FIELDS,
    INITIAL_STATE,
    TRANSITIONS,
    Transition,
    WorkflowOptions,
    choices_for,
    decide,
    decisions_of_role,
    split_list,
)
from sync.commands.selftest.office import Backend, GoogleBackend, LocalBackend, response_row
from sync.cycle.context import Context
from sync.cycle.tabs import DISMISS, LETTER_STATUSES, RELEASE, A, I, R, V, role_fields
from sync.stores.local_store import LocalStore
from sync.stores.store import Dropdown, EnsureTab, WritePlan
from sync.stores.text import cell_text
from tests.conftest import NOW
from tests.test_cycle import records

LAYOUT_NAMES = {layout.name for layout in Context.from_settings(Settings()).tabs.all}
Edit = tuple[str, str, str, str, str]  # tab, key column, key, column, value
Offered = dict[tuple[str, str], tuple[str, ...]]  # (tab, column header) -> the values offered, in order

# An office's own referral list: longer than an inline .xlsx list can hold, with commas in names.
LEMBAGA = (
    "UPTD Perlindungan Perempuan dan Anak Kota Singkawang", "RSUD dr. Abdul Aziz, Singkawang, Kalimantan Barat",
    "LBH APIK Kalimantan Barat, Pos Bantuan Hukum", "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
    "Psikolog klinis, Rumah Sakit Jiwa Provinsi Kalimantan Barat",
)


@pytest.fixture
def settings() -> Settings:
    return Settings.model_validate({"workflow": {"lembaga": list(LEMBAGA)}})


def expected_dropdowns(ctx: Context) -> Offered:
    return {(layout.name, d.header): d.choices for layout in ctx.tabs.all for d in layout.dropdowns}


def words(text: str) -> tuple[str, ...]:
    """What a choice says, whatever separates its words: to find the offered form of a choice."""
    return tuple(re.findall(r"\w+", text.casefold()))


# --- dropdowns as the office program offers them -----------------------------------------


def offered_local(path: Path) -> tuple[Offered, list[str]]:
    """Each list validation of the workbook resolved as LibreOffice/Excel would, and what is wrong with it."""
    book = load_workbook(path)
    offered: Offered = {}
    problems: list[str] = []
    for sheet in book.worksheets:
        headers = {c.column: cell_text(c.value) or "" for c in sheet[1]}
        for validation in sheet.data_validations.dataValidation:
            if validation.type != "list":
                continue
            values = _resolve(book, sheet, validation.formula1 or "", problems)
            if not validation.showErrorMessage:
                problems.append(f"{sheet.title}: the list {validation.formula1} accepts any typed value")
            for cells in validation.sqref.ranges:
                for column in range(cells.min_col, cells.max_col + 1):
                    key = (sheet.title, headers.get(column, ""))
                    if key in offered:
                        problems.append(f"two list validations on {key}")
                    if cells.min_row != 2:
                        problems.append(f"the list of {key} starts at row {cells.min_row}, not below the header")
                    offered[key] = values
    return offered, problems


def _resolve(book: Workbook, sheet: Worksheet, formula: str, problems: list[str]) -> tuple[str, ...]:
    if formula.startswith('"'):
        return tuple(formula[1:-1].split(","))  # every comma separates two entries
    reference = formula if "!" in formula else f"{quote_sheetname(sheet.title)}!{formula}"
    title, (min_col, min_row, max_col, max_row) = range_to_tuple(reference)
    source = book[title]
    if title in LAYOUT_NAMES and title != sheet.title:
        problems.append(f"the list of {sheet.title} is read from the worker tab {title}")
    if source.sheet_state != "hidden":
        problems.append(f"the list tab {title} is visible to staff")
    values: list[str] = []
    for row in source.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        for cell in row:
            if cell.data_type != "s" and cell.value is not None:
                problems.append(f"{title}!{cell.coordinate} holds a {cell.data_type!r} value, not text")
            values.append("" if cell.value is None else str(cell.value))
    return tuple(values)


def offered_google(backend: GoogleBackend) -> tuple[Offered, list[str]]:
    """Each column's data validation as the double stores it; one rule per column, below the header."""
    offered: Offered = {}
    problems: list[str] = []
    book = backend.double.spreadsheets[backend.spreadsheet_id]
    for title in backend.tabs():
        sheet = book.by_title(title)
        assert sheet is not None
        headers = backend.tab(title)[0] if backend.tab(title) else []
        by_column: dict[int, list[tuple[int, dict[str, object]]]] = {}
        for r, row in enumerate(sheet.cells):
            for c, raw in row.items():
                if (raw or {}).get("dataValidation"):
                    by_column.setdefault(c, []).append((r, raw["dataValidation"]))
        for c, rules in sorted(by_column.items()):
            key = (title, str(headers[c]) if c < len(headers) else "")
            if len({json.dumps(rule, sort_keys=True) for _, rule in rules}) != 1:
                problems.append(f"{key}: different rules on one column")
            if min(r for r, _ in rules) != 1:
                problems.append(f"{key}: the rule covers the header")
            rule = rules[0][1]
            condition = rule["condition"]
            assert isinstance(condition, dict)
            if condition["type"] != "ONE_OF_LIST" or rule.get("strict") is not True:
                problems.append(f"{key}: not a strict list ({condition['type']}, strict={rule.get('strict')})")
            offered[key] = tuple(v["userEnteredValue"] for v in condition["values"])
    return offered, problems


def offered_by(backend: Backend) -> tuple[Offered, list[str]]:
    if isinstance(backend, LocalBackend):
        return offered_local(backend.path)
    assert isinstance(backend, GoogleBackend)
    return offered_google(backend)


def test_every_dropdown_offers_exactly_its_configured_choices(backend, settings, ctx, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    offered, problems = offered_by(backend)
    assert problems == []
    assert offered == expected_dropdowns(ctx)
    for role, layout in ctx.tabs.roles.items():  # the layouts offer what the procedure accepts
        lists = {d.header: d.choices for d in layout.dropdowns}
        assert lists[I.DECISION] == decisions_of_role(role)
        for key in role_fields(role):
            if FIELDS[key].label in lists:
                assert lists[FIELDS[key].label] == choices_for(key, settings.workflow_options())
    assert len('"' + ",".join(LEMBAGA) + '"') > 255  # a list an inline .xlsx validation cannot hold
    if isinstance(backend, LocalBackend):  # the list tab is the store's own: no cycle reads or changes it
        assert not cycle().plan
        assert set(LocalStore(backend.path).read(sorted(LAYOUT_NAMES)).tabs) <= LAYOUT_NAMES


# --- typing every offered value into a case waiting for it -------------------------------


@dataclass(frozen=True)
class Step:
    """What one person types into one case's row, and what the next cycle must make of it."""

    role: str
    cells: Mapping[str, str]
    state_after: str
    refusal: str = ""  # empty: the decision is applied; else the refusal its row must show


@dataclass
class Walk:
    """Cases, each a list of steps taken one per cycle; all run side by side in one workbook."""

    ctx: Context
    offered: Offered
    cases: list[list[Step]] = field(default_factory=list)
    typed: set[tuple[str, str, str]] = field(default_factory=set)  # (tab, header, value) seen through
    taken: set[Transition] = field(default_factory=set)  # decisions applied at some step
    rotations: dict[tuple[str, str], Iterator[str]] = field(default_factory=dict)
    limit: int = 7  # steps in one case: more cases in one workbook cost less than more cycles

    def tab(self, role: str) -> str:
        return self.ctx.tabs.roles[role].name

    def decision(self, t: Transition) -> str:
        """The offered value that stands for `t`'s decision (as the dropdown writes it)."""
        return self.pick(self.tab(t.role), I.DECISION, t.decision)

    def pick(self, tab: str, header: str, meaning: str) -> str:
        found = [v for v in self.offered.get((tab, header), ()) if words(v) == words(meaning)]
        assert found, f"the dropdown of {header!r} in {tab!r} does not offer {meaning!r}"
        return found[0]

    def value(self, t: Transition, key: str, label: str) -> str:
        spec, tab = FIELDS[key], self.tab(t.role)
        if (tab, spec.label) in self.offered:
            if spec.must_be is not None:
                return self.pick(tab, spec.label, spec.must_be)
            if (tab, spec.label) not in self.rotations:
                self.rotations[tab, spec.label] = itertools.cycle(self.offered[tab, spec.label])
            return next(self.rotations[tab, spec.label])
        if spec.date:
            return "8/12/2026"
        choices = choices_for(key, self.ctx.settings.workflow_options())
        if choices:  # a multiple choice: no dropdown, staff write a comma-separated list
            return ", ".join(choices[:2])
        return f"Isian {label}"

    def step(self, t: Transition, label: str, given: Mapping[str, str] | None = None) -> Step:
        tab = self.tab(t.role)
        cells = {I.DECISION: self.decision(t)}
        refusal, seen = "", cells.copy()
        for key in t.required:
            spec = FIELDS[key]
            cells[spec.label] = (given or {}).get(key) or self.value(t, key, label)
            if spec.must_be is not None and words(cells[spec.label]) != words(spec.must_be):
                refusal, seen = spec.refusal, {spec.label: cells[spec.label]}  # seen refused as meant
        self.typed |= {(tab, h, v) for h, v in (seen if refusal else cells).items()}
        if not refusal:
            self.taken.add(t)
        return Step(t.role, cells, t.from_state if refusal else t.to_state, refusal)

    def add(self, t: Transition, given: Mapping[str, str] | None = None) -> None:
        """Take `t` in a case that waits for it, or in a new case walked there first."""
        for steps in self.cases:
            if steps and steps[-1].state_after == t.from_state and len(steps) < self.limit:
                steps.append(self.step(t, f"kasus {self.cases.index(steps) + 1} langkah {len(steps)}", given))
                return
        steps: list[Step] = []
        for before in path_to(t.from_state):
            steps.append(self.step(before, f"kasus {len(self.cases) + 1} langkah {len(steps)}"))
        steps.append(self.step(t, f"kasus {len(self.cases) + 1} langkah {len(steps)}", given))
        self.cases.append(steps)

    def edits(self, ids: list[str], round_: int) -> list[Edit]:
        """The cells typed into each case's row at this round."""
        return [(self.tab(steps[round_].role), I.ID, case_id, header, value)
                for case_id, steps in zip(ids, self.cases, strict=True) if round_ < len(steps)
                for header, value in steps[round_].cells.items()]


def path_to(state: str) -> list[Transition]:
    """The shortest way through the procedure from intake to `state` (first rows of the table first)."""
    ways: dict[str, list[Transition]] = {INITIAL_STATE: []}
    queue = deque([INITIAL_STATE])
    while queue:
        here = queue.popleft()
        for t in TRANSITIONS:
            if t.from_state == here and t.to_state not in ways:
                ways[t.to_state] = [*ways[here], t]
                queue.append(t.to_state)
    return ways[state]


def plan_walk(ctx: Context, offered: Offered) -> Walk:
    """Every offered decision of every role tab, and every offered value of every field dropdown."""
    walk = Walk(ctx, offered)
    # A historical case (intake.history_before) is not reached from intake: tests/test_history.py
    # takes its one decision, "Proses sebagai kasus baru".
    reachable = [t for t in TRANSITIONS if t.from_state != "history"]
    far_first = sorted(reachable, key=lambda t: -len(path_to(t.from_state)))
    for role in ctx.tabs.roles:
        tab = walk.tab(role)
        for value in offered.get((tab, I.DECISION), ()):
            meant = [t for t in TRANSITIONS if t.role == role and words(t.decision) == words(value)]
            assert meant, f"{tab!r} offers the decision {value!r}, which the procedure does not have"
    for t in far_first:
        if t not in walk.taken:
            walk.add(t)
    for role in ctx.tabs.roles:
        for key in role_fields(role):
            first = next(t for t in far_first if t.role == role and key in t.required)
            for value in offered.get((walk.tab(role), FIELDS[key].label), ()):
                if (walk.tab(role), FIELDS[key].label, value) not in walk.typed:
                    walk.add(first, {key: value})
    return walk


def responses_for(count: int) -> list[dict[str, object]]:
    return [response_row(timestamp=NOW.replace(tzinfo=None) - timedelta(days=1, minutes=count - i),
                         victim_name=f"Korban {i}", reporter_phone=f"0812-3456-{7000 + i}",
                         story=f"Cerita kejadian nomor {i}.") for i in range(count)]


@pytest.mark.slow
def test_every_offered_value_of_every_dropdown_is_applied_as_offered(backend, settings, ctx, cycle) -> None:
    cases = len(plan_walk(ctx, expected_dropdowns(ctx)).cases)
    tests = [response_row(story="test", victim_name="test", reporter_name="tes", victim_address=None,
                          kelurahan=None, reporter_phone=f"0812-3456-{8000 + n}") for n in range(2)]
    backend.create(responses_for(cases) + tests, settings)  # the two test submissions go to review
    cycle()
    offered, problems = offered_by(backend)
    walk = plan_walk(ctx, offered)
    ids = [f"SAPA-2026-{n:04d}" for n in range(1, len(walk.cases) + 1)]
    review, agenda = settings.tabs.review, settings.letters.register_tab
    rounds = max(len(steps) for steps in walk.cases)
    for round_ in range(rounds):
        edits = walk.edits(ids, round_)
        if round_ == 0:
            edits += [(review, V.ID, f"TINJAU-2026-000{n}", V.ACTION, walk.pick(review, V.ACTION, meaning))
                      for n, meaning in ((1, RELEASE), (2, DISMISS))]
        if round_ == rounds - 1:  # letters are drafted by now: mark them with every status
            letters = [r[A.ID] for r in records(backend, agenda)]
            statuses = offered.get((agenda, A.STATUS), ())
            edits += [(agenda, A.ID, str(k), A.STATUS, v) for k, v in zip(letters, statuses, strict=False)]
        type_in(backend, edits)
        cycle(NOW + timedelta(hours=round_ + 1))
        check_round(backend, walk, ids, round_)
    assert [r[V.STATUS] for r in records(backend, review)] == [
        f"Dirilis menjadi SAPA-2026-{cases + 1:04d}", "Diabaikan oleh Admin"]
    kept = {r[A.ID]: r[A.STATUS] for r in records(backend, agenda)}
    assert [kept[letter] for letter in letters[:len(statuses)]] == list(statuses) == list(LETTER_STATUSES)
    role_tabs = {layout.name for layout in ctx.tabs.roles.values()}
    in_history_test = {(ctx.tabs.intake.name, I.DECISION, t.decision) for t in TRANSITIONS if t.from_state == "history"}
    assert {(t, h, v) for (t, h), vs in offered.items() if t in role_tabs for v in vs} - walk.typed == in_history_test
    assert len(walk.cases) <= cases and problems == [] and offered == expected_dropdowns(ctx)


def type_in(backend: Backend, edits: list[Edit]) -> None:
    """Type each cell as staff would; in the workbook, all of a round's cells, then save once."""
    if not isinstance(backend, LocalBackend):
        for edit in edits:
            backend.type_into(*edit)
        return
    book = load_workbook(backend.path)
    for tab, key_header, key, header, value in edits:
        sheet = book[tab]
        headers = [c.value for c in sheet[1]]
        rows = [c.row for c in sheet[get_column_letter(headers.index(key_header) + 1)] if c.value == key]
        sheet.cell(row=rows[0], column=headers.index(header) + 1).value = value
    book.save(backend.path)


def check_round(backend: Backend, walk: Walk, ids: list[str], round_: int) -> None:
    register = {r[R.ID]: r for r in records(backend, walk.ctx.settings.tabs.case_register)}
    taken = [(case_id, steps[round_]) for case_id, steps in zip(ids, walk.cases, strict=True) if round_ < len(steps)]
    messages = {role: {r[I.ID]: str(r[I.MESSAGE] or "") for r in records(backend, walk.tab(role))}
                for role in {step.role for _, step in taken}}
    for case_id, step in taken:
        check(step, register[case_id], messages[step.role][case_id])


def check(step: Step, record: Mapping[str, object], message: str) -> None:
    """The case moved (or was refused for the reason meant), and its row says so."""
    typed = (record[R.ID], dict(step.cells), message)
    assert (record[R.STATE_KEY], message[:1]) == (step.state_after, "✗" if step.refusal else "✓"), typed
    assert step.refusal in message, typed
    assert "harus salah satu dari" not in message and "tidak ada dalam daftar" not in message, typed
    status = step.cells.get(FIELDS["status_rujukan"].label)
    if status is not None and step.state_after == "referred":  # the referral's status is followed anyway
        assert words(str(record[R.REFERRAL])) == words(status), (typed, record[R.REFERRAL])


# --- workbooks the old code made ------------------------------------------------------------


LEGACY_APPROVAL = "Setujui; usulkan Surat Tugas"  # what the old local dropdown offered for "Setujui, usulkan ..."


def make_legacy(path: Path, ctx: Context) -> None:
    """Turn a workbook into what the old code left: inline lists with ';' for ',', long lists left out."""
    book = load_workbook(path)
    for layout in ctx.tabs.all:
        if layout.name not in book.sheetnames:
            continue
        sheet = book[layout.name]
        sheet.data_validations.dataValidation = []
        for dropdown in layout.dropdowns:
            formula = '"' + ",".join(c.replace('"', "").replace(",", ";") for c in dropdown.choices) + '"'
            if len(formula) > 255:
                continue
            letter = sheet.cell(row=1, column=layout.headers.index(dropdown.header) + 1).column_letter
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.add(f"{letter}2:{letter}{sheet.max_row + 5000}")
            sheet.add_data_validation(validation)
    for name in [n for n in book.sheetnames if n not in LAYOUT_NAMES and not n.startswith("Respons")]:
        del book[name]
    book.save(path)


def test_an_old_workbook_gets_range_dropdowns_at_the_next_ensure_tab(tmp_path: Path, settings: Settings) -> None:
    backend = LocalBackend(tmp_path)
    ctx = Context.from_settings(settings)
    backend.create([response_row()], settings)
    store = LocalStore(backend.path)
    store.read([])
    store.write(WritePlan(tuple(layout.ensure() for layout in ctx.tabs.all)))
    make_legacy(backend.path, ctx)
    legacy, _ = offered_local(backend.path)
    kabid = (settings.tabs.kabid, I.DECISION)
    assert LEGACY_APPROVAL in legacy[kabid] and (settings.tabs.kadis, "Lembaga tujuan") not in legacy
    for _ in range(2):  # twice: a second EnsureTab stacks nothing and adds no list column
        store = LocalStore(backend.path)
        store.read([])
        store.write(WritePlan(tuple(layout.ensure() for layout in ctx.tabs.all)))
        offered, problems = offered_local(backend.path)
        assert problems == []
        assert offered == expected_dropdowns(ctx)
    lists = [s for s in load_workbook(backend.path).worksheets if s.sheet_state == "hidden"]
    assert len(lists) == 1 and lists[0].max_column == len(expected_dropdowns(ctx))


def test_the_next_cycle_upgrades_an_old_workbook_s_inline_dropdowns(tmp_path: Path, settings: Settings) -> None:
    """Every header is there, so nothing else would make the cycle write the tabs' dropdowns again."""
    from sync.cycle.run import run_cycle

    backend = LocalBackend(tmp_path)
    ctx = Context.from_settings(settings)
    backend.create([response_row()], settings)
    run_cycle(backend.store(), ctx, NOW)
    make_legacy(backend.path, ctx)
    run_cycle(backend.store(), ctx, NOW)
    offered, problems = offered_local(backend.path)
    assert problems == [] and offered == expected_dropdowns(ctx)
    assert not run_cycle(backend.store(), ctx, NOW).plan, "upgraded once, then nothing to write"


def test_a_shorter_list_leaves_no_old_entries_behind(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    backend.create([], Settings())
    for choices in (("a, b", "c", "d", "e"), ("x, y",)):
        store = LocalStore(backend.path)
        store.read([])
        store.write(WritePlan((EnsureTab("T", ("Kolom",), (Dropdown("Kolom", choices),), ("Kolom",)),)))
        offered, problems = offered_local(backend.path)
        assert (offered, problems) == ({("T", "Kolom"): choices}, [])
    hidden = next(s for s in load_workbook(backend.path).worksheets if s.sheet_state == "hidden")
    assert [[c.value for c in row] for row in hidden.iter_rows()] == [["T: Kolom"], ["x, y"]]


def test_a_legacy_approval_typed_by_staff_is_applied_once(backend, settings, cycle) -> None:
    backend.create([response_row()], settings)
    cycle()
    case = "SAPA-2026-0001"
    walk = Walk(Context.from_settings(settings), expected_dropdowns(Context.from_settings(settings)))
    for t in path_to("verification"):
        for header, value in walk.step(t, "lama").cells.items():
            backend.type_into(walk.tab(t.role), I.ID, case, header, value)
        cycle()
    backend.type_into(settings.tabs.kabid, I.ID, case, I.DECISION, LEGACY_APPROVAL)
    backend.type_into(settings.tabs.kabid, I.ID, case, "Anggota tim", "Nama Konselor")
    cycle()
    register = {r[R.ID]: r for r in records(backend, settings.tabs.case_register)}
    assert register[case][R.STATE_KEY] == "assignment"
    backend.type_into(settings.tabs.kabid, I.ID, case, "Catatan", "catatan lain, bukan bagian keputusan ini")
    cycle()
    row = next(r for r in records(backend, settings.tabs.kabid) if r[I.ID] == case)
    assert str(row[I.MESSAGE]).startswith("✓"), row[I.MESSAGE]
    assert {r[R.ID]: r for r in records(backend, settings.tabs.case_register)}[case][R.STATE_KEY] == "assignment"


# --- the rules accept the old local form of a choice -----------------------------------------


def test_a_semicolon_standing_for_a_comma_matches_the_choice() -> None:
    assert decide("verification", "kabid", LEGACY_APPROVAL, {"anggota_tim": "Budi"}).applied
    assert decide("verification", "kabid", "setujui ,usulkan  surat tugas", {"anggota_tim": "Budi"}).applied
    assert not decide("verification", "kabid", "Setujui usulkan Surat Tugas", {"anggota_tim": "Budi"}).applied
    comma = WorkflowOptions(lembaga=("RSUD dr. Abdul Aziz, Singkawang",))
    fields = {"lembaga_tujuan": "RSUD dr. Abdul Aziz; Singkawang", "layanan_diminta": "x", "persetujuan_rujukan": "Ya"}
    assert decide("decision", "kadis", "Rujuk ke lembaga lain", fields, comma).applied


def test_multiple_choices_still_split_and_keep_a_comma_inside_a_choice() -> None:
    jenis = FIELDS["jenis_penjangkauan"].choices
    assert split_list("Kunjungan rumah, Asesmen", jenis) == (("Kunjungan rumah", "Asesmen"), ())
    assert split_list("Kunjungan rumah; Asesmen", jenis) == (("Kunjungan rumah", "Asesmen"), ())
    known = ("Rumah aman, RPTC", "Mediasi")
    assert split_list("Rumah aman, RPTC, Mediasi", known) == (("Rumah aman, RPTC", "Mediasi"), ())
    assert split_list("Rumah aman; RPTC; Mediasi", known) == (("Rumah aman, RPTC", "Mediasi"), ())
    assert split_list("Mediasi, Lainnya", known) == (("Mediasi",), ("Lainnya",))
