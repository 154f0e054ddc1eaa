"""docs/api.md, "Places and metrics": every row's permitdb request answers on the demo data.

The table is this test's input, so the mapping and the API cannot drift apart. Each request
is sent to an app over the bundled recordings (``demo_engine`` of test_migrating: ingested
through the replay portal and the real connectors, as ``make demo`` does) with a key holding
``permits:read`` and ``places:read``; its page or its months must not be empty, and a row
whose notes name `current` must answer a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from tests.api.test_migrating import REQUEST, cells, demo_engine

from permitdb.api.app import create_app
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.settings import Settings
from permitdb.store.api_keys import insert_api_key

__all__ = ["demo_engine"]  # the module-scoped demo database fixture, shared

API_DOCS: Final = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SECRET: Final = "places-reference-secret"
SECTION: Final = "### Places and metrics"


def table_rows() -> list[dict[str, str]]:
    lines = API_DOCS.read_text().split(SECTION, 1)[1].split("\n### ", 1)[0].splitlines()
    table = [line for line in lines if line.startswith("|")]
    header = cells(table[0])
    return [dict(zip(header, cells(line), strict=True)) for line in table[2:]]


ROWS: Final = table_rows()


@pytest.fixture(scope="module")
def client(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key=SecretStr(SECRET),
    )
    key = generate_api_key()
    with demo_engine.begin() as conn:
        insert_api_key(
            conn,
            name="places reference",
            prefix=key_prefix(key),
            key_hash=hash_api_key(key, SECRET),
            scopes=["permits:read", "places:read"],
            monthly_quota=None,
            is_demo=False,
            now=datetime.now(UTC),
        )
    with TestClient(create_app(demo_engine, settings)) as test_client:
        test_client.headers["X-API-Key"] = key
        yield test_client


def test_the_table_maps_every_place_request_of_the_references() -> None:
    theirs = " ".join(row["their request"] for row in ROWS)
    for path in ("addresses/search", "cities/search", "counties/search", "states/search"):
        assert f"/v2/{path}" in theirs
    for kind in ("addresses", "cities", "counties", "jurisdictions"):
        assert f"/v2/{kind}/{{geo_id}}/metrics/monthly" in theirs
    assert all(REQUEST.search(row["permitdb request"]) for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row["their request"][:60] for row in ROWS])
def test_row_answers_on_the_demo_data(client: TestClient, row: dict[str, str]) -> None:
    (match,) = REQUEST.finditer(row["permitdb request"])
    response = client.get(match["target"])
    assert response.status_code == 200, (match["target"], response.text[:300])
    body: dict[str, Any] = response.json()
    assert body["data"] if "data" in body else body["geo_id"], match["target"]
    if "`current`" in row["notes"]:
        assert body["current"] is not None, match["target"]
        assert body["current"]["permit_count"] > 0
