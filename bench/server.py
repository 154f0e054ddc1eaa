"""The API as an operator runs it: uvicorn in its own process on 127.0.0.1, with a real key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import httpx
from sqlalchemy import Engine

from bench.config import REPO
from permitdb.api.auth import SCOPES
from permitdb.api.keys import generate_api_key, hash_api_key, key_prefix
from permitdb.store.api_keys import insert_api_key

# The server and this process must agree on the secret the stored key hash is keyed with.
SECRET: Final = "permitdb-bench-secret-not-for-production"
STARTUP_TIMEOUT_S: Final = 60.0
APP: Final = "permitdb.api.app:create_app"


def create_key(engine: Engine) -> str:
    """A fresh unlimited key, stored (as its hash) in the benchmark database."""
    key = generate_api_key()
    with engine.begin() as conn:
        insert_api_key(
            conn,
            name="bench",
            prefix=key_prefix(key),
            key_hash=hash_api_key(key, SECRET),
            scopes=SCOPES,
            monthly_quota=None,
            is_demo=False,
            now=datetime.now(UTC),
        )
    return key


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def serve(database_url: str, log: Path, app: str = APP) -> Iterator[str]:
    """Run the API (``app``, an app factory) over ``database_url`` until the block ends;
    yields its base URL."""
    port = free_port()
    env = {**os.environ, "PERMITDB_DATABASE_URL": database_url, "PERMITDB_SECRET_KEY": SECRET}
    command = [
        sys.executable, "-m", "uvicorn", app, "--factory",
        "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=errors, stderr=errors)
        try:
            _wait_until_up(process, base_url, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{base_url}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.2)
    raise RuntimeError(f"the API did not answer /v1/health within {STARTUP_TIMEOUT_S:.0f} s")
