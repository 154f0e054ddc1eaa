"""Jurisdiction requests as every caller needs them: the API records and lists, the CLI triages.

A requested name is matched case-, space- and punctuation-insensitively ("St. Louis" is
"st louis"), against the catalog first (a jurisdiction already covered is answered with its
slug, nothing recorded) and then against earlier requests (an upvote, one per API key).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.store import jurisdiction_requests as requests
from permitdb.store.jurisdiction_requests import (
    JurisdictionRequestRow,
    RequestKeyset,
    RequestStatus,
)

_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    """The matching form of a place name: ASCII letters and digits, one space between words.

    Apostrophes vanish ("O'Fallon" = "OFallon"); any other punctuation separates words
    ("St.Louis" = "St Louis"); accents fold ("Cañon City" = "Canon City").
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", ascii_name.lower())).strip()


@dataclass(frozen=True, slots=True)
class CoveredJurisdiction:
    slug: str
    name: str
    state: str


@dataclass(frozen=True, slots=True)
class RequestOutcome:
    """What one POST did: either the jurisdiction is covered, or a request it counted in."""

    covered: CoveredJurisdiction | None
    request: JurisdictionRequestRow | None
    created: bool  # this call recorded the request
    voted: bool  # this call counted this key's vote (False: it had voted before, or covered)


def covered_jurisdiction(
    catalog: Sequence[CatalogEntry], name: str, state: str
) -> CoveredJurisdiction | None:
    """The catalog jurisdiction this name and state mean, matched by name or by slug."""
    key = name_key(name)
    for entry in catalog:
        jurisdiction = entry.jurisdiction
        same_name = key in (name_key(jurisdiction.name), name_key(jurisdiction.slug))
        if jurisdiction.state == state and same_name:
            return CoveredJurisdiction(jurisdiction.slug, jurisdiction.name, jurisdiction.state)
    return None


def request_jurisdiction(
    engine: Engine,
    catalog: Sequence[CatalogEntry],
    *,
    name: str,
    state: str,
    api_key_id: int,
    now: datetime,
) -> RequestOutcome:
    """Record a request for ``name`` in ``state`` (a USPS code), or upvote the existing one."""
    covered = covered_jurisdiction(catalog, name, state)
    if covered is not None:
        return RequestOutcome(covered=covered, request=None, created=False, voted=False)
    with engine.begin() as conn:
        row, created = requests.find_or_create_request(
            conn, name_key=name_key(name), state=state, name=" ".join(name.split()), now=now
        )
        voted = requests.add_vote(conn, row.id, api_key_id, now=now)
        counted = requests.get_request(conn, row.id) if voted else row
    return RequestOutcome(covered=None, request=counted, created=created, voted=voted)


def list_requests(
    engine: Engine, *, limit: int, after: RequestKeyset | None = None
) -> tuple[list[JurisdictionRequestRow], RequestKeyset | None]:
    with engine.connect() as conn:
        return requests.list_requests(conn, limit=limit, after=after)


def set_status(
    engine: Engine, request_id: int, status: RequestStatus, *, now: datetime
) -> JurisdictionRequestRow | None:
    """The request with its new status; None when no request has this id."""
    with engine.begin() as conn:
        return requests.set_request_status(conn, request_id, status, now=now)
