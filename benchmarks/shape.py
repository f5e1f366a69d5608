"""The codebase's shape in figures (issue 26): what a newcomer trips on, counted.

    python benchmarks/shape.py [--json]

- parser calls in a cycle: the distinct places (file:line) from which one demo cycle calls the cell
  parser (`rules.values.text`), outside `rules/`; the boundary is where they should all be;
- long functions: functions over 60 lines in `sync/cycle`;
- private cross-module imports: `from x import _name` of a product module;
- imports inside functions, in product modules;
- import circles among product modules (strongly connected groups of the module import graph).
"""

from __future__ import annotations

import ast
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("sync", "rules", "config", "letters", "googledouble")
LIMIT = 60


def product_files() -> list[Path]:
    return sorted(p for pkg in PRODUCT for p in (ROOT / pkg).rglob("*.py"))


def module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def long_functions(folder: str = "sync/cycle") -> list[str]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LIMIT:
                    out.append(f"{path.relative_to(ROOT)}:{node.name} ({length} lines)")
    return out


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module_of(path).split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports() -> list[str]:
    out = []
    for path in product_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                source = _resolve(path, node)
                if source.split(".")[0] in PRODUCT and source != module_of(path):
                    for alias in node.names:
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            out.append(f"{path.relative_to(ROOT)}: {source}.{alias.name}")
    return out


def imports_in_functions() -> list[str]:
    out = []
    for path in product_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        out.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the product modules it imports, at any depth of its code (functions included)."""
    modules = {module_of(p): p for p in product_files()}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(path, node)
                names = [f"{source}.{a.name}" for a in node.names] + [source]
            for name in names:
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name and name != module and not module.startswith(name + "."):
                    graph[module].add(name)
    return graph


def circles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def parser_calls(workbook: Path | None = None) -> Counter[str]:
    """file:line of every call of rules.values.text outside rules/, in one cycle of a demo workbook
    (made with `python -m sync demo` in a temporary folder unless `workbook` names one)."""
    import shutil
    import subprocess
    import tempfile
    from datetime import UTC, datetime

    sys.path.insert(0, str(ROOT))
    from config.settings import Settings
    from rules import values
    from sync.cycle.context import Context
    from sync.cycle.run import run_cycle
    from sync.stores.local_store import LocalStore

    folder = Path(tempfile.mkdtemp())
    try:
        if workbook is None:
            subprocess.run([sys.executable, "-m", "sync", "demo", "--dir", str(folder)], cwd=ROOT, check=True,
                           capture_output=True)
            workbook = folder / "sapa-demo.xlsx"
        ctx = Context.from_settings(Settings())
        store = LocalStore(workbook)
        target = values.text.__code__
        found: Counter[str] = Counter()

        def profile(frame, event, arg):  # type: ignore[no-untyped-def]
            if event == "call" and frame.f_code is target:
                caller = frame.f_back
                path = Path(caller.f_code.co_filename)
                try:
                    relative = path.relative_to(ROOT)
                except ValueError:
                    return
                if relative.parts[0] != "rules":
                    found[f"{relative}:{caller.f_lineno}"] += 1

        sys.setprofile(profile)
        try:
            run_cycle(store, ctx, datetime.now(UTC))
        finally:
            sys.setprofile(None)
        return found
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    figures = {
        "long_functions_in_sync_cycle": long_functions(),
        "private_cross_module_imports": private_imports(),
        "imports_inside_functions": len(imports_in_functions()),
        "import_circles": circles(),
    }
    if "--no-cycle" not in sys.argv:
        calls = parser_calls()
        figures["parser_call_sites_in_a_cycle"] = sorted(calls)
        figures["parser_calls_in_a_cycle"] = sum(calls.values())
    if "--json" in sys.argv:
        print(json.dumps(figures, indent=2))
        return
    for name, found in figures.items():
        if isinstance(found, int):
            print(f"{name}: {found}")
        else:
            print(f"{name}: {len(found)}")
            for item in found:
                print(f"    {item}")


if __name__ == "__main__":
    main()
