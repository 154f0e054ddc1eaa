"""What every log record emitted while serving a request carries: that request's id.

The API's request middleware sets ``request_id`` for the duration of a request; contextvars
follow the request into the thread pool (Starlette runs sync routes through anyio, which copies
the context), so a log line written by a route, a dependency or the store gets the id too.
``RequestIdFilter`` copies it onto each record, where the log formatters find it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Literal

# Here rather than in settings: the CLI's root option needs it before pydantic is imported.
LogLevel = Literal["debug", "info", "warning", "error"]
LogFormat = Literal["auto", "rich", "json"]

request_id: ContextVar[str | None] = ContextVar("permitdb_request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (None outside a request) unless the record brings its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True
