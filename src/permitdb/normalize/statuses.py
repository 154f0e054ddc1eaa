"""Status: the catalog's value map first, then the general rules in ``rules/statuses.yaml``.

``unknown`` when neither says anything: a raw value that matches nothing is never guessed at.
Each decision is recorded as a ``classification_rules`` string, e.g. ``status:issued<-catalog:
'Active'`` or ``status:finaled<-rule:'SIGNED OFF'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import cast

from permitdb.catalog.model import ValueMaps
from permitdb.normalize.rulefiles import catalog_lookup, load_rule_file, whole_words
from permitdb.vocabulary import STATUS_PHASE, STATUSES, Status, StatusPhase

_SEPARATORS = re.compile(r"[-_–—]+")


@dataclass(frozen=True, slots=True)
class StatusDecision:
    status: Status
    phase: StatusPhase
    rule: str | None  # None when unknown


@dataclass(frozen=True, slots=True)
class _Rule:
    status: Status
    pattern: re.Pattern[str]
    when_issued: Status | None


def decide_status(
    raw: str | None,
    value_maps: ValueMaps,
    *,
    issued_date: date | None,
    finaled_date: date | None,
) -> StatusDecision:
    """The vocabulary status of ``raw`` (or of the dates when there is no raw status)."""
    if raw:
        mapped = catalog_lookup(value_maps.status, raw)
        if mapped is not None:
            return _decision(mapped, f"status:{mapped}<-catalog:{raw!r}")
        found = _general(raw)
        if found is None:
            return _UNKNOWN
        rule, phrase = found
        if rule.when_issued is not None and issued_date is not None:
            return _decision(
                rule.when_issued, f"status:{rule.when_issued}<-rule:{phrase!r}+issued_date"
            )
        return _decision(rule.status, f"status:{rule.status}<-rule:{phrase!r}")
    dates = {"finaled_date": finaled_date, "issued_date": issued_date}
    for field, status in _date_rules():
        if dates[field] is not None:
            return _decision(status, f"status:{status}<-date:{field}")
    return _UNKNOWN


_UNKNOWN = StatusDecision("unknown", "unknown", None)


def _decision(status: Status, rule: str) -> StatusDecision:
    return StatusDecision(status, STATUS_PHASE[status], rule)


@lru_cache(maxsize=4096)
def _general(raw: str) -> tuple[_Rule, str] | None:
    """The first general rule matching ``raw`` and the phrase it matched; cached per spelling."""
    text = _SEPARATORS.sub(" ", raw)
    for rule in _rules():
        match = rule.pattern.search(text)
        if match:
            return rule, match.group(0)
    return None


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    return tuple(
        _Rule(_status(item["status"]), whole_words(item["phrases"]), _optional(item, "when_issued"))
        for item in load_rule_file("statuses")["rules"]
    )


@lru_cache(maxsize=1)
def _date_rules() -> tuple[tuple[str, Status], ...]:
    return tuple(
        (item["field"], _status(item["status"])) for item in load_rule_file("statuses")["dates"]
    )


def _optional(item: dict[str, str], key: str) -> Status | None:
    return _status(item[key]) if key in item else None


def _status(name: str) -> Status:
    if name not in STATUSES:
        raise ValueError(f"rules/statuses.yaml: {name!r} is not a status")
    return cast(Status, name)
