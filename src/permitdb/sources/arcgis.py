"""ArcGIS REST: a feature/map-service layer read through ``{layer_url}/query``.

The layer's own description (``{layer_url}?f=json``) picks the paging strategy, as in
pyesridump's ladder: ``resultOffset``/``resultRecordCount`` ordered by the object id when the
server supports pagination (10.3+), else object-id ranges over the ids from ``returnIdsOnly``.
Pages never ask for more than the layer's ``maxRecordCount``; ``exceededTransferLimit`` says
the server cut an answer short. Geometry is requested in WGS84 (``outSR=4326``) and, when the
layer answers in Esri JSON, converted to GeoJSON.

ArcGIS reports most failures as HTTP 200 with ``{"error": {"code", "message", "details"}}``,
so every body is checked, not just the status (``arcgis_answers`` reads the answers).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError, IncompleteReadError
from permitdb.sources.arcgis_answers import (
    Layer,
    feature_records,
    raise_for_esri_error,
    raise_for_missing_fields,
)
from permitdb.sources.base import Page, ResumeToken, source_config
from permitdb.sources.http import HttpClient
from permitdb.sources.paging import (
    RERUN_ADVICE,
    CountMemo,
    OffsetPaginator,
    PageParams,
    Paginator,
    RepeatedPageError,
    check_read_all,
)

log = logging.getLogger("permitdb.sources")

TIMESTAMP_CURSORS: Final = frozenset({"epoch_ms", "date", "datetime"})


class ObjectIdRangePaginator(Paginator[int | None]):
    """Pages through sorted object ids, ``page_size`` ids per ``<oid> >= a AND <oid> <= b``.

    ``token`` is the last object id read (None before the first page). Ranges follow the ids
    the server listed, so gaps in the ids never produce empty pages.
    """

    def __init__(
        self, ids: Sequence[int], page_size: int, *, oid_field: str, where: str, after: int | None
    ) -> None:
        super().__init__(after, page_size=page_size)
        self._ids = ids
        self._size = page_size
        self._oid_field = oid_field
        self._where = where
        self._finished = not self._pending()
        self._wanted = len(ids) - (0 if after is None else bisect_right(ids, after))
        self._read = 0

    def _pending(self) -> Sequence[int]:
        start = 0 if self.token is None else bisect_right(self._ids, self.token)
        return self._ids[start : start + self._size]

    def params(self) -> PageParams:
        chunk = self._pending()
        oid = self._oid_field
        return {"where": f"({self._where}) AND {oid} >= {chunk[0]} AND {oid} <= {chunk[-1]}"}

    def next_token(self, records: Sequence[object]) -> int | None:
        return max(_object_id(record, self._oid_field) for record in records)

    def update(self, records: Sequence[object], *, more: bool | None = None) -> None:
        """Move past the range; ``more`` (exceededTransferLimit) means the server cut it short."""
        following = self.next_token(records) if more and records else self._pending()[-1]
        if self.token is not None and following is not None and following <= self.token:
            raise IncompleteReadError(
                f"loop detected in object-id paging: the server answered ids up to {following} "
                f"after id {self.token}, so it ignores the where clause. {RERUN_ADVICE}"
            )
        self._token = following
        self._finished = not self._pending()
        self._read += len(records)
        if self._finished:
            check_read_all(self._read, self._wanted, "object ids listed by returnIdsOnly")


class ArcGISSource:
    """Reads a ``platform: arcgis`` catalog entry."""

    def __init__(self, entry: CatalogEntry, client: HttpClient) -> None:
        self._entry = entry
        self._config = source_config(entry, catalog.ArcGISSource)
        self._client = client
        self._layer_url = self._config.layer_url
        self._query_url = f"{self._layer_url}/query"
        self._counts = CountMemo(self._count, entry.slug)

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]:
        description = self._get(self._layer_url, {"f": "json"})
        layer = Layer.from_description(description, self._layer_url)
        raise_for_missing_fields(self._entry, description, self._layer_url)
        fmt = self._config.format if layer.supports_geojson else "json"
        base: dict[str, str | int] = {
            "outFields": self._out_fields(layer.oid_field),
            "outSR": "4326",
            "returnGeometry": "true",
            "f": fmt,
        }
        page_size = min(self._entry.page_size, layer.max_record_count)
        where = self._where(since)
        after: int | None = None
        if layer.supports_pagination and (resume is None or "offset" in resume):
            paginator = OffsetPaginator(
                page_size,
                offset=_resume_value(resume, "offset") or 0,
                limit_param="resultRecordCount",
                offset_param="resultOffset",
                expected=self._counts.expected(since),
            )
            query = base | {"where": where, "orderByFields": f"{layer.oid_field} ASC"}
            try:
                for page in self._walk(paginator, query, "offset"):
                    after = _object_id(page.records[-1], layer.oid_field)  # ids ascend
                    yield page
            except RepeatedPageError:
                # pyesridump's ladder: a server that ignores resultOffset is paged by its ids,
                # from the last id read (from the start when none was: upserts make it safe).
                log.warning(
                    "%s: the server answered resultOffset=%d with the page before it, so it "
                    "ignores resultOffset; paging by object-id ranges after id %s instead",
                    self._entry.slug,
                    paginator.token,
                    after,
                )
            else:
                return
        else:
            self._counts.remembered(since)  # the listed ids are this walk's count
            after = _resume_value(resume, "after_oid")
        ranges = self._range_paginator(where, layer, page_size, after)
        yield from self._walk(ranges, base, "after_oid")

    def _walk(
        self,
        paginator: OffsetPaginator | ObjectIdRangePaginator,
        query: Mapping[str, str | int],
        resume_key: str,
    ) -> Iterator[Page]:
        while paginator.has_more:
            answer = self._get(
                self._query_url,
                {**query, **paginator.params()},
                check=lambda answer: _vet(paginator, answer),
            )
            records, exceeded = feature_records(answer)
            # GeoJSON answers often leave exceededTransferLimit out: then a full page means more.
            paginator.update(records, more=True if exceeded else None)
            if records:
                yield Page(records=records, resume={resume_key: paginator.token})

    def count(self, *, since: str | None = None) -> int | None:
        return self._counts.count(since)

    def _count(self, since: str | None) -> int | None:
        answer = self._get(
            self._query_url, {"where": self._where(since), "returnCountOnly": "true", "f": "json"}
        )
        count = answer.get("count")
        if not isinstance(count, int):
            raise FatalSourceError(
                f"{self._query_url}: returnCountOnly answered {answer!r:.200} without a count. "
                "Check that layer_url in the catalog entry is a feature layer."
            )
        return count

    def _range_paginator(
        self, where: str, layer: Layer, page_size: int, after: int | None
    ) -> ObjectIdRangePaginator:
        answer = self._get(self._query_url, {"where": where, "returnIdsOnly": "true", "f": "json"})
        listed = answer.get("objectIds") or []  # null means no rows match
        if not isinstance(listed, list) or not all(
            isinstance(value, int | float) and not isinstance(value, bool) for value in listed
        ):
            raise FatalSourceError(
                f"{self._query_url}: returnIdsOnly answered {listed!r:.200}, not a list of "
                "object ids. The layer cannot be paged by object id: report it to its "
                "publisher, or find another copy of the layer and fix layer_url."
            )
        # Old servers spell ids as floats (6.4579816E7).
        ids = sorted(int(value) for value in listed)
        return ObjectIdRangePaginator(
            ids,
            page_size,
            oid_field=layer.oid_field,
            where=where,
            after=after,
        )

    def _get(
        self,
        url: str,
        params: Mapping[str, str | int],
        *,
        check: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """GET an ArcGIS answer; an HTTP-200 error body is checked inside the client's retry
        loop, so a retriable one (code 500, 503, 504) is retried like an HTTP 503."""

        def answer_checked(answer: Any) -> None:
            if not isinstance(answer, dict):
                raise FatalSourceError(
                    f"{url}: expected a JSON object, got {type(answer).__name__}. Check that "
                    "layer_url in the catalog entry ends in /MapServer/<n> or /FeatureServer/<n>."
                )
            raise_for_esri_error(answer, self._layer_url)
            if check is not None:
                check(answer)

        answer: dict[str, Any] = self._client.get_json(url, params, check=answer_checked)
        return answer

    def _out_fields(self, oid_field: str) -> str:
        """The catalog's outFields, plus the object id that object-id paging reads back."""
        fields = self._config.out_fields
        listed = {name.strip().lower() for name in fields.split(",")}
        return fields if "*" in listed or oid_field.lower() in listed else f"{fields},{oid_field}"

    def _where(self, since: str | None) -> str:
        if since is None:
            return self._config.where
        cursor = self._entry.cursor
        if cursor is None:
            raise FatalSourceError(
                f"{self._entry.slug}: an incremental sync needs a cursor, and the catalog entry "
                "has none. Add `cursor: {field: ...}` to the catalog file or run a full sync."
            )
        literal = where_literal(since, cursor.kind)
        return f"({self._config.where}) AND {cursor.field} >= {literal}"


