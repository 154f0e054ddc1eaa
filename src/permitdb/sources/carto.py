"""CARTO SQL API: ``{base_url}/api/v2/sql?q=SELECT ...&format=GeoJSON``, paged by LIMIT/OFFSET.

Each page is ``SELECT <columns> FROM <table> [WHERE "<cursor>" >= '<since>'] ORDER BY
<order_by>[, cartodb_id] LIMIT n OFFSET m``. GeoJSON answers carry ``the_geom`` as each
feature's geometry and every other column as its properties. CARTO rejects bad SQL with HTTP 400 and
``{"error": ["<PostgreSQL's message>"]}``; the message names the SQL problem, so it is passed
on with the statement that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.sources.base import GEOMETRY_KEY, Page, RawRecord, ResumeToken, source_config
from permitdb.sources.geometry import feature_parts
from permitdb.sources.http import HttpClient
from permitdb.sources.paging import CountMemo, OffsetPaginator, resume_position
from permitdb.sources.sql import since_clause

# Every CARTO table has this unique row id; offsets are only stable under a total order.
ROW_ID: Final = "cartodb_id"


class CartoSource:
    """Reads a ``platform: carto`` catalog entry."""

    def __init__(self, entry: CatalogEntry, client: HttpClient) -> None:
        self._entry = entry
        self._config = source_config(entry, catalog.CartoSource)
        self._client = client
        self._url = f"{self._config.base_url.rstrip('/')}/api/v2/sql"
        self._counts = CountMemo(self._count, entry.slug)

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]:
        paginator = OffsetPaginator(
            self._entry.page_size,
            offset=resume_position(resume, "offset"),
            expected=self._counts.expected(since),
        )
        config = self._config
        # Catalog-validated names and quoted literals, for the portal's read-only SQL API.
        select = f"SELECT {config.columns} FROM {config.table}{since_clause(self._entry, since)}"  # noqa: S608
        order = config.order_by if config.order_by == ROW_ID else f"{config.order_by}, {ROW_ID}"
        while paginator.has_more:
            sql = f"{select} ORDER BY {order} LIMIT {paginator.page_size} OFFSET {paginator.token}"
            answer = self._query(
                sql, "GeoJSON", check=lambda answer: paginator.vet(_records(answer, self._url))
            )
            records = _records(answer, self._url)
            paginator.update(records)
            if records:
                yield Page(records=records, resume={"offset": paginator.token})

    def count(self, *, since: str | None = None) -> int | None:
        return self._counts.count(since)

    def _count(self, since: str | None) -> int | None:
        sql = (
            f"SELECT COUNT(*) AS count FROM {self._config.table}{since_clause(self._entry, since)}"  # noqa: S608
        )
        rows = self._query(sql, "json").get("rows") or [{}]
        first = rows[0] if isinstance(rows, list) else None
        count = first.get("count") if isinstance(first, dict) else None
        if not isinstance(count, int):
            raise FatalSourceError(
                f"{self._url}: {sql!r} answered {rows!r:.200} without a count. Check that "
                "base_url in the catalog entry is the account's CARTO host."
            )
        return count

    def _query(
        self, sql: str, fmt: str, *, check: Callable[[dict[str, Any]], None] | None = None
    ) -> dict[str, Any]:
        answered = False  # once CARTO answered 2xx JSON, an error is about the answer itself

        def answer_checked(answer: Any) -> None:
            nonlocal answered
            answered = True
            if not isinstance(answer, dict) or "error" in answer:
                raise FatalSourceError(
                    f"{self._url}: CARTO answered `{sql}` with {answer!r:.300}. Fix table, "
                    "columns, order_by or cursor.field in the catalog entry to match the "
                    "table's columns."
                )
            if check is not None:
                check(answer)

        try:
            answer: dict[str, Any] = self._client.get_json(
                self._url, {"q": sql, "format": fmt}, check=answer_checked
            )
        except FatalSourceError as exc:
            if answered:
                raise
            raise FatalSourceError(
                f"CARTO refused `{sql}`: {exc} Fix table, columns, order_by or cursor.field in "
                "the catalog entry to match the table's columns."
            ) from exc
        return answer


def _records(answer: dict[str, Any], url: str) -> list[RawRecord]:
    """Each feature's properties, with its geometry (``the_geom``) under GEOMETRY_KEY."""
    features = answer.get("features")
    if not isinstance(features, list):
        raise FatalSourceError(
            f"{url}: a format=GeoJSON query answered without features. Check that columns in "
            "the catalog entry includes the_geom (or is *)."
        )
    records = []
    for feature in features:
        record, geometry = feature_parts(feature, "properties", f"{url}: a GeoJSON query answered")
        if geometry:
            record[GEOMETRY_KEY] = geometry
        records.append(record)
    return records
