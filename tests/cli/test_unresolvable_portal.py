"""A live sync whose portal's name does not resolve fails at once, saying so, exit code 1."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from permitdb.cli.app import app


def test_a_sync_of_an_unresolvable_portal_fails_at_once_and_says_so(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []

    def no_network(host: str, *args: Any, **kwargs: Any) -> Any:
        # What the resolver answers with no network, without asking a DNS server
        looked_up.append(host)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    result = runner.invoke(app, ["ingest", "austin-tx"])
    assert result.exit_code == 1
    assert "cannot resolve host data.austintexas.gov" in result.output
    assert "overloaded" not in result.output
    assert looked_up == ["data.austintexas.gov"]  # tried once: no backoff, no retries
