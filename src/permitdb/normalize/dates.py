"""Every date spelling the portals send, read as the local calendar date the jurisdiction meant.

Spellings (all seen in ``recordings/``): ISO with or without a zone and fractional seconds
(Socrata floating timestamps ``2026-09-25T00:00:00.000``, system fields ``...429Z``), ISO dates
with trailing spaces, ``MM/DD/YYYY`` with optional ``hh:mm[:ss] AM``, ``MM/DD/YY  h:mm:ss PM``
(two-digit year, padded), ``YYYY-MM-DD HH:MM:SS``, epoch milliseconds as number or text (ArcGIS),
``YYYYMMDD`` and ``YYYYMMDD.hhmmss`` numbers, and a catalog-given strptime ``format``.

A naive time is the jurisdiction's wall-clock time. An instant (zone given, or epoch ms) is moved
into the jurisdiction's zone before the date is taken, except an epoch at exactly UTC midnight:
that is how ArcGIS stores a date-only value, so it means that calendar date (Denver's
``1790208000000`` is 2026-09-24, not the evening of the 23rd).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_US = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.(\d{1,6}))?")
_EPOCH_TEXT = re.compile(r"-?\d{9,}(?:\.0*)?")
_MS_PER_DAY = 86_400_000
# YYYYMMDD numbers fall in this band; epoch milliseconds this small would be January 1970.
_COMPACT_LOW, _COMPACT_HIGH = 1_000_01_01, 2_999_12_32
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone, built once per name."""
    return ZoneInfo(name)


def parse_date(value: Any, tz: ZoneInfo, fmt: str | None = None) -> date:
    """The local calendar date ``value`` means in ``tz``. Raises ValueError when unreadable."""
    moment = _read(value, fmt)
    if isinstance(moment, date) and not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(tz).date()


def parse_datetime(value: Any, tz: ZoneInfo, fmt: str | None = None) -> datetime:
    """The aware UTC instant ``value`` means; naive values are wall time in ``tz``."""
    moment = _read(value, fmt)
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=tz)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _read(value: Any, fmt: str | None) -> date | datetime:
    """A date (date-only meaning), a naive local datetime, or an aware instant."""
    if isinstance(value, bool):
        raise TypeError(f"not a date: {value!r}")
    if isinstance(value, int | float):
        return _from_number(value)
    if not isinstance(value, str):
        raise TypeError(f"not a date: {value!r}")
    text = value.strip()
    if fmt is not None:
        return datetime.strptime(text, fmt)  # noqa: DTZ007 - naive means local wall time
    return _from_text(text)


@lru_cache(maxsize=65_536)
def _from_text(text: str) -> date | datetime:
    # Cached: a page repeats the same few dates, and these objects are immutable.
    if match := _ISO.fullmatch(text):
        return _assemble(*match.groups())
    if match := _US.fullmatch(text):
        month, day, year, hour, minute, second, meridiem = match.groups()
        if len(year) == 2:
            # strptime's %y pivot: 69-99 -> 1900s, 00-68 -> 2000s.
            year = str(int(year) + (1900 if int(year) >= 69 else 2000))
        hour = _twelve_hour(hour, meridiem)
        return _assemble(year, month, day, hour, minute, second, None, None)
    if _EPOCH_TEXT.fullmatch(text):
        return _from_epoch_ms(int(float(text)))
    if match := _COMPACT.fullmatch(text):
        return _from_compact(*match.groups())
    raise ValueError(f"not a date: {text!r}")


def _from_number(value: float) -> date | datetime:
    if _COMPACT_LOW <= value < _COMPACT_HIGH:
        whole = f"{value:.6f}" if isinstance(value, float) else str(value)
        match = _COMPACT.fullmatch(whole.rstrip("0").rstrip("."))
        if match:
            return _from_compact(*match.groups())
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a date: {value!r}")
    return _from_epoch_ms(int(value))


def _from_epoch_ms(millis: int) -> date | datetime:
    if millis % _MS_PER_DAY == 0:
        return (_EPOCH + timedelta(milliseconds=millis)).date()
    return _EPOCH + timedelta(milliseconds=millis)


def _from_compact(year: str, month: str, day: str, clock: str | None) -> date | datetime:
    if not clock or not clock.strip("0"):
        return date(int(year), int(month), int(day))
    clock = clock.ljust(6, "0")
    return datetime(  # noqa: DTZ001 - naive means local wall time
        int(year), int(month), int(day), int(clock[:2]), int(clock[2:4]), int(clock[4:6])
    )


def _twelve_hour(hour: str | None, meridiem: str | None) -> str | None:
    if hour is None or meridiem is None:
        return hour
    number = int(hour) % 12
    return str(number + 12 if meridiem.upper() == "PM" else number)


def _assemble(
    year: str,
    month: str,
    day: str,
    hour: str | None,
    minute: str | None,
    second: str | None,
    fraction: str | None,
    offset: str | None,
) -> date | datetime:
    if hour is None:
        return date(int(year), int(month), int(day))
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    moment = datetime(  # noqa: DTZ001 - naive means local wall time; the zone is added below
        int(year), int(month), int(day), int(hour), int(minute or 0), int(second or 0), micro
    )
    if offset is None:
        return moment
    if offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.replace(tzinfo=UTC) - sign * delta
