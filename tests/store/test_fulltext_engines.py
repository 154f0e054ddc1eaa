"""q finds the same permits on SQLite and PostgreSQL: the ones a plain Python matcher finds.

The corpus uses words no stemmer folds together and no English stop words, so matching whole
lower-cased words (and word prefixes) in Python is what both engines should do.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.fulltext import FullTextQuery, Term, parse
from permitdb.store.permits import PermitQuery, search_permits, upsert_permits

from .test_permits_search import NOW

WORDS = (
    "solar battery roof heat pump pool spa fence deck garage kitchen window siding panel "
    "inverter charger boiler furnace porch shed"
).split()
ADDRESSES = ("100 MAIN ST", "22 OAK AVE", "7 ELM RD", "9 HARBOR BLVD", None)
CONTRACTORS = ("Lone Star Builders", "Capitol Works", "Harbor Granite Co", None)
QUERIES = (
    "solar",
    "SOLAR",
    "Heat PUMP",
    '"heat pump"',
    '"pump heat"',
    "roof-top",
    "solar OR pool",
    "roof solar OR pool",
    "solar OR pool OR fence deck",
    "-solar",
    "-solar -pool",
    "solar -battery",
    '-"heat pump"',
    '"heat pump" OR spa -garage',
    "batt*",
    "sol* -roof",
    "pan* OR fen*",
    "-gar* -kit*",
    "main",
    "capitol works",
    '"lone star"',
    "-lone",
    "granite OR oak",
    "harbor -granite",
    "kitchen window siding",
    "zeppelin",
    "-zeppelin",
)


# random word salads rarely hold a given phrase or word triple: these make sure some do
PHRASES = ("heat pump boiler", "shed pump heat", "Kitchen WINDOW siding", "porch HEAT PUMP")


def corpus(make_record: Callable[..., PermitRecord]) -> list[PermitRecord]:
    rng = random.Random(17)
    records = []
    for n in range(48):
        words = rng.sample(WORDS, rng.randint(2, 5))
        if n < len(PHRASES):
            words = PHRASES[n].split()
        words = [w.upper() if rng.random() < 0.2 else w.capitalize() for w in words]
        if n % 9 == 0:
            words.append("roof-top")
        records.append(
            make_record(
                source_record_id=f"r{n}",
                permit_number=f"P{n}",
                description=" ".join(words),
                address=rng.choice(ADDRESSES),
                contractor_name=rng.choice(CONTRACTORS),
            )
        )
    return records


def _words(text: str | None) -> list[str]:
    return [word.lower() for word in re.findall(r"[^\W_]+", text or "")]


def _term_in(term: Term, text: str | None) -> bool:
    found, wanted = _words(text), term.words
    for start in range(len(found) - len(wanted) + 1):
        window = found[start : start + len(wanted)]
        last_matches = (
            window[-1].startswith(wanted[-1]) if term.prefix else window[-1] == wanted[-1]
        )
        if window[:-1] == list(wanted[:-1]) and last_matches:
            return True
    return False


def reference_match(query: FullTextQuery, record: PermitRecord) -> bool:
    """What q means, over the four indexed fields (a phrase stays within one field)."""
    fields = (record.description, record.permit_number, record.address, record.contractor_name)

    def has(term: Term) -> bool:
        return any(_term_in(term, text) for text in fields)

    return all(any(map(has, group)) for group in query.required) and not any(
        map(has, query.excluded)
    )


@pytest.mark.parametrize("q", QUERIES)
def test_both_engines_find_what_the_reference_finds(
    engine: Engine, austin: CatalogEntry, make_record: Callable[..., PermitRecord], q: str
) -> None:
    records = corpus(make_record)
    with engine.begin() as conn:
        upsert_permits(conn, records, now=NOW)
        found, _ = search_permits(conn, PermitQuery(q=q, limit=1000))
    expected = {r.source_record_id for r in records if reference_match(parse(q), r)}
    assert {r.source_record_id for r in found} == expected
    # the corpus is rich enough that no query is trivially all or nothing, but these two
    if q not in {"zeppelin", "-zeppelin"}:
        assert 0 < len(expected) < len(records)
