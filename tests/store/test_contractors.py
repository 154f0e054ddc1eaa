"""Contractor resolution at ingest: permits and licences into entities, stable ids, rollups.

Permits are ingested from the real Austin and Denver recordings through the replay portal;
licences are real CSLB and DBPR rows written through ``store.records`` and then resolved, as
the licence kind's after-write step will do. Both engines.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.canonical import LicenseRecord, PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.normalize.contractors import mention_from_permit
from permitdb.store import tables
from permitdb.store.contractor_pins import add_pin
from permitdb.store.contractors import resolve_license_contractors, resolve_permit_contractors
from permitdb.store.licenses import upsert_licenses
from permitdb.store.permits import upsert_permits
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import csv_file_records

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
AUSTIN = "austin-tx/issued-construction-permits"
DENVER = "denver-co/residential-construction-permits"


def rows(engine: Engine, table: sa.Table, *columns: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        query = sa.select(*(table.c[c] for c in columns)).order_by(*(table.c[c] for c in columns))
        return [tuple(row) for row in conn.execute(query)]


def contractor_of(engine: Engine) -> dict[str, str | None]:
    """permit number -> contractor id."""
    return dict(rows(engine, tables.permits, "permit_number", "contractor_id"))


def test_permits_resolve_to_contractors_with_every_link_explained(engine: Engine) -> None:
    summary = ingest(engine, catalog_entry(AUSTIN, page_size=5))
    assert summary.status == "succeeded"
    linked = contractor_of(engine)
    by_name = dict(rows(engine, tables.permits, "contractor_name", "contractor_id"))
    # one contractor per distinct business, however many permits and pages it spans
    assert len(set(by_name.values())) == len(set(by_name)) == len(set(linked.values()))
    assert linked["2026-099517 MP"] == linked["2026-099551 MP"]  # Friends HVAC Services LLC
    assert linked["2026-120460 BP"] == linked["2026-112944 BP"]  # Novo Construction **Main**
    assert all(linked.values())
    mentions = rows(engine, tables.contractor_mentions, "match_method", "confidence", "source")
    assert mentions
    assert all(m[0] and 0 < m[1] <= 1 and m[2] == "permit" for m in mentions)
    (name,) = {
        n
        for n, cid in rows(engine, tables.contractors, "name", "id")
        if cid == linked["2026-120460 BP"]
    }
    assert name == "NOVO CONSTRUCTION"  # the portal's **Main** marker is no part of a name


def test_ids_are_stable_and_nothing_is_added_on_re_ingest(engine: Engine) -> None:
    entry = catalog_entry(DENVER)
    ingest(engine, entry)
    before = (
        contractor_of(engine),
        rows(engine, tables.contractors, "id", "name", "permit_count"),
        rows(engine, tables.contractor_mentions, "mention_key", "contractor_id", "match_method"),
    )
    assert ingest(engine, entry, full=True).status == "succeeded"
    after = (
        contractor_of(engine),
        rows(engine, tables.contractors, "id", "name", "permit_count"),
        rows(engine, tables.contractor_mentions, "mention_key", "contractor_id", "match_method"),
    )
    assert after == before
    # the id derives from the first mention's key, so a fresh database gives the same ids
    ids = {
        cid for _, cid in rows(engine, tables.contractor_mentions, "mention_key", "contractor_id")
    }
    keys = {
        key for key, _ in rows(engine, tables.contractor_mentions, "mention_key", "contractor_id")
    }
    assert all(
        cid.startswith("ctr_") and any(key.startswith(cid[4:]) for key in keys) for cid in ids
    )


@pytest.mark.parametrize("page_size", [4, 1000])
def test_rollups_match_the_contractors_permits(engine: Engine, page_size: int) -> None:
    # added page by page as permits arrive, or all at once: the same figures
    ingest(engine, catalog_entry(DENVER, page_size=page_size))
    with engine.connect() as conn:
        permits = conn.execute(
            sa.select(
                tables.permits.c.seq,
                tables.permits.c.contractor_id,
                tables.permits.c.valuation,
                tables.permits.c.issued_date,
                tables.permits.c.applied_date,
            )
        ).all()
        tags = conn.execute(
            sa.select(tables.permit_tags.c.permit_seq, tables.permit_tags.c.tag)
        ).all()
        stored = {row.id: row for row in conn.execute(sa.select(tables.contractors))}
    tags_of: dict[int, list[str]] = {}
    for seq, tag in tags:
        tags_of.setdefault(seq, []).append(tag)
    expected: dict[str, dict[str, Any]] = {}
    for p in permits:
        if p.contractor_id is None:
            continue
        e = expected.setdefault(
            p.contractor_id, {"n": 0, "value": None, "days": [], "tags": Counter()}
        )
        e["n"] += 1
        if p.valuation is not None:  # a sum over the known values; none known: null
            e["value"] = (e["value"] or 0) + Decimal(str(p.valuation))
        e["days"].append(p.issued_date or p.applied_date)
        e["tags"].update(tags_of.get(p.seq, []))
    assert set(expected) == set(stored)
    assert any(e["n"] > 1 for e in expected.values())  # GROUNDWORKS COLORADO LLC: two permits
    for cid, e in expected.items():
        row = stored[cid]
        assert row.permit_count == e["n"]
        total = row.total_job_value
        assert (Decimal(str(total)) if total is not None else None) == e["value"]
        assert (row.first_permit_date, row.last_permit_date) == (min(e["days"]), max(e["days"]))
        assert row.tag_counts == dict(e["tags"])
        assert set(row.classification_derived) <= set(e["tags"])


def test_a_permit_moved_to_another_contractor_updates_both_rollups(
    engine: Engine, austin: CatalogEntry, make_record: Callable[..., PermitRecord]
) -> None:
    first = make_record(**named(contractor_name="Airco Mechanical"), valuation=Decimal("100.00"))
    second = make_record(**named(contractor_name="Airco Mechanical"), valuation=Decimal("50.00"))
    write_permits(engine, austin, [first, second])
    moved = make_record(
        source_record_id=second.source_record_id,
        **named(contractor_name="Duvall Electric"),
        valuation=Decimal("50.00"),
    )
    write_permits(engine, austin, [moved])
    counts = dict(rows(engine, tables.contractors, "name", "permit_count"))
    assert counts == {"AIRCO MECHANICAL": 1, "DUVALL ELECTRIC": 1}
    gone = make_record(source_record_id=moved.source_record_id, **named())
    write_permits(engine, austin, [gone])
    assert dict(rows(engine, tables.contractors, "name", "permit_count"))["DUVALL ELECTRIC"] == 0
    assert contractor_of(engine)[gone.permit_number] is None


def named(**fields: Any) -> dict[str, Any]:
    """Contractor fields of a permit: only those given (``make_record`` fills them all)."""
    blank = (
        "contractor_name",
        "contractor_license",
        "contractor_license_state",
        "contractor_phone",
    )
    return {**dict.fromkeys(blank), "contractor_address": None, **fields}


PAGES = itertools.count()


def write_permits(engine: Engine, entry: CatalogEntry, records: list[PermitRecord]) -> None:
    """One page, written as ingest writes it: each page at its own time."""
    now = NOW + timedelta(seconds=next(PAGES))
    with engine.begin() as conn:
        upsert_permits(conn, records, now=now)
        resolve_permit_contractors(conn, entry, records, now=now)


# --- licences -----------------------------------------------------------------------------

CSLB = "contractor-licenses/california/cslb-license-master-sample.csv"
DBPR = "contractor-licenses/florida/dbpr-construction-license-extract-sample.csv"
COLUMNS = {
    CSLB: {
        "business_name": "businessName",
        "dba_name": "businessName2",
        "license_number": "licenseNo",
        "phone": "businessPhone",
        "original_address1": "mailingAddress",
        "original_city": "city",
        "original_state": "state",
        "original_zip": "zIPCode",
    },
    DBPR: {
        "business_name": "dba_name",
        "person_name": "licensee_name",
        "license_number": "alternate_license_number",
        "original_address1": "address_line_1",
        "original_city": "city",
        "original_state": "state",
        "original_zip": "zip",
    },
}


@pytest.fixture
def licence_entry(register_dataset: Callable[..., CatalogEntry]) -> Callable[[str], CatalogEntry]:
    def register(state: str) -> CatalogEntry:
        return register_dataset(
            "austin-tx",
            f"{state.lower()}-licences",
            kind="contractor_licenses",
            primary_key=["license_number"],
            fields={"license_number": "license_number"},
        )

    return register


# DBPR publishes its extract without a header row; its file layout names the fields.
DBPR_HEADER = (
    "board_number occupation_code licensee_name dba_name class_code address_line_1 "
    "address_line_2 address_line_3 city state zip county_code license_number primary_status "
    "secondary_status original_licensure_date effective_date expiration_date blank "
    "renewal_period alternate_license_number"
).split()


def recorded_rows(recording: str) -> list[dict[str, str]]:
    path = default_recordings_dir() / recording
    if recording != DBPR:
        return [{k: str(v) for k, v in row.items()} for row in csv_file_records(path)]
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(zip(DBPR_HEADER, row, strict=True)) for row in csv.reader(handle)]


def licences(recording: str, dataset: str, state: str, wanted: set[int]) -> list[LicenseRecord]:
    """Real licence rows as the licence kind will store them."""
    found = []
    for index, raw in enumerate(recorded_rows(recording)):
        if index not in wanted:
            continue
        values = {k: (str(raw[c]).strip() or None) for k, c in COLUMNS[recording].items()}
        number = values["license_number"]
        found.append(
            LicenseRecord(
                id=hashlib.sha256(f"{dataset}|{number}".encode()).hexdigest()[:40],
                jurisdiction="austin-tx",
                dataset=dataset,
                source_record_id=str(number),
                license_state=state,
                raw=dict(raw),
                content_hash=hashlib.sha256(repr(sorted(raw.items())).encode()).hexdigest(),
                fetched_at=NOW,
                **values,
            )
        )
    return found


def write_licences(engine: Engine, entry: CatalogEntry, records: list[LicenseRecord]) -> None:
    with engine.begin() as conn:
        upsert_licenses(conn, records, now=NOW, run_id=None)
        resolve_license_contractors(conn, entry, records, now=NOW)


def test_licences_resolve_by_number_then_by_address_and_name(
    engine: Engine, licence_entry: Callable[[str], CatalogEntry]
) -> None:
    entry = licence_entry("FL")
    # ACE DOOR & WINDOW twice (two qualifiers, one address); BRENNAN'S GLASS and D & D
    # BUILDING CONTRACTORS: one qualifier, one address, two companies
    records = licences(DBPR, entry.slug, "FL", {344, 1931, 245, 246})
    write_licences(engine, entry, records)
    linked = dict(rows(engine, tables.contractor_licenses, "license_number", "contractor_id"))
    assert linked["CBC035180"] == linked["CBC048957"]
    assert linked["CBCA38926"] != linked["CBC038926"]
    assert len(set(linked.values())) == 3
    methods = dict(rows(engine, tables.contractor_mentions, "license_key", "match_method"))
    assert methods["CBC048957"] == "address"
    assert methods["CBC035180"] == "new"
    # a licence written again resolves to what it resolved to before
    write_licences(engine, entry, records)
    assert (
        dict(rows(engine, tables.contractor_licenses, "license_number", "contractor_id")) == linked
    )


def test_a_permit_finds_the_licence_by_number_or_name(
    engine: Engine,
    austin: CatalogEntry,
    licence_entry: Callable[[str], CatalogEntry],
    make_record: Callable[..., PermitRecord],
) -> None:
    entry = licence_entry("CA")
    south_coast, effinger = licences(CSLB, entry.slug, "CA", {3, 5})
    assert effinger.business_name == "EFFINGER ELECTRIC LLC"
    write_licences(engine, entry, [south_coast, effinger])
    by_number = make_record(state="CA", **named(contractor_license=south_coast.license_number))
    by_name = make_record(state="CA", **named(contractor_name="Effinger Electric, LLC"))
    elsewhere = make_record(state="NV", **named(contractor_name="Effinger Electric, LLC"))
    write_permits(engine, austin, [by_number, by_name, elsewhere])
    linked = contractor_of(engine)
    licensed = dict(rows(engine, tables.contractor_licenses, "license_number", "contractor_id"))
    assert linked[by_number.permit_number] == licensed[south_coast.license_number]
    assert linked[by_name.permit_number] == licensed[effinger.license_number]
    assert linked[elsewhere.permit_number] not in licensed.values()
    methods = rows(engine, tables.contractor_mentions, "name", "state", "match_method")
    assert ("EFFINGER ELECTRIC LLC", "CA", "name_exact") in methods
    assert ("EFFINGER ELECTRIC LLC", "NV", "new") in methods


def test_a_contractor_known_from_permits_takes_its_licence_identity(
    engine: Engine,
    austin: CatalogEntry,
    licence_entry: Callable[[str], CatalogEntry],
    make_record: Callable[..., PermitRecord],
) -> None:
    permit = make_record(state="CA", **named(contractor_name="SCHINDLER TECHNOLOGIES"))
    write_permits(engine, austin, [permit])
    entry = licence_entry("CA")
    (schindler,) = licences(CSLB, entry.slug, "CA", {69})
    assert schindler.dba_name == "SCHINDLER TECHNOLOGIES INC"
    write_licences(engine, entry, [schindler])
    ((cid, licence, state, phone),) = rows(
        engine, tables.contractors, "id", "license_key", "license_state", "phone"
    )
    assert contractor_of(engine)[permit.permit_number] == cid
    assert (licence, state) == (schindler.license_number, "CA")
    assert phone is not None


def test_pins_decide_for_a_mention_met_for_the_first_time(
    engine: Engine, austin: CatalogEntry, make_record: Callable[..., PermitRecord]
) -> None:
    first = make_record(**named(contractor_name="Airco Mechanical"))
    write_permits(engine, austin, [first])
    airco = contractor_of(engine)[first.permit_number]
    assert airco is not None
    # the same name with a phone: another mention, which the name alone would join to airco
    kept_apart = make_record(
        **named(contractor_name="Airco Mechanical", contractor_phone="512 555 0199")
    )
    joined = make_record(**named(contractor_name="Airco Mechanical", contractor_phone="5125550177"))
    sent = make_record(**named(contractor_name="Duvall Electric"))
    with engine.begin() as conn:
        for record, kind in ((kept_apart, "split"), (sent, "merge")):
            mention = mention_from_permit(record)
            assert mention is not None
            add_pin(conn, kind, mention.mention_key, airco, note=None, now=NOW)
    write_permits(engine, austin, [kept_apart, joined, sent])
    linked = contractor_of(engine)
    assert linked[joined.permit_number] == airco  # without a pin, the name joins it
    assert linked[kept_apart.permit_number] not in (None, airco)
    assert linked[sent.permit_number] == airco
    found = rows(engine, tables.contractor_mentions, "name", "phone_key", "match_method")
    assert sorted(found, key=lambda row: (row[0], row[1] or "")) == [
        ("AIRCO MECHANICAL", None, "new"),
        ("AIRCO MECHANICAL", "5125550177", "name_exact"),
        ("AIRCO MECHANICAL", "5125550199", "new"),
        ("DUVALL ELECTRIC", None, "pinned"),
    ]
