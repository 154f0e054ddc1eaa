"""What each catalog record kind does in a sync: how a raw row is normalized, which table a
page is written to, and what runs after the page in the same transaction.

The pipeline (``ingest.run`` → ``page`` → ``commit`` → ``poison``) is the same for every kind:
resumable pages, quarantined rejects, the schema contract. Only these steps differ. The
``after_write`` steps see the records that were written, inside the page's transaction, so
what they derive (contractor links) commits or rolls back with the page. The ``after_run``
steps run once after the last page, over what the whole run wrote (place rollups), so their
set-based work is paid once per run rather than once per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import LicenseRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import CatalogError
from permitdb.normalize.licenses import normalize_license
from permitdb.normalize.parcels import normalize_parcel
from permitdb.normalize.record import normalize_record
from permitdb.store import place_metrics
from permitdb.store.contractors import (
    resolve_license_contractors,
    resolve_permit_contractors,
    upsert_permits_with_contractors,
)
from permitdb.store.licenses import upsert_licenses
from permitdb.store.parcels import upsert_parcels
from permitdb.store.records import StoredRecord, UpsertCounts
from permitdb.store.tables import contractor_licenses, parcels, permits
from permitdb.vocabulary import RecordKind

R = TypeVar("R", bound=StoredRecord)
R_co = TypeVar("R_co", bound=StoredRecord, covariant=True)
R_contra = TypeVar("R_contra", bound=StoredRecord, contravariant=True)


class Normalizer(Protocol[R_co]):
    def __call__(
        self, entry: CatalogEntry, raw: Mapping[str, Any], *, fetched_at: datetime
    ) -> R_co: ...


class Writer(Protocol[R_contra]):
    def __call__(
        self, conn: Connection, records: Sequence[R_contra], *, now: datetime, run_id: int | None
    ) -> UpsertCounts: ...


class AfterWrite(Protocol[R_contra]):
    def __call__(
        self, conn: Connection, entry: CatalogEntry, records: Sequence[R_contra], *, now: datetime
    ) -> None: ...


class AfterRun(Protocol):
    """A step over everything a sync wrote, once after its last page, in its own transaction;
    it must catch up by itself if an earlier run ended before running it."""

    def __call__(self, conn: Connection, entry: CatalogEntry, *, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class Kind(Generic[R]):
    name: RecordKind
    table: sa.Table
    normalize: Normalizer[R]
    write: Writer[R]
    after_write: tuple[AfterWrite[R], ...] = ()
    after_run: tuple[AfterRun, ...] = ()


def refresh_places(conn: Connection, entry: CatalogEntry, *, now: datetime) -> None:
    """Places and their monthly metrics, for the months the run's permits touched."""
    place_metrics.refresh(conn, entry.slug, now=now)


def refresh_property_types(conn: Connection, entry: CatalogEntry, *, now: datetime) -> None:
    """A roll usually arrives after the permits on its lots: the permits that now join one of
    the run's parcels move to its property type in their places' monthly metrics."""
    place_metrics.refresh_parcels(conn, entry.slug, now=now)


PERMITS: Kind[Any] = Kind(
    name="permits",
    table=permits,
    normalize=normalize_record,
    write=upsert_permits_with_contractors,
    after_write=(resolve_permit_contractors,),
    after_run=(refresh_places,),
)


LICENSES: Kind[LicenseRecord] = Kind(
    name="contractor_licenses",
    table=contractor_licenses,
    normalize=normalize_license,
    write=upsert_licenses,
    after_write=(resolve_license_contractors,),
)

PARCELS: Kind[Any] = Kind(
    name="parcels",
    table=parcels,
    normalize=normalize_parcel,
    write=upsert_parcels,
    after_run=(refresh_property_types,),
)

KINDS: Mapping[RecordKind, Kind[Any]] = {kind.name: kind for kind in (PERMITS, LICENSES, PARCELS)}


def kind_of(entry: CatalogEntry) -> Kind[Any]:
    """The kind an entry's records are, with a message naming the file when none handles it."""
    kind = KINDS.get(entry.kind)
    if kind is None:
        raise CatalogError(
            entry.slug,
            [
                f"kind {entry.kind!r} has no ingest pipeline in this version; upgrade "
                f"permitdb or set kind to one of {sorted(KINDS)}"
            ],
        )
    return kind
