"""Permit numbers as lookups compare them: a match key, and the number's shape.

People type permit numbers with stray spaces and in any case (``bld2024-00123 `` for
``BLD2024-00123``), so lookups compare a key: trimmed, case-folded, inner whitespace collapsed
to one space. The shape replaces each run of digits by ``9{n}`` and each run of letters by
``A{n}`` and keeps everything else, so ``BLD2024-00123`` has the shape ``A{3}9{4}-9{5}``:
the shapes a jurisdiction's stored numbers have tell which jurisdictions a number could
belong to, learned from the data rather than written down per jurisdiction.
"""

from __future__ import annotations

from itertools import groupby
from typing import Final

MAX_LENGTH: Final = 128  # longer input is no permit number; the API refuses it


def permit_number_key(number: str | None) -> str | None:
    """The number as lookups compare it, or None when there is nothing to compare."""
    if number is None:
        return None
    key = " ".join(number.split()).casefold()
    return key or None


def _kind(character: str) -> str:
    # ASCII digits only: other Unicode digits (²) are not what a permit office numbers with
    if "0" <= character <= "9":
        return "9"
    if character.isalpha():
        return "A"
    return character


def permit_number_shape(number: str | None) -> str | None:
    """The key's shape: ``"2026-000001 EP"`` → ``"9{4}-9{6} A{2}"``; None without a number."""
    key = permit_number_key(number)
    if key is None:
        return None
    parts: list[str] = []
    for kind, run in groupby(key, key=_kind):
        length = sum(1 for _ in run)
        parts.append(f"{kind}{{{length}}}" if kind in ("9", "A") else kind * length)
    return "".join(parts)
