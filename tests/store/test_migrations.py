"""The migrations build the schema store.tables declares, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from permitdb.canonical import FIELD_NAMES
from permitdb.store import dialects
from permitdb.store.health import ping
from permitdb.store.migrate import alembic_config, current_revision, downgrade, upgrade
from permitdb.store.tables import DERIVED_COLUMNS, datasets, metadata

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, *_: not dialects.is_fulltext_object(name),
            },
        )
        return list(compare_metadata(context, metadata))


def test_database_is_at_head_and_matches_tables(engine: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(engine) == head
    assert schema_differences(engine) == []


def test_permits_has_one_column_per_record_field(engine: Engine) -> None:
    columns = {c["name"] for c in sa.inspect(engine).get_columns("permits")}
    assert columns - {"search_vector"} == {"seq", *FIELD_NAMES, *DERIVED_COLUMNS}


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert schema_differences(engine) == []


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.insert(metadata.tables["ingest_state"]),
            {"dataset": "nowhere/none", "updated_at": NOW},
        )


def test_a_failed_transaction_leaves_nothing_behind(engine: Engine) -> None:
    row = {
        "slug": "austin-tx/x",
        "jurisdiction": "austin-tx",
        "jurisdiction_name": "Austin",
        "state": "TX",
        "name": "X",
        "platform": "socrata",
        "record_class": "permit",
        "source_url": "https://example.gov",
        "registered_at": NOW,
    }
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.insert(datasets), [row, {**row, "slug": "austin-tx/y"}, row])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(datasets)).scalar_one() == 0


def test_ping_measures_a_round_trip(engine: Engine) -> None:
    assert ping(engine) > 0
