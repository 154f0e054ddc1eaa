"""PostgreSQL SQL text for portals that take a query: CKAN's datastore_search_sql and CARTO.

The portal runs the SQL, so it cannot be parameterized: every name is a quoted identifier and
every value a quoted literal, with embedded quotes doubled.
"""

from __future__ import annotations

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import FatalSourceError


def sql_identifier(name: str) -> str:
    """A PostgreSQL quoted identifier: ``"name"``, with embedded quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    """A PostgreSQL string literal: ``'value'``, with embedded quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def since_clause(entry: CatalogEntry, since: str | None) -> str:
    """`` WHERE <cursor> >= '<since>'`` for an incremental sync; empty for a full one."""
    if since is None:
        return ""
    if entry.cursor is None:
        raise FatalSourceError(
            f"{entry.slug}: an incremental sync needs a cursor, and the catalog entry has none. "
            "Add `cursor: {field: ...}` to the catalog file or run a full sync."
        )
    # PostgreSQL casts the quoted literal to the column's type, whatever the cursor kind.
    return f" WHERE {sql_identifier(entry.cursor.field)} >= {sql_literal(since)}"
