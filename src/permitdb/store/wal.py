"""SQLite's write-ahead log, kept bounded while readers are active.

SQLite checkpoints the WAL into the database by itself every 1,000 pages, but it can start
the log over only when no reader still uses an older snapshot in it. An API under steady load
always has such a reader, so during an ingest the log only grows (476 MB beside a 245 MB
database, measured), and even once it is reset the file keeps its size.

Two bounds, both SQLite-only (``dialects.configure_engine`` installs them):

* ``journal_size_limit``: whenever the log is reset, the file is cut back to this size.
* When a connection that wrote is returned to the pool and the log is over the limit, it runs
  ``wal_checkpoint(TRUNCATE)``: SQLite copies the log into the database, waits (up to the
  busy timeout) for the readers still in the log to finish (API reads take milliseconds; new
  readers read the database file), and truncates the log to zero bytes. Readers never wait
  for it; the next write does, once per limit's worth of log.
"""

from __future__ import annotations

import os
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

# 4x what SQLite's own checkpoint lets the log reach when nothing holds it back (1,000 pages);
# a page of 1,000 permits writes a few MiB, so a starved log is cut every few pages.
WAL_LIMIT_BYTES: Final = 16 * 1024 * 1024
JOURNAL_SIZE_LIMIT_PRAGMA: Final = f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}"
_CHANGES: Final = "permitdb_total_changes"
_WAL_PATH: Final = "permitdb_wal_path"


def _wal_path(dbapi_connection: Any) -> str | None:
    """The main database's WAL file; None for an in-memory or temporary database."""
    for _seq, name, path in dbapi_connection.execute("PRAGMA database_list"):
        if name == "main" and path:
            return f"{path}-wal"
    return None


def _wal_bytes(path: str) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:  # no WAL yet, or the last connection closed and removed it
        return 0


def bound_wal(engine: Engine, limit_bytes: int = WAL_LIMIT_BYTES) -> None:
    """Truncate ``engine``'s WAL, when over ``limit_bytes``, each time a writer is done."""

    def on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info[_WAL_PATH] = _wal_path(dbapi_connection)
        record.info[_CHANGES] = getattr(dbapi_connection, "total_changes", 0)

    def on_checkin(dbapi_connection: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        path = record.info.get(_WAL_PATH)
        if dbapi_connection is None or path is None:
            return
        changes = getattr(dbapi_connection, "total_changes", 0)
        if changes == record.info.get(_CHANGES):
            return  # a reader: it never grew the log, and must not wait for others
        record.info[_CHANGES] = changes
        if _wal_bytes(path) > limit_bytes:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "checkin", on_checkin)
