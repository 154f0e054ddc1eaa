"""Data-quality flags for one record (docs/vocabulary.md); thresholds in ``rules/quality.yaml``.

Address and geo flags are raised where those fields are standardized (``addresses``, ``geo``);
``duplicate_source_row`` is raised by ingest, which sees the whole page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from permitdb.canonical import PermitRecord
from permitdb.normalize.rulefiles import load_rule_file
from permitdb.vocabulary import QualityFlag

_DATE_FIELDS = (
    "applied_date",
    "issued_date",
    "finaled_date",
    "status_date",
    "co_issued_date",
    "expires_date",
)


@dataclass(frozen=True, slots=True)
class _Thresholds:
    placeholders: frozenset[Decimal]
    outlier_above: Decimal
    earliest: date
    future: timedelta


def screen_valuation(valuation: Decimal | None) -> tuple[Decimal | None, list[QualityFlag]]:
    """The valuation to serve (None for a placeholder) and its flags."""
    if valuation is None:
        return None, ["valuation_missing"]
    limits = _thresholds()
    if valuation in limits.placeholders:
        return None, ["valuation_placeholder"]
    if valuation > limits.outlier_above:
        return valuation, ["valuation_outlier"]
    return valuation, []


def date_flags(record: PermitRecord, fetched_at: datetime) -> list[QualityFlag]:
    """``date_out_of_range`` and ``date_order`` for the record's dates."""
    dates = {name: getattr(record, name) for name in _DATE_FIELDS}
    flags: list[QualityFlag] = dates_out_of_range(dates, fetched_at)
    applied, issued, finaled = record.applied_date, record.issued_date, record.finaled_date
    if (applied and issued and issued < applied) or (issued and finaled and finaled < issued):
        flags.append("date_order")
    return flags


def dates_out_of_range(dates: Mapping[str, date | None], fetched_at: datetime) -> list[QualityFlag]:
    """``["date_out_of_range"]`` when a date is before the earliest plausible one, or (unless
    its name says it is an expiry, which lies ahead by nature) too far after the fetch."""
    limits = _thresholds()
    latest = fetched_at.date() + limits.future
    for name, value in dates.items():
        if value is None:
            continue
        too_late = not name.endswith("expires_date") and value > latest
        if value < limits.earliest or too_late:
            return ["date_out_of_range"]
    return []


@lru_cache(maxsize=1)
def _thresholds() -> _Thresholds:
    data = load_rule_file("quality")
    return _Thresholds(
        placeholders=frozenset(Decimal(v) for v in data["valuation"]["placeholders"]),
        outlier_above=Decimal(data["valuation"]["outlier_above"]),
        earliest=data["dates"]["earliest"],
        future=timedelta(days=data["dates"]["future_days"]),
    )
