"""The key a parcel id is joined on: the same parcel, the same key, however it is spelled.

Assessors and permit systems write one parcel id several ways: a Cook County PIN dashed
(``14-21-101-005-0000``) or not, a NYC BBL as ten digits or as borough, block and lot
(``1-01234-0056``), an APN with spaces or dots. Keeping only letters and digits, upper-cased,
makes those spellings one key; parcel ids are unique only within an assessor's area, so the
key is always compared within a state. A value with no digit at all (``N/A``, ``UNKNOWN``,
``0``-only placeholders) names no parcel and has no key.
"""

from __future__ import annotations

import re
from typing import Final

_NOT_ALNUM: Final = re.compile(r"[^0-9A-Za-z]+")


def parcel_key(parcel_id: str | None) -> str | None:
    """``parcel_id`` as a join key, or None when it names no parcel."""
    if not parcel_id:
        return None
    key = _NOT_ALNUM.sub("", parcel_id).upper()
    if not any(ch.isdigit() for ch in key) or not key.strip("0"):
        return None
    return key
