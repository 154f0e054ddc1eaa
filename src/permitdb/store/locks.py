"""Named locks shared by every process on one database: one migration, one sync per dataset.

PostgreSQL: a session advisory lock held on a dedicated autocommit connection; SQLite: an
``flock`` on a file beside the database. Either way the holder's death releases the lock (the
server ends the session, the kernel closes the file), so a crashed process never leaves a lock
behind and nothing has to guess whether a holder is stale. The holder writes who it is (pid,
host, since when) where a waiting process can read it, for the message that says who to wait
for.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from permitdb.errors import PermitdbError
from permitdb.store import dialects

# pg_advisory_lock(int4, int4): the first key says "permitdb", the second which lock. Both stay
# below 2**31 so pg_locks (which shows them as unsigned oids) compares equal to what we passed.
_PG_NAMESPACE: Final = 0x7064_6231  # "pdb1"
_POLL_SECONDS: Final = 0.2
# PostgreSQL keeps at most 63 bytes of application_name, where the holder's description goes
_PG_NAME_LENGTH: Final = 63


class LockBusy(PermitdbError):
    """Another process holds the lock for longer than the caller would wait."""

    def __init__(self, name: str, holder: str | None) -> None:
        self.name = name
        self.holder = holder
        super().__init__(
            f"the {name} lock on this database is held by {holder or 'another process'}; "
            "wait for that process to finish (or stop it), then try again"
        )


def _holder_description() -> str:
    """Who holds a lock, in at most 63 characters (all PostgreSQL keeps of it)."""
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"pid {os.getpid()} on {socket.gethostname()[:16]}, since {since}"


def _pg_key(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFF_FFFF


def _lock_file(url: sa.URL, name: str) -> Path | None:
    """``<database>.locks/<name>.lock``; None for an in-memory database no other process sees."""
    if not url.database or url.database == ":memory:":
        return None
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return Path(f"{url.database}.locks") / f"{safe_name}.lock"


def _wait(try_acquire: Callable[[], bool], wait_s: float) -> bool:
    """Call ``try_acquire()`` until it returns True or ``wait_s`` seconds have gone by."""
    deadline = time.monotonic() + wait_s
    while not try_acquire():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(_POLL_SECONDS, remaining))
    return True


@contextmanager
def _file_lock(path: Path, name: str, wait_s: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh open file per holder: flock excludes other opens of the file in this process too,
    # so two threads of one process (tests, an API worker pool) exclude each other as well.
    with path.open("a+") as handle:

        def try_acquire() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        if not _wait(try_acquire, wait_s):
            handle.seek(0)
            raise LockBusy(name, handle.read().strip() or None)
        try:
            handle.truncate(0)
            handle.write(_holder_description())
            handle.flush()
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pg_holder(conn: Connection, key: int) -> str | None:
    row = conn.execute(
        sa.text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :namespace "
            "AND l.objid = :key AND l.objsubid = 2"
        ),
        {"namespace": _PG_NAMESPACE, "key": key},
    ).first()
    return str(row[0]) if row is not None and row[0] else None


@contextmanager
def _advisory_lock(engine: Engine, name: str, wait_s: float) -> Iterator[None]:
    key = _pg_key(name)
    params = {"namespace": _PG_NAMESPACE, "key": key}
    # Autocommit: the session lock outlives transactions, and an idle connection holding it
    # is not left "idle in transaction" for the length of a sync.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:

        def try_acquire() -> bool:
            statement = sa.text("SELECT pg_try_advisory_lock(:namespace, :key)")
            return bool(conn.execute(statement, params).scalar_one())

        if not _wait(try_acquire, wait_s):
            raise LockBusy(name, _pg_holder(conn, key))
        try:
            conn.execute(
                sa.text("SELECT set_config('application_name', :holder, false)"),
                {"holder": _holder_description()[:_PG_NAME_LENGTH]},
            )
            yield
        finally:
            try:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:namespace, :key)"), params)
                conn.execute(sa.text("RESET application_name"))
            except DBAPIError:
                # The session ended (server restart, network), and its lock with it; the
                # caller's own outcome matters more than this connection's.
                conn.invalidate()


@contextmanager
def hold(engine: Engine, name: str, *, wait_s: float) -> Iterator[None]:
    """Hold the lock ``name`` on this database, waiting up to ``wait_s`` seconds for it.

    Raises :class:`LockBusy` (naming the holder) if it is still taken after ``wait_s``.
    """
    if not dialects.is_sqlite(engine.dialect):
        with _advisory_lock(engine, name, wait_s):
            yield
        return
    path = _lock_file(engine.url, name)
    if path is None:
        yield
        return
    with _file_lock(path, name, wait_s):
        yield
