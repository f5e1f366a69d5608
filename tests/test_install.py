"""The package installs into a fresh virtual environment and its command works from any folder.

Offline: the new environment sees this one's installed dependencies (a .pth file), and pip
builds the package with this environment's setuptools (--no-build-isolation --no-index).
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

# its tests share a module fixture over 20 s (built once in each test process that runs one of them)
pytestmark = pytest.mark.slow


ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
                              "sapa-demo", ".hypothesis", ".benchmarks")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a new environment with the package installed from a copy of the source."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    env = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    parents = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    (Path(purelib) / "_parent_env.pth").write_text("\n".join(sorted(parents)) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--no-build-isolation", str(source)], check=True, env=_clean_env())
    return python.parent


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "sapa-sync"), *args], cwd=cwd, capture_output=True, text=True,
                          env=_clean_env(), timeout=300)


def test_the_installed_command_runs_the_documented_commands_from_any_folder(installed: Path,
                                                                             tmp_path: Path) -> None:
    where = _run(installed, tmp_path / ".", "--help")
    assert where.returncode == 0, where.stderr
    assert "sapa-sync" in where.stdout and "130" in where.stdout  # the exit codes are documented
    demo = _run(installed, tmp_path, "demo", "--dir", "sample")
    assert demo.returncode == 0, demo.stderr
    workbook = tmp_path / "sample" / "sapa-demo.xlsx"
    assert workbook.exists() and (tmp_path / "sample" / "Surat SAPA").is_dir()
    once = _run(installed, tmp_path, "--workbook", str(workbook), "once")
    assert once.returncode == 0, once.stderr
    status = _run(installed, tmp_path, "status", "--json", "--workbook", str(workbook))  # options after too
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["responses"] == 40


def test_the_installed_package_is_the_one_that_runs(installed: Path, tmp_path: Path) -> None:
    where = ("import sync, config, letters, rules, googledouble\n"
             "print(*(m.__file__ for m in (sync, config, letters, rules, googledouble)), sep='\\n')")
    found = subprocess.run([str(installed / "python"), "-c", where],
                           cwd=tmp_path, capture_output=True, text=True, env=_clean_env(), check=True).stdout
    assert str(ROOT) not in found
    assert all("site-packages" in line for line in found.splitlines()), found  # bench and selftest need the double
