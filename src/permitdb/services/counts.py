"""Counts of the stored data, computed once per data version and then served from memory.

A GROUP BY over a million permits takes far longer than the speed budget allows per request,
and summary tables written at ingest would have to be kept right by every writer. Instead each
count is cached under the data version (``store.places.data_version``: the newest record seq,
the newest ``updated_at``, the number of registered datasets), which every ingest page that
adds or changes a record moves. Every request pays one index-only query to read the version;
the first request after an ingest recounts what it asks for.

One interleaving leaves the version still: two ingests at once, where the page stamped earlier
commits later and only changes records (no new seq, an older ``updated_at`` than the newest).
So a count is also recounted once it is ``max_age`` old: then a minute is the worst staleness,
and one GROUP BY a minute per list is still nothing beside one per request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from permitdb.store.places import data_version

T = TypeVar("T")


class CountCache:
    """Results keyed by what was asked, all dropped when the data version moves.

    Bounded (least recently used goes first), since ``state=`` and ``jurisdiction=`` filters
    make one entry each. Safe across the API's worker threads: two threads that miss at once
    both count, and the second result simply replaces the first.
    """

    def __init__(self, max_entries: int = 512, max_age: float = 60.0) -> None:
        self._max_entries = max_entries
        self._max_age = max_age  # seconds
        self._version: tuple[Any, ...] | None = None
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, engine: Engine, key: Hashable, count: Callable[[Connection], T]) -> T:
        """``count(conn)`` for ``key``, from memory while the data has not changed."""
        with engine.connect() as conn:
            version = data_version(conn)
            with self._lock:
                if version != self._version:
                    self._entries.clear()
                    self._version = version
                elif key in self._entries:
                    counted_at, found = self._entries[key]
                    if time.monotonic() - counted_at < self._max_age:
                        self._entries.move_to_end(key)
                        hit: T = found
                        return hit
            counted_at = time.monotonic()
            value = count(conn)
        with self._lock:
            if self._version == version:
                self._entries[key] = (counted_at, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return value
