"""Replay a CKAN DataStore resource from a recorded ``datastore_search`` answer.

The recording's ``result.records`` are the whole resource. ``datastore_search`` answers
``limit`` (default 100), ``offset`` and ``sort`` with CKAN's envelope, ``total`` and the
``_links`` CKAN builds from the request (``next`` = the same query with ``offset + limit``,
sent even on the last page). ``datastore_search_sql`` answers the statements
``CKANSource`` sends, and nothing else:
``SELECT * | COUNT(*) AS count FROM "<resource>" [WHERE "<field>" >= '<value>']
[ORDER BY "<field>" ASC|DESC, ...] [LIMIT n OFFSET m]``. Errors use CKAN's statuses and
``{"success": false, "error": {"__type": ...}}`` bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.testing.portal import ReplayRequest, ReplayResponse, json_response
from permitdb.testing.recordings import document_records, load_document

SEARCH: Final = "/api/3/action/datastore_search"
SEARCH_SQL: Final = "/api/3/action/datastore_search_sql"
SEARCH_PARAMS: Final = frozenset({"resource_id", "limit", "offset", "sort"})
DEFAULT_LIMIT: Final = 100
STATUS: Final = {"Not Found Error": 404, "Authorization Error": 403, "Validation Error": 409}
NUMERIC_TYPES: Final = frozenset({"int", "int4", "int8", "float8", "numeric"})
IDENT: Final = r'"((?:[^"]|"")+)"'
# A pattern that reads the SQL CKANSource sends, not a query.
SQL: Final = re.compile(
    rf"SELECT (?P<what>\*|COUNT\(\*\) AS count) FROM {IDENT}"  # noqa: S608
    rf"(?: WHERE {IDENT} >= '(?P<value>(?:[^']|'')*)')?"
    rf"(?: ORDER BY (?P<order>{IDENT} (?:ASC|DESC)(?:, {IDENT} (?:ASC|DESC))*))?"
    r"(?: LIMIT (?P<limit>\d+) OFFSET (?P<offset>\d+))?"
)
ORDER_TERM: Final = re.compile(rf"{IDENT} (ASC|DESC)")


class ActionError(Exception):
    """A CKAN action error: ``kind`` is its ``__type``, ``details`` the rest of the body."""

    def __init__(self, kind: str, **details: object) -> None:
        self.kind = kind
        self.details = details
        super().__init__(kind)


def handle(
    entry: CatalogEntry, recordings_dir: Path, request: ReplayRequest
) -> ReplayResponse | None:
    if not isinstance(entry.source, catalog.CKANSource):
        return None
    prefix = urlsplit(entry.source.base_url).path.rstrip("/")
    action = request.path.removeprefix(prefix)
    if not request.path.startswith(prefix) or action not in (SEARCH, SEARCH_SQL):
        return None
    document = load_document(recordings_dir / entry.recording.path)
    # The handlers below read the columns' types beside the records.
    recorded = {
        "fields": document["result"]["fields"],
        "records": document_records(entry, document),
    }
    params = {name: values[0] for name, values in request.query.items()}
    # CKAN's help link names the action: .../help_show?name=<action>
    help_url = f"{document['help'].rpartition('=')[0]}={action.rsplit('/', 1)[1]}"
    try:
        if action == SEARCH:
            result = _search(recorded, params, entry.source.resource_id)
        else:
            result = _search_sql(recorded, params.get("sql", ""), entry.source.resource_id)
    except ActionError as exc:
        body = {"__type": exc.kind, **exc.details}
        return json_response(STATUS[exc.kind], {"help": help_url, "success": False, "error": body})
    return json_response(200, {"help": help_url, "success": True, "result": result})


def _search(
    recorded: Mapping[str, Any], params: Mapping[str, str], resource_id: str
) -> dict[str, Any]:
    if params.get("resource_id") != resource_id:
        raise ActionError("Not Found Error", message="Not found: Resource was not found.")
    unknown = sorted(set(params) - SEARCH_PARAMS)
    if unknown:
        unsupported = ["the replay portal does not support this parameter"]
        raise ActionError("Validation Error", **dict.fromkeys(unknown, unsupported))
    limit = int(params.get("limit", DEFAULT_LIMIT))
    offset = int(params.get("offset", 0))
    terms = []
    for term in params.get("sort", "").split(","):
        name, _, direction = term.strip().partition(" ")
        if name:
            terms.append((name, direction.strip().upper() == "DESC"))
    records = _sorted(recorded, terms, "sort")
    start = {name: value for name, value in params.items() if name != "offset"}
    result: dict[str, Any] = {
        "include_total": True,
        "limit": limit,
        "records_format": "objects",
        "resource_id": resource_id,
        "fields": recorded["fields"],
        "records": records[offset : offset + limit],
        "_links": {
            "start": f"{SEARCH}?{urlencode(start)}",
            "next": f"{SEARCH}?{urlencode(start | {'offset': offset + limit})}",
        },
        "total": len(records),
        "total_was_estimated": False,
    }
    if "sort" in params:
        result["sort"] = params["sort"]
    if "offset" in params:
        result["offset"] = offset
    return result


def _search_sql(recorded: Mapping[str, Any], sql: str, resource_id: str) -> dict[str, Any]:
    match = SQL.fullmatch(sql)
    if match is None:
        raise ActionError("Validation Error", query=[f"the replay portal cannot run {sql!r}"])
    table, field = match.group(2).replace('""', '"'), match.group(3)
    if table != resource_id:
        raise ActionError("Validation Error", query=[f'relation "{table}" does not exist'])
    records = list(recorded["records"])
    if field is not None:
        field = field.replace('""', '"')
        kind = _column_type(recorded, field)
        bound = _comparable(kind, match.group("value").replace("''", "'"))
        records = [
            r for r in records if r[field] is not None and _comparable(kind, r[field]) >= bound
        ]
    if match.group("what") != "*":
        count_field = [{"id": "count", "type": "int8"}]
        return {"records": [{"count": len(records)}], "fields": count_field, "sql": sql}
    if match.group("order"):
        terms = [
            (name.replace('""', '"'), direction == "DESC")
            for name, direction in ORDER_TERM.findall(match.group("order"))
        ]
        records = _sorted({**recorded, "records": records}, terms, "query")
    if match.group("limit") is not None:
        offset = int(match.group("offset"))
        records = records[offset : offset + int(match.group("limit"))]
    return {"records": records, "fields": recorded["fields"], "sql": sql}


def _sorted(recorded: Mapping[str, Any], terms: list[tuple[str, bool]], param: str) -> list[Any]:
    """Records ordered by ``(field, descending)`` terms, nulls sorting as PostgreSQL's do.

    PostgreSQL puts nulls last ascending and first descending: a reversed sort of
    ``(is null, value)`` keys does exactly that.
    """
    records = list(recorded["records"])
    for name, descending in reversed(terms):
        records.sort(key=_sort_key(name, _column_type(recorded, name, param)), reverse=descending)
    return records


def _sort_key(name: str, kind: str) -> Callable[[Mapping[str, Any]], tuple[bool, Any]]:
    def key(record: Mapping[str, Any]) -> tuple[bool, Any]:
        value = record[name]
        return (True, None) if value is None else (False, _comparable(kind, value))

    return key


def _column_type(recorded: Mapping[str, Any], name: str, param: str = "query") -> str:
    for column in recorded["fields"]:
        if column["id"] == name:
            return str(column["type"])
    raise ActionError("Validation Error", **{param: [f'column "{name}" does not exist']})


def _comparable(kind: str, value: object) -> Any:
    """``value`` as PostgreSQL compares a column of ``kind``: numbers, timestamps or text."""
    if kind in NUMERIC_TYPES:
        return float(str(value))
    if kind == "timestamp":
        return datetime.fromisoformat(str(value))
    return str(value)
