"""One jurisdiction's stored records broken down by class, status, property class and tag."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from permitdb.services.counts import CountCache
from permitdb.store import places as store
from permitdb.store.places import Scope


@dataclass(frozen=True, slots=True)
class Breakdown:
    record_classes: dict[str, int]
    statuses: dict[str, int]
    property_classes: dict[str, int]
    categories: dict[str, int]
    tags: dict[str, int]


def breakdown(engine: Engine, cache: CountCache, slug: str) -> Breakdown:
    """Counts of ``slug``'s records, each read through the jurisdiction-led indexes."""
    scope = Scope(jurisdiction=slug)

    def count(conn: Connection) -> Breakdown:
        by = {
            column: store.value_counts(conn, column, scope)
            for column in ("record_class", "status", "property_class", "category")
        }
        return Breakdown(
            record_classes=by["record_class"],
            statuses=by["status"],
            property_classes=by["property_class"],
            categories=by["category"],
            tags=dict(store.tag_counts(conn, scope)),
        )

    return cache.get(engine, ("jurisdiction", slug), count)
