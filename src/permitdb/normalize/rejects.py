"""Why a raw record is quarantined: the stable reason codes of ``errors.RecordRejected``.

Codes never change meaning; docs/quarantine.md lists the same table.
"""

from __future__ import annotations

from typing import Final

REJECT_CODES: Final[dict[str, str]] = {
    "missing_primary_key": "a primary-key field of the catalog entry is missing or empty",
    "unparseable_date": "a date or datetime field holds text that is no date spelling we know",
    "unparseable_money": "a money field (valuation, fees) holds text that is not an amount",
    "unparseable_number": "an integer or number field holds text that does not start with one",
    "unparseable_point": "the location field holds something that is not a point or polygon",
    "unparseable_value": (
        "any other converter failure (a safety net: text converters accept any JSON)"
    ),
    "pattern_mismatch": "a field fails the catalog entry's `patterns` regex (e.g. shifted rows)",
    "missing_required_field": "a field listed in the catalog entry's `required` is empty",
    "undecodable_record": (
        "a line of the record is not in the file's encoding; set `encoding:` in the catalog entry"
    ),
    "malformed_line": "an NDJSON line is not a JSON object (truncated, or a lone surrogate)",
    "database_refused": (
        "the database cannot hold the record (a number beyond its column, a text its full-text "
        "index cannot take); the rest of the page loads"
    ),
}
