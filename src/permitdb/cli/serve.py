"""``permitdb serve`` and ``permitdb demo``: run the API (demo loads the recordings first, into
its own database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import Engine

from permitdb.api.app import create_app
from permitdb.api.limits import SERVER_HEAD_BYTES
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
from permitdb.cli.secret_check import check_secret_for
from permitdb.store.api_keys import list_api_keys, revoke_api_key
from permitdb.store.migrate import require_head, upgrade
from permitdb.store.permits import PermitQuery, search_permits

HostOption = Annotated[str, typer.Option(help="Interface to listen on")]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="TCP port")]


def _run(db: Engine, host: str, port: int) -> None:
    console.print(f"Serving {shown_url(settings())} on http://{host}:{port} (docs: /docs)")
    uvicorn.run(
        create_app(db, settings()),
        host=host,
        port=port,
        log_level="info",
        # above api.limits, so an oversized head gets our envelope, not h11's plain-text 400
        h11_max_incomplete_event_size=SERVER_HEAD_BYTES,
    )


def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
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
    _run(db, host, port)


def _demo_key(db: Engine, *, revoke_earlier: bool) -> str:
    """A new demo key; with ``revoke_earlier``, only the key printed by this run works."""
    if revoke_earlier:
        with db.begin() as conn:
            for row in list_api_keys(conn):
                if row.is_demo and row.revoked_at is None:
                    revoke_api_key(conn, row.id, now=datetime.now(UTC))
    return create_key(name="demo", scopes=["permits:read"], quota=None, is_demo=True)


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
