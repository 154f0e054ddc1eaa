"""Paging of the browse lists with the permit listing's names: ``limit``, ``cursor`` →
``next_cursor``, ``data``, ``returned``.

The lists are small and come whole from the service (counted once per data version), so a
page is a slice after the cursor's key. The cursor is the last item's key, signed like a permit
cursor (``api.cursors``): keyed on names rather than positions, a page boundary stays put when
an ingest adds or drops an item, so paging never repeats or skips one that stayed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query
from pydantic import Field

from permitdb.api import cursors
from permitdb.api.openapi import example
from permitdb.api.params.types import CURSOR_EXAMPLE, Cursor
from permitdb.api.schemas.base import Schema
from permitdb.settings import SigningSecrets

Item = dict[str, Any]
Key = Callable[[Item], tuple[str, ...]]


class CursorPage(Schema):
    """The page of a search whose filters are one query model (``params.contractors``,
    ``params.parcels``): a model takes no parameter it does not declare, so these are its."""

    limit: int = Field(100, ge=1, le=1000, description="Page size", examples=[100])
    cursor: Cursor | None = Field(
        None,
        max_length=1000,
        description="next_cursor of the previous page, passed back unchanged",
        examples=[CURSOR_EXAMPLE],
    )


@dataclass(frozen=True, slots=True)
class ListPaging:
    limit: int
    cursor: str | None


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def list_paging(
    limit: Annotated[
        int, Query(ge=1, le=1000, description="Page size", openapi_examples=example(100))
    ] = 100,
    cursor: Annotated[
        Cursor | None,
        Query(
            description="next_cursor of the previous page, passed back unchanged",
            openapi_examples=example(CURSOR_EXAMPLE, "a next_cursor (signed: copy yours)"),
        ),
    ] = None,
) -> ListPaging:
    return ListPaging(limit, cursor)


def page_body(
    items: Sequence[Item],
    *,
    key: Key,
    paging: ListPaging,
    filters: Mapping[str, Any],
    secret: SigningSecrets,
) -> dict[str, Any]:
    """``{"data", "returned", "next_cursor"}`` for the page of ``items`` (ordered by ``key``)."""
    ordered = sorted(items, key=key)
    keys = [key(item) for item in ordered]
    filter_hash = cursors.digest(filters)
    start = 0
    if paging.cursor:
        last = cursors.verify(paging.cursor, None, filter_hash, secret)
        start = bisect.bisect_right(keys, tuple(str(field) for field in last))
    end = start + paging.limit
    next_cursor = None
    if end < len(ordered):
        next_cursor = cursors.sign(list(keys[end - 1]), filter_hash, secret)
    data = ordered[start:end]
    return {"data": data, "returned": len(data), "next_cursor": next_cursor}
