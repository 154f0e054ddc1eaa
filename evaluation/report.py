"""What ``make eval`` shows: Rich tables for people, one JSON document for tools.

The tables put the worst first (lowest-F1 tags, most frequent confusions, records with the most
wrong values), because the reader is a rule author looking for what to fix next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from evaluation.contractors import PRECISION_TARGET, PairOutcome, resolution_figures
from evaluation.metrics import (
    TARGETS,
    Figures,
    Outcome,
    by_jurisdiction,
    category_confusions,
    figures,
    flat_figures,
)
from evaluation.score import Mismatch, mismatches

JURISDICTION_COLUMNS = (
    ("tag_macro_f1", "tag F1"),
    ("category_accuracy", "category"),
    ("status_accuracy", "status"),
    ("record_class_accuracy", "class"),
    ("property_class_accuracy", "property"),
    ("address_exact_match", "address"),
)


def as_json(outcomes: Sequence[Outcome], baseline: Mapping[str, float] | None) -> dict[str, Any]:
    overall = figures(outcomes)
    flat = flat_figures(outcomes)
    return {
        "records": overall.records,
        "figures": flat,
        "counts": {name: list(pair) for name, pair in overall.counts.items()},
        "targets": {
            name: {"target": target, "value": flat.get(name), "met": flat.get(name, 0) >= target}
            for name, target in TARGETS.items()
        },
        "baseline": dict(baseline) if baseline is not None else None,
        "tags": {
            tag: {
                "support": score.support,
                "true_positives": score.true_positives,
                "false_positives": score.false_positives,
                "false_negatives": score.false_negatives,
                "precision": score.precision,
                "recall": score.recall,
                "f1": score.f1,
            }
            for tag, score in overall.tags.items()
        },
        "category_confusions": [
            {"labelled": labelled, "predicted": predicted, "count": count}
            for labelled, predicted, count in category_confusions(outcomes)
        ],
        "rejected": [
            {"dataset": o.dataset, "row": o.row, "key": o.label.key, "reason": o.rejected}
            for o in outcomes
            if o.rejected
        ],
        "mismatches": [asdict(mismatch) for mismatch in mismatches(outcomes)],
    }


def show(
    console: Console,
    outcomes: Sequence[Outcome],
    baseline: Mapping[str, float] | None,
    *,
    worst: int,
    confusions: int,
) -> None:
    overall = figures(outcomes)
    console.print(_metrics_table(overall, baseline))
    console.print(_tags_table(overall))
    console.print(_jurisdictions_table(by_jurisdiction(outcomes)))
    console.print(_confusions_table(outcomes, confusions))
    rejected = [o for o in outcomes if o.rejected]
    if rejected:
        console.print(f"[bold red]{len(rejected)} labelled records rejected by normalize:")
        for outcome in rejected:
            console.print(f"  {outcome.dataset} row {outcome.row} ({outcome.label.key}): ", end="")
            console.print(outcome.rejected, markup=False, highlight=False)
    console.print(_mismatches_table(mismatches(outcomes), worst))


def _metrics_table(overall: Figures, baseline: Mapping[str, float] | None) -> Table:
    table = Table(title=f"Normalization vs {overall.records} labelled records")
    for column in ("metric", "value", "right / scored", "baseline", "target"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name, value in overall.headline.items():
        right, scored = overall.counts.get(name, (None, None))
        floor = baseline.get(name) if baseline else None
        target = TARGETS.get(name)
        table.add_row(
            name,
            f"{value:.4f}",
            f"{right} / {scored}" if scored is not None else "",
            _against_floor(value, floor),
            _against_target(value, target),
        )
    return table


def _against_floor(value: float, floor: float | None) -> str:
    if floor is None:
        return ""
    style = "red" if value < floor - 1e-9 else "green" if value > floor + 1e-9 else ""
    text = f"{floor:.4f} ({value - floor:+.4f})"
    return f"[{style}]{text}[/]" if style else text


def _against_target(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"≥ {target:.2f} " + ("[green]met[/]" if value >= target else "[red]not met[/]")


def _tags_table(overall: Figures) -> Table:
    table = Table(title="Tags, worst F1 first")
    for column in ("tag", "labelled", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "tag" else "right")
    ranked = sorted(overall.tags.items(), key=lambda item: (item[1].f1, -item[1].support))
    for tag, score in ranked:
        table.add_row(
            tag,
            str(score.support),
            str(score.true_positives),
            str(score.false_positives),
            str(score.false_negatives),
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            f"{score.f1:.3f}",
        )
    return table


def _jurisdictions_table(groups: Mapping[str, Figures]) -> Table:
    table = Table(title="By jurisdiction")
    table.add_column("jurisdiction")
    table.add_column("records", justify="right")
    for _, title in JURISDICTION_COLUMNS:
        table.add_column(title, justify="right")
    for jurisdiction, scored in groups.items():
        cells = [scored.headline.get(name) for name, _ in JURISDICTION_COLUMNS]
        table.add_row(
            jurisdiction,
            str(scored.records),
            *("—" if cell is None else f"{cell:.3f}" for cell in cells),
        )
    return table


def _confusions_table(outcomes: Sequence[Outcome], limit: int) -> Table:
    table = Table(title=f"Category confusions, {limit} most frequent")
    for column in ("labelled", "predicted", "records"):
        table.add_column(column, justify="right" if column == "records" else "left")
    for labelled, predicted, count in category_confusions(outcomes)[:limit]:
        table.add_row(labelled, predicted, str(count))
    return table


def _mismatches_table(found: Sequence[Mismatch], limit: int) -> Table:
    table = Table(title=f"Worst mismatches ({min(limit, len(found))} of {len(found)})")
    for column in ("dataset", "row", "key", "field", "label", "predicted"):
        table.add_column(column, justify="right" if column == "row" else "left", overflow="fold")
    for mismatch in found[:limit]:
        # Text, not markup: a list such as "[solar, roofing]" would read as a Rich style tag.
        cells = (mismatch.dataset, str(mismatch.row), mismatch.key, mismatch.field)
        table.add_row(*map(Text, (*cells, mismatch.labelled, mismatch.predicted)))
    return table


def contractors_json(outcomes: Sequence[PairOutcome]) -> dict[str, Any]:
    """Contractor resolution on the labelled pairs: the counts, the figures, every wrong pair."""
    scored = resolution_figures(outcomes)
    return {
        "pairs": scored.pairs,
        "precision": scored.precision,
        "recall": scored.recall,
        "f1": scored.f1,
        "precision_target": PRECISION_TARGET,
        "precision_met": scored.precision >= PRECISION_TARGET,
        "counts": {
            "true_positives": scored.true_positives,
            "false_positives": scored.false_positives,
            "false_negatives": scored.false_negatives,
            "true_negatives": scored.true_negatives,
        },
        "by_case": {case: list(pair) for case, pair in scored.by_case.items()},
        "wrong": [_wrong_pair(o) for o in outcomes if o.pair.same != o.said_same],
    }


def show_contractors(console: Console, outcomes: Sequence[PairOutcome]) -> None:
    scored = resolution_figures(outcomes)
    table = Table(title=f"Contractor resolution vs {scored.pairs} labelled pairs")
    for column in ("metric", "value", "counts", "target"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    said = scored.true_positives + scored.false_positives
    same = scored.true_positives + scored.false_negatives
    table.add_row(
        "precision",
        f"{scored.precision:.4f}",
        f"{scored.true_positives} / {said}",
        _against_target(scored.precision, PRECISION_TARGET),
    )
    table.add_row("recall", f"{scored.recall:.4f}", f"{scored.true_positives} / {same}", "")
    table.add_row("f1", f"{scored.f1:.4f}", "", "")
    console.print(table)
    cases = Table(title="Contractor pairs by case")
    for column in ("case", "right", "pairs"):
        cases.add_column(column, justify="left" if column == "case" else "right")
    for case, (right, total) in scored.by_case.items():
        cases.add_row(case, str(right), str(total))
    console.print(cases)
    wrong = Table(title="Wrong contractor pairs")
    for column in ("labelled", "said", "case", "a", "b", "note"):
        wrong.add_column(column, overflow="fold")
    for found in (_wrong_pair(o) for o in outcomes if o.pair.same != o.said_same):
        wrong.add_row(
            *map(Text, (str(found[k]) for k in ("labelled", "said", "case", "a", "b", "note")))
        )
    console.print(wrong)


def _wrong_pair(outcome: PairOutcome) -> dict[str, str]:
    pair = outcome.pair

    def ref(mention: Any) -> str:
        only = f" ({mention.name_only})" if mention.name_only else ""
        return f"{mention.source} row {mention.row} {mention.key}{only}"

    said = outcome.predicted
    return {
        "labelled": "same" if pair.same else "different",
        "said": f"same ({said.method}, {said.confidence})" if said else "different",
        "case": pair.case,
        "a": ref(pair.a),
        "b": ref(pair.b),
        "note": pair.note or "",
    }
