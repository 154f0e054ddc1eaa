"""Contractors and places through the same three paths as the permit queries (``bench.api_bench``).

* **API**: ``GET /v1/contractors?state=``, ``GET /v1/contractors/{id}/permits`` and
  ``GET /v1/places/{geo_id}/metrics?from=&to=`` (24 months), over HTTP.
* **store**: ``search_contractors``, ``search_permits`` with the contractor, and
  ``place_metric_rows``, in the benchmark process.
* **raw SQL**: the same SELECTs as ``text()``, rows left as tuples.

The contractor is the one with the most permits, the place the city with the most; both are
drawn from the loaded database, which resolution and the place refresh filled at ingest.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench.browse_bench import repeated_get
from bench.load import Load, Recorder, RequestFailed
from permitdb.canonical import FIELD_NAMES
from permitdb.store.contractor_queries import ContractorQuery, search_contractors
from permitdb.store.permits import PermitQuery, search_permits
from permitdb.store.place_metrics import shift
from permitdb.store.places import place_metric_rows

STATE: Final = "TX"  # the generated data is Austin's
LIMIT: Final = 100
MONTHS: Final = 24
ENTITY_LABELS: Final = {
    "contractor search": f"/v1/contractors?state={STATE}, limit {LIMIT}, most recent permit first",
    "contractor permits": f"the busiest contractor's permits, limit {LIMIT}",
    "place metrics": f"the busiest city's monthly metrics, {MONTHS} months",
}
ENTITY_QUERIES: Final = tuple(ENTITY_LABELS)

SQL_CONTRACTORS: Final = (
    "SELECT * FROM contractors WHERE state = :state "
    "ORDER BY last_permit_date DESC, id DESC LIMIT :wanted"
)
SQL_CONTRACTOR_PERMITS: Final = (
    f"SELECT {', '.join(FIELD_NAMES)} FROM permits WHERE contractor_id = :contractor "
    "AND record_class = 'permit' ORDER BY issued_date DESC, id DESC LIMIT :wanted"
)
SQL_PLACE_METRICS: Final = (
    "SELECT * FROM place_metrics WHERE geo_id = :geo_id AND months = 1 "
    "AND property_type = 'all' AND tag = 'all' AND month >= :start AND month <= :end "
    "ORDER BY month"
)
SQL_BUSIEST_CONTRACTOR: Final = (
    "SELECT id FROM contractors WHERE state = :state ORDER BY permit_count DESC, id LIMIT 1"
)
SQL_BUSIEST_CITY: Final = (
    "SELECT geo_id, max(month) FROM place_metrics WHERE geo_id LIKE 'city-%' AND months = 1 "
    "AND property_type = 'all' AND tag = 'all' GROUP BY geo_id "
    "ORDER BY sum(permit_count) DESC, geo_id LIMIT 1"
)


@dataclass(frozen=True, slots=True)
class EntityParams:
    contractor_id: str
    geo_id: str
    start: date  # the first of the MONTHS months that end with the place's newest
    end: date


def entity_params(engine: Engine) -> EntityParams:
    with engine.connect() as conn:
        contractor = conn.execute(text(SQL_BUSIEST_CONTRACTOR), {"state": STATE}).scalar()
        city = conn.execute(text(SQL_BUSIEST_CITY)).first()
    if contractor is None or city is None:
        raise RuntimeError("no resolved contractor or place metrics: was the data ingested?")
    end = city[1] if isinstance(city[1], date) else date.fromisoformat(str(city[1]))
    return EntityParams(str(contractor), str(city[0]), shift(end, 1 - MONTHS), end)


def _found(rows: list[Any] | None, query: str) -> None:
    if not rows:
        raise RequestFailed(f"no rows for {query}")


def _rows(body: Any) -> list[Any] | None:
    """A page's ``data``, or a metrics answer's ``monthly``."""
    return body.get("data") or body.get("monthly")  # type: ignore[no-any-return]


def _requests(params: EntityParams) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "contractor search": ("/v1/contractors", {"state": STATE, "limit": LIMIT}),
        "contractor permits": (f"/v1/contractors/{params.contractor_id}/permits", {"limit": LIMIT}),
        "place metrics": (
            f"/v1/places/{params.geo_id}/metrics",
            {"from": params.start.isoformat(), "to": params.end.isoformat()},
        ),
    }


def _store_reads(params: EntityParams) -> dict[str, Callable[[Any], list[Any]]]:
    return {
        "contractor search": lambda conn: search_contractors(
            conn, ContractorQuery(state=STATE, limit=LIMIT)
        )[0],
        "contractor permits": lambda conn: search_permits(
            conn, PermitQuery(contractor_id=params.contractor_id, limit=LIMIT)
        )[0],
        "place metrics": lambda conn: list(
            place_metric_rows(
                conn, params.geo_id, 1, "all", "all", start=params.start, end=params.end
            )
        ),
    }


def _sql(params: EntityParams) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "contractor search": (SQL_CONTRACTORS, {"state": STATE, "wanted": LIMIT + 1}),
        "contractor permits": (
            SQL_CONTRACTOR_PERMITS,
            {"contractor": params.contractor_id, "wanted": LIMIT + 1},
        ),
        "place metrics": (SQL_PLACE_METRICS, {"geo_id": params.geo_id, **_window(params)}),
    }


def _window(params: EntityParams) -> dict[str, date]:
    return {"start": params.start, "end": params.end}


def entity_load(
    path: str, query: str, engine: Engine, base_url: str, key: str, params: EntityParams
) -> Load[Any]:
    """The work of one contractor or place cell: the same request asked again and again."""
    if path == "API":
        api_path, api_params = _requests(params)[query]
        return repeated_get(base_url, key, api_path, api_params, _rows, query)

    read = _store_reads(params)[query]
    sql, bound = _sql(params)[query]

    def fetch_db() -> None:
        with engine.connect() as conn:
            if path == "store":
                _found(read(conn), query)
            else:
                _found(list(conn.execute(text(sql), bound).all()), query)

    def db_task(_engine: Engine, recorder: Recorder) -> None:
        recorder.timed(fetch_db)

    return Load(lambda: nullcontext(engine), [db_task], (RequestFailed, SQLAlchemyError))
