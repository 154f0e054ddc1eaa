"""permitdb ingest: one dataset's failure is reported, the next dataset still runs, exit is 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.settings import get_settings
from permitdb.testing.portal import default_recordings_dir

BROKEN = "baltimore-county-md/permits"
HEALTHY = "austin-tx/issued-construction-permits"


def test_a_failing_dataset_does_not_stop_the_next_one(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled, recordings = default_recordings_dir(), tmp_path / "recordings"
    for folder in ("socrata/austin-tx", "arcgis/baltimore-county-md"):
        shutil.copytree(bundled / folder, recordings / folder)
    # Baltimore's layer now answers every request with ArcGIS's HTTP-200 error envelope (the
    # real one Kent County's server sent for a query it could not run).
    shutil.copyfile(
        bundled / "arcgis" / "kent-county-mi" / "query-statistics-error.json",
        recordings / "arcgis" / "baltimore-county-md" / "query-permits-page.json",
    )
    monkeypatch.setenv("PERMITDB_RECORDINGS_DIR", str(recordings))
    get_settings.cache_clear()

    result = runner.invoke(app, ["ingest", BROKEN, HEALTHY, "--from-recordings"])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{BROKEN} failed:" in result.stderr
    assert "ArcGIS error 400" in result.stderr
    runs = runner.invoke(app, ["--demo", "runs", "--dataset", HEALTHY])
    assert runs.exit_code == 0, runs.output
    assert "succeeded" in runs.output
    failed = runner.invoke(app, ["--demo", "runs", "--dataset", BROKEN])
    assert "failed" in failed.output
