"""Which option of a choice question an answer names, as the office's form lives.

Offices reword options as they reword questions: "Perdagangan orang (TPPO)" becomes
"Perdagangan Orang - TPPO", "Seksual" becomes "Kekerasan seksual". An answer is recognised
as a question's column is (rules/columns.py): by the option's configured label or one of
its other labels (case, accents and spacing aside) or its key; failing that, by the same
label once punctuation and remarks ("(pemerkosaan, pencabulan)") are set aside; failing
that, by the one option that is clearly the closest: its words are all in the answer (or
the answer's in it), or its spelling is near, with a clear lead over the runner-up.
Never a guess between two options: such an answer is unknown, and an unknown answer is
never taken for a blank one (the triage weighs it; the office is told until it maps it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from rules import values
from rules.columns import CLEAR_LEAD, SIMILAR_ENOUGH, loose

LABEL, SAME, SIMILAR = "label", "sama", "mirip"  # how an answer was recognised
_CONTAINED = 0.9  # the closeness of an option whose words are all in the answer (or the answer's in it)
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class OptionSet:
    """A question's options: each key with its labels, the form's current label first.

    Frozen and hashable, so that what an answer names is worked out once per distinct answer.
    """

    options: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, labels: Mapping[str, str | Sequence[str]]) -> OptionSet:
        """From the configuration's `key: label` or `key: [label, other label, ...]`."""
        return cls(tuple((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in labels.items()))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.options)

    def label(self, key: str) -> str:
        """The option's label as the form shows it now (its first); the key when it has none."""
        return next((labels[0] for k, labels in self.options if k == key and labels), key)


@dataclass(frozen=True)
class Recognised:
    key: str
    how: str  # LABEL (a configured label or the key), SAME (punctuation, remarks aside), SIMILAR


@dataclass(frozen=True)
class Reading:
    """What one answer cell says: the options' keys, in the options' order, and what matched none."""

    keys: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # answers (a checkbox cell: ticked labels) that name no option
    similar: tuple[tuple[str, str], ...] = ()  # (answer, key) recognised only as the clearly closest


def recognise(answer: str, options: OptionSet, *, single: bool = False) -> Recognised | None:
    """The option `answer` names, and how it was recognised; None when no option clearly is.

    `single`: the answer of a single-choice question (in danger? safe to contact on WhatsApp?),
    where words added to an option may turn it round ("Tidak yakin", "Ya, hanya malam hari"):
    an option's words in a longer answer do not make it that option there.
    """
    return _recognise(values.normalize(answer), options, single)


def choice(cell: object, options: OptionSet) -> Reading:
    """A single-choice answer."""
    raw = values.text(cell)
    return _choice(raw, options) if raw is not None else Reading()


@lru_cache(maxsize=1 << 14)
def _choice(raw: str, options: OptionSet) -> Reading:
    found = recognise(raw, options, single=True)
    if found is None:
        return Reading(unknown=(raw,))
    return Reading((found.key,), similar=((raw, found.key),) if found.how == SIMILAR else ())


def checkboxes(cell: object, options: OptionSet) -> Reading:
    """A checkbox answer: Google joins the ticked labels with ", ".

    Labels that hold ", " themselves are found first; a comma inside brackets does not split
    ("Seksual (pemerkosaan, pencabulan)"). Text that names no option (the reporter's own
    words in "Lainnya", or an option reworded in the form) is unknown, and ticks "lainnya"
    when the question has that option.
    """
    raw = values.text(cell)
    return _checkboxes(raw, options) if raw is not None else Reading()


@lru_cache(maxsize=1 << 14)  # answers repeat the same few labels: each distinct answer is read once
def _checkboxes(raw: str, options: OptionSet) -> Reading:
    keys: list[str] = []
    similar: list[tuple[str, str]] = []
    unknown: list[str] = []
    rest = _take_comma_labels(raw, options, keys)
    for piece in split_ticked(rest):
        found = recognise(piece, options)
        if found is None:
            unknown.append(piece)
            continue
        keys.append(found.key)
        if found.how == SIMILAR:
            similar.append((piece, found.key))
    if unknown and "lainnya" in options.keys:
        keys.append("lainnya")
    ordered = tuple(k for k in options.keys if k in keys)
    return Reading(ordered, tuple(dict.fromkeys(unknown)), tuple(dict.fromkeys(similar)))


