"""Reading the configuration file: YAML in, validated `Settings` out, or one clear error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.settings import Settings
from rules.errors import ConfigError

DEFAULT_CONFIG = Path(__file__).with_name("default.yaml")


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Load `path` (the shipped Singkawang defaults when None) and apply overrides.

    Overrides are dotted keys, e.g. `{"store.workbook": "x.xlsx"}`, as the CLI's flags.
    """
    source = path or DEFAULT_CONFIG
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(
            f"cannot read configuration file {source}: {err.strerror}. "
            "Check the path given with --config."
        ) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{source} is not valid YAML{where}: fix the syntax there.") from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source} must hold a mapping of settings (key: value), not {type(data).__name__}."
        )
    for dotted, value in overrides.items():
        if value is None:
            continue
        node = data
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {}) if isinstance(node.get(key), dict | None) else {}
        node[leaf] = value
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_explain(source, err)) from None


def _explain(source: Path, err: ValidationError) -> str:
    lines = [f"invalid configuration in {source}:"]
    for problem in err.errors():
        key = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        value = problem.get("input")
        shown = repr(value) if not isinstance(value, dict) else "a mapping"
        if len(shown) > 80:
            shown = shown[:77] + "..."
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown key; remove it or check its spelling"
        lines.append(f"  - {key} = {shown}: {message}")
    return "\n".join(lines)
