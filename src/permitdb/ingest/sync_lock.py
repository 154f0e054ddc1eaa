"""One sync per dataset at a time: the dataset's lock, and the message when another holds it.

The lock is ``store.locks``'s, so it works across processes and machines on PostgreSQL and
across processes on one machine on SQLite, and dies with its holder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from sqlalchemy import Engine

from permitdb.errors import DatasetBusyError
from permitdb.store import ingest_state, locks


def lock_name(dataset: str) -> str:
    """The name of the lock a sync of ``dataset`` holds."""
    return f"sync {dataset}"


@contextmanager
def syncing(engine: Engine, dataset: str, *, wait_s: float) -> Iterator[None]:
    """Hold ``dataset``'s sync lock, waiting up to ``wait_s`` seconds for another sync of it
    to end; raises :class:`DatasetBusyError` naming that sync if it does not."""
    with ExitStack() as held:
        try:
            held.enter_context(locks.hold(engine, lock_name(dataset), wait_s=wait_s))
        except locks.LockBusy as busy:
            raise DatasetBusyError(_busy_message(engine, dataset, busy.holder)) from None
        yield


def _busy_message(engine: Engine, dataset: str, holder: str | None) -> str:
    with engine.connect() as conn:
        state = ingest_state.load_state(conn, dataset)
        run = ingest_state.get_run(conn, state.run_id) if state and state.run_id else None
    by = f"run {run.id}" if run is not None and run.status == "running" else "another permitdb"
    return (
        f"dataset {dataset} is being synced by {by} ({holder or 'another process'}); wait for "
        "it to finish, or rerun with --wait SECONDS to start right after it"
    )
