"""Contractor entities resolved from permit mentions and licence rows, kept at ingest.

Per page, inside its transaction (``ingest.kinds`` runs the resolvers after the write):

1. Each record's mention (``normalize.contractors``) is keyed by its evidence. A mention seen
   before keeps its contractor: ids never move on a re-ingest, only an operator's pin moves one.
2. A new mention with a ``merge`` pin goes where the pin says. The others fetch candidate
   mentions by indexed keys, a few queries per page: licence number, phone, address, and the
   name's block (its first distinctive word) within the state. ``match`` picks the best; a
   contractor a ``split`` pin keeps the mention away from is never picked. No match: a new
   contractor whose id derives from this first mention's key.
3. Permits (or licence rows) are pointed at their contractor. A permit the page inserted adds
   to its contractor's rollups; a contractor that lost a permit, or one of whose permits
   changed, is recomputed from its permits in SQL (``store.contractor_rollups``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import LicenseRecord, PermitRecord
from permitdb.catalog.model import CatalogEntry
from permitdb.normalize.contractors import (
    Match,
    Mention,
    clean_names,
    match,
    mention_from_license,
    mention_from_permit,
)
from permitdb.store.contractor_rollups import add_permits, refresh_rollups
from permitdb.store.permits import upsert_permits
from permitdb.store.records import UpsertCounts, chunks
from permitdb.store.tables import contractor_licenses, contractor_mentions, contractor_pins
from permitdb.store.tables import contractors as contractors_table
from permitdb.store.tables import permits as permits_table

ID_PREFIX: Final = "ctr_"
# Methods rank ties of equal confidence: a licence beats a phone beats an address beats a name.
_RANK: Final = {"license": 4, "phone": 3, "address": 2, "name_exact": 1, "name_fuzzy": 0}


def contractor_id_for(mention_key: str, *, salt: str = "") -> str:
    """The id of a contractor first seen through ``mention_key`` (``salt`` for a split-off)."""
    if salt:
        mention_key = hashlib.sha256(f"{salt}|{mention_key}".encode()).hexdigest()
    return ID_PREFIX + mention_key[:32]


@dataclass(slots=True)
class _Candidates:
    """Known mentions and their contractors, indexed by every key a new mention looks up."""

    by_key: dict[tuple[str, str], list[tuple[Mention, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, mention: Mention, contractor_id: str) -> None:
        for key in lookup_keys(mention):
            self.by_key[key].append((mention, contractor_id))

    def best(self, mention: Mention, excluded: set[str]) -> tuple[str, Match] | None:
        found: tuple[str, Match] | None = None
        for key in lookup_keys(mention):
            for candidate, contractor_id in self.by_key.get(key, ()):
                if contractor_id in excluded:
                    continue
                said = match(mention, candidate)
                if said is not None and (found is None or _better(said, found[1])):
                    found = (contractor_id, said)
        return found


def _better(new: Match, old: Match) -> bool:
    return (new.confidence, _RANK[new.method]) > (old.confidence, _RANK[old.method])


def lookup_keys(mention: Mention) -> list[tuple[str, str]]:
    """The (kind, value) keys a mention is found by; mirrored by the indexed queries."""
    keys = []
    if mention.license_key:
        keys.append(("license", f"{mention.license_state}|{mention.license_key}"))
    if mention.phone_key:
        keys.append(("phone", mention.phone_key))
    if mention.address_key:
        keys.append(("address", mention.address_key))
    keys.extend(("block", f"{mention.state}|{p.block}") for p in mention.parts if p.block)
    return keys


def upsert_permits_with_contractors(
    conn: Connection, records: Sequence[PermitRecord], *, now: datetime, run_id: int | None
) -> UpsertCounts:
    """The permit kind's writer: mentions are resolved first and each record carries its
    contractor, so a new permit is inserted already linked; ``resolve_permit_contractors``
    after the write then only points permits that were stored before, and keeps rollups."""
    mentions = [mention_from_permit(record) for record in records]
    linked = resolve_mentions(conn, [m for m in mentions if m], now=now)
    for record, mention in zip(records, mentions, strict=True):
        record.contractor_id = linked[mention.mention_key] if mention else None
    return upsert_permits(conn, records, now=now, run_id=run_id)


def resolve_permit_contractors(
    conn: Connection, entry: CatalogEntry, records: Sequence[PermitRecord], *, now: datetime
) -> None:
    """``AfterWrite`` for permits: link each permit to its contractor, refresh rollups."""
    del entry  # every fact needed is on the records
    latest = {record.id: record for record in records}  # a page may repeat a permit
    mentions = {pid: mention_from_permit(record) for pid, record in latest.items()}
    linked = resolve_mentions(conn, [m for m in mentions.values() if m], now=now)
    wanted = {pid: linked[m.mention_key] if m else None for pid, m in mentions.items()}
    stored = _stored_permits(conn, list(wanted), now)
    point_at(conn, permits_table, {p: c for p, c in wanted.items() if stored[p][0] != c})
    # A permit this page inserted only adds to its contractor; one whose content changed, or
    # that moved, needs its contractors (before and after) recomputed.
    added: dict[str, list[PermitRecord]] = defaultdict(list)
    recompute: set[str] = set()
    for record in latest.values():
        before, inserted, changed = stored[record.id]
        after = wanted[record.id]
        if inserted and after is not None:
            added[after].append(record)
        elif changed or before != after:
            recompute.update(cid for cid in (before, after) if cid is not None)
    add_permits(conn, {c: r for c, r in added.items() if c not in recompute}, now=now)
    refresh_rollups(conn, recompute, now=now)


def resolve_license_contractors(
    conn: Connection, entry: CatalogEntry, records: Sequence[LicenseRecord], *, now: datetime
) -> None:
    """``AfterWrite`` for licences: link each licence row to its contractor, which takes the
    licence's name, number and address when it had none (it was known from permits only)."""
    del entry
    mentions = {record.id: mention_from_license(record) for record in records}
    linked = resolve_mentions(conn, [m for m in mentions.values() if m], now=now)
    links: dict[str, str | None] = {}
    identities = []
    for record in records:
        mention = mentions[record.id]
        if mention is not None:
            links[record.id] = linked[mention.mention_key]
            identities.append(_licence_identity(linked[mention.mention_key], mention, record))
    point_at(conn, contractor_licenses, links)
    if identities:
        _adopt_licences(conn, identities, now)


