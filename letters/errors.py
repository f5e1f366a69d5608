"""Errors about letter templates: the office edits them, so each message says what to change."""

from __future__ import annotations

from collections.abc import Iterable

from rules.errors import InputError


class LetterTemplateError(InputError):
    """A letter template cannot be read or holds something the worker cannot fill."""


class MissingValuesError(LetterTemplateError):
    """The template asks for placeholders that the worker does not supply."""

    def __init__(self, template: str, missing: Iterable[str]) -> None:
        self.template = template
        self.missing = tuple(sorted(missing))
        listed = ", ".join("{{" + name + "}}" for name in self.missing)
        super().__init__(
            f"Letter template '{template}' has placeholder(s) with no value: {listed}. "
            "Remove them from the template, or correct their spelling (see letters/README.md "
            "for the placeholders each letter supports)."
        )
