"""The same queries through three paths, so the cost of each layer is visible.

* **API**: HTTP to uvicorn in another process (auth, validation, serialization, transport).
* **store**: ``search_permits`` / ``get_permit`` in this process (SQLAlchemy Core + records).
* **raw SQL**: the equivalent ``text()`` SELECTs, rows left as tuples: the database's floor.

Parameters (ids, date windows) are drawn from the loaded database with the benchmark seed.
The ``sort=`` kinds live in ``bench.sort_bench``; ``load_for`` sends their cells there.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from math import cos, isqrt, radians
from typing import Any, Final

import httpx
import orjson
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench import lookup_bench, sort_bench
from bench.browse_bench import BROWSE, BROWSE_LABELS, browse_load
from bench.entities_bench import (
    ENTITY_LABELS,
    ENTITY_QUERIES,
    EntityParams,
    entity_load,
    entity_params,
)
from bench.load import Load, Recorder, RequestFailed, Stats, Task, drive
from permitdb.canonical import FIELD_NAMES
from permitdb.store.fulltext import fts5_excluded, fts5_expression, parse
from permitdb.store.permit_filters import METRES_PER_DEGREE, Near
from permitdb.store.permits import PermitQuery, get_permit, search_permits
from permitdb.store.sorts import PermitKeyset

STATE: Final = "TX"
WINDOW_DAYS: Final = 90
TERMS: Final = ("solar", "roof", "heat pump", "water heater", "pool")
# the q syntax: OR, exclusion (alone too: NOT IN over the matches on SQLite) and prefix
SYNTAX_TERMS: Final = (
    "solar OR battery -garage",
    '"heat pump" OR hvac',
    "-solar",
    "remod* -kitchen",
)
RADIUS_M: Final = 500.0
PATHS: Final = ("API", "store", "raw SQL")
QUERY_LABELS: Final = {
    "search": "state + issued window, limit 100, next_cursor",
    "by id": "one permit by id",
    "full text": f"q = {' / '.join(TERMS)}, limit 100",
    "full text syntax": f"q = {' / '.join(SYNTAX_TERMS)}, limit 100",
    "near": f"near = a stored permit's point, radius_m = {RADIUS_M:g}, limit 100",
    **lookup_bench.LABELS,
    **sort_bench.QUERY_LABELS,
    **BROWSE_LABELS,
    **ENTITY_LABELS,
}
QUERIES: Final = tuple(QUERY_LABELS)

COLUMNS: Final = ", ".join(FIELD_NAMES)
LISTING: Final = "ORDER BY issued_date DESC, id DESC LIMIT :wanted"
SQL_SEARCH: Final = (
    f"SELECT {COLUMNS} FROM permits WHERE record_class = 'permit' AND state = :state "
    "AND issued_date >= :low AND issued_date <= :high"
)
SQL_AFTER: Final = " AND issued_date <= :last_date AND (issued_date < :last_date OR id < :last_id)"
SQL_BY_ID: Final = f"SELECT {COLUMNS} FROM permits WHERE id = :id"
# The store's two full-text plans, chosen as it chooses (store.dialects.fulltext_is_common):
# a capped count of matches decides between sorting every match and walking the listing
# index ("+seq": SQLite's way to keep the IN from driving the lookup).
SQL_FULL_TEXT_ROWS: Final = "SELECT max(seq) FROM permits"
SQL_FULL_TEXT_COUNT: Final = (
    "SELECT count(*) FROM (SELECT rowid FROM permits_fts WHERE permits_fts MATCH :match "
    "LIMIT :bound)"
)
SQL_FULL_TEXT: Final = (
    f"SELECT {COLUMNS} FROM permits WHERE record_class = 'permit' AND {{seq}} {{membership}} "
    f"(SELECT rowid FROM permits_fts WHERE permits_fts MATCH :match) {LISTING}"
)
# The radius as the store asks it: the box around the point, then the planar distance.
SQL_NEAR: Final = (
    f"SELECT {COLUMNS} FROM permits WHERE record_class = 'permit' "
    "AND latitude BETWEEN :south AND :north AND longitude BETWEEN :west AND :east "
    "AND ((longitude - :lng) * :kx) * ((longitude - :lng) * :kx) "
    f"+ ((latitude - :lat) * :ky) * ((latitude - :lat) * :ky) <= :r2 {LISTING}"
)


@dataclass(frozen=True, slots=True)
class Params:
    """What the tasks ask for, drawn once so every path asks the same things."""

    ids: list[str]
    numbers: list[str]  # the permit numbers of (some of) those ids
    windows: list[tuple[date, date]]
    points: list[tuple[float, float]]  # (lat, lng) of stored permits
    pages: int
    entities: EntityParams  # the contractor and place the entity cells ask for
    limit: int = 100


def sample_params(engine: Engine, seed: int, pages: int, how_many: int = 500) -> Params:
    rng = random.Random(seed)
    with engine.connect() as conn:
        top = conn.execute(text("SELECT max(seq) FROM permits")).scalar_one() or 0
        seqs = rng.sample(range(1, top + 1), min(how_many, top))
        found = conn.execute(
            text(
                "SELECT id, latitude, longitude, permit_number FROM permits "
                f"WHERE seq IN ({', '.join(map(str, seqs))})"
            )
        ).all()
        ids = [row[0] for row in found]
        numbers = [row[3] for row in found if row[3]]
        points = [(row[1], row[2]) for row in found if row[1] is not None and row[2] is not None]
        low, high = conn.execute(
            text("SELECT min(issued_date), max(issued_date) FROM permits")
        ).one()
    first, last = date.fromisoformat(str(low)), date.fromisoformat(str(high))
    span = max(1, (last - first).days - WINDOW_DAYS)
    starts = [first + timedelta(days=rng.randrange(span)) for _ in range(how_many)]
    windows = [(start, start + timedelta(days=WINDOW_DAYS)) for start in starts]
    rng.shuffle(ids)
    rng.shuffle(numbers)
    return Params(
        ids=ids,
        numbers=numbers,
        windows=windows,
        points=points,
        pages=pages,
        entities=entity_params(engine),
    )


# --- API ------------------------------------------------------------------------------------


def get_json(client: httpx.Client, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params=params)
    if response.status_code != 200:
        raise RequestFailed(f"GET {url} {params}: {response.status_code} {response.text[:300]}")
    return orjson.loads(response.content)


def api_load(base_url: str, key: str, params: Params, query: str) -> Load[httpx.Client]:
    def session() -> AbstractContextManager[httpx.Client]:
        return httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=60)

    def search(low: date, high: date) -> Task[httpx.Client]:
        def task(client: httpx.Client, recorder: Recorder) -> None:
            asked: dict[str, Any] = {
                "state": STATE,
                "issued_from": low.isoformat(),
                "issued_to": high.isoformat(),
                "limit": params.limit,
            }
            for _ in range(params.pages):
                page = recorder.timed(partial(get_json, client, "/v1/permits", asked))
                if page is None or page["next_cursor"] is None or recorder.done:
                    return
                asked = {**asked, "cursor": page["next_cursor"]}

        return task

    def by_id(permit_id: str) -> Task[httpx.Client]:
        return lambda client, recorder: recorder.timed(
            lambda: get_json(client, f"/v1/permits/{permit_id}")
        )

    def listing(asked: dict[str, Any]) -> Task[httpx.Client]:
        return lambda client, recorder: recorder.timed(
            lambda: get_json(client, "/v1/permits", {**asked, "limit": params.limit})
        )

    tasks: dict[str, Callable[[], list[Task[httpx.Client]]]] = {
        "search": lambda: [search(low, high) for low, high in params.windows],
        "by id": lambda: [by_id(permit_id) for permit_id in params.ids],
        "full text": lambda: [listing({"q": term}) for term in TERMS],
        "full text syntax": lambda: [listing({"q": term}) for term in SYNTAX_TERMS],
        "near": lambda: [
            listing({"near": f"{lat},{lng}", "radius_m": RADIUS_M}) for lat, lng in params.points
        ],
        "by number": lambda: [lookup_bench.api_by_number(get_json, n) for n in params.numbers],
        "batch of 50": lambda: [
            lookup_bench.api_batch(get_json, ids) for ids in lookup_bench.batches(params.ids)
        ],
    }
    return Load(session, tasks[query](), (RequestFailed, httpx.HTTPError))


# --- store and raw SQL -----------------------------------------------------------------------


def _found(value: object, what: str) -> None:
    if not value:
        raise RequestFailed(f"no rows for {what}")


def store_load(engine: Engine, params: Params, query: str) -> Load[Engine]:
    def search(low: date, high: date) -> Task[Engine]:
        wanted = PermitQuery(state=STATE, issued_from=low, issued_to=high, limit=params.limit)

        def task(engine: Engine, recorder: Recorder) -> None:
            after: PermitKeyset | None = None
            for _ in range(params.pages):
                page = recorder.timed(partial(_store_search, engine, wanted, after))
                if page is None or page[1] is None or recorder.done:
                    return
                after = page[1]

        return task

    def by_id(permit_id: str) -> Task[Engine]:
        def fetch(engine: Engine) -> None:
            with engine.connect() as conn:
                _found(get_permit(conn, permit_id), permit_id)

        return lambda engine, recorder: recorder.timed(lambda: fetch(engine))

    def listing(wanted: PermitQuery) -> Task[Engine]:
        return lambda engine, recorder: recorder.timed(lambda: _store_search(engine, wanted, None))

    tasks: dict[str, Callable[[], list[Task[Engine]]]] = {
        "search": lambda: [search(low, high) for low, high in params.windows],
        "by id": lambda: [by_id(permit_id) for permit_id in params.ids],
        "full text": lambda: [listing(PermitQuery(q=term, limit=params.limit)) for term in TERMS],
        "full text syntax": lambda: [
            listing(PermitQuery(q=term, limit=params.limit)) for term in SYNTAX_TERMS
        ],
        "near": lambda: [
            listing(PermitQuery(near=Near(lat, lng, RADIUS_M), limit=params.limit))
            for lat, lng in params.points
        ],
        "by number": lambda: [lookup_bench.store_by_number(n) for n in params.numbers],
        "batch of 50": lambda: [
            lookup_bench.store_batch(ids) for ids in lookup_bench.batches(params.ids)
        ],
    }
    return Load(lambda: nullcontext(engine), tasks[query](), (RequestFailed, SQLAlchemyError))


def _store_search(
    engine: Engine, query: PermitQuery, after: PermitKeyset | None
) -> tuple[list[Any], PermitKeyset | None]:
    with engine.connect() as conn:
        return search_permits(conn, query, after=after)


def sql_load(engine: Engine, params: Params, query: str) -> Load[Engine]:
    def rows(statement: str, bound: dict[str, Any]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            with engine.connect() as conn:
                return list(conn.execute(text(statement), bound).all())

        return run

    def search(low: date, high: date) -> Task[Engine]:
        def task(_engine: Engine, recorder: Recorder) -> None:
            bound: dict[str, Any] = {
                "state": STATE,
                "low": low.isoformat(),
                "high": high.isoformat(),
                "wanted": params.limit + 1,
            }
            statement = f"{SQL_SEARCH} {LISTING}"
            for _ in range(params.pages):
                page = recorder.timed(rows(statement, bound))
                if page is None or len(page) <= params.limit or recorder.done:
                    return
                last = page[params.limit - 1]._mapping
                bound = {**bound, "last_date": last["issued_date"], "last_id": last["id"]}
                statement = f"{SQL_SEARCH}{SQL_AFTER} {LISTING}"

        return task

    def by_id(permit_id: str) -> Task[Engine]:
        fetch = rows(SQL_BY_ID, {"id": permit_id})
        return lambda _engine, recorder: recorder.timed(lambda: _found(fetch(), permit_id))

    def full_text(term: str) -> Task[Engine]:
        parsed, wanted = parse(term), params.limit + 1
        match = fts5_expression(parsed) if parsed.required else fts5_excluded(parsed)

        def fetch() -> None:
            with engine.connect() as conn:
                if not parsed.required:  # exclusions only: read in listing order, as the store
                    statement = SQL_FULL_TEXT.format(seq="+seq", membership="NOT IN")
                    conn.execute(text(statement), {"match": match, "wanted": wanted}).all()
                    return
                total = conn.execute(text(SQL_FULL_TEXT_ROWS)).scalar() or 0
                bound = max(100, isqrt(wanted * total // 10))
                found = conn.execute(text(SQL_FULL_TEXT_COUNT), {"match": match, "bound": bound})
                seq = "+seq" if found.scalar_one() >= bound else "seq"
                statement = SQL_FULL_TEXT.format(seq=seq, membership="IN")
                conn.execute(text(statement), {"match": match, "wanted": wanted}).all()

        return lambda _engine, recorder: recorder.timed(fetch)

    def near(lat: float, lng: float) -> Task[Engine]:
        dlat = RADIUS_M / METRES_PER_DEGREE
        kx = cos(radians(lat)) * METRES_PER_DEGREE
        dlng = RADIUS_M / kx
        bound = {
            "lat": lat,
            "lng": lng,
            "kx": kx,
            "ky": METRES_PER_DEGREE,
            "r2": RADIUS_M**2,
            "south": lat - dlat,
            "north": lat + dlat,
            "west": lng - dlng,
            "east": lng + dlng,
            "wanted": params.limit + 1,
        }
        return lambda _engine, recorder: recorder.timed(rows(SQL_NEAR, bound))

    tasks: dict[str, Callable[[], list[Task[Engine]]]] = {
        "search": lambda: [search(low, high) for low, high in params.windows],
        "by id": lambda: [by_id(permit_id) for permit_id in params.ids],
        "full text": lambda: [full_text(term) for term in TERMS],
        "full text syntax": lambda: [full_text(term) for term in SYNTAX_TERMS],
        "near": lambda: [near(lat, lng) for lat, lng in params.points],
        "by number": lambda: [lookup_bench.sql_by_number(n) for n in params.numbers],
        "batch of 50": lambda: [
            lookup_bench.sql_batch(ids) for ids in lookup_bench.batches(params.ids)
        ],
    }
    return Load(lambda: nullcontext(engine), tasks[query](), (RequestFailed, SQLAlchemyError))


# --- the whole section -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    query: str
    path: str
    concurrency: int


def cells(concurrency: tuple[int, ...]) -> Iterator[Cell]:
    for query in QUERIES:
        for threads in concurrency:
            for path in PATHS:
                yield Cell(query, path, threads)


def load_for(cell: Cell, engine: Engine, base_url: str, key: str, params: Params) -> Load[Any]:
    """The work of one cell; ``engine`` is the one the store and raw SQL paths query through."""
    if cell.query in sort_bench.QUERIES:
        return sort_bench.load_for(cell.path, cell.query, engine, base_url, key, params)
    if cell.query in BROWSE:
        return browse_load(cell.path, cell.query, engine, base_url, key)
    if cell.query in ENTITY_QUERIES:
        return entity_load(cell.path, cell.query, engine, base_url, key, params.entities)
    if cell.path == "API":
        return api_load(base_url, key, params, cell.query)
    if cell.path == "store":
        return store_load(engine, params, cell.query)
    return sql_load(engine, params, cell.query)


def measure(load: Load[Any], concurrency: int, requests: int, seconds: float) -> Stats:
    """Warm the path (caches, pools, lazy imports) unmeasured, then measure it."""
    drive(load, concurrency=1, requests=min(requests, 30), seconds=min(seconds, 5.0))
    return drive(load, concurrency=concurrency, requests=requests, seconds=seconds)
