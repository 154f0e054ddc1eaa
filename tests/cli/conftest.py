"""CLI fixtures: a fresh SQLite database under a temporary data dir, read from the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from permitdb.settings import get_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PERMITDB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PERMITDB_DATABASE_URL", raising=False)
    monkeypatch.delenv("PERMITDB_DEMO_DATABASE_URL", raising=False)
    monkeypatch.delenv("PERMITDB_RECORDINGS_DIR", raising=False)
    monkeypatch.delenv("PERMITDB_CATALOG_DIRS", raising=False)
    monkeypatch.setenv("PERMITDB_SECRET_KEY", "cli-test-secret")
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
