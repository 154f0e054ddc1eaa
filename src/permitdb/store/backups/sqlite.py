"""SQLite backups: ``VACUUM INTO`` a new file, restore through the online backup API."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from permitdb.store.backups import base

SQLITE_HEADER = b"SQLite format 3\x00"
# Seconds to wait for a writer (an ingest page) to commit before giving up on the lock.
BUSY_TIMEOUT_S = 30.0


def _database_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise base.BackupError(
            f"{url} is an in-memory database: there is no file to back up or restore. Set "
            "PERMITDB_DATABASE_URL (or PERMITDB_DATA_DIR) to the database file."
        )
    return Path(database)


def _read_only(path: Path) -> sqlite3.Connection:
    # immutable: the backup file is not being written, so no lock or -shm file is needed
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _has_permitdb_schema(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", ("alembic_version",)
    ).fetchone()
    return found is not None


def backup(url: str, path: Path) -> None:
    source_path = _database_path(url)
    if not source_path.is_file():
        raise base.BackupError(
            f"no database at {source_path}: nothing to back up. Check PERMITDB_DATABASE_URL "
            "(or PERMITDB_DATA_DIR)."
        )
    # mode=rw: a mistyped path must fail here, not create an empty database to back up
    uri = f"{source_path.resolve().as_uri()}?mode=rw"
    with (
        base.written_whole(path) as partial,
        closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as conn,
    ):
        conn.execute("VACUUM INTO ?", (str(partial),))


def _backup_revision(path: Path) -> str | None:
    base.require_kind(
        path,
        SQLITE_HEADER,
        "is not a SQLite database. A PostgreSQL backup (pg_dump archive) restores only into "
        "PostgreSQL: set PERMITDB_DATABASE_URL to a PostgreSQL database first.",
    )
    with closing(_read_only(path)) as conn:
        if not _has_permitdb_schema(conn):
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def restore(url: str, path: Path, *, force: bool) -> base.Restored:
    restored = base.check_revision(_backup_revision(path), path)
    target = _database_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)) as live:
        if _has_permitdb_schema(live) and not force:
            raise base.refuse_overwrite(str(target))
        with closing(_read_only(path)) as source:
            source.backup(live)
    return restored
