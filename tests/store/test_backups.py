"""How a PostgreSQL backup hands the connection to pg_dump/pg_restore: never the password in
their command line, which every user of the machine can read."""

from __future__ import annotations

import pytest

from permitdb.store.backups.postgresql import _libpq


def test_the_password_travels_in_the_environment_not_the_command_line() -> None:
    dsn, env = _libpq(
        "postgresql+psycopg://permitdb:s3cr%40t@db.internal:5433/permits?sslmode=require"
    )
    assert dsn == "postgresql://permitdb@db.internal:5433/permits?sslmode=require"
    assert env["PGPASSWORD"] == "s3cr@t"


def test_without_a_password_the_environment_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    dsn, env = _libpq("postgresql+psycopg://postgres@127.0.0.1/test")
    assert dsn == "postgresql://postgres@127.0.0.1/test"
    assert "PGPASSWORD" not in env
