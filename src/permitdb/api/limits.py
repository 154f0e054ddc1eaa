"""Pure-ASGI request limits: an oversized URL, header block or body answers in the envelope.

uvicorn's own limit (h11's ``max_incomplete_event_size``, 16 KiB by default, on the request
line and headers together) answers a plain-text 400 that no client can parse as our errors.
These limits sit below the one ``permitdb serve`` gives uvicorn (``SERVER_HEAD_BYTES``), so a
request too big for us gets 414, 431 or 413 with a message, and only a head far beyond any
real request meets uvicorn's.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from permitdb.api.errors import ApiError, BodyTooLarge, HeadersTooLarge, UrlTooLong, error_response
from permitdb.api.middleware import request_id_of

# The longest URL (path and query string, as sent) we read. Every filter of a search fits in
# a few hundred bytes; a list of ids that does not fit belongs in POST /v1/permits/search.
MAX_URL_BYTES: Final = 8 * 1024
# All header names and values together: a key and a few browser headers use under 2 KiB.
MAX_HEADER_BYTES: Final = 16 * 1024
# A search body holds at most a 1,000-vertex polygon and 1,000 ids: well under 1 MiB.
MAX_BODY_BYTES: Final = 1024 * 1024
# What ``permitdb serve`` passes uvicorn as h11_max_incomplete_event_size: above our head limits.
SERVER_HEAD_BYTES: Final = 4 * (MAX_URL_BYTES + MAX_HEADER_BYTES)


def _url_bytes(scope: Scope) -> int:
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return len(raw_path) + (len(query) + 1 if query else 0)


def _header_bytes(scope: Scope) -> int:
    # as on the wire: "name: value\r\n"
    return sum(len(name) + len(value) + 4 for name, value in scope["headers"])


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def request_limits(app: ASGIApp) -> ASGIApp:
    """``app`` behind the limits: a request over one is answered here, never read further."""

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = _refusal(scope)
            if refusal is None and _is_chunked(scope):
                # No declared length: read the body here, so an oversized one is refused
                # before a route sees it (FastAPI reports a failed read as an unreadable body).
                chunks, refusal = await _bounded_body(receive)
                receive = _replay(chunks, receive)
            if refusal is not None:
                # The body is left unread; uvicorn closes the connection after the answer.
                await error_response(refusal, request_id_of(scope))(scope, receive, send)
                return
        await app(scope, receive, send)

    return limited


def _is_chunked(scope: Scope) -> bool:
    return any(
        name == b"transfer-encoding" and b"chunked" in value.lower()
        for name, value in scope["headers"]
    )


async def _bounded_body(receive: Receive) -> tuple[list[Message], ApiError | None]:
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message.get("body", b""))
        if size > MAX_BODY_BYTES:
            return messages, _body_too_large()
        if not message.get("more_body", False):
            return messages, None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _refusal(scope: Scope) -> ApiError | None:
    url_bytes = _url_bytes(scope)
    if url_bytes > MAX_URL_BYTES:
        return UrlTooLong(
            f"The URL is {url_bytes:,} bytes; the limit is {MAX_URL_BYTES:,}. Send a long "
            "search as a JSON body to POST /v1/permits/search instead."
        )
    header_bytes = _header_bytes(scope)
    if header_bytes > MAX_HEADER_BYTES:
        return HeadersTooLarge(
            f"The request headers are {header_bytes:,} bytes; the limit is "
            f"{MAX_HEADER_BYTES:,}. Send only the API key and the usual headers (a large "
            "Cookie is the usual culprit)."
        )
    declared = _declared_length(scope)
    if declared is not None and declared > MAX_BODY_BYTES:
        return _body_too_large(declared)
    return None


def _body_too_large(size: int | None = None) -> BodyTooLarge:
    shown = f"{size:,} bytes" if size is not None else f"over {MAX_BODY_BYTES:,} bytes"
    return BodyTooLarge(
        f"The request body is {shown}; the limit is {MAX_BODY_BYTES:,}. Simplify the polygon "
        "or split the list of ids over several requests."
    )
