"""A local stand-in for live portals that serves the bundled ``recordings/`` over HTTP.

URLs look like ``http://127.0.0.1:PORT/{host}/{path}``: ``origin_map`` sends ``https://{host}``
of every catalog entry there, so the real connectors, HTTP client and paging run unchanged.
Each platform's ``replay_*`` module answers that platform's paging parameters from the
recording. ``fail_next`` injects failures to test retries; ``intercept`` lets a dataset's
answers misbehave in subtler ways (``testing/faults.py``); ``requests`` lists what was asked.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, unquote_plus, urlsplit

import orjson

from permitdb.catalog.load import recording_problems
from permitdb.catalog.model import CatalogEntry, Platform
from permitdb.errors import FatalSourceError
from permitdb.settings import get_settings
from permitdb.sources.endpoints import endpoint_host

log = logging.getLogger("permitdb.testing")


@dataclass(frozen=True)
class ReplayRequest:
    """One request to the portal; ``path`` follows ``/{host}``, e.g. ``/resource/x.json``."""

    path: str
    query: dict[str, list[str]]


@dataclass(frozen=True)
class ReplayResponse:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


# (entry, recordings_dir, request) -> the answer, or None when the request is not for this entry.
ReplayHandler = Callable[[CatalogEntry, Path, ReplayRequest], ReplayResponse | None]
# The recording's own answer to a request (None: not this entry's).
Serve = Callable[[ReplayRequest], ReplayResponse | None]
# (entry, request, serve) -> the answer a misbehaving portal gives instead.
Interceptor = Callable[[CatalogEntry, ReplayRequest, Serve], ReplayResponse | None]


@functools.cache
def replay_handlers() -> dict[Platform, ReplayHandler]:
    """Each platform's replay handler.

    Imported on first use rather than at the top: the replay modules import this module's
    request and response types, and would otherwise find it half-initialized.
    """
    from permitdb.testing import (
        replay_arcgis,
        replay_carto,
        replay_ckan,
        replay_files,
        replay_socrata,
    )

    return {
        "socrata": replay_socrata.handle,
        "arcgis": replay_arcgis.handle,
        "ckan": replay_ckan.handle,
        "carto": replay_carto.handle,
        "file": replay_files.handle,
    }


def default_recordings_dir() -> Path:
    """``PERMITDB_RECORDINGS_DIR``, else the recordings bundled in the package."""
    return get_settings().resolved_recordings_dir()


def replayed_entries(
    entries: Sequence[CatalogEntry], recordings_dir: Path | None = None
) -> list[CatalogEntry]:
    """``entries`` with each local-file source reading its recording.

    The catalog's relative paths are read from the current directory, which holds a
    ``recordings/`` only in a checkout; a replay reads the recording wherever it is installed.
    """
    folder = recordings_dir or default_recordings_dir()
    return [
        entry.model_copy(
            update={
                "source": entry.source.model_copy(
                    update={"url": str(folder / entry.recording.path)}
                )
            }
        )
        if entry.source.platform == "file" and endpoint_host(entry.source) is None
        else entry
        for entry in entries
    ]


def json_response(status: int, document: object) -> ReplayResponse:
    return ReplayResponse(status=status, body=orjson.dumps(document))


@dataclass
class _Faults:
    remaining: int = 0
    status: int = 503
    retry_after: float | None = None


class ReplayPortal:
    """Serve recordings for ``entries`` on 127.0.0.1 (an ephemeral port) while in a ``with``."""

    def __init__(self, entries: Sequence[CatalogEntry], recordings_dir: Path | None = None) -> None:
        self._recordings_dir = recordings_dir or default_recordings_dir()
        # Checked up front: served as an HTTP error, a missing file would look like a portal
        # outage and be retried for minutes.
        missing = [
            f"{entry.slug}: {problem}"
            for entry in entries
            for problem in recording_problems(entry, self._recordings_dir)
        ]
        if len(missing) > 1:
            missing[1:] = [
                f"{len(missing) - 1} more recording(s) are missing too: "
                "'permitdb catalog check' lists them all"
            ]
        if missing:
            raise FatalSourceError("; ".join(missing))
        self._by_host: dict[str, list[CatalogEntry]] = defaultdict(list)
        for entry in entries:
            host = endpoint_host(entry.source)
            if host is not None:  # local files are read from disk, not served
                self._by_host[host].append(entry)
        self._lock = threading.Lock()
        self._faults = _Faults()
        self._interceptors: dict[str, Interceptor] = {}
        self._requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ReplayPortal:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        # A short poll interval makes shutdown (once per test) quick.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, name="replay-portal", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the replay portal is not running: use it in a `with` block")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def origin_map(self) -> dict[str, str]:
        """Live origins of every served host -> this portal, for ``HttpClient(origin_map=)``."""
        return {
            f"{scheme}://{host}": f"{self.base_url}/{host}"
            for host in self._by_host
            for scheme in ("https", "http")
        }

    @property
    def requests(self) -> list[str]:
        """Every request received, as ``/{host}/{path}?{decoded query}``, oldest first."""
        with self._lock:
            return list(self._requests)

    def fail_next(self, count: int, *, status: int = 503, retry_after: float | None = None) -> None:
        """Answer the next ``count`` requests with ``status`` (and ``Retry-After``, if given)."""
        with self._lock:
            self._faults = _Faults(count, status, retry_after)

    def intercept(self, slug: str, interceptor: Interceptor) -> None:
        """Answer the dataset ``slug``'s requests through ``interceptor`` from now on."""
        with self._lock:
            self._interceptors[slug] = interceptor

    def _served(
        self, entries: Sequence[CatalogEntry], request: ReplayRequest, serve: Serve
    ) -> ReplayResponse | None:
        with self._lock:
            intercepted = [
                (e, self._interceptors[e.slug]) for e in entries if e.slug in self._interceptors
            ]
        if not intercepted:
            return serve(request)
        entry, interceptor = intercepted[0]
        return interceptor(entry, request, serve)

    def answer(self, raw_path: str) -> ReplayResponse:
        """The response to a GET of ``raw_path`` (path and query, as received)."""
        parts = urlsplit(raw_path)
        with self._lock:
            self._requests.append(
                f"{parts.path}?{unquote_plus(parts.query)}" if parts.query else parts.path
            )
            if self._faults.remaining > 0:
                self._faults.remaining -= 1
                headers = {}
                if self._faults.retry_after is not None:
                    headers["Retry-After"] = f"{self._faults.retry_after:g}"
                document = {"error": True, "message": "injected failure (ReplayPortal.fail_next)"}
                return ReplayResponse(self._faults.status, orjson.dumps(document), headers=headers)
        host, _, rest = parts.path.lstrip("/").partition("/")
        request = ReplayRequest(
            path=f"/{rest}", query=parse_qs(parts.query, keep_blank_values=True)
        )
        entries = self._by_host.get(host, [])
        shared = [e for e in entries if e.source.platform == "file"]
        if shared:  # entries may share one upstream file: its handler sees them all at once
            from permitdb.testing import replay_files

            serve_file = functools.partial(replay_files.handle_shared, shared, self._recordings_dir)
            served = self._served(shared, request, serve_file)
            if served is not None:
                return served
        handlers = replay_handlers()
        for entry in (e for e in entries if e.source.platform != "file"):
            serve = functools.partial(handlers[entry.source.platform], entry, self._recordings_dir)
            try:
                response = self._served([entry], request, serve)
            except Exception as exc:  # a replay bug answers 500, as a broken portal would
                log.exception("replay handler for %s failed on %s", entry.slug, raw_path)
                return json_response(500, {"error": True, "message": f"replay handler: {exc}"})
            if response is not None:
                return response
        return json_response(
            404,
            {
                "error": True,
                "message": f"no recorded dataset answers {parts.path} on host {host!r}",
            },
        )


def _handler_class(portal: ReplayPortal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as live portals do
        # Headers and body go out in separate writes: without TCP_NODELAY each response on a
        # kept-alive connection waits out the client's delayed ACK (about 40 ms).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            response = portal.answer(self.path)
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            log.debug("replay portal: " + format, *args)

    return Handler
