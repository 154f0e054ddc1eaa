"""permitdb db migrate / status, and how database errors are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.settings import get_settings


def test_migrate_then_status(runner: CliRunner, data_dir: Path) -> None:
    before = runner.invoke(app, ["db", "status"])
    assert before.exit_code == 1
    assert "permitdb db migrate" in before.output

    migrated = runner.invoke(app, ["db", "migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert (data_dir / "permitdb.sqlite").exists()
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0  # idempotent

    after = runner.invoke(app, ["db", "status"])
    assert after.exit_code == 0, after.output
    assert "Up to date" in after.output


def test_unreachable_database_is_one_line_without_traceback(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERMITDB_DATABASE_URL", "postgresql://postgres:hunter2@127.0.0.1:1/none")
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "migrate"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "PERMITDB_DATABASE_URL" in result.output
    assert "hunter2" not in result.output
