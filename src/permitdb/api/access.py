"""The access log: one line per answered request, on logger ``permitdb.access``.

It replaces uvicorn's own access log, which cannot carry the request id. Each line has the
method, the path with its query string (minus any parameter that may hold a secret), the
status, the duration in milliseconds, the request id and the client's address (the caller's
own behind a proxy when ``serve --proxy-headers`` trusts it).
"""

from __future__ import annotations

import logging
import time
from typing import Final
from urllib.parse import unquote_plus

from starlette.types import Scope

log = logging.getLogger("permitdb.access")

# Query parameters that may carry a credential; their values never reach a log line.
SECRET_PARAMETERS: Final = frozenset({"api_key", "apikey", "key", "token", "access_token"})


def shown_path(scope: Scope) -> str:
    """``scope``'s path and query string, with secret-bearing parameters dropped."""
    path: str = scope["path"]  # uvicorn puts --root-path in front of it already
    query = scope.get("query_string", b"").decode("latin-1")
    kept = [
        part
        for part in query.split("&")
        if part and unquote_plus(part.split("=", 1)[0]).lower() not in SECRET_PARAMETERS
    ]
    return f"{path}?{'&'.join(kept)}" if kept else path


def log_access(scope: Scope, status: int, started: float, request_id: str) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    client = scope.get("client")
    method, path = scope["method"], shown_path(scope)
    log.info(
        "%s %s %d %.1f ms",
        method,
        path,
        status,
        duration_ms,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "client": client[0] if client else None,
            "request_id": request_id,
        },
    )
