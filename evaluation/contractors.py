"""Contractor resolution against the hand-labelled pairs of ``evaluation/contractors``.

Each pair names two mentions by recording row (docs/labelling-guide.md, "Contractor pairs").
A licence row becomes a ``LicenseRecord`` through the columns its source lists; a permit row is
normalized with its catalog entry, as ingest does. ``normalize.contractors.match`` then says
whether the two are one contractor: the rule ``store.contractors`` applies to the candidates it
fetches. Precision is what the issue holds to 0.98: a wrong merge mixes two businesses' permits.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluation.score import EVAL_CATALOG_DIR, FETCHED_AT, EvaluationError
from permitdb.canonical import LicenseRecord
from permitdb.catalog.load import load_catalog
from permitdb.normalize.contractors import (
    Match,
    Mention,
    clean_names,
    match,
    mention_from_license,
    mention_from_permit,
)
from permitdb.normalize.record import normalize_record
from permitdb.sources.base import RawRecord
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import csv_file_records, read_recording

PAIRS_PATH: Final = Path(__file__).resolve().parent / "contractors" / "pairs.yaml"
PRECISION_TARGET: Final = 0.98


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Source(_Strict):
    """A licence recording read through ``columns``, or a permit dataset by catalog slug."""

    recording: str | None = None
    header: list[str] | None = None  # the column names of a CSV without a header row
    state: str | None = None
    key: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    dataset: str | None = None


class MentionRef(_Strict):
    source: str
    row: int = Field(ge=0)
    key: str = Field(min_length=1)
    name_only: str | None = None


class Pair(_Strict):
    a: MentionRef
    b: MentionRef
    same: bool
    case: str
    note: str | None = None


class PairsFile(_Strict):
    about: str
    sources: dict[str, Source]
    pairs: list[Pair] = Field(min_length=1)


@dataclass(frozen=True)
class PairOutcome:
    pair: Pair
    predicted: Match | None

    @property
    def said_same(self) -> bool:
        return self.predicted is not None


@dataclass(frozen=True)
class ResolutionFigures:
    pairs: int
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    by_case: dict[str, tuple[int, int]] = field(default_factory=dict)  # case -> (right, pairs)

    @property
    def precision(self) -> float:
        said = self.true_positives + self.false_positives
        return self.true_positives / said if said else 1.0

    @property
    def recall(self) -> float:
        same = self.true_positives + self.false_negatives
        return self.true_positives / same if same else 1.0

    @property
    def f1(self) -> float:
        scored = 2 * self.true_positives + self.false_positives + self.false_negatives
        return 2 * self.true_positives / scored if scored else 1.0


def load_pairs(path: Path = PAIRS_PATH) -> PairsFile:
    try:
        return PairsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise EvaluationError([f"{path}: {exc}"]) from None


def evaluate_contractors(
    path: Path = PAIRS_PATH, recordings_dir: Path | None = None
) -> list[PairOutcome]:
    """Every labelled pair with what ``match`` said; ``EvaluationError`` on unusable labels."""
    pairs = load_pairs(path)
    mentions = _MentionReader(pairs.sources, recordings_dir or default_recordings_dir())
    outcomes = []
    problems: list[str] = []
    for index, pair in enumerate(pairs.pairs):
        try:
            a, b = mentions.read(pair.a), mentions.read(pair.b)
        except EvaluationError as exc:
            problems += [f"pairs[{index}]: {problem}" for problem in exc.problems]
            continue
        outcomes.append(PairOutcome(pair, match(a, b) if a and b else None))
    if problems:
        raise EvaluationError(problems)
    return outcomes


def resolution_figures(outcomes: Sequence[PairOutcome]) -> ResolutionFigures:
    counts = Counter((o.pair.same, o.said_same) for o in outcomes)
    cases: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        right, total = cases.get(outcome.pair.case, (0, 0))
        cases[outcome.pair.case] = (right + (outcome.pair.same == outcome.said_same), total + 1)
    return ResolutionFigures(
        pairs=len(outcomes),
        true_positives=counts[True, True],
        false_positives=counts[False, True],
        false_negatives=counts[True, False],
        true_negatives=counts[False, False],
        by_case=dict(sorted(cases.items())),
    )


class _MentionReader:
    """Reads each recording once and turns rows into mentions."""

    def __init__(self, sources: Mapping[str, Source], recordings: Path) -> None:
        self.sources = sources
        self.recordings = recordings
        self.rows: dict[str, list[RawRecord]] = {}
        self.entries = {e.slug: e for e in load_catalog(extra_dirs=(EVAL_CATALOG_DIR,))}

    def read(self, ref: MentionRef) -> Mention | None:
        source = self.sources.get(ref.source)
        if source is None:
            raise EvaluationError([f"source {ref.source!r} is not under `sources`"])
        rows = self._rows(ref.source, source)
        if ref.row >= len(rows):
            raise EvaluationError([f"{ref.source} has only {len(rows)} rows, not row {ref.row}"])
        raw = rows[ref.row]
        if not any(ref.key in str(value) for value in raw.values()):
            raise EvaluationError([f"{ref.source} row {ref.row}: key {ref.key!r} is not in it"])
        if ref.name_only is not None:
            if ref.name_only not in raw:
                raise EvaluationError([f"{ref.source} has no column {ref.name_only!r}"])
            state = source.state or self._permit_state(source, raw)
            return Mention(
                source="license", names=clean_names(str(raw[ref.name_only])), state=state
            )
        if source.dataset is not None:
            record = normalize_record(self.entries[source.dataset], raw, fetched_at=FETCHED_AT)
            return mention_from_permit(record)
        return mention_from_license(_license(source, raw))

    def _rows(self, name: str, source: Source) -> list[RawRecord]:
        if name not in self.rows:
            if source.dataset is not None:
                entry = self.entries.get(source.dataset)
                if entry is None:
                    raise EvaluationError([f"{name}: no catalog entry {source.dataset!r}"])
                self.rows[name] = read_recording(entry, self.recordings)
            elif source.recording is not None and source.header is not None:
                self.rows[name] = headerless_rows(self.recordings / source.recording, source.header)
            elif source.recording is not None:
                self.rows[name] = csv_file_records(self.recordings / source.recording)
            else:
                raise EvaluationError([f"{name}: give a `recording` or a `dataset`"])
        return self.rows[name]

    def _permit_state(self, source: Source, raw: RawRecord) -> str | None:
        assert source.dataset is not None
        return normalize_record(self.entries[source.dataset], raw, fetched_at=FETCHED_AT).state


def headerless_rows(path: Path, header: Sequence[str]) -> list[RawRecord]:
    """The rows of a CSV published without a header row, named by ``header``."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [dict(zip(header, row, strict=True)) for row in csv.reader(handle)]


def _license(source: Source, raw: RawRecord) -> LicenseRecord:
    values: dict[str, Any] = {
        name: (str(raw.get(column) or "").strip() or None)
        for name, column in source.columns.items()
    }
    return LicenseRecord(license_state=source.state, **values)
