"""permitdb export: the same bytes as the API's download for the same query, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.server import SECRET, create_key
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from permitdb.api.app import create_app
from permitdb.catalog.load import load_catalog, select_entries
from permitdb.cli.app import app
from permitdb.cli.ingest import run_ingest
from permitdb.services.exports import EXPORT_FORMATS
from permitdb.settings import get_settings
from permitdb.store.engine import create_engine_for

DATASET = "austin-tx/issued-construction-permits"  # 17 records in the recording


@pytest.fixture
def api(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The Austin recording ingested, and an authenticated client of the API over it."""
    monkeypatch.setenv("PERMITDB_DATABASE_URL", database_url)
    monkeypatch.setenv("PERMITDB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERMITDB_SECRET_KEY", SECRET)
    monkeypatch.setenv("PERMITDB_EXPORT_PAGE_SIZE", "5")  # four pages
    monkeypatch.delenv("PERMITDB_CATALOG_DIRS", raising=False)
    get_settings.cache_clear()
    engine = create_engine_for(database_url)
    entries = select_entries(load_catalog([]), [DATASET])
    [summary] = run_ingest(engine, entries, from_recordings=True, full=False)
    assert summary.status == "succeeded", summary.error
    key = create_key(engine)
    with TestClient(create_app(engine, get_settings(), catalog=[])) as client:
        client.headers["X-API-Key"] = key
        yield client
    engine.dispose()
    get_settings.cache_clear()


def downloaded(client: TestClient, query: str) -> bytes:
    response = client.get(f"/v1/permits?{query}")
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_cli_file_equals_the_api_download(
    api: TestClient, runner: CliRunner, tmp_path: Path, export_format: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    output = folder / f"austin.{export_format}"
    result = runner.invoke(app, ["export", "--jurisdiction", "austin-tx", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "wrote 17 permits" in result.stderr
    assert output.read_bytes() == downloaded(api, f"jurisdiction=austin-tx&format={export_format}")
    assert list(folder.iterdir()) == [output]  # the partial file was renamed into place


def test_filters_and_stdout_match_the_api(api: TestClient, runner: CliRunner) -> None:
    filters = ["--state", "tx", "--city", "Austin", "--issued-from", "2000-01-01"]
    filters += ["--issued-to", "2030-12-31", "--tags", "-roofing", "--q", "permit"]
    query = "state=TX&city=Austin&issued_from=2000-01-01&issued_to=2030-12-31"
    query += "&tags=-roofing&q=permit&format=ndjson"
    result = runner.invoke(app, ["export", "--format", "ndjson", "-o", "-", *filters])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == downloaded(api, query)
    everything = downloaded(api, "format=ndjson")
    assert len(result.stdout_bytes.splitlines()) < len(everything.splitlines())


@pytest.mark.parametrize(
    ("arguments", "advice"),
    [
        (["-o", "out.txt"], "pass --format"),
        (["-o", "out.csv", "--tags", "nope"], "'nope' is not a tag"),
        (["-o", "out.csv", "--issued-from", "2026-02-01", "--issued-to", "2026-01-01"], "swap"),
        (["-o", "out.csv", "--state", "Texas"], "USPS state code"),
        (["-o", "missing-folder/out.csv"], "Pick another --output"),
    ],
)
def test_bad_input_says_what_to_do(
    api: TestClient,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    advice: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", *arguments])
    assert result.exit_code == 1
    assert advice in result.stderr
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.csv"))
