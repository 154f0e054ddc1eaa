"""The committed floor: ``evaluation/baseline.json`` holds the figures normalization must keep.

``tests/evaluation/test_eval_floor.py`` fails when a figure falls below its baseline value.
``python -m evaluation --write-baseline`` raises the floor, and refuses to lower any figure (or
drop one) unless forced, so a regression cannot be committed by accident.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import orjson

BASELINE_PATH: Final = Path(__file__).resolve().parent / "baseline.json"
TOLERANCE: Final = 1e-9  # float noise, not a margin: any real drop fails


def read_baseline(path: Path = BASELINE_PATH) -> dict[str, float]:
    document = orjson.loads(path.read_bytes())
    figures = document.get("figures") if isinstance(document, dict) else None
    if not isinstance(figures, dict) or not all(
        isinstance(value, int | float) for value in figures.values()
    ):
        raise ValueError(f"{path}: expected {{'figures': {{name: number}}}}")
    return {str(name): float(value) for name, value in figures.items()}


def drops(baseline: Mapping[str, float], current: Mapping[str, float]) -> list[str]:
    """Every baseline figure that is now lower, or no longer measured, as a readable line."""
    found = []
    for name, floor in sorted(baseline.items()):
        value = current.get(name)
        if value is None:
            found.append(f"{name}: {floor:.4f} in the baseline, no longer measured")
        elif value < floor - TOLERANCE:
            found.append(f"{name}: {value:.4f} < baseline {floor:.4f} ({value - floor:+.4f})")
    return found


def write_baseline(
    current: Mapping[str, float], path: Path = BASELINE_PATH, *, force: bool = False
) -> list[str]:
    """Write ``current`` as the new floor; returns the drops that prevented it (nothing written).

    With ``force`` the file is written whatever dropped, and the drops are still returned so
    the caller can say what it lowered.
    """
    found = drops(read_baseline(path), current) if path.exists() else []
    if found and not force:
        return found
    if not all(math.isfinite(value) for value in current.values()):
        raise ValueError("refusing to write a baseline with non-finite figures")
    document = {
        "about": "figures of `python -m evaluation`; tests fail below them. Regenerate with "
        "`python -m evaluation --write-baseline`.",
        "figures": dict(sorted(current.items())),
    }
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    return found
