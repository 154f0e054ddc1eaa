"""The contract every platform connector implements.

A source knows its portal's protocol and nothing of the canonical schema: it yields pages of
raw records (``dict``s exactly as the portal sent them, with geometry, if any, under
``GEOMETRY_KEY`` as a WGS84 GeoJSON geometry) and, with each page, a JSON-serializable
``resume`` token that restarts the same sync right after that page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from permitdb.catalog.model import CatalogEntry

RawRecord = dict[str, Any]
ResumeToken = Mapping[str, Any]

GEOMETRY_KEY = "@geometry"

ConfigT = TypeVar("ConfigT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of raw records and where to resume after it."""

    records: list[RawRecord]
    resume: dict[str, Any]


class Source(Protocol):
    """Fetch a dataset page by page.

    ``since``: only records whose catalog cursor field is at or after this value (closed
    range); ``None`` reads everything. ``resume``: a token from a previous ``Page`` of the same
    sync (same ``since``); paging continues right after that page.
    """

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]: ...

    def count(self, *, since: str | None = None) -> int | None:
        """How many records the sync will read, when the portal can say cheaply; else None."""
        ...


def source_config(entry: CatalogEntry, expected: type[ConfigT]) -> ConfigT:
    """``entry.source`` as the platform model a connector reads (narrowed for the type checker).

    A mismatch is a programming error, not bad data: connectors are built by
    ``sources.registry.build_source``, which dispatches on the platform.
    """
    if not isinstance(entry.source, expected):
        raise TypeError(
            f"{entry.slug}: a {expected.__name__} connector cannot read platform "
            f"{entry.source.platform!r}; build sources with permitdb.sources.registry.build_source"
        )
    return entry.source
