"""How each platform's replay spells what a fault changes: which request is a page or a
count, where its offset and limit are, how an empty page, a "more" flag or a count looks.

Paging parameters are query parameters (SODA ``$offset``/``$limit``, ArcGIS
``resultOffset``/``resultRecordCount``, CKAN ``datastore_search`` ``offset``/``limit``) or
part of a SQL statement (``LIMIT n OFFSET m`` in CKAN ``datastore_search_sql`` and CARTO).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Final, Literal

from permitdb.catalog.model import CatalogEntry, Platform
from permitdb.testing.portal import ReplayRequest

RequestKind = Literal["page", "count", "description", "ids", "file"]

SQL_PAGE: Final = re.compile(r"LIMIT (?P<limit>\d+) OFFSET (?P<offset>\d+)")
COUNT_SQL: Final = "COUNT(*)"


def _param(request: ReplayRequest, name: str) -> str | None:
    values = request.query.get(name)
    return values[-1] if values else None


def _with_param(request: ReplayRequest, name: str, value: str) -> ReplayRequest:
    return ReplayRequest(request.path, {**request.query, name: [value]})


class Dialect(ABC):
    """Paging by query parameters or in SQL; subclasses say which, and how documents look."""

    limit_param = ""
    offset_param = ""
    sql_param = ""  # set: paging is LIMIT/OFFSET inside this parameter's SQL

    @abstractmethod
    def kind(self, entry: CatalogEntry, request: ReplayRequest) -> RequestKind:
        """What ``request`` asks for."""

    def _sql(self, request: ReplayRequest) -> str | None:
        return _param(request, self.sql_param) if self.sql_param else None

    def limit(self, request: ReplayRequest) -> int | None:
        sql = self._sql(request)
        if sql is not None:
            found = SQL_PAGE.search(sql)
            return int(found["limit"]) if found else None
        value = _param(request, self.limit_param)
        return int(value) if value is not None else None

    def with_limit(self, request: ReplayRequest, limit: int) -> ReplayRequest:
        return self._with_paging(request, "limit", limit)

    def with_offset(self, request: ReplayRequest, offset: int) -> ReplayRequest:
        return self._with_paging(request, "offset", offset)

    def _with_paging(self, request: ReplayRequest, which: str, value: int) -> ReplayRequest:
        sql = self._sql(request)
        if sql is None:
            name = self.limit_param if which == "limit" else self.offset_param
            return _with_param(request, name, str(value)) if name else request
        found = SQL_PAGE.search(sql)
        if found is None:
            return request
        limit, offset = int(found["limit"]), int(found["offset"])
        limit, offset = (value, offset) if which == "limit" else (limit, value)
        paged = sql[: found.start()] + f"LIMIT {limit} OFFSET {offset}" + sql[found.end() :]
        return _with_param(request, self.sql_param, paged)

    def emptied(self, document: Any, *, claim_more: bool) -> Any:
        """``document`` (a page answer) with no records."""
        return document

    def without_more_flag(self, document: Any) -> Any:
        """``document`` (a page answer) without the portal's "more records follow" flag."""
        return document

    def recounted(self, document: Any, delta: int) -> Any:
        """``document`` with whatever count it carries off by ``delta``."""
        return document


class SocrataDialect(Dialect):
    limit_param, offset_param = "$limit", "$offset"

    def kind(self, entry: CatalogEntry, request: ReplayRequest) -> RequestKind:
        if request.path.endswith("/rows.csv"):
            return "file"
        select = (_param(request, "$select") or "").replace(" ", "").lower()
        return "count" if select == "count(*)" else "page"

    def emptied(self, document: Any, *, claim_more: bool) -> Any:
        return []

    def recounted(self, document: Any, delta: int) -> Any:
        if isinstance(document, list) and len(document) == 1 and "count" in document[0]:
            return [{"count": str(int(document[0]["count"]) + delta)}]
        return document


class ArcGISDialect(Dialect):
    limit_param, offset_param = "resultRecordCount", "resultOffset"

    def kind(self, entry: CatalogEntry, request: ReplayRequest) -> RequestKind:
        if not request.path.endswith("/query"):
            return "description"
        if _param(request, "returnCountOnly") == "true":
            return "count"
        return "ids" if _param(request, "returnIdsOnly") == "true" else "page"

    def emptied(self, document: Any, *, claim_more: bool) -> Any:
        emptied = self.without_more_flag({**document, "features": []})
        if not claim_more:
            return emptied
        if emptied.get("type") == "FeatureCollection":  # GeoJSON keeps the flag here
            return {**emptied, "properties": {"exceededTransferLimit": True}}
        return {**emptied, "exceededTransferLimit": True}

    def without_more_flag(self, document: Any) -> Any:
        flags = {"exceededTransferLimit", "properties"}
        return {key: value for key, value in document.items() if key not in flags}

    def recounted(self, document: Any, delta: int) -> Any:
        if isinstance(document.get("count"), int):
            return {**document, "count": document["count"] + delta}
        return document


class CKANDialect(Dialect):
    limit_param, offset_param, sql_param = "limit", "offset", "sql"

    def kind(self, entry: CatalogEntry, request: ReplayRequest) -> RequestKind:
        sql = self._sql(request)
        if sql is not None:
            return "count" if COUNT_SQL in sql else "page"
        return "count" if _param(request, "limit") == "0" else "page"

    def emptied(self, document: Any, *, claim_more: bool) -> Any:
        return {**document, "result": {**document["result"], "records": []}}

    def recounted(self, document: Any, delta: int) -> Any:
        result = dict(document["result"])
        if isinstance(result.get("total"), int):
            result["total"] += delta
        records = result.get("records") or []
        if len(records) == 1 and set(records[0]) == {"count"}:  # datastore_search_sql COUNT(*)
            result["records"] = [{"count": records[0]["count"] + delta}]
        return {**document, "result": result}


class CartoDialect(Dialect):
    sql_param = "q"

    def kind(self, entry: CatalogEntry, request: ReplayRequest) -> RequestKind:
        return "count" if COUNT_SQL in (self._sql(request) or "") else "page"

    def emptied(self, document: Any, *, claim_more: bool) -> Any:
        return {**document, "features": []}

    def recounted(self, document: Any, delta: int) -> Any:
        rows = document.get("rows")
        if isinstance(rows, list) and len(rows) == 1 and "count" in rows[0]:
            return {**document, "rows": [{"count": rows[0]["count"] + delta}]}
        return document


class FileDialect(Dialect):
    """A whole file: one request, no paging."""

    def kind(self, entry: CatalogEntry, request: ReplayRequest) -> RequestKind:
        return "file"


DIALECTS: Final[dict[Platform, Dialect]] = {
    "socrata": SocrataDialect(),
    "arcgis": ArcGISDialect(),
    "ckan": CKANDialect(),
    "carto": CartoDialect(),
    "file": FileDialect(),
}
