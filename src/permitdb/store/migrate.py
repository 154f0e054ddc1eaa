"""Alembic, configured in code: no alembic.ini is needed to migrate a database.

Migrations run under the database's ``migrate`` lock (``store.locks``), so any number of
``permitdb db migrate``, ``serve`` and ``ingest`` starting at once on one database take turns:
the first migrates, the others find the schema at head and do nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import Engine, make_url

from permitdb.errors import PermitdbError
from permitdb.store import locks

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Date-stamped revision files sort by creation: versions/2026-11-23-0001_initial.py
FILE_TEMPLATE = "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s"
MIGRATE_LOCK = "migrate"
# A migration of a large table can take minutes; waiting longer means something is stuck.
MIGRATE_LOCK_WAIT_S = 600.0


class DatabaseNewerError(PermitdbError):
    """The database was migrated by a newer permitdb: this code does not know its revision."""

    def __init__(self, engine: Engine, revision: str) -> None:
        url = make_url(engine.url).render_as_string(hide_password=True)
        super().__init__(
            f"the database {url} is at revision {revision}, newer than this permitdb knows; "
            "upgrade permitdb, or point PERMITDB_DATABASE_URL at a database of this version"
        )


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration; with ``connection``, migrations run on it (see env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision this permitdb ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check_known_revision(engine: Engine) -> str | None:
    """The database's revision; raises :class:`DatabaseNewerError` if this code lacks it."""
    revision = current_revision(engine)
    if revision is not None:
        scripts = ScriptDirectory.from_config(alembic_config())
        if revision not in {script.revision for script in scripts.walk_revisions()}:
            raise DatabaseNewerError(engine, revision)
    return revision


def require_head(engine: Engine) -> None:
    """Raise unless the database is at this permitdb's newest revision (for --no-migrate)."""
    revision = check_known_revision(engine)
    head = head_revision()
    if revision != head:
        url = make_url(engine.url).render_as_string(hide_password=True)
        raise PermitdbError(
            f"the database {url} is at revision {revision or 'none (empty)'}, not {head} that "
            "this permitdb needs; run 'permitdb db migrate' first, or start without --no-migrate"
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` in one transaction, one migrating process at a time.

    Raises :class:`DatabaseNewerError` for a database a newer permitdb migrated, and
    :class:`locks.LockBusy` if another migration holds the lock for ``MIGRATE_LOCK_WAIT_S``.
    """
    with locks.hold(engine, MIGRATE_LOCK, wait_s=MIGRATE_LOCK_WAIT_S):
        check_known_revision(engine)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
