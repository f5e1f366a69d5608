"""Answers that name no option of the form, or only the clearly closest one: a reworded option.

An office rewords an option as it rewords a question; until the new label is in the
configuration, the answer is unknown (its case is at least medium risk, rules/triage.py)
or read as the closest option. Either way the office is told what to add, and where, as
structure findings are told (sync/cycle/form_structure.py): in Indonesian for the staff
(the log tab when the findings change, `status` messages) and in English for the program
log each cycle. An answer seen once may be a reporter's own words (a "Lainnya" answer):
neither the program log nor the log tab and `status` quote it (the case's own validation
note does, beside the rest of the case); an answer given twice or more is an option's label.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rules import options, values
from rules.intake import OPTION_SETTINGS, FormSpec
from rules.options import OptionSet
from rules.triage import UNKNOWN_OPTION_NAMES
from sync.cycle.context import Context
from sync.cycle.identify import Response

SHOWN = 3  # responses named in a finding
_QUOTED = 40  # characters of an answer a finding quotes


@dataclass(frozen=True)
class OptionFinding:
    field: str
    answer: str  # as the first response gave it
    key: str | None  # the option it was read as (the closest); None: no option, unknown
    ids: tuple[str, ...]  # case or review IDs of the earliest responses giving it (at most SHOWN)
    responses: int


def find(responses: Iterable[tuple[str | None, Response]], ctx: Context) -> list[OptionFinding]:
    """The unknown and the closest-only answers of every response, each once, by question and first seen.

    `responses`: (its case or review ID, when it has one; the response)."""
    seen: dict[tuple[str, str, str | None], tuple[str, list[str], int, tuple[int, int]]] = {}
    asked = ctx.spec.options()
    read: dict[tuple[str, object], options.Reading] = {}  # answers repeat the same few labels: each read once
    for name, response in sorted(_one_id_each(responses, ctx), key=lambda pair: pair[1].order):
        for field, (labels, multiple) in asked.items():
            if field in response.unreadable:
                continue
            cell = response.answers.get(field)
            reading = read.get((field, cell)) if isinstance(cell, str) else None
            if reading is None:
                reading = read[(field, cell)] = _read(cell, labels, multiple)
            if not (reading.unknown or reading.similar):
                continue
            found = [(a, None) for a in reading.unknown] + [(a, k) for a, k in reading.similar]
            for answer, key in found:
                slot = (field, values.normalize(answer), key)
                first, ids, count, order = seen.get(slot, (answer, [], 0, response.order))
                if name and len(ids) < SHOWN:
                    ids.append(name)
                seen[slot] = (first, ids, count + 1, order)
    fields = list(asked)
    ordered = sorted(seen.items(), key=lambda item: (fields.index(item[0][0]), item[1][3]))
    return [OptionFinding(field, first[:_QUOTED], key, tuple(ids), count)
            for (field, _, key), (first, ids, count, _) in ordered]


def _read(cell: object, labels: OptionSet, multiple: bool) -> options.Reading:
    return options.checkboxes(cell, labels) if multiple else options.choice(cell, labels)


def _one_id_each(responses: Iterable[tuple[str | None, Response]], ctx: Context) -> list[tuple[str | None, Response]]:
    """Each response once: a review row released into a case has both IDs; the case's is named."""
    chosen: dict[tuple[int, int], tuple[str | None, Response]] = {}
    for name, response in responses:
        held = chosen.get(response.order)
        if held is None or held[0] is None or (name and ctx.case_ids.parse(name) and not ctx.case_ids.parse(held[0])):
            chosen[response.order] = (name, response)
    return list(chosen.values())


def messages(findings: Iterable[OptionFinding], ctx: Context) -> list[str]:
    """The findings in Indonesian, each naming the answer, the question, where, and what to add."""
    out = []
    for f in findings:
        question = ctx.spec.questions[f.field]
        setting = OPTION_SETTINGS[f.field]
        where = _where(f)
        if f.responses == 1:  # perhaps a reporter's own words ("Lainnya"): the log tab quotes no reporter
            read = f"dibaca sebagai pilihan '{_labels(ctx.spec, f.field).label(f.key)}' (mirip)" if f.key else \
                f"bukan pilihan yang dikenal. {_risk(f.field, ctx)}".rstrip()
            out.append(
                f"Pertanyaan '{question}': satu jawaban {read} ({where}; jawabannya dikutip di Catatan Validasi "
                f"kasus itu, tidak di sini). Bila itu pilihan formulir yang diubah, tambahkan sebagai label lain "
                f"pilihan yang dimaksud di konfigurasi: {setting}.<kunci>: [<label sekarang>, '<jawaban itu>']."
            )
            continue
        if f.key is not None:
            label = _labels(ctx.spec, f.field).label(f.key)
            out.append(
                f"Pertanyaan '{question}': jawaban '{f.answer}' dibaca sebagai pilihan '{label}' (mirip; {where}). "
                f"Bila benar, tambahkan label itu di konfigurasi: {setting}.{f.key}: [{label}, '{f.answer}']."
            )
            continue
        keys = ", ".join(_labels(ctx.spec, f.field).keys)
        out.append(
            f"Pertanyaan '{question}': jawaban '{f.answer}' bukan pilihan yang dikenal ({where}). "
            f"{_risk(f.field, ctx)}Bila itu pilihan formulir yang diubah, tambahkan sebagai label lain pilihan "
            f"yang dimaksud di konfigurasi: {setting}.<kunci>: [<label sekarang>, '{f.answer}'] (kunci: {keys})."
        )
    return out


def problems(findings: Iterable[OptionFinding], ctx: Context) -> list[str]:
    """The findings in English, for the program log; an answer seen once is not quoted (a reporter's words?)."""
    out = []
    for f in findings:
        question = ctx.spec.questions[f.field]
        setting = OPTION_SETTINGS[f.field]
        said = f"answer '{f.answer}'" if f.responses > 1 else "an answer (not quoted: one reporter's words?)"
        where = f"{f.responses} response{'s' if f.responses > 1 else ''}" + (f", {', '.join(f.ids)}" if f.ids else "")
        if f.key is not None:
            out.append(f"{said} to question '{question}' read as option '{f.key}' as the closest ({where}); "
                       f"if right, add it to the labels of {setting}.{f.key}")
        else:
            out.append(f"{said} to question '{question}' names no option ({where}); its case counts at least "
                       f"'sedang' risk where the triage weighs it. If it is a reworded option, add it to the "
                       f"labels of the option it means under {setting} (see `status`)")
    return out


def _where(f: OptionFinding) -> str:
    if not f.ids:
        return f"{f.responses} respons belum bernomor"
    more = " dan lainnya" if f.responses > len(f.ids) else ""
    return "pada " + ", ".join(f.ids) + more


def _risk(field: str, ctx: Context) -> str:
    policy = ctx.settings.triage
    weighed = (field in UNKNOWN_OPTION_NAMES and policy.medium_when_answer_unknown) or (
        field == "in_danger" and policy.medium_when_danger_unknown)
    return "Kasusnya dinilai minimal Sedang sampai diperiksa. " if weighed else ""


def _labels(spec: FormSpec, field: str) -> OptionSet:
    return spec.options()[field][0]
