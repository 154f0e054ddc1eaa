"""What the stored data covers, for the browse lists, and hints when a filter matches nothing.

Every list comes whole from a ``CountCache`` (one GROUP BY per data version); the API pages it.
The hint reads the same cached lists, and only for an empty page; the jurisdiction check asks
the database only about a slug the catalog does not list.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection, Engine

from permitdb.catalog.model import CatalogEntry, ValueMaps
from permitdb.normalize.classify import classify
from permitdb.services.counts import CountCache
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
