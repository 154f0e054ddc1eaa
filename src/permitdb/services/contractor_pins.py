"""Contractors as an operator handles them: look one up, pin a merge or a split.

A reference is a contractor id (``ctr_...``) or a mention key, whole or a prefix of at least
``MIN_PREFIX`` characters as ``permitdb contractors show`` prints it. Every change is one
transaction: the mention (or all of a contractor's mentions) moves with its permits and
licences, a pin records the decision so a re-ingest keeps it, and both rollups follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine

from permitdb.errors import PermitdbError
from permitdb.store import contractor_pins as pins
from permitdb.store.contractors import ID_PREFIX, contractor_id_for

MIN_PREFIX: Final = 8
SHOWN_KEY: Final = 12  # characters of a mention key the CLI prints


class ContractorRefError(PermitdbError):
    """A reference names no contractor or mention, or the change makes no sense for it."""


@dataclass(frozen=True)
class PinnedContractor:
    contractor: Any
    mentions: list[Any]
    pins: list[Any]


@dataclass(frozen=True)
class Moved:
    mentions: int
    permits: int
    target: str
    dropped: str | None = None  # a contractor the merge emptied and removed


def show(engine: Engine, ref: str) -> PinnedContractor:
    """The contractor ``ref`` names (or the contractor of the mention it names)."""
    with engine.connect() as conn:
        contractor = _contractor(conn, ref)
        mentions = pins.mentions_of(conn, contractor.id)
        found = pins.pins_of(conn, [m.mention_key for m in mentions], contractor.id)
        return PinnedContractor(contractor, mentions, found)


def merge(engine: Engine, ref: str, target_id: str, *, now: datetime, note: str | None) -> Moved:
    """Send the mention ``ref`` names, or every mention of the contractor it names, to
    ``target_id``, and pin each there."""
    with engine.begin() as conn:
        target = _contractor(conn, target_id, mentions=False)
        if ref.startswith(ID_PREFIX):
            source = _contractor(conn, ref, mentions=False)
            if source.id == target.id:
                raise ContractorRefError(f"{ref} is the contractor to merge into; name another.")
            moving = pins.mentions_of(conn, source.id)
        else:
            moving = [_mention(conn, ref)]
            if moving[0].contractor_id == target.id:
                raise ContractorRefError(
                    f"mention {ref} already belongs to {target.id}; nothing to merge."
                )
        permits = 0
        for mention in moving:
            permits += pins.move_mention(conn, mention, target.id, now=now)
            pins.add_pin(conn, "merge", mention.mention_key, target.id, note=note, now=now)
        emptied = {m.contractor_id for m in moving}
        dropped = [cid for cid in sorted(emptied) if pins.drop_if_empty(conn, cid)]
        return Moved(len(moving), permits, target.id, dropped[0] if dropped else None)


def split(
    engine: Engine, ref: str, contractor_id: str, *, now: datetime, note: str | None
) -> Moved:
    """Take the mention ``ref`` names out of ``contractor_id`` into a contractor of its own,
    and pin it away from ``contractor_id``."""
    with engine.begin() as conn:
        contractor = _contractor(conn, contractor_id, mentions=False)
        mention = _mention(conn, ref)
        if mention.contractor_id != contractor.id:
            raise ContractorRefError(
                f"mention {ref} belongs to {mention.contractor_id}, not {contractor.id}; "
                f"'permitdb contractors show {contractor.id}' lists its mentions."
            )
        if len(pins.mentions_of(conn, contractor.id)) == 1:
            raise ContractorRefError(
                f"mention {ref} is the only mention of {contractor.id}: it is on its own already."
            )
        own = contractor_id_for(mention.mention_key, salt="split")
        pins.found_contractor_for(conn, mention, own, now)
        permits = pins.move_mention(conn, mention, own, now=now)
        pins.add_pin(conn, "split", mention.mention_key, contractor.id, note=note, now=now)
        return Moved(1, permits, own)


def _contractor(conn: Connection, ref: str, *, mentions: bool = True) -> Any:
    if ref.startswith(ID_PREFIX):
        found = pins.find_contractor(conn, ref)
        if found is None:
            raise ContractorRefError(
                f"no contractor {ref}; a permit's contractor_id or the contractors API gives ids."
            )
        return found
    if not mentions:
        raise ContractorRefError(
            f"{ref!r} is not a contractor id: contractor ids start {ID_PREFIX}."
        )
    found = pins.find_contractor(conn, _mention(conn, ref).contractor_id)
    assert found is not None  # a mention's contractor exists (foreign key)
    return found


def _mention(conn: Connection, ref: str) -> Any:
    prefix = ref.lower()
    if len(prefix) < MIN_PREFIX or not all(ch in "0123456789abcdef" for ch in prefix):
        raise ContractorRefError(
            f"{ref!r} is neither a contractor id ({ID_PREFIX}...) nor a mention key (at least "
            f"{MIN_PREFIX} hex characters, as 'permitdb contractors show <id>' lists them)."
        )
    found = pins.mentions_by_prefix(conn, prefix)
    if not found:
        raise ContractorRefError(
            f"no mention key starts {ref}; 'permitdb contractors show <id>' lists a contractor's."
        )
    if len(found) > 1:
        raise ContractorRefError(f"more than one mention key starts {ref}; give more characters.")
    return found[0]