def where_literal(value: str, kind: str) -> str:
    """``value`` as a literal for a ``where`` clause on a cursor field of ``kind``.

    Date-like cursors become ``TIMESTAMP 'YYYY-MM-DD HH:MM:SS'`` in UTC (the standardized-query
    spelling every hosted and 10.x layer accepts); an epoch-ms ``value`` is read as such.
    """
    if kind in TIMESTAMP_CURSORS:
        return f"TIMESTAMP '{_utc(value):%Y-%m-%d %H:%M:%S}'"
    if kind == "number":
        try:
            float(value)
        except ValueError:
            raise FatalSourceError(
                f"cursor value {value!r} is not a number, but the catalog says cursor kind "
                "'number'. Fix cursor.kind, or reset the dataset's cursor and run a full sync."
            ) from None
        return value
    return "'" + value.replace("'", "''") + "'"  # SQL-92: a quote inside a string is doubled


def _utc(value: str) -> datetime:
    text = value.strip()
    try:
        if text.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FatalSourceError(
            f"cursor value {value!r} is neither an ISO date/datetime nor epoch milliseconds. "
            "Fix cursor.kind in the catalog entry, or reset the dataset's cursor."
        ) from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _vet(paginator: OffsetPaginator | ObjectIdRangePaginator, answer: Mapping[str, Any]) -> None:
    records, exceeded = feature_records(answer)
    paginator.vet(records, more=exceeded)


def _object_id(record: object, oid_field: str) -> int:
    value = record.get(oid_field) if isinstance(record, dict) else None
    if not isinstance(value, int | float):
        raise FatalSourceError(
            f"a record came back without its object id {oid_field!r}. Add {oid_field} to "
            "out_fields in the catalog entry."
        )
    return int(value)


def _resume_value(resume: ResumeToken | None, key: str) -> int | None:
    if resume is None:
        return None
    value = resume.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise FatalSourceError(
            f"resume token {dict(resume)!r} has no {key!r}, which this layer's paging needs: it "
            "belongs to another dataset, or the layer changed paging strategy. Restart the sync "
            "from the beginning."
        )
    return value
