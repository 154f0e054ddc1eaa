"""permitdb db backup / restore: a round trip on each engine, and what restore refuses."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.settings import get_settings
from permitdb.store.engine import create_engine_for
from permitdb.store.tables import metadata, permits

DATASET = "austin-tx/issued-construction-permits"


def _use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Every command, ``ingest --from-recordings`` too, uses the database at ``url``.

    (--from-recordings writes to the demo database, PERMITDB_DEMO_DATABASE_URL, kept apart
    from the live one; here both are the database under test.)
    """
    monkeypatch.setenv("PERMITDB_DATABASE_URL", url)
    monkeypatch.setenv("PERMITDB_DEMO_DATABASE_URL", url)
    get_settings.cache_clear()


def _contents(url: str) -> dict[str, Any]:
    """Every table's row count, and the first permits by id with their content hashes."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            counts = {
                table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
                for table in metadata.sorted_tables
            }
            first = conn.execute(
                sa.select(permits.c.id, permits.c.permit_number, permits.c.content_hash)
                .order_by(permits.c.id)
                .limit(5)
            ).all()
    finally:
        engine.dispose()
    return {"counts": counts, "first": [tuple(row) for row in first]}


@pytest.fixture
def restore_target(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[str]:
    """A second database of the same engine: a new SQLite file, or a migrated PostgreSQL one."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'permitdb.sqlite'}"
        return
    with ExitStack() as stack:
        named = request.getfixturevalue("postgres_database_named")
        engine = stack.enter_context(named("restored"))
        yield engine.url.render_as_string(hide_password=False)


def test_backup_restore_round_trip(
    runner: CliRunner,
    data_dir: Path,
    database_url: str,
    restore_target: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use(monkeypatch, database_url)
    ingested = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])
    assert ingested.exit_code == 0, ingested.output
    original = _contents(database_url)
    assert original["counts"]["permits"] > 0

    backup = tmp_path / "permitdb.backup"
    made = runner.invoke(app, ["db", "backup", str(backup)])
    assert made.exit_code == 0, made.output
    again = runner.invoke(app, ["db", "backup", str(backup)])
    assert again.exit_code == 1
    assert "already exists" in again.output

    _use(monkeypatch, restore_target)
    fresh_sqlite = restore_target.startswith("sqlite")
    if not fresh_sqlite:  # the PostgreSQL target is migrated: it holds a (empty) permitdb schema
        refused = runner.invoke(app, ["db", "restore", str(backup)])
        assert refused.exit_code == 1
        assert "--force" in refused.output
    restored = runner.invoke(
        app, ["db", "restore", str(backup), *([] if fresh_sqlite else ["--force"])]
    )
    assert restored.exit_code == 0, restored.output
    assert _contents(restore_target) == original

    over_data = runner.invoke(app, ["db", "restore", str(backup)])
    assert over_data.exit_code == 1
    assert "--force" in over_data.output
    forced = runner.invoke(app, ["db", "restore", str(backup), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _contents(restore_target) == original


def test_sqlite_backup_holds_rows_still_in_the_wal(
    runner: CliRunner, data_dir: Path, sqlite_template: Path, tmp_path: Path
) -> None:
    live = data_dir / "permitdb.sqlite"
    live.parent.mkdir(parents=True)
    shutil.copyfile(sqlite_template, live)
    # A writer that never checkpoints and stays open, as a running ingest or server would:
    # its committed rows live only in the -wal file, so a copy of permitdb.sqlite misses them.
    with closing(sqlite3.connect(live)) as writer:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        with writer:
            writer.execute(
                "INSERT INTO api_keys (prefix, name, key_hash, scopes, is_demo, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                ("pdb_wal", "wal", "hash", "[]", False, "2026-12-03 00:00:00"),
            )
        copied = tmp_path / "copied.sqlite"
        shutil.copyfile(live, copied)
        backup = tmp_path / "online.sqlite"
        made = runner.invoke(app, ["db", "backup", str(backup)])
        assert made.exit_code == 0, made.output

    def keys_in(path: Path) -> int:
        with closing(sqlite3.connect(path)) as conn:
            return int(conn.execute("SELECT count(*) FROM api_keys").fetchone()[0])

    assert keys_in(copied) == 0
    assert keys_in(backup) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a database at all", "not a SQLite database"),
        (None, "not a permitdb backup"),
    ],
    ids=["not-sqlite", "sqlite-without-schema"],
)
def test_restore_refuses_what_is_not_a_permitdb_backup(
    runner: CliRunner, data_dir: Path, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    candidate = tmp_path / "candidate"
    if content is None:
        with closing(sqlite3.connect(candidate)) as conn:
            conn.execute("CREATE TABLE other (x)")
    else:
        candidate.write_bytes(content)
    result = runner.invoke(app, ["db", "restore", str(candidate)])
    assert result.exit_code == 1
    assert expected in result.output
    assert not (data_dir / "permitdb.sqlite").exists()


def test_restore_refuses_a_revision_from_a_newer_version(
    runner: CliRunner, data_dir: Path, sqlite_template: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.sqlite"
    shutil.copyfile(sqlite_template, newer)
    with closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", ("from_the_future",))
    result = runner.invoke(app, ["db", "restore", str(newer)])
    assert result.exit_code == 1
    assert "newer version" in result.output


# Never connected to: each refusal below comes before permitdb talks to the server.
UNREACHABLE_POSTGRES = "postgresql://permitdb:secret@127.0.0.1:1/permitdb"


def test_postgres_backup_without_pg_dump_names_the_package(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, UNREACHABLE_POSTGRES)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = runner.invoke(app, ["db", "backup", str(tmp_path / "permitdb.dump")])
    assert result.exit_code == 1
    assert "pg_dump is not installed" in result.output
    assert "apt-get install postgresql-client" in result.output
    assert "secret" not in result.output


def test_a_sqlite_backup_does_not_restore_into_postgres(
    runner: CliRunner, data_dir: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, UNREACHABLE_POSTGRES)
    result = runner.invoke(app, ["db", "restore", str(sqlite_template)])
    assert result.exit_code == 1
    assert "is not a pg_dump archive" in result.output
