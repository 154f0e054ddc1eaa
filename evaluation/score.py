"""Normalize every labelled record with its catalog entry and pair it with its label.

Each label file names a catalog dataset; the entry comes from the bundled catalog plus
``evaluation/catalog`` (entries that exist only to score a recording, such as the second and
third San Francisco recordings, which a bundled entry would ingest twice). Records are read with
``permitdb.testing.recordings.read_recording``, in file order, so a label's ``row`` is the
record's position there, and its ``key`` must appear in that record (each part of a composite
``a / b`` key): a shifted row is a label error, not a bad score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from evaluation.labels import ADDRESS_COMPONENTS, LABELS_DIR, Label, LabelFile, load_label_files
from evaluation.metrics import CATEGORICAL, Outcome, Predicted
from permitdb.canonical import PermitRecord
from permitdb.catalog.load import load_catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import RecordRejected
from permitdb.normalize.record import normalize_record
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import read_recording

EVAL_CATALOG_DIR: Final = Path(__file__).resolve().parent / "catalog"
# Fixed, and after every recording: date-dependent quality flags then never depend on the day
# the evaluation runs.
FETCHED_AT: Final = datetime(2026, 12, 1, tzinfo=UTC)


class EvaluationError(ValueError):
    """The labels cannot be scored as written: every problem found, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Mismatch:
    """One labelled value the normalizer got wrong."""

    dataset: str
    row: int
    key: str
    field: str  # a categorical name, "tags" or "address.<component>"
    labelled: str
    predicted: str


def evaluate(
    labels_dir: Path = LABELS_DIR,
    recordings_dir: Path | None = None,
    catalog_dirs: Sequence[Path] = (EVAL_CATALOG_DIR,),
) -> list[Outcome]:
    """Score every label file in ``labels_dir``; raise ``EvaluationError`` on unusable labels."""
    entries = {entry.slug: entry for entry in load_catalog(extra_dirs=catalog_dirs)}
    recordings = recordings_dir or default_recordings_dir()
    outcomes: list[Outcome] = []
    problems: list[str] = []
    for label_file in load_label_files(labels_dir):
        entry = entries.get(label_file.dataset)
        if entry is None:
            problems.append(
                f"{label_file.dataset}: no catalog entry with this slug (bundled or under "
                f"{EVAL_CATALOG_DIR}); fix `dataset` or add an eval-only entry there"
            )
            continue
        if entry.recording.path != label_file.recording:
            problems.append(
                f"{label_file.dataset}: labels are for recording {label_file.recording!r}, the "
                f"catalog entry records {entry.recording.path!r}"
            )
            continue
        records = read_recording(entry, recordings)
        misaligned = _alignment_problems(label_file, records)
        problems += misaligned
        if not misaligned:
            outcomes += (_outcome(entry, label, records[label.row]) for label in label_file.labels)
    if problems:
        raise EvaluationError(problems)
    return outcomes


def predicted_from(record: PermitRecord) -> Predicted:
    return Predicted(
        record_class=record.record_class,
        status=record.status,
        tags=frozenset(record.tags),
        category=record.category,
        property_class=record.property_class,
        address={name: getattr(record, name) for name in ADDRESS_COMPONENTS},
    )


def mismatches(outcomes: Iterable[Outcome]) -> list[Mismatch]:
    """Every wrong value, records with the most wrong values first, then in file order."""
    found = [record for record in map(_record_mismatches, outcomes) if record]
    found.sort(key=lambda record: (-len(record), record[0].dataset, record[0].row))
    return [mismatch for record in found for mismatch in record]


def _record_mismatches(outcome: Outcome) -> list[Mismatch]:
    label, predicted = outcome.label, outcome.predicted

    def wrong(field: str, labelled: object, said: object) -> Mismatch:
        shown = outcome.rejected or _shown(said)
        return Mismatch(outcome.dataset, outcome.row, label.key, field, _shown(labelled), shown)

    found = [
        wrong(name, getattr(label, name), getattr(predicted, name, None))
        for name in CATEGORICAL
        if not outcome.correct(name)
    ]
    if set(label.tags) != outcome.predicted_tags() or outcome.rejected:
        found.append(wrong("tags", sorted(label.tags), sorted(outcome.predicted_tags())))
    labelled = label.address.labelled() if label.address else {}
    said = predicted.address if predicted else {}
    found += (
        wrong(f"address.{name}", labelled[name], said.get(name))
        for name in outcome.address_misses() or []
    )
    return found


def _outcome(entry: CatalogEntry, label: Label, raw: Mapping[str, Any]) -> Outcome:
    try:
        record = normalize_record(entry, raw, fetched_at=FETCHED_AT)
    except RecordRejected as exc:
        return Outcome(entry.slug, label.row, label, None, rejected=f"rejected {exc.code}: {exc}")
    return Outcome(entry.slug, label.row, label, predicted_from(record))


def _alignment_problems(label_file: LabelFile, records: Sequence[Mapping[str, Any]]) -> list[str]:
    problems = []
    for label in label_file.labels:
        where = f"{label_file.dataset} row {label.row}"
        if label.row >= len(records):
            problems.append(f"{where}: the recording has only {len(records)} records")
        elif not _holds_key(records[label.row], label.key):
            problems.append(f"{where}: key {label.key!r} is not in that record; is `row` right?")
    return problems


def _holds_key(raw: Mapping[str, Any], key: str) -> bool:
    """Each part of the key (composite keys join their parts with " / ") is in some value."""
    values = [str(value) for value in raw.values()]
    return all(any(part in value for value in values) for part in key.split(" / "))


def _shown(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
