"""The one place SQLite and PostgreSQL differ.

Everything else in ``store`` writes portable SQLAlchemy Core. What lives here: column type
variants, index options, engine setup (SQLite pragmas and transactions), upsert syntax,
full-text search (FTS5 external-content table vs a generated ``tsvector`` column) and
migration options. This module imports nothing from ``store`` but the pure ``fulltext``
parser and ``wal`` (the WAL's bounds), so ``tables`` can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import isqrt
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, Integer, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Dialect, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import operators
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import UnaryExpression

from permitdb.store import fulltext, wal
from permitdb.store.fulltext import FullTextQuery

# none_as_null: a Python None is SQL NULL (so "IS NULL" works), not the JSON literal null.
Json = JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
# SQLite's INTEGER PRIMARY KEY is the rowid only when spelled INTEGER, not BIGINT.
Serial = BigInteger().with_variant(Integer(), "sqlite")


# The pool of a SQLite engine: SQLAlchemy's QueuePool defaults, spelled out because the page
# cache below is sized for them. The API holds up to all of them at once under load.
SQLITE_POOL_SIZE: Final = 5
SQLITE_MAX_OVERFLOW: Final = 10
# The page caches of all pooled connections together. Each connection's cache fills to its
# size and stays full while the connection lives: 64 MiB on each of 15 took the API past 1.3 GB
# RSS in 25 s of load (2.6 GB in 60 s in the issue), while 2-8 MiB each served as many requests
# a second, and an ingest ran no slower (the operating system caches the file for them all).
SQLITE_CACHE_BUDGET_KIB: Final = 64 * 1024
SQLITE_CACHE_KIB: Final = SQLITE_CACHE_BUDGET_KIB // (SQLITE_POOL_SIZE + SQLITE_MAX_OVERFLOW)

SQLITE_PRAGMAS: Final = (
    "PRAGMA journal_mode=WAL",  # readers never block the writer
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",  # wait for a concurrent writer instead of failing at once
    "PRAGMA synchronous=NORMAL",  # durable at checkpoints; safe with WAL
    f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}",  # negative: KiB; memory only
    wal.JOURNAL_SIZE_LIMIT_PRAGMA,
)

FTS_COLUMNS: Final = ("description", "permit_number", "address", "contractor_name")


def is_sqlite(dialect: Dialect) -> bool:
    return dialect.name == "sqlite"


# SQLite sorts NULLs first ascending and last descending, and cannot say otherwise in an index.
_SQLITE_DEFAULT_NULLS: Final = {
    operators.desc_op: operators.nulls_last_op,
    operators.asc_op: operators.nulls_first_op,
}


@compiles(UnaryExpression, "sqlite")
def _sqlite_unary(element: UnaryExpression[Any], compiler: SQLCompiler, **kw: Any) -> str:
    """Drop NULLS LAST after DESC, and NULLS FIRST after ASC, on SQLite: its order anyway.

    The listing indexes are ``(column DESC NULLS LAST, id DESC)`` so PostgreSQL can walk them
    in either direction (store.sorts); SQLite rejects NULLS in CREATE INDEX, and an ORDER BY
    that spells its default out would keep it from reading the index in order.
    """
    inner = element.element
    if (
        isinstance(inner, UnaryExpression)
        and inner.modifier in _SQLITE_DEFAULT_NULLS
        and element.modifier is _SQLITE_DEFAULT_NULLS[inner.modifier]
    ):
        return compiler.process(inner, **kw)
    return str(compiler.visit_unary(element, **kw))  # type: ignore[no-untyped-call]


# --- engines ----------------------------------------------------------------------------------


def engine_options(url: URL) -> dict[str, Any]:
    """``create_engine`` options for this URL; creates the SQLite file's folder first."""
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return {}  # one connection per thread (SingletonThreadPool), nothing on disk
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_MAX_OVERFLOW}
    return {"pool_pre_ping": True}


