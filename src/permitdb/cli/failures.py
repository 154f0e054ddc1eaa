"""The one place the CLI turns an exception into the one line that says what to do next.

Errors permitdb raises on purpose, bad settings and database errors get a message; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from permitdb.cli.console import settings, shown_url
from permitdb.errors import PermitdbError
from permitdb.settings import SettingsError


def explain(exc: BaseException) -> str | None:
    """The message for an expected error; None for one that is a bug."""
    if isinstance(exc, PermitdbError | SettingsError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        return _database_message(exc)
    return None


def _database_message(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    reason = str(orig or exc).strip().splitlines()[0]
    # SQLite reports a missing table as an OperationalError too; that one wants a migration
    unreachable = isinstance(exc, OperationalError | InterfaceError) and "no such" not in reason
    if unreachable:
        # the driver's own words (refused, unknown host, bad password) say what to check
        return (
            f"cannot use the database {shown_url(settings())} ({reason}). Check that the server "
            "is running and reachable and that PERMITDB_DATABASE_URL names the right host, port, "
            "user, password and database."
        )
    return (
        f"database error ({type(exc).__name__}: {reason}). Check PERMITDB_DATABASE_URL and "
        "that the server is up, then run 'permitdb db migrate'."
    )
