"""Logs: one JSON object a line off a terminal (Rich on one), the request id on every line
written during a request, --log-level and PERMITDB_LOG_LEVEL, no API key ever printed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from permitdb.api.app import create_app
from permitdb.api.keys import generate_api_key
from permitdb.cli.app import app as cli
from permitdb.cli.logs import configure_logging
from permitdb.log_context import request_id
from permitdb.settings import Settings, get_settings
from permitdb.store.engine import create_engine_for
from permitdb.store.migrate import upgrade

CONFIGURED = ("permitdb", "uvicorn", "uvicorn.error", "uvicorn.access", "")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Each test configures logging onto pytest's captured stderr; put it back afterwards."""
    saved = {
        name: (logger.level, logger.handlers[:], logger.propagate)
        for name in CONFIGURED
        for logger in [logging.getLogger(name)]
    }
    yield
    for name, (level, handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate


@contextmanager
def during_request(request_id_value: str) -> Iterator[None]:
    """What the API's middleware does around a request: the id is current until it ends."""
    token = request_id.set(request_id_value)
    try:
        yield
    finally:
        request_id.reset(token)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_json_line_has_time_level_logger_message_and_the_extra_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", "json")
    log = logging.getLogger("permitdb.ingest")
    log.info("ingest %s: %d rows", "austin-tx/permits", 17, extra={"run_id": 4})
    log.debug("not at info")
    try:
        raise ValueError("portal said no")
    except ValueError:
        log.exception("sync failed")

    first, second = json_lines(capsys.readouterr().err)
    assert set(first) == {"time", "level", "logger", "message", "run_id"}
    assert first["time"].endswith("+00:00")
    assert (first["level"], first["logger"]) == ("info", "permitdb.ingest")
    assert (first["message"], first["run_id"]) == ("ingest austin-tx/permits: 17 rows", 4)
    assert second["level"] == "error"
    assert "ValueError: portal said no" in second["exception"]


def test_a_line_written_during_a_request_carries_its_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", "json")
    with during_request("req-42"):
        logging.getLogger("permitdb.store").warning("slow query")
    logging.getLogger("permitdb.store").warning("outside any request")

    inside, outside = json_lines(capsys.readouterr().err)
    assert inside["request_id"] == "req-42"
    assert "request_id" not in outside


def test_an_api_key_never_reaches_a_log_line(capsys: pytest.CaptureFixture[str]) -> None:
    key = generate_api_key()
    configure_logging("info", "json")
    logging.getLogger("permitdb.api").warning("bad key %s", key, extra={"presented": key})
    logs = capsys.readouterr().err
    assert key not in logs
    assert key[len("pdb_live_") :][:8] not in logs
    assert "pdb_live_…" in logs


def test_the_rich_format_shows_the_message_and_request_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", "rich")
    with during_request("req-7"):
        logging.getLogger("permitdb.api").warning("a [bracketed] message", extra={"status": 503})
    shown = capsys.readouterr().err
    assert "WARNING" in shown
    assert "a [bracketed] message" in shown
    assert "request_id=req-7" in shown
    assert "status=503" in shown


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'permitdb.sqlite'}")
    upgrade(engine)
    app = create_app(engine, Settings(_env_file=None, data_dir=tmp_path), catalog=[])  # type: ignore[call-arg]

    # A sync route runs in the thread pool: its log line must still get the request's id.
    @app.get("/logs-from-a-route", include_in_schema=False)
    def route_that_logs() -> dict[str, str]:
        logging.getLogger("permitdb.services").info("inside the route")
        return {}

    return app


def test_the_access_line_carries_the_request_id_the_response_sent(
    app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("info", "json")
    with TestClient(app) as client:
        mine = client.get("/v1/health", headers={"X-Request-Id": "caller-id-1"})
        generated = client.get("/v1/health?api_key=pdb_live_x&key=k&limit=5")
        from_route = client.get("/logs-from-a-route")

    lines = json_lines(capsys.readouterr().err)
    access = [line for line in lines if line["logger"] == "permitdb.access"]
    assert [line["request_id"] for line in access] == [
        mine.headers["x-request-id"],
        generated.headers["x-request-id"],
        from_route.headers["x-request-id"],
    ]
    assert access[0]["request_id"] == "caller-id-1"
    assert {k: access[0][k] for k in ("method", "path", "status", "client")} == {
        "method": "GET",
        "path": "/v1/health",
        "status": 200,
        "client": "testclient",
    }
    assert access[0]["duration_ms"] >= 0
    assert access[0]["message"].startswith("GET /v1/health 200 ")
    # the query string stays, less the parameters that may hold a credential
    assert (access[1]["path"], access[1]["status"]) == ("/v1/health?limit=5", 422)
    (route_line,) = [line for line in lines if line["message"] == "inside the route"]
    assert route_line["request_id"] == from_route.headers["x-request-id"]


def test_uvicorn_access_log_is_off_and_its_errors_come_through() -> None:
    configure_logging("info", "json")
    assert logging.getLogger("uvicorn.access").handlers == []
    assert logging.getLogger("uvicorn.access").propagate is False
    assert logging.getLogger("uvicorn.error").isEnabledFor(logging.INFO)


@pytest.fixture
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    return set_env


def test_log_level_option_and_environment(runner: CliRunner, cli_env: Callable[..., None]) -> None:
    permitdb = logging.getLogger("permitdb")
    assert runner.invoke(cli, ["--log-level", "DEBUG", "catalog", "check"]).exit_code == 0
    assert permitdb.level == logging.DEBUG
    assert runner.invoke(cli, ["catalog", "check"]).exit_code == 0
    assert permitdb.level == logging.WARNING  # a command that is not a server
    cli_env(PERMITDB_LOG_LEVEL="ERROR")
    assert runner.invoke(cli, ["catalog", "check"]).exit_code == 0
    assert permitdb.level == logging.ERROR
    assert runner.invoke(cli, ["--log-level", "info", "catalog", "check"]).exit_code == 0
    assert permitdb.level == logging.INFO


def test_an_unknown_log_level_is_refused_with_the_choices(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--log-level", "loud", "catalog", "check"])
    assert result.exit_code == 2
    assert "debug" in result.output
    assert "error" in result.output


@pytest.mark.parametrize(
    ("log_format", "formatter"), [("json", "JsonFormatter"), ("Rich", "KeyValueFormatter")]
)
def test_the_format_comes_from_the_environment(
    runner: CliRunner, cli_env: Callable[..., None], log_format: str, formatter: str
) -> None:
    cli_env(PERMITDB_LOG_FORMAT=log_format)
    assert runner.invoke(cli, ["catalog", "check"]).exit_code == 0
    (handler,) = logging.getLogger().handlers
    assert type(handler.formatter).__name__ == formatter


def test_auto_is_json_off_a_terminal(runner: CliRunner, cli_env: Callable[..., None]) -> None:
    cli_env(PERMITDB_LOG_FORMAT="auto")
    assert runner.invoke(cli, ["catalog", "check"]).exit_code == 0  # CliRunner is no terminal
    (handler,) = logging.getLogger().handlers
    assert type(handler.formatter).__name__ == "JsonFormatter"
