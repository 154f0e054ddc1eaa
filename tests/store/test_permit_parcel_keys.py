"""permits.parcel_key: kept in step with parcel_id by upsert, backfilled by the migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.migrate import downgrade, upgrade
from permitdb.store.permits import upsert_permits
from permitdb.store.tables import permits

NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
MakeRecord = Callable[..., PermitRecord]


def parcel_keys(engine: Engine) -> list[str | None]:
    with engine.connect() as conn:
        query = sa.select(permits.c.parcel_key).order_by(permits.c.seq)
        return list(conn.execute(query).scalars())


def test_upsert_keeps_the_key_in_step_with_the_parcel_id(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    dashed = make_record(parcel_id="14-21-101-005-0000")
    placeholder = make_record(parcel_id="N/A")
    with engine.begin() as conn:
        upsert_permits(conn, [dashed, placeholder], now=NOW)
    assert parcel_keys(engine) == ["14211010050000", None]
    moved = make_record(source_record_id=dashed.source_record_id, parcel_id="1-01234-0056")
    with engine.begin() as conn:
        upsert_permits(conn, [moved], now=NOW)
    assert parcel_keys(engine)[0] == "1012340056"


def test_migration_backfills_existing_permits(
    engine: Engine, austin: CatalogEntry, make_record: MakeRecord
) -> None:
    downgrade(engine, "2026_12_03_0002")
    record = make_record(parcel_id="02060-11001")
    # the table as it was at that revision: without the columns this migration adds
    columns = [c._copy() for c in permits.c if c.name not in {"seq", "contractor_id", "parcel_key"}]
    before = sa.Table("permits", sa.MetaData(), *columns)
    row = {c.name: getattr(record, c.name, None) for c in columns}
    row |= {"first_seen_at": NOW, "updated_at": NOW}
    with engine.begin() as conn:
        conn.execute(sa.insert(before), [row])
    upgrade(engine)
    assert parcel_keys(engine) == ["0206011001"]
