"""``limit`` and ``cursor``, named and bounded as the permit listing names them, for the other
cursor-paged listings (a permit's history, jurisdiction requests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int
    cursor: str | None


# async: pure validation, so FastAPI need not hop to the thread pool to run it
async def page_request(
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size")] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> PageRequest:
    return PageRequest(limit, cursor)
