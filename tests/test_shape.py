"""The codebase's shape stays as issue 26 left it (benchmarks/shape.py counts it): no private name imported
across product modules, no import circle among them, in sync/commands no import inside a function but
a deliberate lazy one, which says why on its line, and no patching in the product."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _shape() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shape", ROOT / "benchmarks" / "shape.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


shape = _shape()

def test_no_private_name_is_imported_across_product_modules() -> None:
    assert shape.private_imports() == []


def test_no_import_circle_among_product_modules() -> None:
    assert shape.circles() == []


def test_every_import_inside_a_command_function_is_a_deliberate_lazy_one() -> None:
    unmarked = []
    for where in shape.imports_in_functions():
        path, line = where.rsplit(":", 1)
        if path.startswith("sync/commands/"):
            text = (ROOT / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
            if "# lazy:" not in text:
                unmarked.append(f"{where}: {text.strip()}")
    assert unmarked == []


def test_the_product_patches_nothing() -> None:
    """The self-test fails writes, logins and the network through seams (letters/files.Disk, compose.Outside,
    an audit hook), never by patching: no product module imports unittest.mock."""
    patching = [str(path.relative_to(ROOT)) for path in shape.product_files()
                if "unittest" in path.read_text(encoding="utf-8")]
    assert patching == []


def test_the_checks_can_fail() -> None:
    """A private import and a circle, written to a scratch copy of the graph's rules, are found."""
    graph = {"a": {"b"}, "b": {"a"}, "c": set()}
    original = shape.import_graph
    try:
        shape.import_graph = lambda: graph
        assert shape.circles() == [["a", "b"]]
    finally:
        shape.import_graph = original
