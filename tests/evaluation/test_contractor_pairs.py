"""`make eval`'s contractor figures: the labelled pairs load, and resolution keeps its precision."""

from __future__ import annotations

from evaluation.__main__ import main
from evaluation.contractors import (
    PRECISION_TARGET,
    evaluate_contractors,
    load_pairs,
    resolution_figures,
)


def test_the_labelled_set_is_large_and_has_both_answers() -> None:
    pairs = load_pairs().pairs
    assert len(pairs) >= 150
    same = sum(pair.same for pair in pairs)
    assert 0.25 < same / len(pairs) < 0.75
    assert len({pair.case for pair in pairs}) >= 10


def test_resolution_precision_meets_the_issue_target() -> None:
    scored = resolution_figures(evaluate_contractors())
    assert scored.pairs == len(load_pairs().pairs)
    assert scored.precision >= PRECISION_TARGET, scored
    assert scored.recall > 0.8, scored


def test_make_eval_reports_contractor_precision_and_recall(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--json"]) == 0
    out = capsys.readouterr().out
    assert '"contractor_resolution"' in out
    assert '"precision"' in out
    assert '"recall"' in out
