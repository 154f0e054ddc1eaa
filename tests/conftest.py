"""Database fixtures shared by every test package.

``database_url`` is parametrized over SQLite and, when ``PERMITDB_TEST_POSTGRES_URL`` names a
server, PostgreSQL (without it the PostgreSQL case is never generated, so nothing is skipped).
Either way the test gets a clean database at Alembic head, built by the real migrations:

* SQLite: migrated once per worker into a template file that each test copies to a fresh file
  under its ``tmp_path`` (a file copy costs far less than running the migrations again).
* PostgreSQL: one database per xdist worker (``permitdb_test_<worker_id>``), migrated once;
  each test starts by truncating every table, a few milliseconds against the hundreds it takes
  to drop the schema and migrate again.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine, make_url

from permitdb.canonical import PermitRecord
from permitdb.store.engine import create_engine_for
from permitdb.store.migrate import upgrade
from permitdb.store.tables import metadata

POSTGRES_ADMIN_URL = os.environ.get("PERMITDB_TEST_POSTGRES_URL")
BACKENDS = [pytest.param("sqlite", id="sqlite")]
if POSTGRES_ADMIN_URL:
    BACKENDS.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "permitdb.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    return path


PostgresDatabase = Callable[[str], AbstractContextManager[Engine]]


@pytest.fixture(scope="session")
def postgres_database_named(worker_id: str) -> PostgresDatabase:
    """``with postgres_database_named("demo") as engine``: a migrated database of this worker,
    dropped afterwards."""
    assert POSTGRES_ADMIN_URL is not None
    # PERMITDB_TEST_DATABASE_PREFIX keeps concurrent runs on one server (two checkouts) apart
    prefix = os.environ.get("PERMITDB_TEST_DATABASE_PREFIX", "permitdb_test")

    @contextmanager
    def database(suffix: str) -> Iterator[Engine]:
        assert POSTGRES_ADMIN_URL is not None
        name = "_".join(filter(None, (prefix, worker_id, suffix)))
        admin = create_engine_for(POSTGRES_ADMIN_URL)
        admin = admin.execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
        engine = create_engine_for(url)
        upgrade(engine)
        yield engine
        engine.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()

    return database


@pytest.fixture(scope="session")
def postgres_database(postgres_database_named: PostgresDatabase) -> Iterator[Engine]:
    """This worker's migrated PostgreSQL database."""
    with postgres_database_named("") as engine:
        yield engine


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a clean database at Alembic head: ``sqlite`` or ``postgresql``."""
    if request.param == "sqlite":
        path = tmp_path / "permitdb.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    engine: Engine = request.getfixturevalue("postgres_database")
    tables = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the clean, migrated ``database_url``."""
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


def permit_id(dataset: str, source_record_id: str) -> str:
    return hashlib.blake2b(f"{dataset}\x1f{source_record_id}".encode(), digest_size=16).hexdigest()


def content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()


@pytest.fixture
def make_record() -> Callable[..., PermitRecord]:
    """``make_record(**overrides) -> PermitRecord``: a realistic Austin solar permit.

    Each call gets the next ``source_record_id`` unless given one; ``id`` and ``content_hash``
    are derived from the final fields unless given, so changing a field changes the hash.
    """
    numbers = itertools.count(1)

    def build(**overrides: Any) -> PermitRecord:
        n = next(numbers)
        fields: dict[str, Any] = {
            "jurisdiction": "austin-tx",
            "dataset": "austin-tx/issued-construction-permits",
            "source_record_id": f"2026-{n:06d} EP",
            "record_class": "permit",
            "permit_number": f"2026-{n:06d} EP",
            "permit_type": "Electrical Permit",
            "permit_type_desc": "EP",
            "permit_class": "Residential",
            "work_class": "Addition and Remodel",
            "description": "Install 7.6 kW rooftop solar photovoltaic system with battery backup",
            "status_raw": "Active",
            "status": "issued",
            "status_phase": "open",
            "tags": ["solar", "battery", "electrical"],
            "category": "solar",
            "property_class": "residential",
            "classification_rules": ["tag:solar<-description", "status:Active->issued"],
            "applied_date": date(2026, 3, 2),
            "issued_date": date(2026, 3, 16),
            "valuation": Decimal("28500.00"),
            "fees": Decimal("412.50"),
            "housing_units": 1,
            "square_feet": 2140,
            "stories": 2,
            "original_address1": "1100 Congress Ave",
            "original_city": "AUSTIN",
            "original_state": "TX",
            "original_zip": "78701",
            "street_number": "1100",
            "street_name": "CONGRESS AVE",
            "address": "1100 CONGRESS AVE",
            "city": "AUSTIN",
            "state": "TX",
            "zip": "78701",
            "county_fips": "48453",
            "address_key": "tx-78701-1100-congress-ave",
            "latitude": 30.274665,
            "longitude": -97.74035,
            "location_source": "source",
            "parcel_id": "0206011001",
            "contractor_name": "Lone Star Solar Electric LLC",
            "contractor_license": "TECL 33521",
            "contractor_license_state": "TX",
            "contractor_trade": "Electrical",
            "contractor_phone": "(512) 555-0142",
            "source_url": "https://data.austintexas.gov/resource/3syk-w9eu.json",
            "source_updated_at": datetime(2026, 3, 16, 14, 5, 9, tzinfo=UTC),
            "fetched_at": datetime(2026, 3, 17, 6, 0, tzinfo=UTC),
            "quality_flags": [],
            "raw": {"permit_number": f"2026-{n:06d} EP", "work_class": "Addition and Remodel"},
        }
        fields.update(overrides)
        fields.setdefault("id", permit_id(fields["dataset"], fields["source_record_id"]))
        fields.setdefault("content_hash", content_hash(fields))
        return PermitRecord(**fields)

    return build
