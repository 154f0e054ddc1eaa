"""``permitdb serve`` as an operator runs it: a real server process on a free 127.0.0.1 port,
over both engines, with --workers, --proxy-headers, --forwarded-allow-ips and --root-path."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from prometheus_client.parser import text_string_to_metric_families

from permitdb.cli.app import app as cli

SECRET = "serve-test-secret"
# A worker imports the whole app before it answers; two of them on a busy two-core machine
# have been seen to need over ten seconds.
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0
PERMITDB = str(Path(sys.executable).with_name("permitdb"))


@dataclass(frozen=True)
class Server:
    url: str
    log: Path

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]


def server_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PERMITDB_DATABASE_URL": database_url,
        "PERMITDB_DATA_DIR": str(tmp_path),
        "PERMITDB_SECRET_KEY": SECRET,
        "PERMITDB_LOG_FORMAT": "json",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # serve makes its own for --workers
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(database_url: str, tmp_path: Path, *options: str) -> Iterator[Server]:
    """``permitdb serve OPTIONS`` until the block ends, its JSON log lines in a file."""
    port = free_port()
    log = tmp_path / "serve.log"
    command = [PERMITDB, "serve", "--port", str(port), *options]
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command,
            env=server_env(database_url, tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        workers = int(options[options.index("--workers") + 1]) if "--workers" in options else 1
        wait_until_serving(url, process, log, workers)
        yield Server(url, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    """Until every worker has started and the server answers."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"permitdb serve exited {process.returncode}:\n{log.read_text()}")
        started = log.read_text().count("Application startup complete.")
        try:
            # /openapi.json, not /v1/health: the tests count their own health requests
            if started >= workers:
                httpx.get(f"{url}/openapi.json", timeout=5).raise_for_status()
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.2)
    raise AssertionError(
        f"permitdb serve did not answer in {STARTUP_TIMEOUT_S} s:\n" + log.read_text()
    )


def metrics_key(database_url: str, tmp_path: Path) -> str:
    """A key with the metrics:read scope, made as an operator makes one."""
    result = subprocess.run(
        [PERMITDB, "keys", "create", "--name", "prometheus", "--scope", "metrics:read"],
        env=server_env(database_url, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (key,) = re.findall(r"pdb_live_\w+", result.stdout)
    return key


def requests_counted(text: str, route: str, status: str) -> float:
    wanted = {"method": "GET", "route": route, "status": status}
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "permitdb_http_requests_total" and sample.labels == wanted
    )


def test_two_workers_answer_health_and_metrics_summed_across_both(
    database_url: str, tmp_path: Path
) -> None:
    key = metrics_key(database_url, tmp_path)
    options = ("--workers", "2", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1")
    with running_server(database_url, tmp_path, *options) as server:
        health = [
            httpx.get(f"{server.url}/v1/health", headers={"X-Forwarded-For": "203.0.113.7"})
            for _ in range(20)
        ]
        assert {response.status_code for response in health} == {200}
        scraped = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {key}"})
        assert scraped.status_code == 200, scraped.text
        # 20 requests spread over two processes, every one counted by a scrape of either
        assert requests_counted(scraped.text, "/v1/health", "200") == 20
        assert "permitdb_database_up 1.0" in scraped.text
        time.sleep(0.5)  # the access lines are written after each response has gone out
        lines = server.log_lines()

    access = [line for line in lines if line["logger"] == "permitdb.access"]
    by_id = {line["request_id"]: line for line in access}
    for response in health:
        line = by_id[response.headers["x-request-id"]]
        assert (line["path"], line["status"]) == ("/v1/health", 200)
        assert line["client"] == "203.0.113.7"  # the proxy's X-Forwarded-For, trusted
    servers = {line["message"] for line in lines if line["message"].startswith("Started server")}
    assert len(servers) >= 2, servers
    assert not any(line["logger"] == "uvicorn.access" for line in lines)


def test_root_path_is_in_the_documents_and_untrusted_proxies_are_ignored(
    database_url: str, tmp_path: Path
) -> None:
    with running_server(database_url, tmp_path, "--root-path", "permitdb/") as server:
        # the proxy strips /permitdb before forwarding; the API says where it lives
        document = httpx.get(f"{server.url}/openapi.json").json()
        docs_page = httpx.get(f"{server.url}/docs").text
        health = httpx.get(f"{server.url}/v1/health", headers={"X-Forwarded-For": "203.0.113.7"})
        missing = httpx.get(f"{server.url}/v1/no-such-thing")
        wrong_method = httpx.delete(f"{server.url}/v1/permits/abc")
        time.sleep(0.5)
        lines = server.log_lines()

    assert document["servers"] == [{"url": "/permitdb"}]
    assert "/permitdb/openapi.json" in docs_page
    assert "See /permitdb/docs for the list" in missing.json()["error"]["message"]
    assert wrong_method.headers["allow"] == "GET"  # from the route templates, prefix aside
    assert health.status_code == 200
    (line,) = [line for line in lines if line.get("request_id") == health.headers["x-request-id"]]
    assert line["client"] == "127.0.0.1"  # no --proxy-headers: the header is not believed
    assert line["path"] == "/permitdb/v1/health"


def test_every_serve_option_is_documented() -> None:
    documented = (Path(__file__).resolve().parents[2] / "docs" / "observability.md").read_text()
    command = typer.main.get_command(cli).commands["serve"]
    for parameter in command.params:
        for option in parameter.opts:
            if option != "--help":
                assert f"`{option}" in documented, option


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_workers_must_be_at_least_one(workers: str, tmp_path: Path) -> None:
    command = [PERMITDB, "serve", "--workers", workers]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "--workers" in result.stderr