def point_at(conn: Connection, table: sa.Table, links: Mapping[str, str | None]) -> None:
    """Set ``contractor_id`` of the rows of ``table`` (permits, licences) by their id."""
    if links:
        conn.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("rid"))
            .values(contractor_id=sa.bindparam("cid")),
            [{"rid": rid, "cid": cid} for rid, cid in links.items()],
        )


def resolve_mentions(
    conn: Connection, mentions: Sequence[Mention], *, now: datetime
) -> dict[str, str]:
    """mention_key -> contractor id for ``mentions``, creating what is new."""
    unique = {m.mention_key: m for m in mentions}
    linked = _known_mentions(conn, list(unique))
    new = [m for key, m in unique.items() if key not in linked]
    if not new:
        return linked
    merges, splits = _pins(conn, [m.mention_key for m in new])
    candidates = _candidates(conn, new)
    mention_rows: list[dict[str, Any]] = []
    contractor_rows: list[dict[str, Any]] = []
    for mention in new:
        key = mention.mention_key
        # a pinned mention, or one founding a contractor, is where it is for certain
        method, confidence = "pinned", 1.0
        if key in merges:
            contractor_id = merges[key]
        elif best := candidates.best(mention, splits.get(key, set())):
            contractor_id, said = best
            method, confidence = said.method, said.confidence
        else:
            contractor_id, method = contractor_id_for(key), "new"
            contractor_rows.append(contractor_row(contractor_id, mention, now))
        candidates.add(mention, contractor_id)
        linked[key] = contractor_id
        mention_rows.append(_mention_row(mention, contractor_id, method, confidence, now))
    if contractor_rows:
        conn.execute(sa.insert(contractors_table), contractor_rows)
    conn.execute(sa.insert(contractor_mentions), mention_rows)
    return linked


