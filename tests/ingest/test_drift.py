"""Schema drift: a mapped field that disappears or changes kind stops the sync as ``drifted``.

Real Socrata connector over the replay portal, serving altered copies of Austin's recording.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from tests.ingest.test_run import catalog_entry, ingest

from permitdb.catalog.model import CatalogEntry, Recording
from permitdb.ingest.run import RunSummary
from permitdb.store import tables
from permitdb.testing.portal import default_recordings_dir

SLUG = "austin-tx/issued-construction-permits"
FOLDER = "socrata/austin-tx"


def austin_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(
        (default_recordings_dir() / FOLDER / "issued-construction-permits.json").read_text()
    )
    return rows


def serve(
    tmp_path: Path, name: str, rows: list[dict[str, Any]], entry: CatalogEntry
) -> CatalogEntry:
    """``entry`` reading ``rows`` from a recording of its own under ``tmp_path``."""
    (tmp_path / FOLDER).mkdir(parents=True, exist_ok=True)
    (tmp_path / FOLDER / f"{name}.json").write_text(json.dumps(rows))
    recording = Recording(path=f"{FOLDER}/{name}.json", min_rows=1)
    return entry.model_copy(update={"recording": recording})


def renamed(row: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {new if key == old else key: value for key, value in row.items()}


def drift_message(summary: RunSummary) -> str:
    """The message of a run that must have ended ``drifted``."""
    assert summary.status == "drifted"
    assert summary.error is not None
    return summary.error


def statuses(engine: Engine) -> list[str | None]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(tables.permits.c.status_raw)).scalars())


def valuations(engine: Engine) -> dict[str, object]:
    table = tables.permits
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(table.c.source_record_id, table.c.valuation)).all())


def state_cursor(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(tables.ingest_state.c.cursor_value)).scalar_one()


def test_a_column_renamed_mid_stream_stops_the_sync_as_drifted(
    engine: Engine, tmp_path: Path
) -> None:
    rows = austin_rows()
    altered = rows[:10] + [renamed(row, "status_current", "current_status") for row in rows[10:]]
    entry = serve(tmp_path, "renamed", altered, catalog_entry(SLUG, page_size=5))

    summary = ingest(engine, entry, tmp_path)

    message = drift_message(summary)
    assert "'status_current'" in message
    assert "fields.status_raw" in message
    assert "current_status" in message
    assert f"catalog/jurisdictions/{SLUG}.yaml" in message
    assert summary.cursor_after == summary.cursor_before is None
    assert None not in statuses(engine)  # the renamed page loaded nothing, no NULLs
    assert len(statuses(engine)) == 10

    fields = {**entry.fields, "status_raw": "current_status"}
    fixed = ingest(engine, entry.model_copy(update={"fields": fields}), tmp_path)
    assert (fixed.status, fixed.mode) == ("succeeded", "resumed")
    assert len(statuses(engine)) == len(rows)
    assert None not in statuses(engine)
    assert state_cursor(engine) is not None


def test_a_column_renamed_between_syncs_loads_no_nulls(engine: Engine, tmp_path: Path) -> None:
    rows = austin_rows()
    entry = serve(tmp_path, "clean", rows, catalog_entry(SLUG, page_size=5))
    assert ingest(engine, entry, tmp_path).status == "succeeded"
    cursor = state_cursor(engine)

    altered = [renamed(row, "status_current", "current_status") for row in rows]
    drifted = ingest(engine, serve(tmp_path, "renamed", altered, entry), tmp_path, full=True)

    drift_message(drifted)
    assert (drifted.inserted, drifted.updated) == (0, 0)
    assert None not in statuses(engine)
    assert state_cursor(engine) == cursor


def test_a_field_that_changes_kind_stops_the_sync(engine: Engine, tmp_path: Path) -> None:
    rows = austin_rows()
    entry = serve(tmp_path, "clean", rows, catalog_entry(SLUG, page_size=5))
    assert ingest(engine, entry, tmp_path).status == "succeeded"

    altered = [{**row, "housing_units": {"value": row["housing_units"]}} for row in rows]
    drifted = ingest(engine, serve(tmp_path, "objects", altered, entry), tmp_path, full=True)

    message = drift_message(drifted)
    assert "'housing_units'" in message
    assert "held scalar values and now holds object values" in message


def test_a_sparse_field_missing_from_a_whole_page_is_no_drift(
    engine: Engine, tmp_path: Path
) -> None:
    """SODA leaves null fields out of a row: a field some rows lacked may miss a whole page."""
    rows = austin_rows()
    rows[0] = {key: value for key, value in rows[0].items() if key != "expiresdate"}
    sparse = rows[:5] + [
        {key: value for key, value in row.items() if key != "expiresdate"} for row in rows[5:]
    ]
    entry = serve(tmp_path, "sparse", sparse, catalog_entry(SLUG, page_size=5))

    summary = ingest(engine, entry, tmp_path)

    assert (summary.status, summary.error) == ("succeeded", None)
    assert summary.inserted == len(rows)


def test_a_renamed_primary_key_is_drifted_and_a_catalog_fix_recovers_every_row(
    engine: Engine, tmp_path: Path
) -> None:
    rows = austin_rows()
    altered = [renamed(row, "permit_number", "permit_num") for row in rows]
    entry = serve(tmp_path, "renamed-key", altered, catalog_entry(SLUG, page_size=5))

    summary = ingest(engine, entry, tmp_path)

    message = drift_message(summary)
    assert "every one of the 5 records" in message
    assert "missing_primary_key on permit_number" in message
    assert f"permitdb quarantine --dataset {SLUG}" in message
    assert summary.cursor_after is None
    assert (summary.fetched, summary.rejected) == (5, 5)  # the run log counts the page
    assert statuses(engine) == []

    fields = {**entry.fields, "permit_number": "permit_num"}
    fixed_entry = entry.model_copy(update={"fields": fields, "primary_key": ["permit_num"]})
    fixed = ingest(engine, fixed_entry, tmp_path)

    assert (fixed.status, fixed.error) == ("succeeded", None)
    assert len(statuses(engine)) == len(rows)
    with engine.connect() as conn:
        open_entries = conn.execute(
            sa.select(sa.func.count())
            .select_from(tables.quarantine)
            .where(tables.quarantine.c.resolved_at.is_(None))
        ).scalar_one()
    assert open_entries == 0


def test_an_arcgis_column_renamed_between_syncs_is_drifted(engine: Engine, tmp_path: Path) -> None:
    """ArcGIS lists null attributes too, so a field every feature carried is a dense one."""
    folder = "arcgis/denver-co"
    name = "residential-construction-permits-query.geojson"
    document = json.loads((default_recordings_dir() / folder / name).read_text())
    entry = catalog_entry("denver-co/residential-construction-permits", page_size=5)
    assert ingest(engine, entry, default_recordings_dir()).status == "succeeded"
    before = valuations(engine)

    for feature in document["features"]:
        feature["properties"] = renamed(feature["properties"], "VALUATION", "VALUATION_EST")
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / name).write_text(json.dumps(document))
    drifted = ingest(engine, entry, tmp_path, full=True)

    message = drift_message(drifted)
    assert "'VALUATION'" in message
    assert "fields.valuation" in message
    assert "VALUATION_EST" in message
    assert valuations(engine) == before  # nothing was overwritten with NULL


def test_an_arcgis_column_renamed_before_the_first_sync_loads_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    """The first sync has no history to compare pages with; the layer's own field list is the
    contract then, so a renamed column is caught before any row loads its NULL."""
    folder = "arcgis/denver-co"
    name = "residential-construction-permits-query.geojson"
    document = json.loads((default_recordings_dir() / folder / name).read_text())
    for feature in document["features"]:
        feature["properties"] = renamed(feature["properties"], "VALUATION", "VALUATION_EST")
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / name).write_text(json.dumps(document))
    entry = catalog_entry("denver-co/residential-construction-permits", page_size=5)

    drifted = ingest(engine, entry, tmp_path)

    message = drift_message(drifted)
    assert "'VALUATION' (read by fields.valuation; the layer lists VALUATION_EST)" in message
    assert entry.slug in message
    assert (drifted.fetched, valuations(engine)) == (0, {})
    assert state_cursor(engine) is None
