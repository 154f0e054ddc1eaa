"""Back up and restore a whole permitdb database, on either engine.

* SQLite: ``VACUUM INTO`` writes a consistent snapshot while the server reads and ingest writes
  (it runs in one read transaction, so rows still in the WAL are included, which a copy of
  the main file alone would miss). Restore copies the backup into the live file through
  SQLite's online backup API, under SQLite's own locks, never by replacing the file under
  open connections.
* PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore``, the server's own tools, run with
  the password in the environment (never on a command line another user can read).

Either way a restore first checks the file is a permitdb backup of a schema revision this
version knows, and refuses to overwrite a database that already holds a permitdb schema unless
asked to (``force``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from permitdb.store.backups import postgresql, sqlite
from permitdb.store.backups.base import BackupError, Restored

__all__ = ["BackupError", "Restored", "backup_database", "restore_database"]


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def backup_database(url: str, path: Path) -> None:
    """Write a backup of the database at ``url`` to ``path`` (a new file; never overwritten)."""
    if path.exists():
        raise BackupError(f"{path} already exists; name a new file (backups never overwrite).")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist; create it or pick another path.")
    if _is_sqlite(url):
        sqlite.backup(url, path)
    else:
        postgresql.backup(url, path)


def restore_database(url: str, path: Path, *, force: bool) -> Restored:
    """Replace the database at ``url`` with the backup at ``path``."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist; name a file written by 'permitdb db backup'.")
    if _is_sqlite(url):
        return sqlite.restore(url, path, force=force)
    return postgresql.restore(url, path, force=force)
