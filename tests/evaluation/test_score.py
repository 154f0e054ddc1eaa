"""The scorer's arithmetic on hand-made labels and predictions, and its refusal of bad labels."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from evaluation.baseline import drops, read_baseline, write_baseline
from evaluation.labels import LABELS_DIR, Label, LabelFileError, load_label_file
from evaluation.metrics import (
    Outcome,
    Predicted,
    by_jurisdiction,
    category_confusions,
    figures,
    flat_figures,
    macro_f1,
    tag_scores,
)
from evaluation.score import EvaluationError, evaluate, mismatches

ADDRESS = {
    "street_number": "812",
    "street_name": "SAN ANTONIO ST",
    "unit": None,
    "city": "Austin",
    "state": "TX",
    "zip": "78701",
}


def label(row: int = 0, **fields: Any) -> Label:
    document: dict[str, Any] = {
        "row": row,
        "key": f"K-{row}",
        "record_class": "permit",
        "status": "issued",
        "tags": [],
        "category": None,
        "property_class": "residential",
    }
    return Label.model_validate(document | fields)


def predicted(**fields: Any) -> Predicted:
    values: dict[str, Any] = {
        "record_class": "permit",
        "status": "issued",
        "tags": frozenset(),
        "category": None,
        "property_class": "residential",
        "address": dict(ADDRESS),
    }
    values |= fields
    values["tags"] = frozenset(values["tags"])
    return Predicted(**values)


def outcome(
    the_label: Label, prediction: Predicted | None, dataset: str = "austin-tx/permits"
) -> Outcome:
    rejected = None if prediction is not None else "rejected missing_primary_key: no id"
    return Outcome(dataset, the_label.row, the_label, prediction, rejected)


def test_tag_counts_precision_recall_and_f1() -> None:
    outcomes = [
        outcome(label(0, tags=["solar", "electrical"]), predicted(tags={"solar", "roofing"})),
        outcome(label(1, tags=["solar"]), predicted(tags={"solar"})),
        outcome(label(2, tags=["roofing"]), predicted(tags=set())),
    ]
    scores = tag_scores(outcomes)
    assert sorted(scores) == ["electrical", "roofing", "solar"]
    solar, roofing, electrical = scores["solar"], scores["roofing"], scores["electrical"]
    assert (solar.true_positives, solar.false_positives, solar.false_negatives) == (2, 0, 0)
    assert (roofing.true_positives, roofing.false_positives, roofing.false_negatives) == (0, 1, 1)
    assert (electrical.support, electrical.precision, electrical.recall) == (1, 0.0, 0.0)
    assert solar.f1 == 1.0
    assert roofing.f1 == 0.0
    # macro: mean over the three tags that occur in labels or predictions
    assert macro_f1(scores) == pytest.approx(1 / 3)


def test_f1_is_the_harmonic_mean_of_precision_and_recall() -> None:
    outcomes = [
        outcome(label(0, tags=["hvac"]), predicted(tags={"hvac"})),
        outcome(label(1, tags=["hvac"]), predicted(tags=set())),
        outcome(label(2, tags=[]), predicted(tags={"hvac"})),
        outcome(label(3, tags=["hvac"]), predicted(tags={"hvac"})),
    ]
    hvac = tag_scores(outcomes)["hvac"]
    assert (hvac.precision, hvac.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert hvac.f1 == pytest.approx(
        2 * hvac.precision * hvac.recall / (hvac.precision + hvac.recall)
    )


def test_a_tag_only_predicted_counts_in_the_macro_average() -> None:
    outcomes = [outcome(label(0, tags=["pool"]), predicted(tags={"pool", "fence"}))]
    scores = tag_scores(outcomes)
    assert scores["fence"].f1 == 0.0
    assert macro_f1(scores) == 0.5


def test_no_tag_anywhere_is_a_perfect_macro_f1() -> None:
    assert macro_f1(tag_scores([outcome(label(0), predicted())])) == 1.0


def test_accuracies_count_null_equal_to_null_as_right() -> None:
    outcomes = [
        outcome(label(0, category=None), predicted(category=None)),
        outcome(label(1, tags=["solar"], category="solar"), predicted(category="roofing")),
        outcome(label(2, status="finaled"), predicted(status="finaled")),
        outcome(label(3, status="expired"), predicted(status="issued")),
    ]
    result = figures(outcomes)
    assert result.counts["category_accuracy"] == (3, 4)
    assert result.counts["status_accuracy"] == (3, 4)
    assert result.headline["record_class_accuracy"] == 1.0
    assert result.headline["category_accuracy"] == 0.75


def test_a_rejected_record_is_wrong_on_every_metric() -> None:
    rejected = label(0, tags=["solar"], category="solar", address=ADDRESS)
    empty = label(1, category=None)  # nothing to get wrong, except being rejected
    outcomes = [outcome(rejected, None), outcome(empty, None)]
    result = figures(outcomes)
    for name in ("record_class", "status", "category", "property_class"):
        assert result.counts[f"{name}_accuracy"] == (0, 2)
    assert result.counts["address_exact_match"] == (0, 1)
    assert result.counts["address.unit"] == (0, 1)
    assert result.tags["solar"].false_negatives == 1
    assert result.headline["tag_macro_f1"] == 0.0
    assert category_confusions(outcomes) == [("null", "(rejected)", 1), ("solar", "(rejected)", 1)]


def test_address_exact_match_skips_unlabelled_records_and_unlabelled_components() -> None:
    partial = {"street_number": "812", "street_name": "SAN ANTONIO ST"}  # the rest unscored
    outcomes = [
        outcome(label(0, address=ADDRESS), predicted()),
        outcome(label(1, address=ADDRESS), predicted(address=ADDRESS | {"zip": "78702"})),
        outcome(label(2, address=partial), predicted(address=ADDRESS | {"city": None})),
        outcome(label(3), predicted(address=dict.fromkeys(ADDRESS))),  # no address label
    ]
    result = figures(outcomes)
    assert result.counts["address_exact_match"] == (2, 3)
    assert result.counts["address.zip"] == (1, 2)
    assert result.counts["address.city"] == (2, 2)
    assert result.counts["address.street_name"] == (3, 3)
    assert result.headline["address_exact_match"] == pytest.approx(2 / 3)


def test_a_labelled_null_component_must_be_null() -> None:
    outcomes = [outcome(label(0, address=ADDRESS), predicted(address=ADDRESS | {"unit": "APT 1"}))]
    assert figures(outcomes).counts["address.unit"] == (0, 1)


def test_breakdowns_by_jurisdiction_and_the_flat_figures() -> None:
    outcomes = [
        outcome(label(0, status="issued"), predicted(), dataset="austin-tx/a"),
        outcome(label(1, status="issued"), predicted(status="applied"), dataset="austin-tx/b"),
        outcome(label(0, status="issued"), predicted(), dataset="denver-co/a"),
    ]
    groups = by_jurisdiction(outcomes)
    assert list(groups) == ["austin-tx", "denver-co"]
    assert groups["austin-tx"].headline["status_accuracy"] == 0.5
    assert groups["denver-co"].headline["status_accuracy"] == 1.0
    flat = flat_figures(outcomes)
    assert flat["status_accuracy"] == pytest.approx(2 / 3)
    assert flat["austin-tx/status_accuracy"] == 0.5
    assert "address_exact_match" not in flat  # no address label anywhere: not a figure


def test_confusions_rank_by_count_and_mismatches_put_the_worst_record_first() -> None:
    outcomes = [
        outcome(label(0, tags=["solar"], category="solar"), predicted(tags={"solar"})),
        outcome(
            label(1, tags=["solar"], category="solar", status="finaled"),
            predicted(tags={"roofing"}, category="roofing"),
        ),
        outcome(label(2, tags=["solar"], category="solar"), predicted(tags={"solar"})),
    ]
    assert category_confusions(outcomes) == [("solar", "null", 2), ("solar", "roofing", 1)]
    found = mismatches(outcomes)
    assert [(m.row, m.field) for m in found[:3]] == [(1, "status"), (1, "category"), (1, "tags")]
    assert (found[2].labelled, found[2].predicted) == ("[solar]", "[roofing]")
    assert [(m.row, m.field) for m in found[3:]] == [(0, "category"), (2, "category")]


def write_labels(directory: Path, document: dict[str, Any], name: str | None = None) -> Path:
    path = directory / (name or document["dataset"].replace("/", "--") + ".yaml")
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def austin_document() -> dict[str, Any]:
    path = LABELS_DIR / "austin-tx--issued-construction-permits.yaml"
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "issud"}, "labels[0] (row 0).status: Input should be 'applied'"),
        ({"tags": ["solarr"]}, "labels[0] (row 0).tags.0: Input should be 'new_construction'"),
        ({"property_class": "house"}, "labels[0] (row 0).property_class: Input should be"),
        ({"colour": "red"}, "labels[0] (row 0).colour: unknown key"),
        ({"key": 2026095727}, "labels[0] (row 0).key: Input should be a valid string"),
        ({"category": "solar"}, "category 'solar' is not one of the tags"),
        ({"tags": ["hvac", "hvac"], "category": None}, "repeat a tag"),
        ({"row": 1}, "rows [1] are labelled more than once"),
        ({"address": {"street": "1 MAIN ST"}}, "labels[0] (row 0).address.street: unknown key"),
    ],
)
def test_invalid_labels_are_named(tmp_path: Path, change: dict[str, Any], problem: str) -> None:
    document = austin_document()
    document["labels"][0] |= change
    with pytest.raises(LabelFileError) as raised:
        load_label_file(write_labels(tmp_path, document))
    assert any(problem in line for line in raised.value.problems), raised.value.problems


def test_a_label_file_must_be_named_after_its_dataset(tmp_path: Path) -> None:
    with pytest.raises(LabelFileError, match="belongs in a file named austin-tx--issued"):
        load_label_file(write_labels(tmp_path, austin_document(), name="austin.yaml"))


def test_a_label_file_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(LabelFileError, match="must be a mapping"):
        load_label_file(path)


def test_every_bundled_label_file_is_valid() -> None:
    files = sorted(LABELS_DIR.glob("*.yaml"))
    assert len(files) >= 16
    assert all(load_label_file(path).labels for path in files)


def test_labels_that_cannot_be_scored_are_all_reported(tmp_path: Path) -> None:
    document = austin_document()
    document["labels"] = document["labels"][:3]
    document["labels"][1]["key"] = "2099-000000 XX"  # a row shifted against its key
    document["labels"][2]["row"] = 500  # past the recording's end
    write_labels(tmp_path, document)
    unknown = austin_document() | {"dataset": "austin-tx/no-such-dataset"}
    write_labels(tmp_path, unknown)
    with pytest.raises(EvaluationError) as raised:
        evaluate(labels_dir=tmp_path)
    assert raised.value.problems == [
        "austin-tx/issued-construction-permits row 1: key '2099-000000 XX' is not in that "
        "record; is `row` right?",
        "austin-tx/issued-construction-permits row 500: the recording has only 17 records",
        "austin-tx/no-such-dataset: no catalog entry with this slug (bundled or under "
        f"{Path(__file__).resolve().parents[2] / 'evaluation' / 'catalog'}); fix `dataset` or "
        "add an eval-only entry there",
    ]


def test_labels_must_name_the_entrys_recording(tmp_path: Path) -> None:
    document = austin_document() | {"recording": "socrata/austin-tx/other.json"}
    write_labels(tmp_path, document)
    with pytest.raises(EvaluationError, match="the catalog entry records 'socrata/austin-tx/"):
        evaluate(labels_dir=tmp_path)


def test_the_eval_only_catalog_scores_both_extra_san_francisco_recordings(tmp_path: Path) -> None:
    for name in ("building-permits-2026", "building-permits-export"):
        shutil.copy(LABELS_DIR / f"san-francisco-ca--{name}.yaml", tmp_path)
    outcomes = evaluate(labels_dir=tmp_path)
    assert len(outcomes) == 30
    assert not [o for o in outcomes if o.rejected]
    # both field maps find the address: a wrong map would leave every component null
    assert figures(outcomes).headline["address.street_number"] == 1.0


def test_the_baseline_refuses_to_drop_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    assert write_baseline({"status_accuracy": 0.9, "category_accuracy": 0.5}, path) == []
    assert read_baseline(path) == {"status_accuracy": 0.9, "category_accuracy": 0.5}
    refused = write_baseline({"status_accuracy": 0.95, "category_accuracy": 0.4}, path)
    assert refused == ["category_accuracy: 0.4000 < baseline 0.5000 (-0.1000)"]
    assert read_baseline(path)["category_accuracy"] == 0.5  # untouched
    forced = write_baseline({"status_accuracy": 0.95, "category_accuracy": 0.4}, path, force=True)
    assert forced == refused
    assert read_baseline(path) == {"status_accuracy": 0.95, "category_accuracy": 0.4}


def test_drops_allow_float_noise_but_nothing_more() -> None:
    baseline = {"a": 0.5, "b": 0.5, "gone": 1.0}
    found = drops(baseline, {"a": 0.5 - 1e-12, "b": 0.5 - 1e-6})
    assert found == [
        "b: 0.5000 < baseline 0.5000 (-0.0000)",
        "gone: 1.0000 in the baseline, no longer measured",
    ]