def _known_mentions(conn: Connection, keys: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in chunks(keys):
        query = sa.select(contractor_mentions.c.mention_key, contractor_mentions.c.contractor_id)
        found.update(conn.execute(query.where(contractor_mentions.c.mention_key.in_(chunk))).all())
    return found


def _pins(conn: Connection, keys: Sequence[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The latest merge pin of each mention, and the contractors split pins keep it from."""
    merges: dict[str, str] = {}
    splits: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks(keys):
        rows = conn.execute(
            sa.select(
                contractor_pins.c.kind,
                contractor_pins.c.mention_key,
                contractor_pins.c.contractor_id,
            )
            .where(contractor_pins.c.mention_key.in_(chunk))
            .order_by(contractor_pins.c.id)
        )
        for kind, key, contractor_id in rows:
            if kind == "merge":
                merges[key] = contractor_id
            else:
                splits[key].add(contractor_id)
    existing = _existing_contractors(conn, set(merges.values()))
    return {k: c for k, c in merges.items() if c in existing}, splits


def _existing_contractors(conn: Connection, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(sorted(ids)):
        query = sa.select(contractors_table.c.id).where(contractors_table.c.id.in_(chunk))
        found.update(conn.execute(query).scalars())
    return found


def _candidates(conn: Connection, new: Sequence[Mention]) -> _Candidates:
    """Stored mentions sharing a lookup key with a new one: one indexed query per key kind."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for mention in new:
        for kind, value in lookup_keys(mention):
            wanted[kind].add(value)
    m = contractor_mentions.c
    conditions = {
        "license": lambda values: m.license_key.in_({v.split("|", 1)[1] for v in values}),
        "phone": lambda values: m.phone_key.in_(values),
        "address": lambda values: m.address_key.in_(values),
        "block": lambda values: m.block_key.in_({v.split("|", 1)[1] for v in values}),
    }
    found = _Candidates()
    seen: set[str] = set()
    for kind, values in wanted.items():
        for chunk in chunks(sorted(values)):
            for row in conn.execute(sa.select(contractor_mentions).where(conditions[kind](chunk))):
                if row.mention_key not in seen:
                    seen.add(row.mention_key)
                    found.add(stored_mention(row), row.contractor_id)
    return found


def stored_mention(row: Any) -> Mention:
    """A stored mention row as the ``Mention`` it was made from."""
    return Mention(
        source=row.source,
        names=clean_names(row.name),
        license_key=row.license_key,
        license_state=row.license_state,
        phone_key=row.phone_key,
        address_key=row.address_key,
        state=row.state,
    )


def _mention_row(
    mention: Mention, contractor_id: str, method: str, confidence: float, now: datetime
) -> dict[str, Any]:
    return {
        "mention_key": mention.mention_key,
        "contractor_id": contractor_id,
        "source": mention.source,
        "name": " DBA ".join(mention.names) or None,
        "name_key": mention.name_key,
        "block_key": mention.block_key,
        "license_key": mention.license_key,
        "license_state": mention.license_state,
        "phone_key": mention.phone_key,
        "address_key": mention.address_key,
        "state": mention.state,
        "match_method": method,
        "confidence": confidence,
        "first_seen_at": now,
        "updated_at": now,
    }


def contractor_row(contractor_id: str, mention: Mention, now: datetime) -> dict[str, Any]:
    return {
        "id": contractor_id,
        "name": mention.names[0] if mention.names else (mention.license_key or "(unnamed)"),
        "name_key": mention.name_key or "",
        "license_key": mention.license_key,
        "license_state": mention.license_state if mention.license_key else None,
        "phone": mention.phone_key,
        "address": mention.address_key.split("|", 1)[0] if mention.address_key else None,
        "state": mention.state,
        "permit_count": 0,
        "tag_counts": {},
        "classification_derived": [],
        "first_seen_at": now,
        "updated_at": now,
    }


_IDENTITY: Final = ("name", "name_key", "phone", "address", "city", "state", "zip", "county_fips")
_PLACE: Final = ("address", "city", "zip", "county_fips")


def _licence_identity(
    contractor_id: str, mention: Mention, record: LicenseRecord
) -> dict[str, Any]:
    return {
        "cid": contractor_id,
        "v_license_key": mention.license_key,
        "v_license_state": mention.license_state,
        "v_name": mention.names[0] if mention.names else None,
        "v_name_key": mention.name_key,
        "v_phone": mention.phone_key,
        "v_address": record.address,
        "v_city": record.city,
        "v_state": mention.state,
        "v_zip": record.zip,
        "v_county_fips": record.county_fips,
    }


def _adopt_licences(conn: Connection, identities: list[dict[str, Any]], now: datetime) -> None:
    """A contractor known only from permits takes its first licence's published identity."""
    c = contractors_table.c
    values: dict[str, Any] = {
        name: sa.func.coalesce(sa.bindparam(f"v_{name}"), c[name]) for name in _IDENTITY
    }
    conn.execute(
        sa.update(contractors_table)
        .where(c.id == sa.bindparam("cid"), c.license_key.is_(None))
        .values(
            license_key=sa.bindparam("v_license_key"),
            license_state=sa.bindparam("v_license_state"),
            updated_at=now,
            **values,
        ),
        list({row["cid"]: row for row in identities if row["v_license_key"]}.values()),
    )
    # a contractor first seen on a licence (or on a permit with no address) has no place yet:
    # it takes its licence's, so the listing's city, ZIP and county filters find it
    placed = list({row["cid"]: row for row in identities if row["v_city"]}.values())
    if placed:
        place = {name: sa.func.coalesce(c[name], sa.bindparam(f"v_{name}")) for name in _PLACE}
        conn.execute(
            sa.update(contractors_table)
            .where(c.id == sa.bindparam("cid"), c.city.is_(None))
            .values(**place),
            placed,
        )


def _stored_permits(
    conn: Connection, ids: Sequence[str], now: datetime
) -> dict[str, tuple[str | None, bool, bool]]:
    """id -> (contractor id, inserted by this page, rewritten by this page) of the page's
    permits, just written with ``now`` as their timestamps (compared in SQL: no datetime is
    read back)."""
    p = permits_table.c
    stamp = sa.bindparam("now", now, type_=p.updated_at.type)
    inserted = sa.case((p.first_seen_at == stamp, True), else_=False)
    changed = sa.case((p.updated_at == stamp, True), else_=False)
    found: dict[str, tuple[str | None, bool, bool]] = {}
    for chunk in chunks(ids):
        query = sa.select(p.id, p.contractor_id, inserted, changed).where(p.id.in_(chunk))
        found.update((row[0], (row[1], bool(row[2]), bool(row[3]))) for row in conn.execute(query))
    return found
