"""Verified API keys, remembered for a few seconds so a request does not query the database.

An entry is the key's row as read at most ``ttl`` seconds ago, found by the key's HMAC hash
(never by the key itself). A revoked, disabled, rotated or re-scoped key is therefore honoured
for at most ``ttl`` seconds after the change, in each API process; docs/api.md states that
bound. Only keys that were found are kept, so a newly created key works on its first request.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import datetime
from typing import Final

from permitdb.store.api_keys import ApiKeyRow

KEY_CACHE_SECONDS: Final = 5.0
# Only active keys are kept, so this bounds memory, not lookups: the operator's key count.
MAX_KEYS: Final = 10_000


class KeyCache:
    def __init__(
        self, ttl: float = KEY_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[ApiKeyRow, float]] = {}

    def get(self, key_hash: str) -> ApiKeyRow | None:
        """The row read for this hash within ``ttl`` seconds, if any."""
        entry = self._entries.get(key_hash)
        if entry is None:
            return None
        row, read_at = entry
        if self.clock() - read_at >= self.ttl:
            self._entries.pop(key_hash, None)
            return None
        return row

    def put(self, key_hash: str, row: ApiKeyRow) -> None:
        """Remember a row just read from the database."""
        if len(self._entries) >= MAX_KEYS:
            self._entries.clear()
        self._entries[key_hash] = (row, self.clock())

    def touched(self, key_hash: str, row: ApiKeyRow, when: datetime) -> ApiKeyRow:
        """``row`` with ``last_used_at`` = ``when``, kept without extending its lifetime."""
        touched = dataclasses.replace(row, last_used_at=when)
        entry = self._entries.get(key_hash)
        if entry is not None:
            self._entries[key_hash] = (touched, entry[1])
        return touched
