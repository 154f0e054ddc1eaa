"""Data-quality aggregates over stored records, per dataset or per jurisdiction.

``permitdb quality`` renders them. Each aggregate is one grouped query that runs unchanged on
SQLite and PostgreSQL: tags are counted from ``permit_tags``; quality flags, a JSON list per
row, are counted by testing the list's text for each quoted flag name, which is exact because
the flags are a closed vocabulary of distinct words (no engine-specific JSON expansion needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import FIELD_NAMES
from permitdb.store.tables import permit_tags, permits
from permitdb.vocabulary import QualityFlag

GroupBy = Literal["dataset", "jurisdiction"]
NO_VALUE: Final = "(none)"  # a null category, as a key JSON can carry
QUALITY_FLAGS: Final[tuple[QualityFlag, ...]] = get_args(QualityFlag)
# The raw values the catalog should map: each is read on the rows where its mapping found nothing.
UNMAPPED_FIELDS: Final = ("status_raw", "permit_type", "permit_class")


@dataclass(slots=True)
class GroupQuality:
    """What the records of one dataset (or jurisdiction) look like."""

    key: str
    records: int = 0
    filled: dict[str, int] = field(default_factory=dict)  # canonical field -> non-empty rows
    status: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    category: dict[str, int] = field(default_factory=dict)
    property_class: dict[str, int] = field(default_factory=dict)
    quality_flags: dict[str, int] = field(default_factory=dict)
    # "status_raw" -> [(raw value, rows)], most frequent first
    unmapped: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def fill_rate(self, name: str) -> float:
        return self.filled.get(name, 0) / self.records if self.records else 0.0


def quality_report(
    conn: Connection,
    selectors: Sequence[str] = (),
    *,
    by: GroupBy = "dataset",
    top: int = 20,
) -> list[GroupQuality]:
    """One report per dataset (or jurisdiction) with records, ordered by slug.

    ``selectors`` are jurisdiction or dataset slugs (none: everything); ``top`` caps each
    list of unmapped raw values.
    """
    key = permits.c[by]
    scope = _scope(selectors)
    groups = {row.key: GroupQuality(row.key, row.n) for row in _records(conn, key, scope)}
    for row in _filled(conn, key, scope):
        groups[row.key].filled = {name: int(getattr(row, name) or 0) for name in FIELD_NAMES}
    for name in ("status", "category", "property_class"):
        for row in _distribution(conn, key, permits.c[name], scope):
            getattr(groups[row.key], name)[row.value or NO_VALUE] = row.n
    for row in _tag_counts(conn, key, scope):
        groups[row.key].tags[row.value] = row.n
    for row in _flag_counts(conn, key, scope):
        counts = {flag: int(getattr(row, flag) or 0) for flag in QUALITY_FLAGS}
        groups[row.key].quality_flags = {flag: n for flag, n in counts.items() if n}
    for name in UNMAPPED_FIELDS:
        for group in groups.values():
            group.unmapped[name] = []
        for row in _unmapped(conn, key, name, scope, top):
            groups[row.key].unmapped[name].append((row.value, row.n))
    return [groups[slug] for slug in sorted(groups)]


def _scope(selectors: Sequence[str]) -> sa.ColumnElement[bool]:
    if not selectors:
        return sa.true()
    wanted = sorted({s.strip().strip("/") for s in selectors})
    return sa.or_(permits.c.jurisdiction.in_(wanted), permits.c.dataset.in_(wanted))


def _filled_test(column: sa.Column[Any]) -> sa.ColumnElement[bool]:
    """True where ``column`` holds a value: not null, not blank text, not an empty JSON list."""
    if isinstance(column.type, sa.JSON):
        return sa.cast(column, sa.Text).not_in(["[]", "{}"])
    if isinstance(column.type, sa.String):
        return sa.and_(column.is_not(None), sa.func.trim(column) != "")
    return column.is_not(None)


def _count_where(condition: sa.ColumnElement[bool], name: str) -> sa.Label[Any]:
    return sa.func.sum(sa.case((condition, 1), else_=0)).label(name)


def _records(conn: Connection, key: sa.Column[Any], scope: sa.ColumnElement[bool]) -> Any:
    statement = sa.select(key.label("key"), sa.func.count().label("n")).where(scope)
    return conn.execute(statement.group_by(key))


def _filled(conn: Connection, key: sa.Column[Any], scope: sa.ColumnElement[bool]) -> Any:
    counts = [_count_where(_filled_test(permits.c[name]), name) for name in FIELD_NAMES]
    return conn.execute(sa.select(key.label("key"), *counts).where(scope).group_by(key))


def _distribution(
    conn: Connection,
    key: sa.Column[Any],
    column: sa.Column[Any],
    scope: sa.ColumnElement[bool],
) -> Any:
    statement = sa.select(key.label("key"), column.label("value"), sa.func.count().label("n"))
    return conn.execute(statement.where(scope).group_by(key, column))


def _tag_counts(conn: Connection, key: sa.Column[Any], scope: sa.ColumnElement[bool]) -> Any:
    statement = (
        sa.select(key.label("key"), permit_tags.c.tag.label("value"), sa.func.count().label("n"))
        .select_from(permits.join(permit_tags, permit_tags.c.permit_seq == permits.c.seq))
        .where(scope)
        .group_by(key, permit_tags.c.tag)
    )
    return conn.execute(statement)


def _flag_counts(conn: Connection, key: sa.Column[Any], scope: sa.ColumnElement[bool]) -> Any:
    text = sa.cast(permits.c.quality_flags, sa.Text)
    counts = [
        _count_where(text.contains(f'"{flag}"', autoescape=True), flag) for flag in QUALITY_FLAGS
    ]
    return conn.execute(sa.select(key.label("key"), *counts).where(scope).group_by(key))


def _unmapped_condition(name: str) -> sa.ColumnElement[bool]:
    match name:
        case "status_raw":
            return permits.c.status == "unknown"
        case "permit_type":
            return ~sa.exists().where(permit_tags.c.permit_seq == permits.c.seq)
        case "permit_class":
            return permits.c.property_class == "unknown"
    raise ValueError(f"no unmapped-value rule for {name!r}")


def _unmapped(
    conn: Connection, key: sa.Column[Any], name: str, scope: sa.ColumnElement[bool], top: int
) -> Any:
    """The ``top`` most frequent raw values of ``name`` that mapped to nothing, per group."""
    column = permits.c[name]
    n = sa.func.count()
    counted = (
        sa.select(
            key.label("key"),
            column.label("value"),
            n.label("n"),
            sa.func.row_number().over(partition_by=key, order_by=(n.desc(), column)).label("rank"),
        )
        .where(scope, _filled_test(column), _unmapped_condition(name))
        .group_by(key, column)
        .subquery()
    )
    statement = (
        sa.select(counted.c.key, counted.c.value, counted.c.n)
        .where(counted.c.rank <= top)
        .order_by(counted.c.key, counted.c.rank)
    )
    return conn.execute(statement)
