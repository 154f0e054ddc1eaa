"""A typed client generated from /openapi.json reads a page, a permit and errors, typed.

openapi-python-client turns the document into a package (attrs models, one module per
operation); if a schema were missing or wrong, the models would not parse what the live
server sends. docs/api.md shows the same command for users.
"""

from __future__ import annotations

import datetime
import importlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from permitdb.api.app import create_app
from permitdb.canonical import PermitRecord

PACKAGE = "permitdb_client"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated once: the document does not depend on the database."""
    root = tmp_path_factory.mktemp("client")
    with TestClient(create_app(create_engine("sqlite://"), catalog=[])) as client:
        (root / "openapi.json").write_bytes(client.get("/openapi.json").content)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(root / "openapi.json"),
            "--output-path",
            str(root / PACKAGE),
            "--meta",
            "none",
            "--fail-on-warning",
        ],
        # it formats the code it writes with ruff, found on PATH
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(root))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(root))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_client_pages_through_permits_and_reads_one(
    generated: ModuleType,
    live_url: str,
    seeded: list[PermitRecord],
    make_key: Callable[..., str],
) -> None:
    models = module("models")
    list_permits, read_permit = (
        module("api.permits.list_permits"),
        module("api.permits.read_permit"),
    )
    with generated.AuthenticatedClient(base_url=live_url, token=make_key()) as client:
        first = list_permits.sync(client=client, limit=2, include_count=True)
        cursor = first.next_cursor
        second = list_permits.sync(client=client, limit=2, include_count=True, cursor=cursor)
        permit = read_permit.sync(client=client, permit_id=first.data[0].id)
    assert isinstance(first, models.PermitPage)
    assert first.returned == 2
    assert isinstance(first.next_cursor, str)
    assert first.total.value == 3  # the certificate of occupancy is not a permit
    assert isinstance(second, models.PermitPage)
    ids = [p.id for p in first.data + second.data]
    expected = {r.id for r in seeded if r.record_class == "permit"}
    assert sorted(ids) == sorted(expected)

    assert isinstance(permit, models.Permit)
    assert permit.id == first.data[0].id
    assert isinstance(permit.dates.applied, datetime.date)
    assert isinstance(permit.valuation, float)
    assert isinstance(permit.address, models.Address)
    assert permit.address.original.address1 == "1100 Congress Ave"
    assert permit.raw.to_dict() == next(r.raw for r in seeded if r.id == permit.id)


def test_the_client_reads_errors_as_the_envelope(
    generated: ModuleType, live_url: str, make_key: Callable[..., str]
) -> None:
    models = module("models")
    list_permits, read_permit = (
        module("api.permits.list_permits"),
        module("api.permits.read_permit"),
    )
    key = make_key()
    with generated.AuthenticatedClient(base_url=live_url, token=key) as client:
        missing = read_permit.sync_detailed(client=client, permit_id="no-such-permit")
        bad = list_permits.sync_detailed(client=client, limit=5000)
    with generated.AuthenticatedClient(base_url=live_url, token="pdb_live_not-a-key") as stranger:
        refused = list_permits.sync_detailed(client=stranger)

    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.ErrorEnvelope)
    assert missing.parsed.error.code == "permit_not_found"
    assert missing.parsed.error.request_id == missing.headers["x-request-id"]

    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.ErrorEnvelope)
    assert refused.parsed.error.code == "invalid_api_key"

    assert bad.status_code == 422
    assert bad.parsed.error.code == "invalid_parameter"
    assert [d.loc for d in bad.parsed.error.details] == [["query", "limit"]]
