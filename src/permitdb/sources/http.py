"""The one HTTP client every connector uses: timeouts, bounded retries, redacted logs.

Failures are sorted by what the caller must do (``permitdb.errors``): 429, 500, 502, 503, 504,
timeouts and dropped connections are retried with exponential backoff and full jitter (a
portal's ``Retry-After`` wins, capped by the backoff maximum) and end in
``RetriableSourceError``; any other 4xx, or a body that is not the JSON we asked for, is a
``FatalSourceError`` naming what to fix. ``origin_map`` points a live host at another origin
(the replay portal) without the connectors knowing.

Redirects are followed by ``sources.redirects``, not by httpx, which drops only
``Authorization`` when a redirect leaves the origin. Every message this client raises or logs
is redacted of the secrets the request carried and those configured in the settings, whatever
the portal echoed back.
"""

from __future__ import annotations

import codecs
import email.utils
import logging
import random
import socket
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final

import httpx
import orjson

from permitdb.errors import FatalSourceError, RetriableSourceError
from permitdb.settings import Settings, get_settings
from permitdb.sources.redaction import (
    configured_secrets,
    redact_headers,
    redact_secrets,
    redact_url,
    request_secrets,
)
from permitdb.sources.redirects import follow_redirects
from permitdb.sources.text import LineDecoder

__all__ = ["HttpClient", "Params", "redact_url"]

log = logging.getLogger("permitdb.sources")

Params = Mapping[str, str | int | float]

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES: Final = frozenset({429, 503})
BODY_EXCERPT_CHARS: Final = 300


@dataclass(frozen=True, slots=True)
class _Failure:
    """A try that may succeed if repeated."""

    problem: str
    retry_after: float | None = None


class HttpClient:
    """GET JSON or streamed text lines from portals, retrying what is worth retrying."""

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        origin_map: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings = settings or get_settings()
        # Longest origin first, so "https://a.example.com" never shadows a longer mapped prefix.
        self._origins = sorted((origin_map or {}).items(), key=lambda item: -len(item[0]))
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=httpx.Timeout(self._settings.http_timeout_s),
            headers={"User-Agent": self._settings.user_agent},
            follow_redirects=False,  # sources.redirects follows them, keeping credentials home
            transport=transport,
        )

    @property
    def settings(self) -> Settings:
        """The settings this client runs with (connectors read their tokens from here)."""
        return self._settings

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get_json(
        self,
        url: str,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        check: Callable[[Any], None] | None = None,
    ) -> Any:
        """GET ``url`` and parse the body as JSON.

        ``check`` inspects each parsed answer inside the retry loop: a ``RetriableSourceError``
        it raises (an ArcGIS HTTP-200 ``{"error": {"code": 500}}``, a page that cannot be
        trusted) is retried with the same backoff as an HTTP 503 and, on the last try, raised
        as it is; any other error it raises ends the request at once.
        """
        answers: list[Any] = []

        def accept(response: httpx.Response, shown: str, secrets: frozenset[str]) -> None:
            answer = _parse_json(response, shown, secrets)
            if check is not None:
                check(answer)
            answers.append(answer)

        self._send(url, params, headers, stream=False, accept=accept)
        return answers[-1]

    def stream_lines(
        self,
        url: str,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        gzipped: bool = False,
        decoder: LineDecoder | None = None,
    ) -> Iterator[str]:
        """GET ``url`` and yield its text body line by line, without holding it in memory.

        Lines keep their line endings, as when iterating a file, so ``csv.reader`` can rebuild
        quoted cells that span lines. Each line is decoded on its own by ``decoder`` (the
        catalog's encoding, else the declared charset, else UTF-8 without its byte-order
        mark), which notes the lines that do not decode. The request starts when iteration
        does. ``gzipped``: the body is a .gz file (not a gzip transfer encoding, which httpx
        undoes by itself).
        """
        response, shown, _ = self._send(url, params, headers, stream=True)
        decoder = decoder or LineDecoder(None)
        decoder.declare(response.charset_encoding)
        chunks = _gunzip(response.iter_bytes()) if gzipped else response.iter_bytes()
        pending = b""
        lines = 0
        try:
            for chunk in chunks:
                # Split on "\n" only (as csv and file iteration do); the tail may be partial.
                *complete, pending = (pending + chunk).split(b"\n")
                for line in complete:
                    lines += 1
                    yield decoder.decode(lines, line + b"\n")
            if pending:
                yield decoder.decode(lines + 1, pending)
        except httpx.TransportError as exc:
            raise RetriableSourceError(
                f"{shown}: the connection broke after {lines} lines ({type(exc).__name__}). "
                "Run the sync again; it resumes after the last committed page."
            ) from exc
        finally:
            response.close()

    # --- internals ----------------------------------------------------------------------

    def _send(
        self,
        url: str,
        params: Params | None,
        headers: Mapping[str, str] | None,
        *,
        stream: bool,
        accept: Callable[[httpx.Response, str, frozenset[str]], None] | None = None,
    ) -> tuple[httpx.Response, str, frozenset[str]]:
        """GET with retries: a 2xx response, the redacted URL to show and the secrets any
        message must leave out; or a classified error. ``accept`` may refuse a 2xx response
        with a ``RetriableSourceError``, which is retried like an HTTP 503.

        Messages show the URL as the catalog spells it, even when ``origin_map`` sent the
        request elsewhere: that is the address a person can check.
        """
        target = self._rewrite(url)
        request = self._client.build_request(
            "GET", target, params=dict(params or {}), headers=dict(headers or {})
        )
        secrets = request_secrets(str(request.url), request.headers)
        secrets |= configured_secrets(self._settings)
        query = request.url.query
        shown = redact_url(str(httpx.URL(url).copy_with(query=query) if query else url))
        via = "" if target == url else f" via {request.url.host}:{request.url.port}"
        tries = self._settings.http_max_retries + 1
        attempt = 1
        while True:
            log.debug(
                "GET %s%s try %d/%d headers=%s", shown, via, attempt, tries, _headers_shown(request)
            )
            outcome = self._attempt(request, stream=stream, shown=shown, secrets=secrets)
            if isinstance(outcome, httpx.Response):
                try:
                    if accept is not None:
                        accept(outcome, shown, secrets)
                except RetriableSourceError as refused:
                    if attempt == tries:
                        raise
                    outcome = _Failure(str(refused), refused.retry_after)
                else:
                    return outcome, shown, secrets
            if attempt == tries:
                raise RetriableSourceError(
                    f"{shown}: still failing after {tries} tries (last: {outcome.problem}). The "
                    "portal is overloaded or down: run the sync again later, or raise "
                    "PERMITDB_HTTP_MAX_RETRIES / PERMITDB_HTTP_BACKOFF_MAX_S to wait longer.",
                    retry_after=outcome.retry_after,
                )
            delay = self._delay(attempt, outcome.retry_after)
            log.warning(
                "GET %s: %s; retry %d/%d in %.1fs",
                shown,
                outcome.problem,
                attempt,
                tries - 1,
                delay,
            )
            self._sleep(delay)
            attempt += 1

    def _rewrite(self, url: str) -> str:
        for origin, target in self._origins:
            if url == origin or url.startswith((f"{origin}/", f"{origin}?")):
                return target + url[len(origin) :]
        return url

    def _attempt(
        self, request: httpx.Request, *, stream: bool, shown: str, secrets: frozenset[str]
    ) -> httpx.Response | _Failure:
        try:
            response = follow_redirects(self._client, request, stream=stream, shown=shown)
        except httpx.TransportError as exc:
            if _unresolvable(exc):  # a wrong domain or no network: waiting will not help
                raise FatalSourceError(
                    f"cannot resolve host {httpx.URL(shown).host}: check the catalog's domain "
                    "and your network."
                ) from exc
            return _Failure(redact_secrets(f"{type(exc).__name__} ({exc})", secrets))
        status = response.status_code
        if status in RETRY_STATUSES:
            response.close()
            hint = _retry_after(response) if status in RETRY_AFTER_STATUSES else None
            return _Failure(f"HTTP {status}", hint)
        if status >= 400:
            if stream:
                response.read()
            response.close()
            raise FatalSourceError(_fatal_message(shown, response, secrets))
        return response

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before the next try: the portal's hint, else full-jitter exponential backoff."""
        ceiling = self._settings.http_backoff_max_s
        if retry_after is not None:
            return min(retry_after, ceiling)
        window = min(ceiling, self._settings.http_backoff_base_s * 2 ** (attempt - 1))
        return random.uniform(0, window)  # noqa: S311 - jitter spreads retries, not a secret


