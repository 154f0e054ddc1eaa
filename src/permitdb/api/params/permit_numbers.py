"""The path and query of a lookup by permit number: the number, and the optional jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Query

from permitdb.api.openapi import FREE_TEXT_PATTERN, example
from permitdb.normalize.permit_numbers import MAX_LENGTH


@dataclass(frozen=True, slots=True)
class NumberAsk:
    permit_number: str
    jurisdiction: str | None


# async: pure parsing, so FastAPI need not hop to the thread pool to run it
async def number_ask(
    permit_number: Annotated[
        str,
        Path(
            min_length=1,
            max_length=MAX_LENGTH,
            # not only spaces (a blank number matches nothing), no control character
            pattern=FREE_TEXT_PATTERN,
            description="Permit number; spaces around it and letter case do not matter",
            openapi_examples=example("2026-000001 EP"),
        ),
    ],
    jurisdiction: Annotated[
        str | None,
        Query(
            description="Jurisdiction slug; without it, detected from the number",
            openapi_examples=example("austin-tx"),
        ),
    ] = None,
) -> NumberAsk:
    return NumberAsk(permit_number, jurisdiction)
