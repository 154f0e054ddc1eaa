"""Counts of the stored data, computed once per data version and then served from memory.

A GROUP BY over a million permits takes far longer than the speed budget allows per request,
and summary tables written at ingest would have to be kept right by every writer. Instead each
count is cached under the data version (``store.places.data_version``: the newest record seq,
the newest ``updated_at``, the number of registered datasets), which every ingest page that
adds or changes a record moves. Every request pays one index-only query to read the version;
the first request after an ingest recounts what it asks for, so no answer is ever stale.
"""

from __future__ import annotations

import threading
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

    def __init__(self, max_entries: int = 512) -> None:
        self._max_entries = max_entries
        self._version: tuple[Any, ...] | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
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
                    self._entries.move_to_end(key)
                    found: T = self._entries[key]
                    return found
            value = count(conn)
        with self._lock:
            if self._version == version:
                self._entries[key] = value
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return value
