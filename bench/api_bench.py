"""The same four queries through three paths, so the cost of each layer is visible.

* **API**: HTTP to uvicorn in another process (auth, validation, serialization, transport).
* **store**: ``search_permits`` / ``get_permit`` / ``permit_history`` in this process
  (SQLAlchemy Core + records).
* **raw SQL**: the equivalent ``text()`` SELECTs, rows left as tuples: the database's floor.

Parameters (ids, date windows) are drawn from the loaded database with the benchmark seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from math import isqrt
from typing import Any, Final

import httpx
import orjson
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench.load import Load, Recorder, RequestFailed, Stats, Task, drive
from permitdb.canonical import FIELD_NAMES
from permitdb.store.dialects import fts5_query
from permitdb.store.permit_changes import permit_history, timeline_head
from permitdb.store.permits import PermitKeyset, PermitQuery, get_permit, search_permits

STATE: Final = "TX"
WINDOW_DAYS: Final = 90
TERMS: Final = ("solar", "roof", "heat pump", "water heater", "pool")
QUERIES: Final = ("search", "by id", "full text", "history")
PATHS: Final = ("API", "store", "raw SQL")
QUERY_LABELS: Final = {
    "search": "state + issued window, limit 100, next_cursor",
    "by id": "one permit by id",
    "full text": f"q = {' / '.join(TERMS)}, limit 100",
    # a re-ingest of the same file changes nothing, so this is the lookup and the index probe
    "history": "one permit's change history, newest first, limit 100 (empty in this data)",
}

COLUMNS: Final = ", ".join(FIELD_NAMES)
LISTING: Final = "ORDER BY issued_date DESC, id DESC LIMIT :wanted"
SQL_SEARCH: Final = (
    f"SELECT {COLUMNS} FROM permits WHERE record_class = 'permit' AND state = :state "
    "AND issued_date >= :low AND issued_date <= :high"
)
SQL_AFTER: Final = " AND issued_date <= :last_date AND (issued_date < :last_date OR id < :last_id)"
SQL_BY_ID: Final = f"SELECT {COLUMNS} FROM permits WHERE id = :id"
# What store.permit_changes reads for one history page: the permit, its change count, a page.
SQL_HISTORY_HEAD: Final = "SELECT seq, first_seen_at FROM permits WHERE id = :id"
SQL_HISTORY_COUNT: Final = "SELECT count(*) FROM permit_changes WHERE permit_seq = :seq"
SQL_HISTORY: Final = (
    "SELECT id, observed_at, field, old_value, new_value, run_id FROM permit_changes "
    "WHERE permit_seq = :seq ORDER BY observed_at DESC, id DESC LIMIT :wanted"
)
# The store's two full-text plans, chosen as it chooses (store.dialects.fulltext_is_common):
# a capped count of matches decides between sorting every match and walking the listing
# index ("+seq": SQLite's way to keep the IN from driving the lookup).
SQL_FULL_TEXT_ROWS: Final = "SELECT max(seq) FROM permits"
SQL_FULL_TEXT_COUNT: Final = (
    "SELECT count(*) FROM (SELECT rowid FROM permits_fts WHERE permits_fts MATCH :match "
    "LIMIT :bound)"
)
SQL_FULL_TEXT: Final = (
    f"SELECT {COLUMNS} FROM permits WHERE record_class = 'permit' AND {{seq}} IN "
    f"(SELECT rowid FROM permits_fts WHERE permits_fts MATCH :match) {LISTING}"
)


@dataclass(frozen=True, slots=True)
class Params:
    """What the tasks ask for, drawn once so every path asks the same things."""

    ids: list[str]
    windows: list[tuple[date, date]]
    pages: int
    limit: int = 100


def sample_params(engine: Engine, seed: int, pages: int, how_many: int = 500) -> Params:
    rng = random.Random(seed)
    with engine.connect() as conn:
        top = conn.execute(text("SELECT max(seq) FROM permits")).scalar_one() or 0
        seqs = rng.sample(range(1, top + 1), min(how_many, top))
        found = conn.execute(
            text(f"SELECT id FROM permits WHERE seq IN ({', '.join(map(str, seqs))})")
        )
        ids = [row[0] for row in found]
        low, high = conn.execute(
            text("SELECT min(issued_date), max(issued_date) FROM permits")
        ).one()
    first, last = date.fromisoformat(str(low)), date.fromisoformat(str(high))
    span = max(1, (last - first).days - WINDOW_DAYS)
    starts = [first + timedelta(days=rng.randrange(span)) for _ in range(how_many)]
    windows = [(start, start + timedelta(days=WINDOW_DAYS)) for start in starts]
    rng.shuffle(ids)
    return Params(ids=ids, windows=windows, pages=pages)


# --- API ------------------------------------------------------------------------------------


def _get_json(client: httpx.Client, url: str, params: dict[str, Any] | None = None) -> Any:
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
                page = recorder.timed(partial(_get_json, client, "/v1/permits", asked))
                if page is None or page["next_cursor"] is None or recorder.done:
                    return
                asked = {**asked, "cursor": page["next_cursor"]}

        return task

    def by_id(permit_id: str) -> Task[httpx.Client]:
        return lambda client, recorder: recorder.timed(
            lambda: _get_json(client, f"/v1/permits/{permit_id}")
        )

    def full_text(term: str) -> Task[httpx.Client]:
        asked = {"q": term, "limit": params.limit}
        return lambda client, recorder: recorder.timed(
            lambda: _get_json(client, "/v1/permits", asked)
        )

    def history(permit_id: str) -> Task[httpx.Client]:
        asked = {"limit": params.limit}
        return lambda client, recorder: recorder.timed(
            lambda: _get_json(client, f"/v1/permits/{permit_id}/history", asked)
        )

    tasks = _tasks(params, query, search, by_id, full_text, history)
    return Load(session, tasks, (RequestFailed, httpx.HTTPError))


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

    def full_text(term: str) -> Task[Engine]:
        wanted = PermitQuery(q=term, limit=params.limit)
        return lambda engine, recorder: recorder.timed(lambda: _store_search(engine, wanted, None))

    def history(permit_id: str) -> Task[Engine]:
        def fetch(engine: Engine) -> None:
            with engine.connect() as conn:
                head = timeline_head(conn, permit_id)
                if head is None:
                    raise RequestFailed(f"no permit {permit_id}")
                permit_history(conn, head.permit_seq, limit=params.limit)

        return lambda engine, recorder: recorder.timed(lambda: fetch(engine))

    tasks = _tasks(params, query, search, by_id, full_text, history)
    return Load(lambda: nullcontext(engine), tasks, (RequestFailed, SQLAlchemyError))


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
        match, wanted = fts5_query(term), params.limit + 1

        def fetch() -> None:
            with engine.connect() as conn:
                total = conn.execute(text(SQL_FULL_TEXT_ROWS)).scalar() or 0
                bound = max(100, isqrt(wanted * total // 10))
                found = conn.execute(text(SQL_FULL_TEXT_COUNT), {"match": match, "bound": bound})
                seq = "+seq" if found.scalar_one() >= bound else "seq"
                statement = text(SQL_FULL_TEXT.format(seq=seq))
                conn.execute(statement, {"match": match, "wanted": wanted}).all()

        return lambda _engine, recorder: recorder.timed(fetch)

    def history(permit_id: str) -> Task[Engine]:
        def fetch() -> None:
            with engine.connect() as conn:
                head = conn.execute(text(SQL_HISTORY_HEAD), {"id": permit_id}).first()
                if head is None:
                    raise RequestFailed(f"no permit {permit_id}")
                bound = {"seq": head.seq, "wanted": params.limit + 1}
                conn.execute(text(SQL_HISTORY_COUNT), bound).scalar_one()
                conn.execute(text(SQL_HISTORY), bound).all()

        return lambda _engine, recorder: recorder.timed(fetch)

    tasks = _tasks(params, query, search, by_id, full_text, history)
    return Load(lambda: nullcontext(engine), tasks, (RequestFailed, SQLAlchemyError))


def _tasks(
    params: Params,
    query: str,
    search: Callable[[date, date], Task[Any]],
    by_id: Callable[[str], Task[Any]],
    full_text: Callable[[str], Task[Any]],
    history: Callable[[str], Task[Any]],
) -> list[Task[Any]]:
    if query == "search":
        return [search(low, high) for low, high in params.windows]
    if query == "by id":
        return [by_id(permit_id) for permit_id in params.ids]
    if query == "history":
        return [history(permit_id) for permit_id in params.ids]
    return [full_text(term) for term in TERMS]


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
    if cell.path == "API":
        return api_load(base_url, key, params, cell.query)
    if cell.path == "store":
        return store_load(engine, params, cell.query)
    return sql_load(engine, params, cell.query)


def measure(load: Load[Any], concurrency: int, requests: int, seconds: float) -> Stats:
    """Warm the path (caches, pools, lazy imports) unmeasured, then measure it."""
    drive(load, concurrency=1, requests=min(requests, 30), seconds=min(seconds, 5.0))
    return drive(load, concurrency=concurrency, requests=requests, seconds=seconds)
