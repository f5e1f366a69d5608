"""The local workbook store against real files: atomic saves, locks, faults, text-only writes."""

from __future__ import annotations

import errno
import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.settings import Settings
from rules.errors import InputError, SapaError, StructureError, TransientError
from sync.commands import demo
from sync.commands.selftest.office import response_row
from sync.cycle.context import Context
from sync.cycle.run import run_cycle
from sync.stores.local_store import LocalStore
from sync.stores.store import AppendRow, EnsureTab, WritePlan
from tests.conftest import NOW

CTX = Context.from_settings(Settings())
TABS = [t.name for t in CTX.tabs.all]


def make(tmp_path: Path, rows: list[dict[str, object]] | None = None) -> Path:
    path = tmp_path / "sapa.xlsx"
    demo.write_responses(path, rows if rows is not None else demo.sample_rows(15), Settings())
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path: Path) -> None:
    path = make(tmp_path, [])
    store = LocalStore(path)
    store.read(TABS)
    plan = WritePlan((EnsureTab("T", ("a",)), AppendRow("T", (("a", "=IMPORTXML(\"x\",\"y\")"),))))
    store.write(plan)
    cell = load_workbook(path)["T"]["A2"]
    assert cell.value == "=IMPORTXML(\"x\",\"y\")"
    assert cell.data_type == "s"
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)


def test_control_characters_and_overlong_text_are_made_storable(tmp_path: Path) -> None:
    path = make(tmp_path, [])
    store = LocalStore(path)
    store.read(TABS)
    store.write(WritePlan((EnsureTab("T", ("a",)), AppendRow("T", (("a", "x\x00\x07y" + "z" * 50_001),)))))
    value = load_workbook(path)["T"]["A2"].value
    assert value.startswith("xy") and len(value) <= 32767 and value.endswith("lihat respons asli]")


def test_missing_workbook_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="workbook not found"):
        LocalStore(tmp_path / "none.xlsx").read(TABS)


def test_a_file_that_is_not_a_workbook_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(InputError, match="cannot open"):
        LocalStore(path).read(TABS)


def test_a_workbook_without_a_responses_tab_says_which_tabs_it_has(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    demo.write_responses(path, [], Settings(), tab="Sheet1")
    with pytest.raises(StructureError, match="Sheet1"):
        LocalStore(path).read(TABS)


@pytest.mark.parametrize("lock", [".~lock.sapa.xlsx#", "~$sapa.xlsx", "~$pa.xlsx"])
def test_refuses_to_write_while_open_in_an_office_program(tmp_path: Path, lock: str) -> None:
    path = make(tmp_path)
    before = digest(path)
    (tmp_path / lock).write_text("user")
    with pytest.raises(TransientError, match="open in LibreOffice or Excel"):
        run_cycle(LocalStore(path), CTX, NOW)
    assert digest(path) == before
    (tmp_path / lock).unlink()
    run_cycle(LocalStore(path), CTX, NOW)  # closed: the next cycle does the job
    assert "Daftar Kasus" in load_workbook(path).sheetnames


def test_read_only_workbook_is_not_replaced(tmp_path: Path) -> None:
    path = make(tmp_path)
    path.chmod(0o444)
    before = digest(path)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("running as a user who can write read-only files")
        with pytest.raises(InputError, match="read-only"):
            run_cycle(LocalStore(path), CTX, NOW)
    finally:
        path.chmod(0o644)
    assert digest(path) == before


def test_read_only_file_is_refused_even_for_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(tmp_path)
    before = digest(path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode))
    with pytest.raises(InputError, match="read-only"):
        run_cycle(LocalStore(path), CTX, NOW)
    assert digest(path) == before


def test_a_workbook_changed_during_the_cycle_is_not_overwritten(tmp_path: Path) -> None:
    path = make(tmp_path)
    store = LocalStore(path)
    snapshot = store.read(TABS)
    os.utime(path, ns=(1, 1))  # someone saved it meanwhile
    from sync.cycle.plan import plan_cycle

    plan = plan_cycle(snapshot, CTX, NOW.replace(tzinfo=None)).plan
    with pytest.raises(TransientError, match="changed on disk"):
        store.write(plan)


