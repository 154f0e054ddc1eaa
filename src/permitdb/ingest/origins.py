"""Cursors belong to what they were read from: a live portal or the bundled recordings.

A recording holds a slice of a dataset's history. Its high-water mark, used against the live
portal, would ask only for rows newer than the recording's last date and silently skip the
rest of the history; the other way round, a live cursor would skip most of a recording. So a
sync drops a cursor (and resume point) that another origin left and reads everything.
"""

from __future__ import annotations

from permitdb.store.ingest_state import CursorOrigin, SyncState

_CAME_FROM = {
    "recordings": "came from the bundled recordings, which hold only part of the history",
    "live": "came from the live portal, which the recordings do not match",
}


def foreign_cursor(state: SyncState | None, origin: CursorOrigin) -> str | None:
    """Why a sync of ``origin`` must not go on from ``state``; None when it may."""
    if state is None or state.origin == origin:
        return None
    if state.cursor_value is None and state.resume is None:
        return None  # nothing to go on from
    came_from = _CAME_FROM.get(
        state.origin or "", "has no recorded origin (stored before permitdb tracked origins)"
    )
    return (
        f"reading the whole dataset: its stored cursor {came_from}, and a {origin} sync never "
        "goes on from another origin's cursor"
    )
