"""Tags and category: what the work is, from the type fields and the description together.

A catalog value map (raw type value -> tags) decides for the field value it maps: the general
rules do not read that value again, so a map entry with no tags says "this code names no work"
(NYC's A2, SF's "otc alterations permit"). Everything else goes through the phrase and
abbreviation rules of ``rules/tags.yaml``: one compiled regex, skipping matches their clause or
sentence negates ("no electrical work", "roofing not to be disturbed", "plumbing under separate
permit"). A match after a related-job cue ("in conjunction with NB 321...") describes the
parent job: it still earns its tag, but names the category only when nothing else does.

The category is chosen from the strongest evidence first: a specific tag from the type fields
(an "Electrical Permit" is electrical whatever the remodel around it), then the description's
own tags (scope of work first, then in the order the text names them: descriptions lead with
their main purpose), then generic type tags (alteration, repair), then the parent job's tags.
Every tag is explained in ``classification_rules``, e.g. ``tag:solar<-description:'PV'``;
a parent-job tag reads ``tag:new_construction<-description(related job):'NB'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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
_SENTENCE_END = re.compile(r"[;!?\n]|\.(?!\d)")


@dataclass(frozen=True, slots=True)
class Classification:
    tags: list[Tag]
    category: Tag | None
    rules: list[str]


@dataclass(frozen=True, slots=True)
class _Hit:
    """One tag found in one text: the matched words, where, and whether of a related job."""

    tag: Tag
    evidence: str
    position: int
    related: bool


@dataclass(frozen=True, slots=True)
class _Rulebook:
    matcher: re.Pattern[str]  # one named group per tag or compound phrase
    standalone: re.Pattern[str]  # one named group per tag
    compounds: dict[str, tuple[Tag, ...]]  # group name -> the tags a compound phrase earns
    negated_before: re.Pattern[str]
    negated_attached: re.Pattern[str]
    negated_after: re.Pattern[str]
    negated_rest: re.Pattern[str]
    negated_sentence: re.Pattern[str]
    related_job: re.Pattern[str]
    priority: tuple[Tag, ...]
    scope: frozenset[Tag]
    generic: frozenset[Tag]
    minor: frozenset[Tag]


def classify(fields: dict[str, str | None], value_maps: ValueMaps) -> Classification:
    """Tags, category and the reasons, from ``fields`` (keys: ``TEXT_FIELDS``)."""
    book = _rulebook()
    type_tags: dict[Tag, str] = {}
    text_hits: dict[Tag, tuple[_Hit, str]] = {}
    for name in TEXT_FIELDS:
        raw = fields.get(name)
        if not raw:
            continue
        mapped = catalog_lookup(value_maps.tags, raw) if name in TYPE_FIELDS else None
        if mapped is not None:
            for tag in mapped:
                type_tags.setdefault(tag, f"tag:{tag}<-catalog:{raw!r}")
            continue
        type_field = name in TYPE_FIELDS
        for hit in _rule_tags(raw) + (_standalone_tags(raw) if type_field else ()):
            if type_field:
                type_tags.setdefault(hit.tag, f"tag:{hit.tag}<-{name}:{hit.evidence!r}")
            elif hit.tag not in text_hits or (text_hits[hit.tag][0].related and not hit.related):
                text_hits[hit.tag] = (hit, name)
    if not type_tags and not text_hits:
        for name in TEXT_FIELDS:
            raw = fields.get(name)
            for hit in _standalone_tags(raw) if raw else ():
                text_hits.setdefault(hit.tag, (hit, name))
    found = dict(type_tags)
    for tag, (hit, name) in text_hits.items():
        where = f"{name}(related job)" if hit.related else name
        found.setdefault(tag, f"tag:{tag}<-{where}:{hit.evidence!r}")
    tags = sorted(found, key=book.priority.index)
    category = _category(book, type_tags, [hit for hit, _ in text_hits.values()])
    return Classification(tags, category, [found[tag] for tag in tags])


def _category(book: _Rulebook, type_tags: Iterable[Tag], hits: list[_Hit]) -> Tag | None:
    typed = sorted(type_tags, key=book.priority.index)
    own = [hit for hit in sorted(hits, key=_reading_order(book)) if not hit.related]
    ranked = (
        [tag for tag in typed if tag not in book.generic and tag not in book.minor],
        sorted((hit.tag for hit in own if hit.tag in book.scope), key=book.priority.index),
        [hit.tag for hit in own if hit.tag not in book.minor],
        [tag for tag in typed if tag in book.generic],
        [hit.tag for hit in own] + typed,
        sorted((hit.tag for hit in hits), key=book.priority.index),
    )
    return next((candidates[0] for candidates in ranked if candidates), None)


def _reading_order(book: _Rulebook) -> Callable[[_Hit], tuple[int, int]]:
    return lambda hit: (hit.position, book.priority.index(hit.tag))


@lru_cache(maxsize=65_536)
def _rule_tags(text: str) -> tuple[_Hit, ...]:
    """Each tag the text supports, first unnegated mention; cached per text (types repeat)."""
    book = _rulebook()
    hits: dict[Tag, _Hit] = {}
    for match in book.matcher.finditer(text):
        name = cast(str, match.lastgroup)
        tags = book.compounds.get(name) or (cast(Tag, name),)
        if all(tag in hits and not hits[tag].related for tag in tags):
            continue
        if _negated(text, match.start(), match.end(), book):
            continue
        related = _related(text, match.start(), book)
        for tag in tags:
            if tag not in hits or (hits[tag].related and not related):
                hits[tag] = _Hit(tag, match.group(0), match.start(), related)
    return tuple(hits.values())


@lru_cache(maxsize=16_384)
def _standalone_tags(text: str) -> tuple[_Hit, ...]:
    """Tags that only a record naming no other work earns (an interior strip-out alone)."""
    book = _rulebook()
    hits: dict[Tag, _Hit] = {}
    for match in book.standalone.finditer(text):
        tag = cast(Tag, match.lastgroup)
        if tag not in hits and not _negated(text, match.start(), match.end(), book):
            hits[tag] = _Hit(
                tag, match.group(0), match.start(), _related(text, match.start(), book)
            )
    return tuple(hits.values())


def _negated(text: str, start: int, end: int, book: _Rulebook) -> bool:
    clause_start = _last_end(_CLAUSE_END, text, start)
    if book.negated_before.search(text, clause_start, start):
        return True
    if book.negated_attached.search(text, max(clause_start, start - 8), start):
        return True
    sentence_start = _last_end(_SENTENCE_END, text, start)
    if book.negated_rest.search(text, sentence_start, start):
        return True
    clause_after = _CLAUSE_END.search(text, end)
    if book.negated_after.match(text, end, clause_after.start() if clause_after else len(text)):
        return True
    after = _SENTENCE_END.search(text, end)
    sentence_end = after.start() if after else len(text)
    return any(
        start >= cue.start()
        or (
            start >= _last_end(_CLAUSE_END, text, cue.start())
            and cue.start() - end <= _SENTENCE_CUE_REACH_BACK
        )
        for cue in book.negated_sentence.finditer(text, sentence_start, sentence_end)
    )


# A sentence cue negates the work named just before it in its clause ("plumbing and electrical
# under separate permit"), not the permit's own work a clause-length earlier ("interior
# demolition on 1st and 2nd floors in preparation of renovations under separate permits").
_SENTENCE_CUE_REACH_BACK: Final = 40


def _related(text: str, start: int, book: _Rulebook) -> bool:
    """Whether a related-job cue precedes ``start`` in its sentence."""
    sentence_start = _last_end(_SENTENCE_END, text, start)
    return book.related_job.search(text, sentence_start, start) is not None


def _last_end(boundary: re.Pattern[str], text: str, before: int) -> int:
    position = 0
    for match in boundary.finditer(text, 0, before):
        position = match.end()
    return position


@lru_cache(maxsize=1)
def _rulebook() -> _Rulebook:
    data = load_rule_file("tags")
    groups = []
    compounds: dict[str, tuple[Tag, ...]] = {}
    for index, item in enumerate(data["compounds"]):
        name = f"compound{index}"
        compounds[name] = tuple(_tag(tag) for tag in item["tags"])
        groups.append(f"(?P<{name}>{_alternatives(item)})")
    for tag, rule in data["tags"].items():
        groups.append(f"(?P<{_tag(tag)}>{_alternatives(rule)})")
    standalone = [
        f"(?P<{_tag(tag)}>{_alternatives(rule)})" for tag, rule in data["standalone"].items()
    ]
    negation = data["negation"]
    category = data["category"]
    return _Rulebook(
        matcher=whole_words(groups, ignore_case=False),
        standalone=whole_words(standalone, ignore_case=False),
        compounds=compounds,
        negated_before=whole_words(negation["before"]),
        negated_attached=re.compile(f"(?<![A-Za-z0-9])(?:{'|'.join(negation['attached'])})$", re.I),
        # Anchored at the match's end: "roofing not to be disturbed", "ductwork to remain".
        negated_after=re.compile(f"\\W*(?:{'|'.join(negation['after'])})\\b", re.IGNORECASE),
        negated_rest=whole_words(negation["rest_of_sentence"]),
        negated_sentence=whole_words(negation["sentence"]),
        related_job=whole_words(data["related_job"]),
        priority=tuple(_tag(tag) for tag in category["priority"]),
        scope=frozenset(_tag(tag) for tag in category["scope"]),
        generic=frozenset(_tag(tag) for tag in category["generic"]),
        minor=frozenset(_tag(tag) for tag in category["minor"]),
    )


def _alternatives(rule: dict[str, list[str]]) -> str:
    alternatives = [f"(?i:{p})" for p in rule.get("phrases", [])]
    alternatives += [re.escape(a) for a in rule.get("abbreviations", [])]
    return "|".join(alternatives)


def _tag(name: str) -> Tag:
    if name not in TAGS:
        raise ValueError(f"rules/tags.yaml: {name!r} is not a tag")
    return cast(Tag, name)