@pytest.mark.parametrize("moment", ["while the worker loads it", "while the worker saves its copy"])
def test_a_staff_save_during_the_read_or_the_save_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    """LibreOffice saves the file while the worker is loading it, or building its new copy: the staff's save wins."""
    import openpyxl

    from sync.stores import local_store

    path = make(tmp_path)
    saved: list[str] = []

    def staff_saves() -> None:
        if not saved:
            book = load_workbook(path)
            book.active["A1"] = "disimpan staf"  # type: ignore[index]
            book.save(path)
            saved.append(digest(path))

    if moment == "while the worker loads it":
        real_load = openpyxl.load_workbook

        def load(*args: object, **kwargs: object) -> object:
            book = real_load(*args, **kwargs)  # type: ignore[arg-type]
            staff_saves()
            return book

        monkeypatch.setattr(local_store, "load_workbook", load)
    else:
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            staff_saves()
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(TransientError, match="changed on disk"):
        run_cycle(LocalStore(path), CTX, NOW)
    assert saved and digest(path) == saved[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sapa.xlsx"]  # no temporary file left


def test_a_workbook_moved_away_during_the_cycle_is_said_so(tmp_path: Path) -> None:
    from sync.cycle.plan import plan_cycle

    path = make(tmp_path)
    store = LocalStore(path)
    snapshot = store.read(TABS)
    path.rename(tmp_path / "arsip.xlsx")  # staff moved it into another folder meanwhile
    plan = plan_cycle(snapshot, CTX, NOW.replace(tzinfo=None)).plan
    with pytest.raises(TransientError, match="moved or deleted during the cycle"):
        store.write(plan)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arsip.xlsx"]


def test_disk_full_leaves_the_workbook_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(tmp_path)
    before = digest(path)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(SapaError, match=r"disk .* is full"):
        run_cycle(LocalStore(path), CTX, NOW)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sapa.xlsx"]  # no temporary left


class Crash(BaseException):
    """A kill at an arbitrary point: not an Exception, so nothing catches it."""


def _crash_after(monkeypatch: pytest.MonkeyPatch, target: object, name: str, k: int) -> None:
    calls = {"n": 0}
    real = getattr(target, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == k:
            raise Crash(f"{name} #{k}")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, wrapper)


def _write_points(tmp_path: Path) -> int:
    """How many zip members a busy cycle's save writes (each one a crash point)."""
    path = make(tmp_path / "count")
    calls = {"n": 0}
    real = zipfile.ZipFile.writestr

    def counting(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    zipfile.ZipFile.writestr = counting  # type: ignore[method-assign]
    try:
        run_cycle(LocalStore(path), CTX, NOW)
    finally:
        zipfile.ZipFile.writestr = real  # type: ignore[method-assign]
    return calls["n"]


def test_a_crash_at_a_write_leaves_old_or_new_and_the_next_cycle_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first, a middle and the last part written, the flush and the rename; every write point of a
    busy cycle, and real kills, are the self-test's sweep (`crash_local`, tests/test_selftest.py)."""
    (tmp_path / "count").mkdir()
    last = _write_points(tmp_path)
    points = [("writestr", k) for k in sorted({1, last // 2, last})]
    points += [("fsync", 1), ("replace", 1)]
    reference = make(tmp_path / "count")
    run_cycle(LocalStore(reference), CTX, NOW)
    expected = {n: load_workbook(reference)[n].values for n in load_workbook(reference).sheetnames}
    expected = {n: [list(r) for r in v] for n, v in expected.items()}
    survived = 0
    for name, k in points:
        folder = tmp_path / f"{name}{k}"
        folder.mkdir()
        path = make(folder)
        before = digest(path)
        with monkeypatch.context() as patch:
            target = zipfile.ZipFile if name == "writestr" else os
            _crash_after(patch, target, name, k)
            with pytest.raises(Crash):
                run_cycle(LocalStore(path), CTX, NOW)
        assert digest(path) == before, (name, k)  # old workbook, untouched
        load_workbook(path)  # and it opens
        run_cycle(LocalStore(path), CTX, NOW)
        book = load_workbook(path)
        got = {n: [list(r) for r in book[n].values] for n in book.sheetnames}
        assert got == expected, (name, k)
        assert not run_cycle(LocalStore(path), CTX, NOW).plan
        survived += 1
    assert survived == len(points) >= 5 and last >= 8


def test_a_crash_after_the_rename_leaves_the_new_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(tmp_path, [response_row()])
    with monkeypatch.context() as patch:
        import sync.stores.local_store as module

        _crash_after(patch, module, "_sync_folder", 1)
        with pytest.raises(Crash):
            run_cycle(LocalStore(path), CTX, NOW)
    assert "Daftar Kasus" in load_workbook(path).sheetnames
    assert not run_cycle(LocalStore(path), CTX, NOW).plan


def test_temporary_files_left_by_a_killed_worker_are_removed_at_the_next_save(tmp_path: Path) -> None:
    path = make(tmp_path)
    old = [tmp_path / ".sapa.xlsx.4242.tmp"]
    recent = tmp_path / ".sapa.xlsx.4343.tmp"  # perhaps another worker's save in progress: left alone
    for leftover in [*old, recent]:
        leftover.write_bytes(b"PK half a zip")
    for leftover in old:
        os.utime(leftover, (1, 1))
    run_cycle(LocalStore(path), CTX, NOW)
    assert not any(p.exists() for p in old) and recent.exists()
