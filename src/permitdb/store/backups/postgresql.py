"""PostgreSQL backups with the server's own tools: ``pg_dump --format=custom``, ``pg_restore``.

The connection goes to them as a libpq URL without the password, which travels in
``PGPASSWORD``: a command line is visible to every user of the machine, the environment is not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from permitdb.store.backups.base import (
    BackupError,
    Restored,
    check_revision,
    refuse_overwrite,
    require_kind,
    written_whole,
)
from permitdb.store.engine import create_engine_for

PG_DUMP_MAGIC = b"PGDMP"
# pg_restore --data-only --table=alembic_version --file=- prints the row after its COPY line.
_REVISION_ROW = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(\S+)$", re.M)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed, and PostgreSQL backups need it. Install the PostgreSQL "
            "client tools of your server's major version or newer (Debian/Ubuntu: "
            "'apt-get install postgresql-client'), then rerun."
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq connection URL (no password, no SQLAlchemy driver) and the tools' environment."""
    parsed = make_url(url)
    # URL.set(password=None) would keep the password ("None: unchanged"): build it anew
    without_password = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    dsn = without_password.render_as_string(hide_password=False)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return dsn, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit code {done.returncode}"
        raise BackupError(
            f"{what} failed: {detail}. Fix what it names (server reachable? client tools at "
            "least the server's version?) and rerun."
        )
    return done.stdout


def backup(url: str, path: Path) -> None:
    dsn, env = _libpq(url)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    with written_whole(path) as partial:
        _run([*command, f"--file={partial}", f"--dbname={dsn}"], env, "pg_dump")


def _backup_revision(pg_restore: str, path: Path) -> str | None:
    command = [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)]
    found = _REVISION_ROW.search(_run(command, dict(os.environ), "pg_restore (reading it)"))
    return found.group(1) if found else None


def _has_permitdb_schema(url: str) -> bool:
    engine = create_engine_for(url)
    try:
        return sa.inspect(engine).has_table("alembic_version")
    finally:
        engine.dispose()


def restore(url: str, path: Path, *, force: bool) -> Restored:
    require_kind(
        path,
        PG_DUMP_MAGIC,
        "is not a pg_dump archive. A SQLite backup restores only into SQLite: unset "
        "PERMITDB_DATABASE_URL (or point it at a SQLite file) first.",
    )
    pg_restore = _tool("pg_restore")
    restored = check_revision(_backup_revision(pg_restore, path), path)
    if _has_permitdb_schema(url):
        if not force:
            raise refuse_overwrite(make_url(url).render_as_string(hide_password=True))
        clean = ["--clean", "--if-exists"]
    else:
        clean = []
    dsn, env = _libpq(url)
    command = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction"]
    _run([*command, "--exit-on-error", *clean, f"--dbname={dsn}", str(path)], env, "pg_restore")
    return restored
