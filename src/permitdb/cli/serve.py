"""``permitdb serve`` and ``permitdb demo``: run the API (demo loads the recordings first, into
its own database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Final

import typer
import uvicorn
from sqlalchemy import Engine

from permitdb.api.app import create_app
from permitdb.api.auth import DEFAULT_SCOPES
from permitdb.api.limits import SERVER_HEAD_BYTES
from permitdb.api.metrics import multiprocess_metrics
from permitdb.catalog.load import load_catalog
from permitdb.cli.console import (
    console,
    engine,
    err_console,
    fail,
    settings,
    shown_url,
    use_demo_database,
)
from permitdb.cli.demo_guard import demo_lock, listen_problem
from permitdb.cli.ingest import run_ingest
from permitdb.cli.keys import create_key
from permitdb.cli.logs import applied_config
from permitdb.cli.secret_check import check_secret_for
from permitdb.store.api_keys import list_api_keys, revoke_api_key
from permitdb.store.migrate import require_head, upgrade
from permitdb.store.permits import PermitQuery, search_permits

HostOption = Annotated[str, typer.Option(help="Interface to listen on")]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="TCP port")]
WorkersOption = Annotated[
    int,
    typer.Option(
        min=1,
        help="Server processes, each with its own database connections; with more than one, "
        "/metrics sums their request counters (docs/observability.md).",
    ),
]
ProxyHeadersOption = Annotated[
    bool,
    typer.Option(
        help="Behind a reverse proxy: take the client's address and scheme from "
        "X-Forwarded-For / X-Forwarded-Proto, when the proxy's address is in "
        "--forwarded-allow-ips.",
    ),
]
ForwardedAllowIpsOption = Annotated[
    str,
    typer.Option(
        help="Comma-separated addresses or networks of the proxies whose forwarded headers are "
        "trusted ('*' trusts any: only when nothing else can reach the server).",
    ),
]
RootPathOption = Annotated[
    str,
    typer.Option(
        help="The path prefix the proxy serves the API under (e.g. /permitdb), when it strips "
        "it before forwarding: /docs and the OpenAPI document's servers use it.",
    ),
]
# uvicorn imports this in each worker process; each worker builds its own app from settings.
APP_FACTORY: Final = "permitdb.api.app:app_from_settings"
# How long a worker may take to start (import and build the app) and to answer the supervisor's
# later pings. uvicorn's 5 s restarts workers in a loop on a busy two-core machine.
WORKER_HEALTHCHECK_S: Final = 30


@dataclass(frozen=True, slots=True)
class Serving:
    """How ``serve`` runs uvicorn beyond host and port (``demo`` takes the defaults)."""

    workers: int = 1
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"
    root_path: str = ""


def _run(db: Engine, host: str, port: int, serving: Serving = Serving()) -> None:
    # "permitdb", "/permitdb/" and "/permitdb" all mean the prefix /permitdb
    root_path = "/" + serving.root_path.strip("/") if serving.root_path.strip("/") else ""
    processes = f", {serving.workers} workers" if serving.workers > 1 else ""
    # the proxy strips the prefix: this server itself answers without it
    behind = f", published by the proxy under {root_path}" if root_path else ""
    console.print(
        f"Serving {shown_url(settings())} on http://{host}:{port}{behind} "
        f"(docs: {root_path}/docs{processes})"
    )
    with multiprocess_metrics(serving.workers):
        # One process serves the app built here (over ``db``); several need an import string
        # to build theirs from, the same settings.
        app = create_app(db, settings()) if serving.workers == 1 else APP_FACTORY
        uvicorn.run(
            app,
            factory=serving.workers > 1,
            host=host,
            port=port,
            workers=serving.workers,
            proxy_headers=serving.proxy_headers,
            forwarded_allow_ips=serving.forwarded_allow_ips,
            root_path=root_path,
            log_config=applied_config(),
            access_log=False,  # the API writes its own access line, with the request id
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            # above api.limits, so an oversized head gets our envelope, not h11's plain text
            h11_max_incomplete_event_size=SERVER_HEAD_BYTES,
        )


def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: WorkersOption = 1,
    proxy_headers: ProxyHeadersOption = False,
    forwarded_allow_ips: ForwardedAllowIpsOption = "127.0.0.1",
    root_path: RootPathOption = "",
    migrate: Annotated[
        bool,
        typer.Option(
            help="Migrate the database first; --no-migrate when a deploy step runs "
            "'permitdb db migrate' itself (the schema must then be at head)"
        ),
    ] = True,
) -> None:
    """Migrate the database (unless --no-migrate), then serve the REST API."""
    check_secret_for(host, settings())
    db = engine()
    if migrate:
        upgrade(db)
    else:
        require_head(db)
    _run(db, host, port, Serving(workers, proxy_headers, forwarded_allow_ips, root_path))


def _demo_key(db: Engine, *, revoke_earlier: bool) -> str:
    """A new demo key; with ``revoke_earlier``, only the key printed by this run works."""
    if revoke_earlier:
        with db.begin() as conn:
            for row in list_api_keys(conn):
                if row.is_demo and row.revoked_at is None:
                    revoke_api_key(conn, row.id, now=datetime.now(UTC))
    return create_key(name="demo", scopes=list(DEFAULT_SCOPES), quota=None, is_demo=True)


def _curl_lines(db: Engine, key: str, base: str) -> list[str]:
    with db.connect() as conn:
        sample, _ = search_permits(conn, PermitQuery(limit=1))
    auth = f'-H "Authorization: Bearer {key}"'
    lines = [
        "# permits in New York issued in 2026, 5 a page (add &cursor=<next_cursor> for the next):",
        f'curl {auth} "{base}/v1/permits?state=NY&issued_from=2026-01-01&issued_to=2026-12-31'
        '&limit=5"',
    ]
    if sample:
        lines += ["# one permit by id, with its raw source record:"]
        lines += [f'curl {auth} "{base}/v1/permits/{sample[0].id}"']
    lines += ["# full-text search:", f'curl {auth} "{base}/v1/permits?q=solar&limit=5"']
    return lines


def demo(host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Load every bundled recording into the demo database (incrementally on later runs), make
    a demo key, serve. The live database (``permitdb ingest``, ``serve``) is never touched."""
    problem = listen_problem(host, port)
    if problem is not None:
        fail(problem)
    use_demo_database(True)
    check_secret_for(host, settings())
    db = engine()
    with demo_lock(settings().data_dir) as alone:
        # Beside a running demo, reloading would write under it and revoking would lock its
        # users out: this one serves the same data, with a key of its own.
        if alone:
            _load_recordings(db)
            note = "shown once; earlier demo keys are revoked"
        else:
            note = "shown once; another demo is serving this database, its key stays valid"
        key = _demo_key(db, revoke_earlier=alone)
        console.print(f"\nDemo API key ({note}):\n")
        console.print(key, soft_wrap=True)
        console.print()
        for line in _curl_lines(db, key, f"http://{host}:{port}"):
            console.print(line, soft_wrap=True, markup=False)
        console.print()
        _run(db, host, port)


def _load_recordings(db: Engine) -> None:
    summaries = run_ingest(
        db, load_catalog(settings().catalog_dirs), from_recordings=True, full=False
    )
    for s in summaries:
        if s.status != "succeeded":
            err_console.print(f"[yellow]{s.dataset} was not loaded:[/] {s.error}", soft_wrap=True)
