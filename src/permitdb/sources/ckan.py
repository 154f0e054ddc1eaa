"""CKAN DataStore: ``datastore_search`` paged by ``_links.next``, or ``datastore_search_sql``.

A full sync pages ``datastore_search`` (``limit``/``offset``, a stable ``sort`` ending in the
row id ``_id``) and follows the ``_links.next`` link CKAN returns, relative to the portal's
base URL, with the walk's own offset and limit. CKAN sends that link even on the last page,
so the walk ends on an empty page, or a short one once ``total`` rows are read (``total`` is
the count the walk is checked against). ``datastore_search`` cannot filter by a range, so an
incremental sync (and ``use_sql: true``) pages ``datastore_search_sql`` with
``SELECT * FROM "<resource>" WHERE "<cursor>" >= '<since>' ORDER BY ... LIMIT n OFFSET m``.

The PostgreSQL quoting helpers here are shared with the CARTO connector, which speaks the same
SQL dialect.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.sources.base import Page, RawRecord, ResumeToken, source_config
from permitdb.sources.http import HttpClient
from permitdb.sources.paging import CountMemo, OffsetPaginator, resume_position
from permitdb.sources.sql import since_clause, sql_identifier

ROW_ID: Final = "_id"
ADVICE: Final = {
    "Not Found Error": "The resource_id in the catalog entry is wrong or the resource was "
    "removed: open the dataset on the portal, copy its DataStore resource id and fix the entry.",
    "Authorization Error": "The resource is private: permitdb reads public resources only; find "
    "the public copy of the dataset and fix resource_id in the catalog entry.",
}
DEFAULT_ADVICE: Final = (
    "The portal rejected the request: check sort, cursor.field and resource_id in the catalog "
    "entry against the resource's fields (datastore_search?resource_id=...&limit=0 lists them)."
)


class CKANSource:
    """Reads a ``platform: ckan`` catalog entry."""

    def __init__(self, entry: CatalogEntry, client: HttpClient) -> None:
        self._entry = entry
        self._config = source_config(entry, catalog.CKANSource)
        self._client = client
        self._base = self._config.base_url.rstrip("/")
        self._search_url = f"{self._base}/api/3/action/datastore_search"
        self._sql_url = f"{self._base}/api/3/action/datastore_search_sql"
        self._sort = _sort_terms(self._config.sort)
        self._counts = CountMemo(self._count, entry.slug)

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]:
        offset = resume_position(resume, "offset")
        if since is not None or self._config.use_sql:
            return self._sql_pages(since, offset)
        return self._search_pages(offset)

    def count(self, *, since: str | None = None) -> int | None:
        return self._counts.count(since)

    def _count(self, since: str | None) -> int | None:
        if since is None:
            query: dict[str, str | int] = {"resource_id": self._config.resource_id, "limit": 0}
            total = self._get(self._search_url, query).get("total")
        else:
            table = sql_identifier(self._config.resource_id)
            sql = f"SELECT COUNT(*) AS count FROM {table}{since_clause(self._entry, since)}"  # noqa: S608
            rows = self._get(self._sql_url, {"sql": sql}).get("records") or [{}]
            total = rows[0].get("count")
        if not isinstance(total, int):
            raise FatalSourceError(
                f"{self._search_url}: the count answer has no number ({total!r}). Check that "
                "base_url in the catalog entry points at a CKAN portal with the DataStore."
            )
        return total

    def _search_pages(self, offset: int) -> Iterator[Page]:
        paginator = OffsetPaginator(
            self._entry.page_size,
            offset=offset,
            limit_param="limit",
            offset_param="offset",
            expected=self._counts.remembered(None),
        )
        sort = ", ".join(f"{name} {direction.lower()}" for name, direction in self._sort)
        url = self._search_url
        query: dict[str, str | int] = {"resource_id": self._config.resource_id, "sort": sort}
        query |= paginator.params()
        followed: set[str] = set()

        def vetted(answer: Any) -> None:
            result = ckan_result(answer, url)
            # Every datastore_search answer carries the count: ``total``.
            paginator.expect(result.get("total"))
            paginator.vet(_records(result, url))

        while paginator.has_more:
            result = ckan_result(self._client.get_json(url, query, check=vetted), url)
            records = _records(result, url)
            paginator.update(records)
            if records:
                yield Page(records=records, resume={"offset": paginator.token})
            link = (result.get("_links") or {}).get("next")
            if paginator.has_more and isinstance(link, str):
                if link in followed:
                    raise FatalSourceError(
                        f"{self._search_url}: CKAN sent the next link {link!r} twice, so paging "
                        "would never end. Report it to the portal; meanwhile set use_sql: true "
                        "in the catalog entry to page with datastore_search_sql."
                    )
                followed.add(link)
                # Sent as params: the client's params replace any query already in the URL.
                # The offset and limit are the walk's own: after a silently capped page,
                # CKAN's link would skip the rows it did not send.
                target = urlsplit(f"{self._base}{link}")
                url = target._replace(query="").geturl()
                query = {**dict(parse_qsl(target.query)), **paginator.params()}

    def _sql_pages(self, since: str | None, offset: int) -> Iterator[Page]:
        paginator = OffsetPaginator(
            self._entry.page_size, offset=offset, expected=self._counts.expected(since)
        )
        order = ", ".join(f"{sql_identifier(name)} {direction}" for name, direction in self._sort)
        table = sql_identifier(self._config.resource_id)
        select = f"SELECT * FROM {table}{since_clause(self._entry, since)}"  # noqa: S608 - quoted names, literals
        url = self._sql_url
        while paginator.has_more:
            sql = f"{select} ORDER BY {order} LIMIT {paginator.page_size} OFFSET {paginator.token}"
            answer = self._client.get_json(
                url,
                {"sql": sql},
                check=lambda answer: paginator.vet(_records(ckan_result(answer, url), url)),
            )
            records = _records(ckan_result(answer, url), url)
            paginator.update(records)
            if records:
                yield Page(records=records, resume={"offset": paginator.token})

    def _get(self, url: str, query: Mapping[str, str | int]) -> dict[str, Any]:
        return ckan_result(self._client.get_json(url, query), url)


def ckan_result(answer: Any, url: str) -> dict[str, Any]:
    """The ``result`` of a CKAN action answer; a ``success: false`` answer raises."""
    if not isinstance(answer, dict):
        raise FatalSourceError(
            f"{url}: expected a CKAN action answer (a JSON object), got "
            f"{type(answer).__name__}. Check base_url in the catalog entry."
        )
    if answer.get("success") is not True:
        error = answer.get("error")
        error = error if isinstance(error, dict) else {}
        kind = error.get("__type", "Error")
        said = "; ".join(
            f"{key}: {value}" if key != "message" else str(value)
            for key, value in error.items()
            if key != "__type"
        )
        raise FatalSourceError(f"{url}: CKAN {kind}: {said}. {ADVICE.get(kind, DEFAULT_ADVICE)}")
    result = answer.get("result")
    if not isinstance(result, dict):
        raise FatalSourceError(f"{url}: the CKAN answer has no result. {DEFAULT_ADVICE}")
    return result


def _records(result: Mapping[str, Any], url: str) -> list[RawRecord]:
    records = result.get("records")
    if not isinstance(records, list):
        raise FatalSourceError(f"{url}: the CKAN result has no records list. {DEFAULT_ADVICE}")
    if not all(isinstance(record, dict) for record in records):
        raise FatalSourceError(
            f"{url}: the CKAN result's records are not all objects (records_format is not "
            "'objects'). The portal sent a malformed answer: rerun the sync later; if it "
            "persists, report it to the portal."
        )
    return records


def _sort_terms(sort: str) -> list[tuple[str, str]]:
    """``"issued_date desc, _id"`` -> ``[("issued_date", "DESC"), ("_id", "ASC")]``.

    ``_id`` is appended when missing: offsets are only stable under a total order.
    """
    terms = []
    for term in sort.split(","):
        name, _, direction = term.strip().partition(" ")
        if name:
            terms.append((name, direction.strip().upper() or "ASC"))
    if ROW_ID not in {name for name, _ in terms}:
        terms.append((ROW_ID, "ASC"))
    return terms
