"""Concurrent migrations of one empty database take turns under the migrate lock."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL

from permitdb.errors import PermitdbError
from permitdb.store.engine import create_engine_for
from permitdb.store.migrate import (
    DatabaseNewerError,
    current_revision,
    head_revision,
    require_head,
    upgrade,
)

PERMITDB = str(Path(sys.executable).with_name("permitdb"))


@pytest.fixture(params=BACKENDS)
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, worker_id: str
) -> Iterator[str]:
    """A database with no tables at all (the conftest ones are migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    assert POSTGRES_ADMIN_URL is not None
    prefix = os.environ.get("PERMITDB_TEST_DATABASE_PREFIX", "permitdb_test")
    name = f"{prefix}_{worker_id}_empty"
    admin = create_engine_for(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


def test_two_concurrent_db_migrate_on_an_empty_database_both_succeed(
    empty_database_url: str,
) -> None:
    env = {**os.environ, "PERMITDB_DATABASE_URL": empty_database_url}
    migrations = [
        subprocess.Popen(
            [PERMITDB, "db", "migrate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [migration.communicate(timeout=120)[0] for migration in migrations]

    assert [migration.returncode for migration in migrations] == [0, 0], outputs
    engine = create_engine_for(empty_database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_database_newer_than_the_code_is_refused_with_what_to_do(
    empty_database_url: str,
) -> None:
    engine = create_engine_for(empty_database_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '2099_01_01_0001'"))

    with pytest.raises(DatabaseNewerError) as newer:
        upgrade(engine)
    assert "at revision 2099_01_01_0001, newer than this permitdb" in str(newer.value)
    assert "upgrade permitdb" in str(newer.value)
    assert "PERMITDB_DATABASE_URL" in str(newer.value)
    engine.dispose()


def test_require_head_refuses_an_unmigrated_database(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    with pytest.raises(PermitdbError, match="run 'permitdb db migrate' first"):
        require_head(engine)
    upgrade(engine)
    require_head(engine)
    engine.dispose()
