"""The ``sort=`` query kinds through the same three paths as ``bench.api_bench``.

* **sort by valuation**: ``sort=valuation_desc``, following ``next_cursor`` page after page;
* **deep filed_asc**: ``sort=filed_asc`` from a random filed date mid-history (half the
  table before it), following ``next_cursor``: pages that start deep in the index.

Each one's raw SQL sits beside it: the keyset range the store reads, as one ``text()`` SELECT.
The raw SQL runs on SQLite only (as the whole query section does), where DESC already sorts
NULLs last and the filed_from filter leaves no NULL filed date for ASC to put first.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import httpx
import orjson
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bench.load import Load, Recorder, RequestFailed, Task
from permitdb.canonical import FIELD_NAMES
from permitdb.store.permits import PermitQuery, search_permits
from permitdb.store.sorts import PermitKeyset, PermitSort

if TYPE_CHECKING:  # api_bench dispatches here, so importing it at run time would be circular
    from bench.api_bench import Params

QUERIES: Final = ("sort by valuation", "deep filed_asc")
QUERY_LABELS: Final = {
    "sort by valuation": "sort=valuation_desc, limit 100, next_cursor",
    "deep filed_asc": "sort=filed_asc from a random mid-history filed_from, limit 100, next_cursor",
}
COLUMNS: Final = ", ".join(FIELD_NAMES)


@dataclass(frozen=True, slots=True)
class SortedListing:
    """One paged listing, as the API, the store and raw SQL each ask for it."""

    sort: PermitSort
    column: str  # the sort's column, for raw SQL
    filed_from: date | None = None
    bound: dict[str, Any] = field(default_factory=dict)

    @property
    def descending(self) -> bool:
        return self.sort.endswith("_desc")

    def sql(self, *, after: bool) -> str:
        direction, beyond = ("DESC", "<") if self.descending else ("ASC", ">")
        where = " AND applied_date >= :filed_from" if self.filed_from else ""
        if after:
            where += (
                f" AND {self.column} {beyond}= :last_value"
                f" AND ({self.column} {beyond} :last_value OR id {beyond} :last_id)"
            )
        return (
            f"SELECT {COLUMNS} FROM permits WHERE record_class = 'permit'{where} "
            f"ORDER BY {self.column} {direction}, id {direction} LIMIT :wanted"
        )


def listings(query: str, windows: list[tuple[date, date]]) -> list[SortedListing]:
    if query == "sort by valuation":
        return [SortedListing("valuation_desc", "valuation")]
    return [
        SortedListing("filed_asc", "applied_date", low, {"filed_from": low.isoformat()})
        for low, _high in windows
    ]


Request = Callable[[Any], Any]  # one page, given the thread's session


def _paged(pages: int, first: Request, then: Callable[[Any], Request | None]) -> Task[Any]:
    """A task that times ``first``, then each page ``then`` derives from the last one."""

    def task(session: Any, recorder: Recorder) -> None:
        request: Request | None = first
        for _ in range(pages):
            if request is None:
                return
            page = recorder.timed(partial(request, session))
            if page is None or recorder.done:
                return
            request = then(page)

    return task


def _get(params: dict[str, Any], client: httpx.Client) -> Any:
    response = client.get("/v1/permits", params=params)
    if response.status_code != 200:
        raise RequestFailed(f"{params}: {response.status_code} {response.text[:300]}")
    return orjson.loads(response.content)


def api_load(
    base_url: str, key: str, listing_of: list[SortedListing], pages: int, limit: int
) -> Load[httpx.Client]:
    def session() -> AbstractContextManager[httpx.Client]:
        return httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=60)

    def task(listing: SortedListing) -> Task[Any]:
        asked = {"sort": listing.sort, "limit": limit, **listing.bound}

        def then(page: Any) -> Request | None:
            cursor = page["next_cursor"]
            return partial(_get, {**asked, "cursor": cursor}) if cursor else None

        return _paged(pages, partial(_get, asked), then)

    return Load(session, [task(one) for one in listing_of], (RequestFailed, httpx.HTTPError))


def _search(query: PermitQuery, after: PermitKeyset | None, engine: Engine) -> Any:
    with engine.connect() as conn:
        return search_permits(conn, query, after=after)


def _rows(statement: str, bound: dict[str, Any], engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(statement), bound).all())


def store_load(
    engine: Engine, listing_of: list[SortedListing], pages: int, limit: int
) -> Load[Engine]:
    def task(listing: SortedListing) -> Task[Any]:
        query = PermitQuery(sort=listing.sort, filed_from=listing.filed_from, limit=limit)

        def then(page: Any) -> Request | None:
            return partial(_search, query, page[1]) if page[1] else None

        return _paged(pages, partial(_search, query, None), then)

    errors = (RequestFailed, SQLAlchemyError)
    return Load(lambda: nullcontext(engine), [task(one) for one in listing_of], errors)


def sql_load(
    engine: Engine, listing_of: list[SortedListing], pages: int, limit: int
) -> Load[Engine]:
    def task(listing: SortedListing) -> Task[Any]:
        bound = {**listing.bound, "wanted": limit + 1}

        def then(page: list[Any]) -> Request | None:
            if len(page) <= limit:
                return None
            last = page[limit - 1]._mapping
            after = {**bound, "last_value": last[listing.column], "last_id": last["id"]}
            return partial(_rows, listing.sql(after=True), after)

        return _paged(pages, partial(_rows, listing.sql(after=False), bound), then)

    errors = (RequestFailed, SQLAlchemyError)
    return Load(lambda: nullcontext(engine), [task(one) for one in listing_of], errors)


def load_for(
    path: str, query: str, engine: Engine, base_url: str, key: str, params: Params
) -> Load[Any]:
    """The work of one sort cell, drawn from the same ``params`` as the other query kinds."""
    listing_of = listings(query, params.windows)
    pages, limit = params.pages, params.limit
    if path == "API":
        return api_load(base_url, key, listing_of, pages, limit)
    if path == "store":
        return store_load(engine, listing_of, pages, limit)
    return sql_load(engine, listing_of, pages, limit)
