"""The one place SQLite and PostgreSQL differ.

Everything else in ``store`` writes portable SQLAlchemy Core. What lives here: column type
variants, index options, engine setup (SQLite pragmas and transactions), upsert syntax,
full-text search (FTS5 external-content table vs a generated ``tsvector`` column) and
migration options. This module imports nothing from ``store`` so ``tables`` can use it.
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

# none_as_null: a Python None is SQL NULL (so "IS NULL" works), not the JSON literal null.
Json = JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
# SQLite's INTEGER PRIMARY KEY is the rowid only when spelled INTEGER, not BIGINT.
Serial = BigInteger().with_variant(Integer(), "sqlite")


SQLITE_PRAGMAS: Final = (
    "PRAGMA journal_mode=WAL",  # readers never block the writer
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",  # wait for a concurrent writer instead of failing at once
    "PRAGMA synchronous=NORMAL",  # durable at checkpoints; safe with WAL
    # Page cache per connection (negative = KiB; the default is 2 MiB). A page of permits
    # updates a dozen indexes and the FTS b-trees at scattered keys; with 2 MiB those pages
    # spill and are re-read every page. Memory only: durability is unchanged.
    "PRAGMA cache_size=-65536",
)

FTS_COLUMNS: Final = ("description", "permit_number", "address", "contractor_name")


def is_sqlite(dialect: Dialect) -> bool:
    return dialect.name == "sqlite"


@compiles(UnaryExpression, "sqlite")
def _sqlite_unary(element: UnaryExpression[Any], compiler: SQLCompiler, **kw: Any) -> str:
    """Drop NULLS LAST after DESC on SQLite, where it is the default order anyway.

    The permit listing's index is ``(issued_date DESC NULLS LAST, id DESC)`` so PostgreSQL can
    walk it in listing order; SQLite rejects NULLS in CREATE INDEX but means the same without.
    """
    inner = element.element
    if (
        element.modifier is operators.nulls_last_op
        and isinstance(inner, UnaryExpression)
        and inner.modifier is operators.desc_op
    ):
        return compiler.process(inner, **kw)
    return str(compiler.visit_unary(element, **kw))  # type: ignore[no-untyped-call]


# --- engines ----------------------------------------------------------------------------------


def engine_options(url: URL) -> dict[str, Any]:
    """``create_engine`` options for this URL; creates the SQLite file's folder first."""
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return {}
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


# --- full-text search -------------------------------------------------------------------------


def fts5_query(query_text: str) -> str:
    """The user's words as an FTS5 query: each token quoted (no operator injection), all ANDed."""
    return " ".join('"' + token.replace('"', '""') + '"' for token in query_text.split())


def _fts5_rowids(query_text: str) -> sa.Select[Any]:
    match = sa.literal_column("permits_fts").op("MATCH")(fts5_query(query_text))
    matching: sa.Select[Any] = sa.select(sa.literal_column("rowid")).select_from(
        sa.table("permits_fts")
    )
    return matching.where(match)


def fulltext_is_common(conn: sa.Connection, query_text: str, wanted: int) -> bool:
    """SQLite: whether so many permits match that a page is best read in listing order.

    Few matches: fetch them all by rowid and sort (cost grows with the matches). Many: walk
    the listing index and keep the rows whose seq is in the match set (cost grows with
    ``wanted`` × rows ÷ matches). Measured at 1M rows the two cross near 3,000 matches for a
    page of 101, i.e. about sqrt(wanted × rows ÷ 10); counting up to that bound reads only
    that many rowids from the FTS index, well under a millisecond. PostgreSQL needs no hint:
    its statistics on ``search_vector`` let the planner make this choice itself.
    """
    if not is_sqlite(conn.dialect) or not query_text.split():
        return False
    rows = conn.execute(sa.text("SELECT max(seq) FROM permits")).scalar() or 0
    bound = max(100, isqrt(wanted * rows // 10))
    matches = conn.execute(
        sa.select(sa.func.count()).select_from(_fts5_rowids(query_text).limit(bound).subquery())
    ).scalar_one()
    return bool(matches >= bound)


def fulltext_match(
    dialect: Dialect, query_text: str, *, common: bool = False
) -> sa.ColumnElement[bool]:
    """Permits whose description, number, address or contractor match every word.

    ``common`` (from :func:`fulltext_is_common`) makes SQLite test membership in the match set
    row by row instead of looking the matches up by rowid, so the planner walks an index in
    listing order and stops at the page's end rather than sorting every match.
    """
    if not query_text.split():
        return sa.false()
    if is_sqlite(dialect):
        # unary "+" is SQLite's documented way to keep a term from driving an index lookup
        seq: sa.ColumnClause[Any] = sa.literal_column("+permits.seq" if common else "permits.seq")
        return seq.in_(_fts5_rowids(query_text))
    tsquery = sa.func.websearch_to_tsquery(sa.literal_column("'english'::regconfig"), query_text)
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
