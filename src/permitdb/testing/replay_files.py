"""Replay a file source: the recording at the path of the catalog entry's URL.

Several catalog entries may read one shared upstream file (one entry per city of a multi-city
file, each keeping its rows with ``match``). The portal then serves their recordings as one
file, as the upstream does: CSV headers once, records concatenated. A ``.gz`` URL is served
gzip-compressed, like the real file.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import orjson

from permitdb.catalog import model as catalog
from permitdb.catalog.model import CatalogEntry
from permitdb.testing.portal import ReplayRequest, ReplayResponse

CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "json": "application/json",
}


def handle(
    entry: CatalogEntry, recordings_dir: Path, request: ReplayRequest
) -> ReplayResponse | None:
    return handle_shared([entry], recordings_dir, request)


def handle_shared(
    entries: Sequence[CatalogEntry], recordings_dir: Path, request: ReplayRequest
) -> ReplayResponse | None:
    """Serve every file entry whose URL path is the request's, as one file."""
    configs = [
        (entry, entry.source)
        for entry in entries
        if isinstance(entry.source, catalog.FileSource)
        and urlsplit(entry.source.url).path == request.path
    ]
    if not configs:
        return None
    file_format = configs[0][1].format
    bodies = [(recordings_dir / entry.recording.path).read_bytes() for entry, _ in configs]
    body = _concatenate(file_format, bodies, has_header=configs[0][1].columns is None)
    if request.path.endswith(".gz"):
        return ReplayResponse(200, gzip.compress(body), content_type="application/gzip")
    return ReplayResponse(200, body, content_type=CONTENT_TYPES[file_format])


def _concatenate(file_format: str, bodies: list[bytes], *, has_header: bool) -> bytes:
    if len(bodies) == 1:
        return bodies[0]
    match file_format:
        case "csv" if has_header:
            first, *rest = bodies
            tails = [body.split(b"\n", 1)[1] if b"\n" in body else b"" for body in rest]
            return b"".join(_ends_with_newline(part) for part in [first, *tails])
        case "csv" | "ndjson":  # a headerless CSV's lines are all rows, as NDJSON's
            return b"".join(_ends_with_newline(body) for body in bodies)
        case _:
            merged: list[object] = []
            for body in bodies:
                merged.extend(orjson.loads(body))
            return orjson.dumps(merged)


def _ends_with_newline(part: bytes) -> bytes:
    return part if part.endswith(b"\n") or not part else part + b"\n"
