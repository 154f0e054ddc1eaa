"""What joining licences and parcels adds to a permit page: one page asked with and without it.

Every permit answer carries its contractor's primary licence and its property, read for the
whole page by ``services.permits.joined``. The page is the first of a search (state and a
random issued window, as the ``search`` cell asks), through five paths:

* **API**: ``GET /v1/permits`` as served.
* **API, nothing joined**: the same request to a second server whose ``joined`` finds nothing
  (``bench.unjoined_app``), so licence and property are neither read nor serialized.
* **service**: ``services.permits.search``, the search and the joined step the route calls.
* **store**: ``store.permits.search_permits`` alone, the same search without the joined step.
* **raw SQL**: the search's SELECT as ``text()``, the floor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import Any, Final

import httpx
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench.api_bench import LISTING, SQL_SEARCH, STATE, WINDOW_DAYS, Cell, Params, get_json
from bench.load import Load, Recorder, RequestFailed, Task
from permitdb.services import permits as permit_service
from permitdb.store.permits import PermitQuery, search_permits

QUERY: Final = "permit page"
ENRICHMENT_LABELS: Final = {
    QUERY: f"state + {WINDOW_DAYS}-day issued window, first page of 100, with and without its "
    "licences and properties joined",
}
JOINED_PATHS: Final = {"API": "API, nothing joined", "service": "store"}  # with -> without
PATHS: Final = ("API", "API, nothing joined", "service", "store", "raw SQL")
UNJOINED_APP: Final = "bench.unjoined_app:create_app"  # the server of "API, nothing joined"


def enrichment_cells(concurrency: tuple[int, ...]) -> Iterator[Cell]:
    for threads in concurrency:
        for path in PATHS:
            yield Cell(QUERY, path, threads)


def _page(body: Any) -> None:
    if not isinstance(body.get("data"), list):
        raise RequestFailed(f"the {QUERY} answered without data: {str(body)[:300]}")


def _api_load(base_url: str, key: str, params: Params) -> Load[httpx.Client]:
    def session() -> AbstractContextManager[httpx.Client]:
        return httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=60)

    def page(low: date, high: date) -> Task[httpx.Client]:
        asked = {
            "state": STATE,
            "issued_from": low.isoformat(),
            "issued_to": high.isoformat(),
            "limit": params.limit,
        }
        return lambda client, recorder: recorder.timed(
            lambda: _page(get_json(client, "/v1/permits", asked))
        )

    tasks = [page(low, high) for low, high in params.windows]
    return Load(session, tasks, (RequestFailed, httpx.HTTPError))


def _db_load(engine: Engine, path: str, params: Params) -> Load[Engine]:
    def fetch(low: date, high: date) -> Callable[[], None]:
        query = PermitQuery(state=STATE, issued_from=low, issued_to=high, limit=params.limit)
        bound = {
            "state": STATE,
            "low": low.isoformat(),
            "high": high.isoformat(),
            "wanted": params.limit + 1,
        }

        def run() -> None:
            # the page is read and dropped: an empty window is a page too, as in ``search``
            if path == "service":
                permit_service.search(engine, query, after=None, include_count=False)
                return
            with engine.connect() as conn:
                if path == "store":
                    search_permits(conn, query)
                else:
                    conn.execute(text(f"{SQL_SEARCH} {LISTING}"), bound).all()

        return run

    def task(low: date, high: date) -> Task[Engine]:
        run = fetch(low, high)

        def timed(_engine: Engine, recorder: Recorder) -> None:
            recorder.timed(run)

        return timed

    tasks = [task(low, high) for low, high in params.windows]
    return Load(lambda: nullcontext(engine), tasks, (RequestFailed, SQLAlchemyError))


def enrichment_load(
    path: str, engine: Engine, urls: dict[str, str], key: str, params: Params
) -> Load[Any]:
    """The work of one cell; ``urls`` maps the two API paths to their servers' base URLs."""
    if path in urls:
        return _api_load(urls[path], key, params)
    return _db_load(engine, path, params)
