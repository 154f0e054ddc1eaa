"""Pure-ASGI request context: a request id on every response and log line, response timing,
the access log line and request metrics, last-resort 500.

``X-Request-Id`` echoes the caller's id when it is safe to echo (at most 128 characters of
``[A-Za-z0-9._-]``, so it cannot smuggle header or log injection), else a fresh uuid4 hex.
The id lives in ``scope["state"]`` so error handlers can put it in the envelope, and in
``log_context.request_id`` while the request runs, so every log record written meanwhile has it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from permitdb.api.access import log_access
from permitdb.api.errors import InternalError, error_response
from permitdb.api.metrics import UNMATCHED_ROUTE, RequestMetrics
from permitdb.log_context import request_id as current_request_id

log = logging.getLogger("permitdb.api")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def request_id_of(scope: Scope) -> str:
    state: MutableMapping[str, Any] = scope.setdefault("state", {})
    request_id = state.get("request_id")
    if not isinstance(request_id, str):
        request_id = uuid.uuid4().hex
        state["request_id"] = request_id
    return request_id


def _caller_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _SAFE_ID.match(text) else None
    return None


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (set in ``scope`` by the router)."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["request_id"] = _caller_id(scope) or uuid.uuid4().hex
        request_id = request_id_of(scope)
        started = time.perf_counter()
        response_started = False
        status = 500  # what the client gets if the app fails before it starts an answer
        context = current_request_id.set(request_id)

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started, status
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                elapsed_ms = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-response-time-ms", f"{elapsed_ms:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # The traceback goes to the server log with the request id, never to the client.
            log.exception("unhandled error, request_id=%s", request_id)
            if response_started:
                raise
            response = error_response(InternalError(), request_id)
            await response(scope, receive, send_with_headers)
        finally:
            log_access(scope, status, started, request_id)
            self.metrics.observe(scope["method"], route_template(scope), status, started)
            current_request_id.reset(context)
