"""A second ``permitdb demo`` leaves a running one alone: it fails fast on a busy port, and on
another port it serves beside the first without reloading the data or revoking its key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from tests.cli.serving import free_port, printed_key, wait_until_serving
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.cli.console import use_demo_database
from permitdb.cli.demo_guard import demo_lock, listen_problem
from permitdb.cli.keys import create_key
from permitdb.store import tables
from permitdb.store.api_keys import list_api_keys
from permitdb.store.engine import create_engine_for

DATASET = "austin-tx/issued-construction-permits"


@pytest.fixture
def demo_db(runner: CliRunner, data_dir: Path) -> Iterator[Engine]:
    """The demo database as a running demo left it: one dataset loaded, one live demo key."""
    assert runner.invoke(app, ["ingest", DATASET, "--from-recordings"]).exit_code == 0
    engine = create_engine_for(f"sqlite:///{data_dir / 'demo.sqlite'}")
    yield engine
    engine.dispose()


@pytest.fixture
def first_key(demo_db: Engine) -> Iterator[str]:
    use_demo_database(True)
    try:
        yield create_key(name="demo", scopes=["permits:read"], quota=None, is_demo=True)
    finally:
        use_demo_database(False)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def runs(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(sa.select(tables.ingest_runs.c.id)).all())


def revoked(engine: Engine) -> list[bool]:
    with engine.connect() as conn:
        return [row.revoked_at is not None for row in list_api_keys(conn)]


def test_a_busy_port_is_named_with_how_to_pick_another(busy_port: int) -> None:
    problem = listen_problem("127.0.0.1", busy_port)
    assert problem is not None
    assert f"port {busy_port} on 127.0.0.1 is already in use" in problem
    assert f"make demo PORT={busy_port + 1}" in problem
    assert f"permitdb demo --port {busy_port + 1}" in problem
    assert listen_problem("127.0.0.1", free_port()) is None


def test_a_demo_on_a_busy_port_fails_before_touching_anything(
    runner: CliRunner, demo_db: Engine, first_key: str, busy_port: int
) -> None:
    result = runner.invoke(app, ["demo", "--port", str(busy_port)])

    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.output
    assert "PORT=" in result.output
    assert "--port" in result.output
    assert (runs(demo_db), revoked(demo_db)) == (1, [False])


def test_a_second_demo_serves_beside_a_running_one_and_keeps_its_key(
    demo_db: Engine, first_key: str, data_dir: Path
) -> None:
    port = free_port()
    command = [str(Path(sys.executable).parent / "permitdb"), "demo", "--port", str(port)]
    # The running demo holds its share of the lock for as long as it serves.
    with demo_lock(data_dir) as first_alone:
        assert first_alone
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ
        ) as second:
            try:
                output, second_key = printed_key(second, "Demo API key")
                base = f"http://127.0.0.1:{port}"
                wait_until_serving(base)
                for key in (first_key, second_key):
                    response = httpx.get(
                        f"{base}/v1/permits?limit=1", headers={"Authorization": f"Bearer {key}"}
                    )
                    assert response.status_code == 200, response.text
            finally:
                second.terminate()
                second.wait(timeout=30)
    assert "another demo is serving this database, its key stays valid" in output
    assert (runs(demo_db), revoked(demo_db)) == (1, [False, False])
