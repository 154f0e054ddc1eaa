"""Incremental-cursor arithmetic: comparing, lagging and capping cursor values by kind.

Cursor values are stored as text (``ingest_state.cursor_value``) in the spelling the portal
uses, because that is what goes back into the portal's filter. Comparing them needs their kind:
``"9"`` sorts after ``"10"`` as text but not as a number.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from permitdb.catalog.model import Cursor

SortKey = tuple[int, Any]


def cursor_text(value: Any) -> str | None:
    """A raw cursor field value as the text we store; None when absent or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def sort_key(cursor: Cursor, value: str) -> SortKey:
    """Order cursor values of one kind; unparseable values sort first so they never win."""
    match cursor.kind:
        case "epoch_ms" | "number":
            try:
                return (1, Decimal(value))
            except InvalidOperation:
                return (0, value)
        case "datetime" | "date":
            parsed = _parse_datetime(value)
            return (1, parsed) if parsed is not None else (0, value)
        case _:
            return (1, value)


def later(cursor: Cursor, current: str | None, candidate: str | None) -> str | None:
    """The later of two cursor values (either may be None)."""
    if candidate is None:
        return current
    if current is None:
        return candidate
    return candidate if sort_key(cursor, candidate) > sort_key(cursor, current) else current


def with_lag(cursor: Cursor, value: str) -> str:
    """Step ``value`` back by the catalog's lag window, keeping the portal's spelling."""
    if cursor.lag_seconds == 0:
        return value
    lag = timedelta(seconds=cursor.lag_seconds)
    if cursor.kind == "epoch_ms":
        try:
            return str(int(Decimal(value)) - cursor.lag_seconds * 1000)
        except InvalidOperation:
            return value
    if cursor.kind in ("datetime", "date"):
        parsed = _parse_datetime(value)
        if parsed is None:
            return value
        stepped = parsed - lag
        if cursor.kind == "date":
            return stepped.date().isoformat()
        return stepped.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return value


def capped_at(cursor: Cursor, value: str | None, run_started: datetime) -> str | None:
    """Never let the high-water mark pass the run's start time.

    A row edited while the run was reading carries a timestamp after the start; capping the
    mark makes the next sync read it again rather than skip it (meltano's "signpost").
    """
    if value is None or cursor.kind not in ("datetime", "epoch_ms"):
        return value
    if cursor.kind == "epoch_ms":
        limit_ms = int(run_started.timestamp() * 1000)
        try:
            return str(limit_ms) if Decimal(value) > limit_ms else value
        except InvalidOperation:
            return value
    parsed = _parse_datetime(value)
    if parsed is not None and parsed > run_started.astimezone(UTC).replace(tzinfo=None):
        return run_started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    return value


def _parse_datetime(value: str) -> datetime | None:
    """ISO date or datetime as naive UTC-ish wall time (portals' cursor fields are ISO)."""
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
