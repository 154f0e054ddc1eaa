"""The data release: when the data served was last refreshed, overall and per dataset."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.store.datasets import dataset_runs, registered_slugs


@dataclass(frozen=True, slots=True)
class Release:
    released_at: datetime | None  # the newest successful sync of any dataset
    datasets: dict[str, datetime | None]  # dataset slug -> its newest successful sync


def release(engine: Engine, catalog: Sequence[CatalogEntry]) -> Release:
    """Every catalog or registered dataset (null before its first good sync)."""
    with engine.connect() as conn:
        runs = dataset_runs(conn)
        slugs = {entry.slug for entry in catalog} | set(registered_slugs(conn))
    synced = {slug: runs.get(slug, {}).get("last_success_at") for slug in sorted(slugs)}
    return Release(
        released_at=max((at for at in synced.values() if at is not None), default=None),
        datasets=synced,
    )
