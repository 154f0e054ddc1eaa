"""A bounded soak: a few thousand requests to a real uvicorn server on 127.0.0.1 while an
ingest-like writer rewrites pages, on both engines.

The server's memory must stay flat once warm (each SQLite connection's page cache is capped,
``store.dialects``), and on SQLite the WAL must stay near its limit although readers are
always active (``store.wal``). Budgets are counts and seconds, so the test ends on a slow
machine too; it asserts only on what it measured.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import httpx
import pytest
from sqlalchemy import Engine

from permitdb.api.auth import SCOPES
from permitdb.api.limits import SERVER_HEAD_BYTES
from permitdb.canonical import PermitRecord
from permitdb.store.wal import WAL_LIMIT_BYTES

SECRET: Final = "api-test-secret"  # what conftest.make_key hashes keys with
PERMITS: Final = 3000
PAGE: Final = 500
WARM_REQUESTS: Final = 400
SOAK_REQUESTS: Final = 1600
CLIENTS: Final = 8
DEADLINE_S: Final = 120.0
# RSS may rise this much after warming up: page caches still filling to their cap
# (SQLITE_CACHE_BUDGET_KIB is 64 MiB over all connections), allocator slack.
RSS_MARGIN_MB: Final = 48
# The WAL may pass its limit by what the writes between two checkpoints add.
WAL_MARGIN_BYTES: Final = 8 * 1024 * 1024
# Two readers in turn, each holding its snapshot 50 ms, so one always is: the log can never
# be started over by SQLite's own checkpoints (an API under steady load, compressed).
READ_HOLD_S: Final = 0.05
WORDS: Final = ("solar", "roof", "garage", "kitchen", "pool", "fence", "hvac", "battery")
NOW: Final = datetime(2026, 3, 1, tzinfo=UTC)


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError(f"no VmRSS for process {pid}")


Store = Callable[..., list[PermitRecord]]


def page_of(start: int, revision: int, rng: random.Random) -> list[dict[str, str]]:
    """Overrides for permits ``start`` .. ``start + PAGE - 1``, described anew each revision."""
    return [
        {
            "source_record_id": f"S-{n}",
            "permit_number": f"S-{n}",
            "description": " ".join(rng.choices(WORDS, k=6)) + f" revision {revision}",
        }
        for n in range(start, start + PAGE)
    ]


@pytest.fixture
def seeded(store: Store) -> list[str]:
    """Ids of ``PERMITS`` stored permits (tests/api/conftest.py's ``store``)."""
    rng = random.Random(8)
    return [
        record.id
        for start in range(0, PERMITS, PAGE)
        for record in store(*page_of(start, 0, rng), now=NOW)
    ]


@dataclass
class Server:
    url: str
    pid: int


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    """``permitdb.api`` under uvicorn in its own process, as an operator runs it."""
    port = free_port()
    env = {
        **os.environ,
        "PERMITDB_DATABASE_URL": database_url,
        "PERMITDB_SECRET_KEY": SECRET,
        "PERMITDB_DATA_DIR": str(tmp_path),
    }
    command = [
        sys.executable, "-m", "uvicorn", "permitdb.api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--h11-max-incomplete-event-size", str(SERVER_HEAD_BYTES),
    ]  # fmt: skip
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, url, tmp_path / "server.log")
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def free_port() -> int:
    """A free port on 127.0.0.1 (closed again before the server binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer within 60 s: {log.read_text()}")


@dataclass
class Load:
    """``budget`` requests over ``CLIENTS`` threads; failures are counted, not raised."""

    url: str
    key: str
    ids: list[str]
    done: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, budget: int) -> None:
        target = self.done + budget
        deadline = time.monotonic() + DEADLINE_S
        threads = [
            threading.Thread(target=self._client, args=(seed, target, deadline))
            for seed in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _client(self, seed: int, target: int, deadline: float) -> None:
        rng = random.Random(seed)
        headers = {"X-API-Key": self.key}
        with httpx.Client(base_url=self.url, headers=headers, timeout=60) as client:
            while time.monotonic() < deadline:
                with self.lock:
                    if self.done >= target:
                        return
                    self.done += 1
                path, params = self._request(rng)
                try:
                    response = client.get(path, params=params)
                    failure = None if response.status_code == 200 else response.text[:200]
                except httpx.HTTPError as exc:
                    failure = f"{path}: {exc!r}"
                if failure is not None:
                    with self.lock:
                        self.failures.append(failure)

    def _request(self, rng: random.Random) -> tuple[str, dict[str, str | int]]:
        kind = rng.random()
        if kind < 0.35:
            return f"/v1/permits/{rng.choice(self.ids)}", {}
        if kind < 0.7:
            return "/v1/permits", {"q": rng.choice(WORDS), "limit": 50}
        if kind < 0.9:
            sort = rng.choice(("valuation_desc", "issued_asc", "updated_desc"))
            return "/v1/permits", {"sort": sort, "offset": rng.randint(0, 2000), "limit": 100}
        return "/v1/cities", {"limit": 100}


class Writer(threading.Thread):
    """Rewrites pages of the stored permits (new descriptions) until told to stop, as a
    re-sync would; samples the WAL size after each page."""

    def __init__(self, store: Store, wal: Path | None) -> None:
        super().__init__()
        self.store, self.wal = store, wal
        self.stop = threading.Event()
        self.pages = 0
        self.wal_sizes: list[int] = []

    def run(self) -> None:
        rng = random.Random(9)
        while not self.stop.is_set():
            self.pages += 1
            start = (self.pages * PAGE) % PERMITS
            self.store(*page_of(start, self.pages, rng), now=NOW + timedelta(minutes=self.pages))
            if self.wal is not None:
                self.wal_sizes.append(self.wal.stat().st_size if self.wal.exists() else 0)


class Readers:
    """Overlapping read transactions on SQLite until ``stop`` (see READ_HOLD_S)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(n,)) for n in range(2)]

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _read(self, offset: int) -> None:
        time.sleep(offset * READ_HOLD_S / 2)
        while not self.stop.is_set():
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM permits").scalar()
                time.sleep(READ_HOLD_S)


def test_memory_stays_flat_and_the_wal_bounded_under_load(
    engine: Engine,
    store: Store,
    seeded: list[str],
    make_key: Callable[..., str],
    server: Server,
) -> None:
    load = Load(server.url, make_key(SCOPES), seeded)
    load.run(WARM_REQUESTS)
    warm_rss = rss_mb(server.pid)
    sqlite = engine.dialect.name == "sqlite"
    wal = Path(f"{engine.url.database}-wal") if sqlite else None
    writer = Writer(store, wal)
    with Readers(engine) if sqlite else nullcontext():
        writer.start()
        try:
            load.run(SOAK_REQUESTS)
        finally:
            writer.stop.set()
            writer.join()
    end_rss = rss_mb(server.pid)
    print(
        f"soak: {load.done} requests, rss {warm_rss} -> {end_rss} MB, "
        f"{writer.pages} pages written, wal max {max(writer.wal_sizes, default=0)} bytes"
    )
    assert load.done == WARM_REQUESTS + SOAK_REQUESTS, "the load did not finish in time"
    assert load.failures == []
    assert writer.pages >= 4, "the writer barely ran; the WAL bound was not exercised"
    assert end_rss - warm_rss <= RSS_MARGIN_MB, (warm_rss, end_rss)
    if sqlite:
        assert max(writer.wal_sizes) <= WAL_LIMIT_BYTES + WAL_MARGIN_BYTES, writer.wal_sizes
