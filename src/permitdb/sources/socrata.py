"""Socrata: SODA 2.x ``/resource/{id}.json`` with offset paging, or the whole-dataset CSV export.

SODA pages are only stable under a total order, so ``$order`` always ends with the row id
``:id``. Records are passed on exactly as SODA sends them: every value a string, null fields
left out of the row, points as GeoJSON objects.

``api: export`` streams ``/api/views/{id}/rows.csv`` instead (display-name headers). The export
takes no SoQL, so it cannot filter by the cursor: ``since`` is ignored and every sync reads
the whole file, relying on upserts by primary key to make that harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError
from permitdb.sources.base import Page, RawRecord, ResumeToken, source_config
from permitdb.sources.files import csv_records, row_pages
from permitdb.sources.http import HttpClient
from permitdb.sources.paging import CountMemo, OffsetPaginator, resume_position
from permitdb.sources.text import LineDecoder

log = logging.getLogger("permitdb.sources")

ROW_ID = ":id"
NUMERIC_CURSORS = frozenset({"number", "epoch_ms"})


class SocrataSource:
    """Reads a ``platform: socrata`` catalog entry."""

    def __init__(self, entry: CatalogEntry, client: HttpClient) -> None:
        self._entry = entry
        self._config = source_config(entry, catalog.SocrataSource)
        self._client = client
        token = client.settings.socrata_app_token
        self._headers = {"X-App-Token": token.get_secret_value()} if token else {}
        domain, dataset_id = self._config.domain, self._config.dataset_id
        self._resource_url = f"https://{domain}/resource/{dataset_id}.json"
        self._export_url = f"https://{domain}/api/views/{dataset_id}/rows.csv"
        self._counts = CountMemo(self._count, entry.slug)

    def pages(
        self, *, since: str | None = None, resume: ResumeToken | None = None
    ) -> Iterator[Page]:
        if self._config.api == "export":
            decoder = LineDecoder(None)  # the charset the export declares, else UTF-8
            lines = self._client.stream_lines(
                self._export_url, {"accessType": "DOWNLOAD"}, self._headers, decoder=decoder
            )
            records = csv_records(lines, decoder, self._export_url)
            return row_pages(records, self._entry.page_size, resume)
        return self._soda_pages(since, resume)

    def count(self, *, since: str | None = None) -> int | None:
        return self._counts.count(since)

    def _count(self, since: str | None) -> int | None:
        if self._config.api == "export":
            return None
        params = {"$select": "count(*)", **self._filter(since)}
        answer = self._client.get_json(self._resource_url, params, self._headers)
        try:
            return int(next(iter(answer[0].values())))
        except (TypeError, ValueError, LookupError, StopIteration, AttributeError):
            log.warning(
                "%s: unexpected count(*) answer %.200r; count unknown", self._entry.slug, answer
            )
            return None

    def _soda_pages(self, since: str | None, resume: ResumeToken | None) -> Iterator[Page]:
        offset = resume_position(resume, "offset")
        paginator = OffsetPaginator(
            self._entry.page_size, offset=offset, expected=self._counts.expected(since)
        )
        query: dict[str, str | int] = {"$order": self._order(), **self._filter(since)}
        if self._config.select:
            query["$select"] = self._config.select
        while paginator.has_more:
            answer = self._client.get_json(
                self._resource_url,
                query | paginator.params(),
                self._headers,
                check=lambda answer: paginator.vet(self._records(answer)),
            )
            records = self._records(answer)
            paginator.update(records)
            if records:
                yield Page(records=records, resume={"offset": paginator.token})

    def _order(self) -> str:
        """The catalog's ``$order`` with ``:id`` appended as a tiebreak, for stable offsets."""
        order = self._config.order
        terms = {term.split()[0] for term in order.split(",") if term.strip()}
        return order if ROW_ID in terms else f"{order},{ROW_ID}"

    def _filter(self, since: str | None) -> dict[str, str]:
        """``$where``: the catalog's static clause AND-ed with ``<cursor> >= <since>``."""
        clauses = []
        if self._config.where:
            clauses.append(self._config.where)
        if since is not None:
            clauses.append(self._cursor_clause(since))
        if not clauses:
            return {}
        if len(clauses) == 1:
            return {"$where": clauses[0]}
        static, cursor = clauses
        return {"$where": f"({static}) AND {cursor}"}

    def _cursor_clause(self, since: str) -> str:
        cursor = self._entry.cursor
        if cursor is None:
            raise FatalSourceError(
                f"{self._entry.slug}: an incremental sync needs a cursor, and the catalog entry "
                "has none. Add `cursor: {field: ...}` to the catalog file or run a full sync."
            )
        if cursor.kind not in NUMERIC_CURSORS:
            quoted = since.replace("'", "''")  # SoQL escapes a quote by doubling it
            return f"{cursor.field} >= '{quoted}'"
        try:
            float(since)
        except ValueError:
            raise FatalSourceError(
                f"{self._entry.slug}: cursor value {since!r} is not a number, but the catalog "
                f"says cursor kind {cursor.kind!r}. Fix cursor.kind, or reset the dataset's "
                "cursor and run a full sync."
            ) from None
        return f"{cursor.field} >= {since}"

    def _records(self, answer: Any) -> list[RawRecord]:
        if not isinstance(answer, list):
            raise FatalSourceError(
                f"{self._resource_url}: expected a JSON array of records, got "
                f"{type(answer).__name__}. Check domain and dataset_id in the catalog entry."
            )
        if not all(isinstance(row, dict) for row in answer):
            odd = next(row for row in answer if not isinstance(row, dict))
            raise FatalSourceError(
                f"{self._resource_url}: expected a JSON array of records, got one holding "
                f"{odd!r:.100}: the portal sent a malformed answer. Rerun the sync later; if it "
                "persists, report it to the portal."
            )
        return answer