def configure_engine(engine: Engine) -> None:
    """SQLite: set the pragmas on each new connection and make transactions real.

    pysqlite's legacy mode emits no BEGIN before SELECTs or DDL, so a page's writes would not
    commit atomically; we switch its transaction handling off and emit BEGIN ourselves.
    """
    if not is_sqlite(engine.dialect):
        return

    def on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    def on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", on_begin)
    wal.bound_wal(engine)


def migration_options(dialect: Dialect) -> dict[str, Any]:
    """Alembic ``context.configure`` options: SQLite alters tables by copy-and-move."""
    return {"render_as_batch": is_sqlite(dialect)}


# --- upserts ----------------------------------------------------------------------------------


def _insert(dialect: Dialect) -> Callable[[sa.Table], sqlite.Insert | postgresql.Insert]:
    return sqlite.insert if is_sqlite(dialect) else postgresql.insert


def insert_or_update(
    dialect: Dialect,
    table: sa.Table,
    conflict_columns: Sequence[str],
    update_columns: Sequence[str],
) -> sa.Insert:
    """INSERT that, on a conflict over ``conflict_columns``, sets ``update_columns`` instead."""
    statement = _insert(dialect)(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in conflict_columns],
        set_={name: statement.excluded[name] for name in update_columns},
    )


def insert_or_ignore(
    dialect: Dialect, table: sa.Table, conflict_columns: Sequence[str]
) -> sa.Insert:
    """INSERT that skips rows conflicting over ``conflict_columns`` (a unique index)."""
    return _insert(dialect)(table).on_conflict_do_nothing(
        index_elements=[table.c[name] for name in conflict_columns]
    )


# --- date arithmetic -------------------------------------------------------------------------


def days_between(
    dialect: Dialect, start: sa.ColumnElement[Any], end: sa.ColumnElement[Any]
) -> sa.ColumnElement[int]:
    """Whole days from ``start`` to ``end`` (NULL when either is); dates are ISO text on SQLite."""
    if is_sqlite(dialect):
        return sa.cast(sa.func.julianday(end) - sa.func.julianday(start), Integer)
    return sa.cast(end - start, Integer)