def _parse_json(response: httpx.Response, shown: str, secrets: frozenset[str]) -> Any:
    content = response.content.removeprefix(codecs.BOM_UTF8)
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        excerpt = _excerpt(content.decode("utf-8", "replace"), secrets)
        raise FatalSourceError(
            f"{shown} answered with content that is not JSON "
            f"(Content-Type {response.headers.get('content-type', 'unknown')!r}, "
            f"starting {excerpt!r}). The URL likely points at a web page rather than the "
            "portal's API: check the endpoint in the catalog entry."
        ) from None


def _gunzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Decompress a gzip stream chunk by chunk, across concatenated gzip members."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = chunk
        while data:
            yield inflater.decompress(data)
            data = inflater.unused_data
            if data:  # a new gzip member starts here
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    yield inflater.flush()


def _excerpt(text: str, secrets: frozenset[str]) -> str:
    """The start of a body for a message: redacted first, so no secret is cut in half."""
    return redact_secrets(text, secrets)[:BODY_EXCERPT_CHARS]


def _headers_shown(request: httpx.Request) -> dict[str, str]:
    return redact_headers(dict(request.headers))


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date; None if absent/bad."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP-date is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _fatal_message(shown: str, response: httpx.Response, secrets: frozenset[str]) -> str:
    status = response.status_code
    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
    if status in (404, 410):
        return (
            f"{shown}: {reason}. The dataset id or URL in the catalog entry is wrong, or the "
            "portal removed the dataset: open the portal in a browser, find the dataset's "
            "current address and fix the catalog file."
        )
    if status in (401, 403):
        return (
            f"{shown}: {reason}. The portal refused access: check the token or credentials "
            "(e.g. PERMITDB_SOCRATA_APP_TOKEN) and that the dataset is public."
        )
    excerpt = _excerpt(response.text, secrets)
    return (
        f"{shown}: {reason}, the portal rejected the request ({excerpt!r}). Check the catalog "
        "entry's query settings (field names in where, order, select and cursor)."
    )


def _unresolvable(exc: BaseException) -> bool:
    """The connection failed at name resolution (``socket.gaierror``, under httpx's wrappers)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return True
        cause = cause.__cause__ or cause.__context__
    return False
