"""Replay a Socrata dataset: SODA ``/resource/{id}.json`` paging and the ``rows.csv`` export.

Answers the SoQL the connector sends: ``$limit`` (default 1000, as SODA), ``$offset``,
``$order`` (fields the records lack, such as ``:id`` in most recordings, keep file order),
``$select`` of ``count(*)`` or plain field names, and ``$where`` of the shape
``<field> >= <literal>``, optionally as ``(<static clause>) AND <field> >= <literal>``.
The static clause is not evaluated: recordings were captured with the catalog's static filter
already applied. Values compare as the text the recording holds (SODA sends strings), numbers
when the literal is a bare number; a row without the field does not match, as SQL NULL.
A CSV recording is served to ``/resource`` as rows of strings, and verbatim to ``rows.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.testing.portal import ReplayRequest, ReplayResponse, json_response
from permitdb.testing.recordings import soda_records

SODA_DEFAULT_LIMIT = 1000
_COMPARISON = r"(?P<field>:?\w+) >= (?P<literal>'(?:[^']|'')*'|-?\d+(?:\.\d+)?)"
CURSOR_ONLY = re.compile(_COMPARISON)
STATIC_AND_CURSOR = re.compile(rf"\((?P<static>.*)\) AND {_COMPARISON}", re.DOTALL)
FIELD_NAME = re.compile(r":?\w+")

Row = dict[str, Any]


class SoQLError(ValueError):
    """The query is outside what the replay understands; answered as SODA's HTTP 400."""


def handle(
    entry: CatalogEntry, recordings_dir: Path, request: ReplayRequest
) -> ReplayResponse | None:
    config = entry.source
    if not isinstance(config, catalog.SocrataSource):
        return None
    recording = recordings_dir / entry.recording.path
    if request.path == f"/api/views/{config.dataset_id}/rows.csv":
        if recording.suffix != ".csv":
            return json_response(404, {"error": True, "message": f"{recording.name} is not CSV"})
        return ReplayResponse(200, recording.read_bytes(), content_type="text/csv; charset=utf-8")
    if request.path != f"/resource/{config.dataset_id}.json":
        return None
    try:
        rows = _query(
            _rows(recording), {name: values[-1] for name, values in request.query.items()}
        )
    except SoQLError as exc:
        return json_response(
            400, {"code": "query.soql.invalid", "error": True, "message": str(exc)}
        )
    return json_response(200, rows)


def _query(rows: Sequence[Row], query: dict[str, str]) -> list[Row]:
    matching = _where(rows, query.get("$where"))
    select = query.get("$select", "*")
    if select.replace(" ", "").lower() == "count(*)":
        return [{"count": str(len(matching))}]
    ordered = _order(matching, query.get("$order"))
    try:
        offset = int(query.get("$offset", "0"))
        limit = int(query.get("$limit", str(SODA_DEFAULT_LIMIT)))
    except ValueError as exc:
        raise SoQLError(f"$offset and $limit must be integers: {exc}") from None
    return [_project(row, select) for row in ordered[offset : offset + limit]]


def _where(rows: Sequence[Row], where: str | None) -> Sequence[Row]:
    if where is None:
        return rows
    match = STATIC_AND_CURSOR.fullmatch(where) or CURSOR_ONLY.fullmatch(where)
    if match is None:
        return rows  # a static clause alone: already applied when the recording was captured
    field, literal = match["field"], match["literal"]
    if literal.startswith("'"):
        text = literal[1:-1].replace("''", "'")
        return [row for row in rows if isinstance(row.get(field), str) and row[field] >= text]
    bound = float(literal)
    return [row for row in rows if _number(row.get(field)) >= bound]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("-inf")  # not a number: never at or after a numeric bound


def _order(rows: Sequence[Row], order: str | None) -> list[Row]:
    ordered = list(rows)
    terms = [term.split() for term in (order or "").split(",") if term.strip()]
    for term in reversed(terms):  # stable sorts, last key first
        field, direction = term[0], (term[1].upper() if len(term) > 1 else "ASC")
        if direction not in ("ASC", "DESC"):
            raise SoQLError(f"$order direction must be ASC or DESC, got {direction!r}")
        if not any(field in row for row in ordered):
            continue  # the recording lacks the field: keep file order
        # Missing values sort last ascending, first descending, like SODA's NULLs.
        ordered.sort(
            key=lambda row: (field not in row, str(row.get(field, ""))),
            reverse=direction == "DESC",
        )
    return ordered


def _project(row: Row, select: str) -> Row:
    names = [name.strip() for name in select.split(",")]
    if "*" in names:
        return row
    unknown = [name for name in names if not FIELD_NAME.fullmatch(name)]
    if unknown:
        raise SoQLError(f"the replay portal selects plain field names only, not {unknown}")
    return {name: row[name] for name in names if name in row}


@lru_cache(maxsize=64)
def _rows(recording: Path) -> tuple[Row, ...]:
    """The recording's records, cached: a client pages through one file many times."""
    return tuple(soda_records(recording))
