"""permitdb ingest --from-recordings: one small dataset end to end, then incrementally."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.settings import get_settings

DATASET = "austin-tx/issued-construction-permits"


def test_ingest_from_recordings_then_again(runner: CliRunner, data_dir: Path) -> None:
    first = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])
    assert first.exit_code == 0, first.output
    assert DATASET in first.output
    assert "succeeded" in first.output, first.output

    second = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])
    assert second.exit_code == 0, second.output

    runs = runner.invoke(app, ["--demo", "runs", "--dataset", DATASET])
    assert runs.exit_code == 0, runs.output
    assert runs.output.count("succeeded") == 2

    assert runner.invoke(app, ["--demo", "quarantine", "--dataset", DATASET]).exit_code == 0


def test_unknown_selector_is_one_line_with_a_hint(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(app, ["ingest", "austin-t", "--from-recordings"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "austin-tx" in result.output


def test_a_missing_recording_is_one_line_naming_path_and_setting_without_retries(
    runner: CliRunner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outside a checkout this used to be retried for minutes as "the portal is overloaded".
    empty = tmp_path / "no-recordings"
    empty.mkdir()
    monkeypatch.setenv("PERMITDB_RECORDINGS_DIR", str(empty))
    get_settings.cache_clear()
    started = time.monotonic()

    result = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])

    assert result.exit_code == 1
    assert time.monotonic() - started < 10
    assert result.output.count("\n") == 1, result.output
    recording = empty / "socrata" / "austin-tx" / "issued-construction-permits.json"
    assert f"{recording} does not exist" in result.output
    assert "PERMITDB_RECORDINGS_DIR" in result.output