def month_start(dialect: Dialect, day: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The first day of ``day``'s month (NULL when it is); ISO text on SQLite, a date else."""
    if is_sqlite(dialect):
        return sa.type_coerce(sa.func.substr(day, 1, 7).concat("-01"), sa.Date)
    return sa.cast(sa.func.date_trunc("month", day), sa.Date)


# --- full-text search -------------------------------------------------------------------------


def _fts5_rowids(expression: str) -> sa.Select[Any]:
    match = sa.literal_column("permits_fts").op("MATCH")(expression)
    matching: sa.Select[Any] = sa.select(sa.literal_column("rowid")).select_from(
        sa.table("permits_fts")
    )
    return matching.where(match)


def fulltext_is_common(conn: sa.Connection, query: FullTextQuery, wanted: int) -> bool:
    """SQLite: whether so many permits match that a page is best read in listing order.

    Few matches: fetch them all by rowid and sort (cost grows with the matches). Many: walk
    the listing index and keep the rows whose seq is in the match set (cost grows with
    ``wanted`` × rows ÷ matches). Measured at 1M rows the two cross near 3,000 matches for a
    page of 101, i.e. about sqrt(wanted × rows ÷ 10); counting up to that bound reads only
    that many rowids from the FTS index, well under a millisecond. A query of exclusions only
    is always read in listing order (most rows lack any one word). PostgreSQL needs no hint:
    its statistics on ``search_vector`` let the planner make this choice itself.
    """
    if not is_sqlite(conn.dialect) or query.is_empty:
        return False
    if not query.required:
        return True
    rows = conn.execute(sa.text("SELECT max(seq) FROM permits")).scalar() or 0
    bound = max(100, isqrt(wanted * rows // 10))
    matching = _fts5_rowids(fulltext.fts5_expression(query)).limit(bound).subquery()
    matches = conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one()
    return bool(matches >= bound)


def fulltext_match(
    dialect: Dialect, query: FullTextQuery, *, common: bool = False
) -> sa.ColumnElement[bool]:
    """Permits whose description, number, address or contractor match ``query``.

    ``common`` (from :func:`fulltext_is_common`) makes SQLite test membership in the match set
    row by row instead of looking the matches up by rowid, so the planner walks an index in
    listing order and stops at the page's end rather than sorting every match.
    """
    if query.is_empty:
        return sa.true()
    if is_sqlite(dialect):
        # unary "+" is SQLite's documented way to keep a term from driving an index lookup
        seq: sa.ColumnClause[Any] = sa.literal_column("+permits.seq" if common else "permits.seq")
        if query.required:
            return seq.in_(_fts5_rowids(fulltext.fts5_expression(query)))
        # FTS5 has no unary NOT: "without solar" is "not among the rows with solar"
        return seq.not_in(_fts5_rowids(fulltext.fts5_excluded(query)))
    tsquery = sa.func.to_tsquery(
        sa.literal_column("'english'::regconfig"), fulltext.tsquery_text(query)
    )
    return sa.literal_column("permits.search_vector").bool_op("@@")(tsquery)


def _sqlite_fts_sync(operation: str, row: str) -> str:
    """One trigger statement that adds or removes a permit's text in the external-content
    index (FTS5 removes with the special 'delete' insert, given the old values).

    Built only from the constants above, never from input: nothing to parameterize.
    """
    columns = ", ".join(FTS_COLUMNS)
    values = ", ".join(f"{row}.{column}" for column in FTS_COLUMNS)
    if operation == "add":
        return f"INSERT INTO permits_fts(rowid, {columns}) VALUES ({row}.seq, {values});"  # noqa: S608
    return (
        f"INSERT INTO permits_fts(permits_fts, rowid, {columns}) "  # noqa: S608
        f"VALUES ('delete', {row}.seq, {values});"
    )


def fulltext_ddl(dialect: Dialect) -> list[str]:
    """Statements that create the full-text objects on an existing ``permits`` table."""
    columns = ", ".join(FTS_COLUMNS)
    if is_sqlite(dialect):
        add, remove = _sqlite_fts_sync("add", "new"), _sqlite_fts_sync("remove", "old")
        return [
            # porter stemming, so "roof" finds "roofing" as PostgreSQL's 'english' config does
            f"CREATE VIRTUAL TABLE permits_fts USING fts5({columns}, content='permits', "
            "content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER permits_fts_ai AFTER INSERT ON permits BEGIN {add} END",
            f"CREATE TRIGGER permits_fts_ad AFTER DELETE ON permits BEGIN {remove} END",
            f"CREATE TRIGGER permits_fts_au AFTER UPDATE OF {columns} ON permits "
            f"BEGIN {remove} {add} END",
        ]
    document = " || ' ' || ".join(f"coalesce({column}, '')" for column in FTS_COLUMNS)
    return [
        "ALTER TABLE permits ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('english', {document})) STORED",
        "CREATE INDEX ix_permits_search_vector ON permits USING gin (search_vector)",
    ]


def fulltext_drop_ddl(dialect: Dialect) -> list[str]:
    """The reverse of :func:`fulltext_ddl`."""
    if is_sqlite(dialect):
        triggers = ("permits_fts_ai", "permits_fts_ad", "permits_fts_au")
        return [*(f"DROP TRIGGER {name}" for name in triggers), "DROP TABLE permits_fts"]
    return ["DROP INDEX ix_permits_search_vector", "ALTER TABLE permits DROP COLUMN search_vector"]


def is_fulltext_object(name: str | None) -> bool:
    """Schema objects made by :func:`fulltext_ddl`, which ``tables.metadata`` does not declare."""
    return name is not None and (
        name.startswith("permits_fts") or name in {"search_vector", "ix_permits_search_vector"}
    )
