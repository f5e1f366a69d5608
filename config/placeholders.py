"""The shipped letter staff are fictional: which of them an office's configuration still holds.

A letter names, and is signed by, real civil servants. The configuration ships
placeholders ("Nama Kepala Dinas", NIP 19700101 199001 1 001, ...) so that the
demo runs; `once`, `run` and `doctor` warn until the office has replaced them.
"""

from __future__ import annotations

from config.letters import NO_NIP, KepalaDinas, Letters
from config.settings import Settings


def placeholders(settings: Settings) -> list[str]:
    """Each setting still equal to a shipped placeholder, named as in the configuration file."""
    shipped_head = KepalaDinas()
    shipped_staff = Letters().staff
    names = {_key(m.nama) for m in shipped_staff} | {_key(shipped_head.nama)}
    nips = {m.nip for m in shipped_staff if m.nip != NO_NIP} | {shipped_head.nip}
    head = settings.letters.kepala_dinas
    people = [("letters.kepala_dinas", head.nama, head.nip)]
    people += [(f"letters.staff[{i}]", m.nama, m.nip) for i, m in enumerate(settings.letters.staff)]
    out = []
    for where, nama, nip in people:
        if _key(nama) in names:
            out.append(f"{where}.nama ({nama!r})")
        if nip in nips:
            out.append(f"{where}.nip ({nip!r})")
    return out


def warning(found: list[str]) -> str:
    """The program log's warning (English) about the placeholders `found`."""
    return (
        f"the configuration still holds the shipped placeholder staff of the letters: {', '.join(found)}. "
        "Replace them with the office's real officials (names and NIPs) under letters: in the configuration "
        "file given with --config, before any drafted letter is signed."
    )


def _key(name: str) -> str:
    return " ".join(name.casefold().split())
