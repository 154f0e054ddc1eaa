"""A live sync whose portal's name does not resolve fails at once, saying so, exit code 1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from name_lookups import fail_name_lookups
from permitdb.cli.app import app
from permitdb.settings import get_settings


def test_a_sync_of_an_unresolvable_portal_fails_at_once_and_says_so(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the resolver answers when there is no network
    looked_up = fail_name_lookups(
        monkeypatch, socket.EAI_AGAIN, "Temporary failure in name resolution"
    )
    result = runner.invoke(app, ["ingest", "austin-tx"])
    assert result.exit_code == 1
    assert "cannot resolve host data.austintexas.gov" in result.output
    assert "overloaded" not in result.output
    # Each request (the row count, then the first page) tried once: retried, one alone would
    # look the name up http_max_retries + 1 times, with backoff sleeps between.
    assert set(looked_up) == {"data.austintexas.gov"}
    assert len(looked_up) < get_settings().http_max_retries + 1
