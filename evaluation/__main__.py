"""``python -m evaluation``: score normalization and contractor resolution against the labels.

``--json`` prints the figures as one JSON document instead of tables. ``--write-baseline``
makes the current figures the committed floor, refusing if any figure would drop (``--force``
lowers it anyway, for a deliberate relabelling).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import orjson
from rich.console import Console

from evaluation.baseline import BASELINE_PATH, read_baseline, write_baseline
from evaluation.contractors import evaluate_contractors
from evaluation.labels import LabelFileError
from evaluation.metrics import flat_figures
from evaluation.report import as_json, contractors_json, show, show_contractors
from evaluation.score import EvaluationError, evaluate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--write-baseline", action="store_true", help=f"write the figures to {BASELINE_PATH}"
    )
    parser.add_argument("--force", action="store_true", help="write the baseline even if lower")
    parser.add_argument("--worst", type=int, default=30, help="mismatches to list (default 30)")
    parser.add_argument("--confusions", type=int, default=20, help="category confusions to list")
    args = parser.parse_args(argv)
    console = Console(stderr=args.json)
    try:
        outcomes = evaluate()
        pairs = evaluate_contractors()
    except (EvaluationError, LabelFileError) as exc:
        console.print("[bold red]The labels cannot be scored:")
        console.print(str(exc), markup=False, highlight=False)
        return 2
    baseline = read_baseline() if BASELINE_PATH.exists() else None
    if args.json:
        document = as_json(outcomes, baseline)
        document["contractor_resolution"] = contractors_json(pairs)
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        show(console, outcomes, baseline, worst=args.worst, confusions=args.confusions)
        show_contractors(console, pairs)
    if args.write_baseline:
        return _write(console, flat_figures(outcomes), force=args.force)
    return 0


def _write(console: Console, current: dict[str, float], *, force: bool) -> int:
    dropped = write_baseline(current, force=force)
    if dropped and not force:
        console.print("[bold red]Baseline not written; these figures would drop:")
        console.print("\n".join(dropped), markup=False)
        console.print("Fix the regression, or pass --force if lowering the floor is deliberate.")
        return 1
    if dropped:
        console.print("[yellow]Baseline lowered (--force):")
        console.print("\n".join(dropped), markup=False)
    console.print(f"Baseline written: {BASELINE_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
