"""JSON responses rendered by orjson: several times faster than the stdlib for permit pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import Response


def _default(value: object) -> Any:
    # Money is Decimal in the store; clients expect JSON numbers, and two-decimal amounts
    # round-trip exactly through a double.
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot serialize {type(value).__name__} to JSON")


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, default=_default, option=orjson.OPT_NON_STR_KEYS)


class OrjsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
