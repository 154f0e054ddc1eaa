"""What the stored data covers, for the browse lists, and hints when a filter matches nothing;
and the places by geo id (search, details, permits, metrics), read from the tables and rollups
``store.place_metrics`` keeps at ingest.

Every list comes whole from a ``CountCache`` (one GROUP BY per data version); the API pages it.
The hint reads the same cached lists, and only for an empty page; the jurisdiction check asks
the database only about a slug the catalog does not list.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection, Engine

from permitdb.catalog.model import CatalogEntry, ValueMaps
from permitdb.normalize.addresses import parse_street
from permitdb.normalize.classify import classify
from permitdb.services.counts import CountCache
from permitdb.store import place_metrics as metrics_store
from permitdb.store import places as store
from permitdb.store.permit_filters import PermitQuery, city_key
from permitdb.store.places import Scope

PlaceColumn = Literal["city", "zip"]
NEAREST: Final = 5
NEAREST_SCORE: Final = 60  # rapidfuzz WRatio, 0-100: below this a name is no longer "near"


@dataclass(frozen=True, slots=True)
class StateCount:
    state: str
    jurisdictions: int
    records: int


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """A city or ZIP code as stored, in its state."""

    name: str
    state: str
    records: int


@dataclass(frozen=True, slots=True)
class PermitTypeCount:
    permit_type: str
    jurisdiction: str
    dataset: str
    records: int
    tags: tuple[str, ...]  # what the dataset's value maps and the general rules make of it


@dataclass(frozen=True, slots=True)
class Hint:
    message: str
    browse: str
    nearest: list[str]


def states(engine: Engine, cache: CountCache) -> list[StateCount]:
    """Every state with a registered jurisdiction or a stored record."""

    def count(conn: Connection) -> list[StateCount]:
        jurisdictions = store.jurisdictions_by_state(conn)
        records = store.value_counts(conn, "state")
        return [
            StateCount(state, jurisdictions.get(state, 0), records.get(state, 0))
            for state in sorted(jurisdictions.keys() | records.keys())
        ]

    return cache.get(engine, ("states",), count)


def stored_places(
    engine: Engine, cache: CountCache, column: PlaceColumn, state: str | None = None
) -> list[PlaceCount]:
    """Cities or ZIP codes exactly as stored (the filter's values), in ``state`` if given."""

    def count(conn: Connection) -> list[PlaceCount]:
        rows = store.group_counts(conn, ["state", column], Scope(state=state))
        return [PlaceCount(name, row_state, n) for row_state, name, n in rows]

    return cache.get(engine, (column, state), count)


def value_counts(engine: Engine, cache: CountCache, column: str) -> dict[str, int]:
    """Records per stored value of a vocabulary column: ``status``, ``property_class``, ``tag``."""

    def count(conn: Connection) -> dict[str, int]:
        if column == "tag":
            return dict(store.tag_counts(conn))
        return store.value_counts(conn, column)

    return cache.get(engine, ("values", column), count)


def permit_types(
    engine: Engine, cache: CountCache, catalog: Sequence[CatalogEntry], jurisdiction: str | None
) -> list[PermitTypeCount]:
    """Raw permit types per dataset, with the tags the type alone earns in that dataset."""
    value_maps = {entry.slug: entry.value_maps for entry in catalog}

    # classified inside the count, so the rules run once per data version, not per request
    def count(conn: Connection) -> list[PermitTypeCount]:
        columns = ["jurisdiction", "dataset", "permit_type"]
        rows = store.group_counts(conn, columns, Scope(jurisdiction=jurisdiction))
        return [
            PermitTypeCount(
                permit_type=permit_type,
                jurisdiction=slug,
                dataset=dataset,
                records=records,
                tags=tuple(
                    classify(
                        {"permit_type": permit_type}, value_maps.get(dataset, ValueMaps())
                    ).tags
                ),
            )
            for slug, dataset, permit_type, records in rows
        ]

    return cache.get(engine, ("permit_type", jurisdiction), count)


def nearest(value: str, choices: Collection[str]) -> list[str]:
    """The stored names closest to ``value``, closest first."""
    found = process.extract(
        value,
        list(choices),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=NEAREST,
        score_cutoff=NEAREST_SCORE,
    )
    return [choice for choice, _score, _index in found]


def unknown_jurisdictions(
    engine: Engine, catalog: Sequence[CatalogEntry], slugs: Sequence[str]
) -> dict[str, list[str]]:
    """Each slug neither the catalog nor the store knows, with the nearest known slugs.

    The catalog answers for every slug it lists without touching the database.
    """
    known = {entry.jurisdiction.slug for entry in catalog}
    if all(slug in known for slug in slugs):
        return {}
    with engine.connect() as conn:
        known.update(store.stored_jurisdictions(conn))
    return {slug: nearest(slug, known) for slug in slugs if slug not in known}


def geography_hint(engine: Engine, cache: CountCache, query: PermitQuery) -> Hint | None:
    """For an empty page: the first state, city or zip value that no stored record has.

    A city is looked for within the asked state, so ``city=Austin&state=NY`` names New York's
    cities. None when every value exists (the other filters emptied the page).
    """
    if query.state:
        held = {s.state for s in states(engine, cache) if s.records}
        if query.state not in held:
            return _hint("state", query.state, "/v1/states", held)
    place_filters: tuple[tuple[PlaceColumn, tuple[str, ...], str], ...] = (
        ("city", query.city, "/v1/cities"),
        ("zip", query.zip, "/v1/zips"),
    )
    for column, values, browse in place_filters:
        if not values:
            continue
        held = {p.name for p in stored_places(engine, cache, column, query.state)}
        keys = {city_key(name) for name in held}
        for value in values:
            if city_key(value) not in keys:
                scoped = f"{browse}?state={query.state}" if query.state else browse
                return _hint(column, value, scoped, held)
    return None


def _hint(parameter: str, value: str, browse: str, held: Collection[str]) -> Hint:
    close = nearest(value, held)
    suggestion = f" Nearest: {', '.join(close)}." if close else ""
    return Hint(
        message=f"No stored record has {parameter} '{value}'. GET {browse} lists the values "
        f"we hold; use one exactly as listed.{suggestion}",
        browse=browse,
        nearest=close,
    )


# --- places by geo id ----------------------------------------------------------------------

SEARCH_LIMIT_MAX: Final = 100
_HINT_TYPES: Final = ("city", "county", "jurisdiction", "state")


@dataclass(frozen=True, slots=True)
class PlaceDetails:
    place: store.Place
    related: dict[str, list[tuple[str, str]]]  # type -> [(geo_id, name)], by geo id


@dataclass(frozen=True, slots=True)
class PlaceMetrics:
    monthly: list[dict[str, Any]]
    current: dict[str, Any] | None  # the snapshot row, with its window's first month


def _search_key(q: str) -> str:
    """Upper-case, single-spaced; a street address in USPS notation ('Street' → 'ST')."""
    text = " ".join(q.upper().split())
    street = parse_street(text)
    return street.address if street is not None and street.address else text


def search_places(engine: Engine, q: str, types: Sequence[str], limit: int) -> list[store.Place]:
    """Places whose name starts with ``q``: exact names first, then most permits, then name.
    A two-letter state code finds its state too."""
    key = _search_key(q)
    with engine.connect() as conn:
        found = store.search_places(conn, key, types)
        if len(key) == 2 and (not types or "state" in types):
            found += store.find_places(conn, f"state-{key.lower()}")
    ranked = sorted(
        found,
        key=lambda p: (p.name.upper() != key and p.key != key, -p.permit_count, p.name, p.geo_id),
    )
    best: dict[str, store.Place] = {}
    for place in ranked:  # a city spelled two ways is one place
        best.setdefault(place.geo_id, place)
    return list(best.values())[:limit]


def search_hint(engine: Engine, q: str) -> list[str]:
    """The city, county, jurisdiction and state names nearest ``q``, for a search that found
    nothing (read only then)."""
    with engine.connect() as conn:
        return nearest(q, store.names_of_type(conn, _HINT_TYPES))


def place_details(engine: Engine, geo_id: str) -> PlaceDetails | None:
    """One place with its related places by type; None when no place has this geo id."""
    with engine.connect() as conn:
        found = store.find_places(conn, geo_id)
        if not found:
            return None
        place = found[0]
        related: dict[str, list[tuple[str, str]]] = {}
        if place.parents is not None:  # an address: the places it is in
            names = store.place_names(conn, list(place.parents.values()))
            pairs = [(related_id, *names[related_id]) for related_id in place.parents.values()]
            links = [pair for pair in pairs if pair[0] in names]
        else:
            links = store.related_places(conn, geo_id)
    for related_id, geo_type, name in links:
        related.setdefault(geo_type, []).append((related_id, name))
    return PlaceDetails(place, related)


def place_query(engine: Engine, geo_id: str) -> PermitQuery | None:
    """The permit search that lists a place's permits; None when no place has this geo id."""
    with engine.connect() as conn:
        found = store.find_places(conn, geo_id)
    if not found:
        return None
    place = found[0]
    if place.type == "city":
        return PermitQuery(state=place.state, city=tuple(p.key.split("|", 1)[1] for p in found))
    return {
        "state": PermitQuery(state=place.key),
        "county": PermitQuery(county_fips=(place.key,)),
        "zip": PermitQuery(zip=(place.key,)),
        "jurisdiction": PermitQuery(jurisdiction=(place.key,)),
        "address": PermitQuery(address_key=place.key),
    }[place.type]


def place_metrics(
    engine: Engine,
    geo_id: str,
    *,
    property_type: str,
    tag: str,
    start: date | None,
    end: date | None,
) -> PlaceMetrics | None:
    """A place's monthly rollups in [start, end] and its current snapshot; None when no place
    has this geo id."""
    with engine.connect() as conn:
        if not store.find_places(conn, geo_id):
            return None
        monthly = store.place_metric_rows(conn, geo_id, 1, property_type, tag, start=start, end=end)
        snapshot = store.place_metric_rows(
            conn, geo_id, metrics_store.SNAPSHOT_MONTHS, property_type, tag
        )
    current = None
    if snapshot:
        row = dict(snapshot[0])
        current = {**row, "from_month": metrics_store.shift(row["month"], 1 - row["months"])}
    return PlaceMetrics([dict(row) for row in monthly], current)
