"""Contractors as every caller asks for them: search, by id, a batch of ids, a licence
verification by number, a contractor's permits and its monthly metrics.

A contractor is read with its licences (one query per page, never one per contractor); its
primary licence is the one resolution named on the contractor row, else the latest to expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import Connection, Engine, RowMapping

from permitdb.canonical import PermitRecord
from permitdb.normalize.contractors import license_key
from permitdb.services.permits import Joined, joined
from permitdb.store import contractor_queries as store
from permitdb.store.contractor_queries import ContractorKeyset, ContractorQuery, MetricsWindow
from permitdb.store.permits import PermitQuery, search_permits
from permitdb.store.sorts import PermitKeyset

# PermitFlow's verification counts a licence holder's permits of the last 90 days.
RECENT_DAYS: Final = 90


@dataclass(frozen=True, slots=True)
class ContractorView:
    row: RowMapping  # the contractors row
    licenses: list[RowMapping]  # its licences, the primary one first


@dataclass(frozen=True, slots=True)
class ContractorPage:
    contractors: list[ContractorView]
    next_keyset: ContractorKeyset | None


def _primary_first(row: RowMapping, licenses: list[RowMapping]) -> list[RowMapping]:
    named = (row["license_key"], row["license_state"])
    return sorted(licenses, key=lambda lic: (lic["license_key"], lic["license_state"]) != named)


def _views(conn: Connection, rows: Sequence[RowMapping]) -> list[ContractorView]:
    licenses = store.licenses_of(conn, [row["id"] for row in rows])
    return [ContractorView(row, _primary_first(row, licenses.get(row["id"], []))) for row in rows]


def search(
    engine: Engine, query: ContractorQuery, *, after: ContractorKeyset | None
) -> ContractorPage:
    with engine.connect() as conn:
        rows, next_keyset = store.search_contractors(conn, query, after=after)
        return ContractorPage(_views(conn, rows), next_keyset)


def by_ids(engine: Engine, ids: Sequence[str]) -> tuple[list[ContractorView], list[str]]:
    """(the contractors, in the order first asked, each once; the ids asked that none has)."""
    asked = list(dict.fromkeys(ids))
    with engine.connect() as conn:
        found = store.get_contractors(conn, asked)
        views = _views(conn, [found[i] for i in asked if i in found])
    return views, [i for i in asked if i not in found]


def by_id(engine: Engine, contractor_id: str) -> ContractorView | None:
    views, _ = by_ids(engine, [contractor_id])
    return views[0] if views else None


@dataclass(frozen=True, slots=True)
class LicenseMatch:
    license: RowMapping  # the licence row (the latest to expire, when a board keeps several)
    contractor: RowMapping | None  # the contractor it resolved to
    permits_last_90d: int


@dataclass(frozen=True, slots=True)
class LicenseAmbiguous:
    states: tuple[str, ...]  # the states whose boards issued a licence with this number


def by_license(
    engine: Engine, number: str, *, state: str | None, today: date
) -> LicenseMatch | LicenseAmbiguous | None:
    """The licence with this number (in ``state``), its contractor and recent permits."""
    key = license_key(number)
    if not key:
        return None
    with engine.connect() as conn:
        rows = store.licenses_by_key(conn, key, state)
        if not rows:
            return None
        states = tuple(dict.fromkeys(row["license_state"] or "" for row in rows))
        if len(states) > 1:
            return LicenseAmbiguous(states)
        license = rows[0]
        contractor_id = license["contractor_id"]
        if contractor_id is None:
            return LicenseMatch(license, None, 0)
        contractor = store.get_contractors(conn, [contractor_id]).get(contractor_id)
        since = today - timedelta(days=RECENT_DAYS)
        return LicenseMatch(license, contractor, store.permits_since(conn, contractor_id, since))


@dataclass(frozen=True, slots=True)
class ContractorPermits:
    records: list[PermitRecord]
    next_keyset: PermitKeyset | None
    joined: Joined


def permits(
    engine: Engine, query: PermitQuery, *, after: PermitKeyset | None
) -> ContractorPermits | None:
    """One page of the permits of ``query.contractor_id``; None when no contractor has it."""
    assert query.contractor_id is not None, "a contractor's permits need its id"
    with engine.connect() as conn:
        if not store.get_contractors(conn, [query.contractor_id]):
            return None
        records, next_keyset = search_permits(conn, query, after=after)
        return ContractorPermits(records, next_keyset, joined(conn, records))


@dataclass(frozen=True, slots=True)
class ContractorMetrics:
    lifetime: RowMapping
    monthly: list[RowMapping]
    monthly_by_tag: list[RowMapping]
    by_tag: list[RowMapping]


def metrics(engine: Engine, contractor_id: str, window: MetricsWindow) -> ContractorMetrics | None:
    """Lifetime totals, and per month, per month and tag, and per tag within ``window``."""
    with engine.connect() as conn:
        if not store.get_contractors(conn, [contractor_id]):
            return None
        return ContractorMetrics(
            lifetime=store.lifetime_totals(conn, contractor_id),
            monthly=store.monthly_totals(conn, contractor_id, window, by_tag=False),
            monthly_by_tag=store.monthly_totals(conn, contractor_id, window, by_tag=True),
            by_tag=store.tag_totals(conn, contractor_id, window),
        )
