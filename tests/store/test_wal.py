"""SQLite's WAL is cut back once a writer is done and it is over the limit (store.wal)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from permitdb.store.dialects import SQLITE_CACHE_KIB, SQLITE_MAX_OVERFLOW, SQLITE_POOL_SIZE
from permitdb.store.engine import create_engine_for
from permitdb.store.wal import WAL_LIMIT_BYTES

ROW = "x" * 4000  # about a page each


def test_pragmas_size_the_cache_for_the_pool_and_limit_the_journal(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == WAL_LIMIT_BYTES
    assert engine.pool.size() == SQLITE_POOL_SIZE  # type: ignore[attr-defined]
    assert SQLITE_CACHE_KIB * (SQLITE_POOL_SIZE + SQLITE_MAX_OVERFLOW) <= 64 * 1024
    engine.dispose()


def test_a_writer_truncates_a_log_that_a_reader_kept_from_starting_over(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    wal = Path(f"{path}-wal")
    engine = create_engine_for(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
    pages = WAL_LIMIT_BYTES // (len(ROW) * 500) + 2  # of 500 rows: past the limit
    with engine.connect() as reader:
        reader.exec_driver_sql("SELECT count(*) FROM t").scalar()  # holds its snapshot
        for _ in range(pages):
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO t VALUES (:v)"), [{"v": ROW}] * 500)
        # the open reader kept every checkpoint from finishing: the log is over the limit
        assert wal.stat().st_size > WAL_LIMIT_BYTES
        # a reader returning to the pool leaves the log alone (it must not wait for others)
    assert wal.stat().st_size > WAL_LIMIT_BYTES
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (:v)"), {"v": ROW})
    assert wal.stat().st_size == 0  # checkpointed and truncated when the writer was done
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == pages * 500 + 1
    engine.dispose()
