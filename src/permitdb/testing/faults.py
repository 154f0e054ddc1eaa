"""Portal faults: a dataset's replay answers the way misbehaving live portals do.

Live portals ignore the offset, send an empty page in mid-stream, serve a page twice, cap
pages below the requested size without saying so, count records they do not serve, say
``exceededTransferLimit`` over an empty page, answer HTTP 200 with an error body, or send
malformed JSON. A test injects such faults into the replay portal for one dataset::

    with ReplayPortal([entry]) as portal:
        inject(portal, entry, EmptyPage(at=2, times=None))
        ...  # the real connector, through HttpClient(origin_map=portal.origin_map)

Faults act on a dataset's requests of one ``kind`` (``page``, ``count``, ``description``,
``ids``, ``file``), from its ``at``-th request of that kind (1-based) for ``times`` requests
(``None``: every one from then on): retries of a page count as requests. How a platform
spells pages, offsets, limits, counts and "more" flags lives in ``faults_dialects``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import orjson

from permitdb.catalog.model import CatalogEntry
from permitdb.testing.faults_dialects import DIALECTS, Dialect, RequestKind
from permitdb.testing.portal import ReplayPortal, ReplayRequest, ReplayResponse, Serve


@dataclass(frozen=True)
class Fault:
    """A misbehaviour of the portal for requests of ``kind``: see the module docstring."""

    at: int = 1
    times: int | None = 1
    kinds: ClassVar[frozenset[RequestKind]] = frozenset({"page"})

    def applies(self, kind: RequestKind, number: int) -> bool:
        last = None if self.times is None else self.at + self.times - 1
        in_window = number >= self.at and (last is None or number <= last)
        return kind in self.affects() and in_window

    def affects(self) -> frozenset[RequestKind]:
        """The kinds of request this fault acts on."""
        return self.kinds

    def rewrite(
        self, dialect: Dialect, request: ReplayRequest, previous: ReplayRequest | None
    ) -> ReplayRequest:
        """The request the portal really answers (``previous``: the page request served last)."""
        return request

    def alter(self, dialect: Dialect, kind: RequestKind, document: Any) -> Any:
        """The JSON document the portal really sends instead of ``document``."""
        return document


@dataclass(frozen=True)
class IgnoreOffset(Fault):
    """Every page starts at the first record, whatever offset was asked for."""

    times: int | None = None

    def rewrite(
        self, dialect: Dialect, request: ReplayRequest, previous: ReplayRequest | None
    ) -> ReplayRequest:
        return dialect.with_offset(request, 0)


@dataclass(frozen=True)
class SilentCap(Fault):
    """Pages hold at most ``rows`` records, and the answer says nothing about more."""

    rows: int = 4
    times: int | None = None

    def rewrite(
        self, dialect: Dialect, request: ReplayRequest, previous: ReplayRequest | None
    ) -> ReplayRequest:
        limit = dialect.limit(request)
        return dialect.with_limit(request, self.rows if limit is None else min(limit, self.rows))

    def alter(self, dialect: Dialect, kind: RequestKind, document: Any) -> Any:
        return dialect.without_more_flag(document)


@dataclass(frozen=True)
class EmptyPage(Fault):
    """A page with no records; ``claim_more``: saying more follow (exceededTransferLimit)."""

    claim_more: bool = False

    def alter(self, dialect: Dialect, kind: RequestKind, document: Any) -> Any:
        return dialect.emptied(document, claim_more=self.claim_more)


@dataclass(frozen=True)
class RepeatPage(Fault):
    """The page served last, again, instead of the page asked for."""

    at: int = 2

    def rewrite(
        self, dialect: Dialect, request: ReplayRequest, previous: ReplayRequest | None
    ) -> ReplayRequest:
        return request if previous is None else previous


@dataclass(frozen=True)
class CountMismatch(Fault):
    """The portal's count (and CKAN's per-page ``total``) is off by ``delta`` records."""

    delta: int = 50
    times: int | None = None
    kinds: ClassVar[frozenset[RequestKind]] = frozenset({"count", "page"})

    def alter(self, dialect: Dialect, kind: RequestKind, document: Any) -> Any:
        return dialect.recounted(document, self.delta)


@dataclass(frozen=True)
class EsriError(Fault):
    """ArcGIS's HTTP 200 ``{"error": {"code": ...}}`` instead of the answer."""

    code: int = 500

    def alter(self, dialect: Dialect, kind: RequestKind, document: Any) -> Any:
        message = "Error performing query operation"
        return {"error": {"code": self.code, "message": message, "details": []}}


@dataclass(frozen=True, kw_only=True)
class Malformed(Fault):
    """``transform(document)`` instead of the answer to requests of ``kind``."""

    transform: Callable[[Any], Any]
    kind: RequestKind = "page"
    times: int | None = None

    def affects(self) -> frozenset[RequestKind]:
        return frozenset({self.kind})

    def alter(self, dialect: Dialect, kind: RequestKind, document: Any) -> Any:
        return self.transform(document)


class FaultyAnswers:
    """The interceptor ``inject`` installs: applies faults to one dataset's answers."""

    def __init__(self, faults: tuple[Fault, ...]) -> None:
        self._faults = faults
        self._lock = threading.Lock()
        self._numbers: Counter[RequestKind] = Counter()
        self._previous_page: ReplayRequest | None = None
        self.faulted = 0  # answers a fault acted on: a test can tell its fault really happened

    def __call__(
        self, entry: CatalogEntry, request: ReplayRequest, serve: Serve
    ) -> ReplayResponse | None:
        dialect = DIALECTS[entry.source.platform]
        kind = dialect.kind(entry, request)
        with self._lock:
            self._numbers[kind] += 1
            active = [fault for fault in self._faults if fault.applies(kind, self._numbers[kind])]
            asked = request
            for fault in active:
                asked = fault.rewrite(dialect, asked, self._previous_page)
            if kind == "page":  # what was served: a repeated page stays repeated
                self._previous_page = asked
            self.faulted += bool(active)
        response = serve(asked)
        if response is None or response.status != 200 or not active:
            return response
        if "json" not in response.content_type:
            return response
        document = orjson.loads(response.body)
        for fault in active:
            document = fault.alter(dialect, kind, document)
        return replace(response, body=orjson.dumps(document))


def inject(portal: ReplayPortal, entry: CatalogEntry, *faults: Fault) -> FaultyAnswers:
    """From now on, ``portal`` answers ``entry``'s requests with ``faults``."""
    answers = FaultyAnswers(faults)
    portal.intercept(entry.slug, answers)
    return answers
