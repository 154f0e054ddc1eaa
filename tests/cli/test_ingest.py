"""permitdb ingest --from-recordings: one small dataset end to end, then incrementally."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from permitdb.cli.app import app

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