def split_ticked(text: str) -> list[str]:
    """The parts of a checkbox answer, split at commas outside brackets, blanks dropped."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _take_comma_labels(raw: str, options: OptionSet, keys: list[str]) -> str:
    """`raw` without the labels that hold ", " (longest first), whose keys are added to `keys`."""
    rest = raw
    labelled = [(key, label) for key, labels in options.options for label in labels if ", " in label]
    for key, label in sorted(labelled, key=lambda kl: -len(kl[1])):
        if label in rest:
            keys.append(key)
            rest = rest.replace(label, "")
    return rest


@lru_cache(maxsize=1 << 14)
def _recognise(answer: str, options: OptionSet, single: bool = False) -> Recognised | None:
    exact = _exact(options).get(answer)
    if exact is not None:
        return Recognised(exact, LABEL)
    same = {key for key, labels in options.options for label in labels if _same(answer, label)}
    if same:
        return Recognised(same.pop(), SAME) if len(same) == 1 else None
    key = _closest(answer, options, single)
    return Recognised(key, SIMILAR) if key is not None else None


@lru_cache(maxsize=64)
def _exact(options: OptionSet) -> Mapping[str, str]:
    """Each label's and each key's comparison key -> the first option it names."""
    keys: dict[str, str] = {}
    for key, labels in options.options:
        for label in labels:
            keys.setdefault(values.normalize(label), key)
        keys.setdefault(values.normalize(key), key)
    return keys


def _same(answer: str, label: str) -> bool:
    """The same label once punctuation (and, failing that, remarks) are set aside."""
    plain = _plain(answer)
    if plain and plain == _plain(label):
        return True
    bare = loose(answer)
    return bool(bare) and bare == loose(label)


def _closest(answer: str, options: OptionSet, single: bool = False) -> str | None:
    """The one option clearly closest to `answer`, or None.

    An option whose words are all in the answer, or that holds all of the answer's words,
    is close; of two such options where one's words hold the other's ("Tidak tahu" over
    "Tidak"), the fuller one. Two close options that do not nest are a tie: no guess.
    Otherwise spelling decides, as for a question's title.
    """
    contained = {key: words for key, labels in options.options for label in labels
                 if (words := _contains(answer, label, single)) is not None}
    if contained:
        fullest = [k for k, w in contained.items() if not any(w < other for other in contained.values())]
        return fullest[0] if len(fullest) == 1 else None
    scores = sorted(((_spelling(answer, options, key), key) for key in options.keys), reverse=True)
    if not scores or scores[0][0] < SIMILAR_ENOUGH:
        return None
    if len(scores) > 1 and scores[0][0] - scores[1][0] < CLEAR_LEAD:
        return None
    return scores[0][1]


def _contains(answer: str, label: str, single: bool = False) -> frozenset[str] | None:
    """The label's words when they are all in the answer (not for a `single` choice), or the answer's
    are all in the label."""
    label_bare, label_all = _words(loose(label)), _words(_plain(label))
    answer_bare, answer_all = _words(loose(answer)), _words(_plain(answer))
    if label_bare and label_bare <= answer_all and not single:
        return label_bare
    if answer_bare and answer_bare <= label_all:
        return label_all
    return None


def _spelling(answer: str, options: OptionSet, key: str) -> float:
    labels = next(labels for k, labels in options.options if k == key)
    left = loose(answer)
    return max((SequenceMatcher(None, left, loose(label)).ratio() for label in labels if left and loose(label)),
               default=0.0)


def _plain(text: str) -> str:
    """The text's words, punctuation aside (remarks kept)."""
    return " ".join(_WORDS.findall(values.normalize(text)))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())
