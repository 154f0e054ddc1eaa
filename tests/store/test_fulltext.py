"""The q parser: what each input means, which inputs are refused, and what each engine is sent."""

from __future__ import annotations

import pytest

from permitdb.store.fulltext import (
    MAX_TERMS,
    FullTextQuery,
    FullTextSyntaxError,
    Term,
    fts5_excluded,
    fts5_expression,
    parse,
    tsquery_text,
)

SOLAR, POOL, WIND = Term("solar"), Term("pool"), Term("wind")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("solar", FullTextQuery(required=((SOLAR,),))),
        ("  solar \t pool\n", FullTextQuery(required=((SOLAR,), (POOL,)))),
        ('"heat pump"', FullTextQuery(required=((Term("heat pump"),),))),
        ("solar OR wind", FullTextQuery(required=((SOLAR, WIND),))),
        # OR binds tighter than the implicit AND
        ("pool solar OR wind", FullTextQuery(required=((POOL,), (SOLAR, WIND)))),
        ("solar OR wind OR pool", FullTextQuery(required=((SOLAR, WIND, POOL),))),
        ("solar or wind", FullTextQuery(required=((SOLAR,), (Term("or"),), (WIND,)))),
        ("-pool", FullTextQuery(excluded=(POOL,))),
        ('solar -"swimming pool"', FullTextQuery(((SOLAR,),), (Term("swimming pool"),))),
        ("batt*", FullTextQuery(required=((Term("batt", prefix=True),),))),
        ("-batt*", FullTextQuery(excluded=(Term("batt", prefix=True),))),
        ("in-ground", FullTextQuery(required=((Term("in-ground"),),))),
        ('pool"heat pump"', FullTextQuery(required=((POOL,), (Term("heat pump"),)))),
        ('"OR"', FullTextQuery(required=((Term("OR"),),))),
        ("solar solar", FullTextQuery(required=((SOLAR,),))),
        ("", FullTextQuery()),
        ("   ", FullTextQuery()),
        (
            " ".join(f"w{n}" for n in range(MAX_TERMS)),
            FullTextQuery(required=tuple((Term(f"w{n}"),) for n in range(MAX_TERMS))),
        ),
    ],
)
def test_parses(text: str, expected: FullTextQuery) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ('"heat pump', "closing"),
        ('solar "heat', "closing"),
        ("solar OR", "OR needs a term"),
        ("OR solar", "OR needs a term"),
        ("solar OR OR wind", "OR needs a term"),
        ("OR", "OR needs a term"),
        ("-", "no letters or digits"),
        ("solar -", "no letters or digits"),
        ("*", "no letters or digits"),
        ('""', "no letters or digits"),
        ("solar &", "no letters or digits"),
        ("solar\x00", r"U\+0000"),
        ("so\x1blar", r"U\+001B"),
        ("-pool OR spa", "cannot be part of OR"),
        ("spa OR -pool", "cannot be part of OR"),
        (" ".join(["w"] * (MAX_TERMS + 1)), "fewer"),
    ],
)
def test_refuses_with_a_hint(text: str, hint: str) -> None:
    with pytest.raises(FullTextSyntaxError, match=hint):
        parse(text)


@pytest.mark.parametrize(
    ("text", "fts5", "tsquery"),
    [
        ("solar", '("solar")', "('solar')"),
        ("pool solar OR wind", '("pool") AND ("solar" OR "wind")', "('pool') & ('solar' | 'wind')"),
        ('"Heat Pump" -spa', '(("heat pump")) NOT ("spa")', "('Heat Pump') & !'spa'"),
        ("batt*", '("batt" *)', "('batt':*)"),
        # punctuation splits a word into a phrase on SQLite; PostgreSQL's parser does the same
        ("in-ground", '("in ground")', "('in-ground')"),
        # what either engine would read as syntax arrives quoted
        ("O'Brien NEAR(a:b)", '("o brien") AND ("near a b")', "('O''Brien') & ('NEAR(a:b)')"),
        ("back\\slash", '("back slash")', "('back\\\\slash')"),
    ],
)
def test_compiles_for_both_engines(text: str, fts5: str, tsquery: str) -> None:
    query = parse(text)
    assert fts5_expression(query) == fts5
    assert tsquery_text(query) == tsquery


def test_exclusions_alone_compile_to_the_rows_to_leave_out() -> None:
    query = parse('-pool -"heat pump"')
    assert fts5_excluded(query) == '("pool" OR "heat pump")'
    assert tsquery_text(query) == "!'pool' & !'heat pump'"
