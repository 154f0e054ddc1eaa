"""Tags and category: what the work is, from the type fields and the description together.

Catalog value maps (raw type value -> tags) apply first; then the phrase and abbreviation rules
of ``rules/tags.yaml``, one compiled regex per record field, skipping matches their clause
negates ("no electrical work", "separate permit required for any plumbing"). The category is
the highest-priority tag. Every tag set is explained in ``classification_rules``, e.g.
``tag:solar<-description:'PV'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, cast

from permitdb.catalog.model import ValueMaps
from permitdb.normalize.rulefiles import catalog_lookup, load_rule_file, whole_words
from permitdb.vocabulary import TAGS, Tag

# The record fields read, in the order their evidence is reported.
TYPE_FIELDS: Final = ("permit_type", "permit_type_desc", "permit_subtype", "work_class")
TEXT_FIELDS: Final = (*TYPE_FIELDS, "permit_class", "description")
_CLAUSE_END = re.compile(r"[,;.:!?\n]")
_SENTENCE_END = re.compile(r"[;.!?\n]")


@dataclass(frozen=True, slots=True)
class Classification:
    tags: list[Tag]
    category: Tag | None
    rules: list[str]


@dataclass(frozen=True, slots=True)
class _Rulebook:
    matcher: re.Pattern[str]  # one named group per tag
    negated_before: re.Pattern[str]
    negated_sentence: re.Pattern[str]
    priority: tuple[Tag, ...]


def classify(fields: dict[str, str | None], value_maps: ValueMaps) -> Classification:
    """Tags, category and the reasons, from ``fields`` (keys: ``TEXT_FIELDS``)."""
    found: dict[Tag, str] = {}
    for name in TYPE_FIELDS:
        raw = fields.get(name)
        for tag in (catalog_lookup(value_maps.tags, raw) or []) if raw else []:
            found.setdefault(tag, f"tag:{tag}<-catalog:{raw!r}")
    for name in TEXT_FIELDS:
        text = fields.get(name)
        if text:
            for tag, evidence in _rule_tags(text):
                found.setdefault(tag, f"tag:{tag}<-{name}:{evidence!r}")
    priority = _rulebook().priority
    tags = sorted(found, key=priority.index)
    return Classification(tags, tags[0] if tags else None, [found[tag] for tag in tags])


@lru_cache(maxsize=65_536)
def _rule_tags(text: str) -> tuple[tuple[Tag, str], ...]:
    """(tag, matched text) for each tag the text supports; cached per text (types repeat)."""
    book = _rulebook()
    hits: dict[Tag, str] = {}
    for match in book.matcher.finditer(text):
        tag = cast(Tag, match.lastgroup)
        if tag not in hits and not _negated(text, match.start(), match.end(), book):
            hits[tag] = match.group(0)
    return tuple(hits.items())


def _negated(text: str, start: int, end: int, book: _Rulebook) -> bool:
    clause_start = _last_end(_CLAUSE_END, text, start)
    if book.negated_before.search(text, clause_start, start):
        return True
    sentence_start = _last_end(_SENTENCE_END, text, start)
    after = _SENTENCE_END.search(text, end)
    sentence_end = after.start() if after else len(text)
    return book.negated_sentence.search(text, sentence_start, sentence_end) is not None


def _last_end(boundary: re.Pattern[str], text: str, before: int) -> int:
    position = 0
    for match in boundary.finditer(text, 0, before):
        position = match.end()
    return position


@lru_cache(maxsize=1)
def _rulebook() -> _Rulebook:
    data = load_rule_file("tags")
    groups = []
    for tag, rule in data["tags"].items():
        if tag not in TAGS:
            raise ValueError(f"rules/tags.yaml: {tag!r} is not a tag")
        alternatives = [f"(?i:{p})" for p in rule.get("phrases", [])]
        alternatives += [re.escape(a) for a in rule.get("abbreviations", [])]
        groups.append(f"(?P<{tag}>{'|'.join(alternatives)})")
    negation = data["negation"]
    return _Rulebook(
        matcher=whole_words(groups, ignore_case=False),
        negated_before=whole_words(negation["before"]),
        negated_sentence=whole_words(negation["sentence"]),
        priority=tuple(cast(Tag, tag) for tag in data["tags"]),
    )
