"""New-construction parcels are listed only while no permit matches them (both engines)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from permitdb.canonical import PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.store.permits import PermitQuery, count_permits, search_permits, upsert_permits

MakeRecord = Callable[..., PermitRecord]
NOW = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
PARCELS = PermitQuery(record_class=("new_construction_parcel",))


@pytest.fixture
def parcel(
    engine: Engine, register_dataset: Callable[..., CatalogEntry], make_record: MakeRecord
) -> Callable[..., PermitRecord]:
    """``parcel(**overrides)``: a stored new-construction parcel of an assessor dataset."""
    entry = register_dataset(
        "austin-tx",
        "assessor-parcels",
        record_class="new_construction_parcel",
        parcels={"year_built": "year_built", "recent_years": 3},
    )

    def store(**overrides: object) -> PermitRecord:
        record = make_record(
            dataset=entry.slug,
            record_class="new_construction_parcel",
            permit_number=None,
            **{"parcel_id": "P-1", "address_key": "tx-78701-9-new-st", **overrides},
        )
        with engine.begin() as conn:
            upsert_permits(conn, [record], now=NOW)
        return record

    return store


def listed(engine: Engine, query: PermitQuery = PARCELS) -> list[str]:
    with engine.connect() as conn:
        records, _ = search_permits(conn, query)
        count, exact = count_permits(conn, query)
    assert (count, exact) == (len(records), True)
    return sorted(r.parcel_id or "" for r in records)


def store_permit(engine: Engine, record: PermitRecord) -> None:
    with engine.begin() as conn:
        upsert_permits(conn, [record], now=NOW)


@pytest.mark.usefixtures("austin")
def test_a_parcel_without_a_permit_is_listed(
    engine: Engine, parcel: Callable[..., PermitRecord], make_record: MakeRecord
) -> None:
    parcel()
    store_permit(engine, make_record(parcel_id="OTHER", address_key="tx-78701-1-other-st"))
    assert listed(engine) == ["P-1"]
    assert listed(engine, PermitQuery(record_class=())) == ["OTHER", "P-1"]


@pytest.mark.usefixtures("austin")
@pytest.mark.parametrize(
    "permit",
    [
        {"parcel_id": "P-1", "address_key": None},
        {"parcel_id": None, "address_key": "tx-78701-9-new-st"},
        {"parcel_id": "P-1", "address_key": None, "record_class": "certificate_of_occupancy"},
    ],
    ids=["same-parcel", "same-address", "certificate"],
)
def test_a_matching_permit_hides_the_parcel_whenever_it_arrives(
    engine: Engine,
    parcel: Callable[..., PermitRecord],
    make_record: MakeRecord,
    permit: dict[str, object],
) -> None:
    parcel()
    parcel(source_record_id="lonely", parcel_id="P-2", address_key="tx-78701-2-far-st")
    assert listed(engine) == ["P-1", "P-2"]
    store_permit(engine, make_record(**permit))  # ingested after the parcels
    assert listed(engine) == ["P-2"]
    assert listed(engine, PermitQuery(record_class=())).count("P-1") == int(
        permit["parcel_id"] == "P-1"
    )


@pytest.mark.usefixtures("austin")
def test_the_same_parcel_id_in_another_state_is_another_parcel(
    engine: Engine, parcel: Callable[..., PermitRecord], make_record: MakeRecord
) -> None:
    parcel()
    store_permit(engine, make_record(parcel_id="P-1", address_key=None, state="IL"))
    assert listed(engine) == ["P-1"]


@pytest.mark.usefixtures("austin")
def test_parcels_do_not_hide_each_other(
    engine: Engine, parcel: Callable[..., PermitRecord]
) -> None:
    parcel()
    parcel(source_record_id="twin")  # same parcel id and address: another roll's row
    assert listed(engine) == ["P-1", "P-1"]
