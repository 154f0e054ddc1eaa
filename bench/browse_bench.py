"""Two browse lists through the same three paths as the permit queries (``bench.api_bench``).

* **API**: ``GET /v1/cities?state=`` and ``GET /v1/permit-types?jurisdiction=``, counted once per
  data version and then served from the API's cache (``services.counts``).
* **store**: ``store.places.group_counts``, the GROUP BY the cache saves, on every request.
* **raw SQL**: the same GROUP BY as ``text()``, rows left as tuples.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Final

import httpx
import orjson
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench.load import Load, Recorder, RequestFailed
from permitdb.store.places import Scope, group_counts

STATE: Final = "TX"  # the generated data is Austin's
JURISDICTION: Final = "austin-tx"
LIMIT: Final = 100

# query kind -> (API path and parameters, store columns and scope, raw SQL and parameters)
BROWSE: Final[dict[str, tuple[str, dict[str, Any], list[str], Scope, str, dict[str, Any]]]] = {
    "cities": (
        "/v1/cities",
        {"state": STATE, "limit": LIMIT},
        ["state", "city"],
        Scope(state=STATE),
        "SELECT state, city, count(*) FROM permits WHERE state = :state AND city IS NOT NULL "
        "GROUP BY state, city",
        {"state": STATE},
    ),
    "permit types": (
        "/v1/permit-types",
        {"jurisdiction": JURISDICTION, "limit": LIMIT},
        ["jurisdiction", "dataset", "permit_type"],
        Scope(jurisdiction=JURISDICTION),
        "SELECT jurisdiction, dataset, permit_type, count(*) FROM permits "
        "WHERE jurisdiction = :jurisdiction AND permit_type IS NOT NULL "
        "GROUP BY jurisdiction, dataset, permit_type",
        {"jurisdiction": JURISDICTION},
    ),
}
BROWSE_LABELS: Final = {
    "cities": f"/v1/cities?state={STATE}: stored cities with counts, first {LIMIT}",
    "permit types": f"/v1/permit-types?jurisdiction={JURISDICTION}: raw types with counts",
}


def _found(rows: list[Any] | None, query: str) -> None:
    if not rows:
        raise RequestFailed(f"no rows for {query}")


def repeated_get(
    base_url: str,
    key: str,
    api_path: str,
    api_params: dict[str, Any],
    rows_of: Callable[[Any], list[Any] | None],
    query: str,
) -> Load[httpx.Client]:
    """One GET over HTTP, asked again and again; its answer must hold rows (``rows_of``)."""

    def session() -> AbstractContextManager[httpx.Client]:
        return httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=60)

    def fetch(client: httpx.Client) -> None:
        response = client.get(api_path, params=api_params)
        if response.status_code != 200:
            raise RequestFailed(f"GET {api_path}: {response.status_code} {response.text[:300]}")
        _found(rows_of(orjson.loads(response.content)), query)

    def task(client: httpx.Client, recorder: Recorder) -> None:
        recorder.timed(lambda: fetch(client))

    return Load(session, [task], (RequestFailed, httpx.HTTPError))


def browse_load(path: str, query: str, engine: Engine, base_url: str, key: str) -> Load[Any]:
    """The work of one browse cell: the same list asked for again and again."""
    api_path, api_params, columns, scope, sql, bound = BROWSE[query]
    if path == "API":
        return repeated_get(base_url, key, api_path, api_params, lambda body: body["data"], query)

    def fetch_db() -> None:
        with engine.connect() as conn:
            if path == "store":
                _found(group_counts(conn, columns, scope), query)
            else:
                _found(list(conn.execute(text(sql), bound).all()), query)

    def db_task(_engine: Engine, recorder: Recorder) -> None:
        recorder.timed(fetch_db)

    return Load(lambda: nullcontext(engine), [db_task], (RequestFailed, SQLAlchemyError))
