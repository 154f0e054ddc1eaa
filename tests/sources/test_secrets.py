"""Credentials stay home: a redirect to another origin gets none of them, and no message,
log line, stored run or printed run shows a token a portal echoed back.

Two servers on 127.0.0.1 (two ports, so two origins) record every request they get: one
redirects, the other answers. The real Socrata connector and ``ingest_dataset`` run against
them through ``origin_map``, as they would against a live portal.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from typer.testing import CliRunner

from permitdb.cli.app import app as cli
from permitdb.errors import FatalSourceError
from permitdb.ingest.run import ingest_dataset
from permitdb.settings import Settings, get_settings
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import build_source
from permitdb.store.datasets import register_datasets
from permitdb.store.ingest_state import finish_run, list_runs, start_run
from permitdb.testing import entry_for

TOKEN = "tok+en/S3cr3t=&<x>"  # characters that each escaping spells differently
AUSTIN = entry_for(
    {"platform": "socrata", "domain": "data.austintexas.gov", "dataset_id": "3syk-w9eu"},
    "socrata/austin-tx/issued-construction-permits.json",
)
LIVE = "https://data.austintexas.gov"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Seen:
    path: str
    headers: dict[str, str]


class Origin:
    """An HTTP server on its own port that answers every GET with ``answer(path)``."""

    def __init__(self, answer: Callable[[str], Answer]) -> None:
        self.seen: list[Seen] = []
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                origin.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                reply = answer(self.path)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Origin:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        socrata_app_token=SecretStr(TOKEN),
        http_max_retries=0,
    )


def redirect_to(target: Callable[[], str]) -> Callable[[str], Answer]:
    return lambda path: Answer(302, headers={"Location": target() + path})


def rows(_path: str) -> Answer:
    return Answer(200, json.dumps([{"permit_number": "1"}]).encode(), {"Content-Type": "json"})


@pytest.fixture
def moved() -> Iterator[tuple[Origin, Origin]]:
    """(old home that redirects every request, new home on another port that answers)."""
    with Origin(rows) as new_home, Origin(redirect_to(lambda: new_home.url)) as old_home:
        yield old_home, new_home


def carries_token(seen: Seen) -> bool:
    return TOKEN in seen.headers.values() or quote_plus(TOKEN) in seen.path


def test_a_redirect_to_another_origin_gets_no_credentials(
    moved: tuple[Origin, Origin], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    old_home, new_home = moved
    caplog.set_level(logging.DEBUG, logger="permitdb")
    with HttpClient(settings=settings, origin_map={LIVE: old_home.url}) as client:
        params = {"$limit": 5, "$$app_token": TOKEN, "token": TOKEN}
        headers = {"X-App-Token": TOKEN, "Authorization": f"Bearer {TOKEN}"}
        assert client.get_json(f"{LIVE}/resource/x.json", params, headers) == [
            {"permit_number": "1"}
        ]
        assert list(client.stream_lines(f"{LIVE}/files/x.csv", params, headers))
    assert [carries_token(seen) for seen in old_home.seen] == [True, True]
    assert [carries_token(seen) for seen in new_home.seen] == [False, False]
    for seen in new_home.seen:
        assert {"x-app-token", "authorization"}.isdisjoint(seen.headers)
        assert "%24limit=5" in seen.path or "$limit=5" in seen.path  # the query itself stays
    assert "redirected to another origin" in caplog.text
    assert "Update the catalog entry" in caplog.text
    assert_no_token(caplog.text)


def test_a_redirect_within_the_origin_keeps_credentials(settings: Settings) -> None:
    def answer(path: str) -> Answer:
        return rows(path) if path.startswith("/new") else Answer(301, headers={"Location": "/new"})

    with Origin(answer) as home, HttpClient(settings=settings) as client:
        client.get_json(f"{home.url}/old", headers={"X-App-Token": TOKEN})
    assert [seen.headers.get("x-app-token") for seen in home.seen] == [TOKEN, TOKEN]


def test_a_redirect_loop_is_a_fatal_error_naming_what_to_do(settings: Settings) -> None:
    with (
        Origin(lambda path: Answer(302, headers={"Location": path})) as home,
        HttpClient(settings=settings) as client,
        pytest.raises(FatalSourceError) as raised,
    ):
        client.get_json(f"{home.url}/loop")
    assert "redirects in a row" in str(raised.value)
    assert "catalog entry" in str(raised.value)


def echo_page(status: int, content_type: str) -> Callable[[str], Answer]:
    """An error page that echoes the token in every spelling a page may use."""

    def answer(_path: str) -> Answer:
        spellings = [TOKEN, quote(TOKEN, safe=""), quote_plus(TOKEN), html.escape(TOKEN)]
        if content_type == "application/json":
            body = json.dumps({"error": "bad token", "echo": spellings}).encode()
        else:
            items = "".join(f"<li>{s}</li>" for s in spellings)
            body = f"<html><body><h1>Error</h1><ul>{items}</ul></body></html>".encode()
        return Answer(status, body, {"Content-Type": content_type})

    return answer


ECHOES = [
    pytest.param(400, "text/html", id="400-html"),
    pytest.param(400, "application/json", id="400-json"),
    pytest.param(422, "text/plain", id="422-text"),
    pytest.param(200, "text/html", id="200-html-not-json"),
]


def assert_no_token(text: str) -> None:
    for spelling in (TOKEN, quote(TOKEN, safe=""), quote_plus(TOKEN), html.escape(TOKEN)):
        assert spelling not in text
    assert "S3cr3t" not in text  # not even a piece of it


@pytest.mark.parametrize(("status", "content_type"), ECHOES)
def test_an_echoed_token_is_redacted_from_the_error(
    settings: Settings, caplog: pytest.LogCaptureFixture, status: int, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="permitdb")
    with (
        Origin(echo_page(status, content_type)) as portal,
        HttpClient(settings=settings) as client,
        pytest.raises(FatalSourceError) as raised,
    ):
        client.get_json(f"{portal.url}/resource/x.json", {"$$app_token": TOKEN})
    assert "REDACTED" in str(raised.value)
    assert_no_token(str(raised.value))
    assert_no_token(caplog.text)


@pytest.fixture
def cli_env(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """``permitdb`` reading the test database and the token from the environment."""
    monkeypatch.setenv("PERMITDB_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PERMITDB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PERMITDB_SOCRATA_APP_TOKEN", TOKEN)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize(("status", "content_type"), ECHOES)
def test_an_echoed_token_reaches_neither_the_run_log_nor_permitdb_runs(
    engine: Engine,
    cli_env: CliRunner,
    caplog: pytest.LogCaptureFixture,
    status: int,
    content_type: str,
) -> None:
    caplog.set_level(logging.DEBUG, logger="permitdb")
    with (
        Origin(echo_page(status, content_type)) as portal,
        HttpClient(settings=get_settings(), origin_map={LIVE: portal.url}) as client,
    ):
        summary = ingest_dataset(engine, AUSTIN, build_source(AUSTIN, client))
    assert TOKEN in portal.seen[0].headers.values()  # the portal had it
    assert summary.status == "failed"
    assert "REDACTED" in (summary.error or "")
    with engine.connect() as conn:
        runs = list_runs(conn, limit=10)
        (run,) = [r for r in runs if r.id == summary.run_id]
    assert run.error == summary.error
    assert_no_token(run.error or "")
    assert_no_token(caplog.text)
    # the test dataset is not in the bundled catalog, which `runs --dataset` checks slugs against
    printed = cli_env.invoke(cli, ["runs"])
    assert printed.exit_code == 0, printed.output
    assert "failed" in printed.output
    assert_no_token(printed.output)


def test_permitdb_runs_redacts_a_token_stored_by_an_older_version(
    engine: Engine, cli_env: CliRunner
) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        register_datasets(conn, [AUSTIN], now=now, source_url_for=lambda e: LIVE)
        run_id = start_run(conn, AUSTIN.slug, mode="full", cursor_before=None, now=now)
        finish_run(
            conn,
            AUSTIN.slug,
            run_id=run_id,
            status="failed",
            cursor_after=None,
            error=f"FatalSourceError: HTTP 400 ('<p>token {TOKEN}</p>')",
            now=now,
        )
    printed = cli_env.invoke(cli, ["runs"])
    assert printed.exit_code == 0, printed.output
    assert "REDACTED" in printed.output
    assert_no_token(printed.output)
    as_json = cli_env.invoke(cli, ["runs", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert "REDACTED" in as_json.output
    assert_no_token(as_json.output)
