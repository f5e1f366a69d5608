"""Kecamatan and kelurahan: matching what reporters type to the city's official names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules.values import normalize

# Common ways of writing place names in West Kalimantan: "Sei" for "Sungai",
# "Kec." / "Kel." prefixes, "Skw" for Singkawang.
_ABBREVIATIONS = (
    (re.compile(r"^(kecamatan|kec\.?|kelurahan|kel\.?|desa)\s+"), ""),
    (re.compile(r"\bsei\.?\s"), "sungai "),
    (re.compile(r"\bsg\.?\s"), "sungai "),
    (re.compile(r"\bskw\.?\b"), "singkawang"),
)


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    value = normalize(name)
    for pattern, replacement in _ABBREVIATIONS:
        value = pattern.sub(replacement, value)
    return re.sub(r"[^a-z0-9 ]", "", value).strip()


@dataclass(frozen=True)
class Place:
    kecamatan: str | None
    kelurahan: str | None
    warnings: tuple[str, ...]


def match_place(
    kecamatan: str | None,
    kelurahan: str | None,
    areas: Mapping[str, Sequence[str]],
    outside_area: str,
) -> Place:
    """Official kecamatan and kelurahan names where the answers allow, with warnings."""
    warnings: list[str] = []
    kec = _match(kecamatan, [*areas, outside_area]) if kecamatan else None
    if kecamatan and kec is None:
        warnings.append(f"Kecamatan '{kecamatan[:60]}' tidak dikenal; mohon periksa.")
    kel_owner: dict[str, str] = {_key(k): kc for kc, kels in areas.items() for k in kels}
    kel_names: dict[str, str] = {_key(k): k for kels in areas.values() for k in kels}
    kel = None
    if kelurahan and kec != outside_area:
        candidates = list(areas[kec]) if kec is not None and kec in areas else list(kel_names.values())
        kel = _match(kelurahan, candidates) or _match(kelurahan, list(kel_names.values()))
        if kel is None:
            warnings.append(f"Kelurahan '{kelurahan[:60]}' tidak dikenal; mohon periksa.")
        else:
            owner = kel_owner[_key(kel)]
            if kec is None and not kecamatan:
                kec = owner
                warnings.append(f"Kecamatan diisi otomatis dari kelurahan: {owner}.")
            elif kec is not None and kec != owner:
                warnings.append(
                    f"Kelurahan {kel} termasuk {owner}, bukan {kec}; mohon periksa alamat korban."
                )
    elif kelurahan:
        kel = kelurahan
    return Place(kec, kel, tuple(warnings))


def _match(answer: str, names: Sequence[str]) -> str | None:
    wanted = _key(answer)
    by_key = {_key(n): n for n in names}
    if wanted in by_key:
        return by_key[wanted]
    # "Barat" for "Singkawang Barat"
    endings = [n for k, n in by_key.items() if k.endswith(" " + wanted)]
    if len(endings) == 1:
        return endings[0]
    close = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.85)
    return by_key[close[0]] if close else None
