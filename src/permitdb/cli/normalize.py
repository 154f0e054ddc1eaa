"""``permitdb normalize``: a payload saved from a portal -> canonical NDJSON, before any ingest.

The records go through exactly what ingest runs on a page (``ingest.page.normalize_page``:
the dataset's row filter, the normalizer, rejects with their reason codes, repeated source
keys collapsed), so what this prints is what ingest would store. stdout carries only records
and stderr only JSON lines, so both can be piped into ``jq``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from permitdb.catalog.load import SUFFIX, load_entry_file
from permitdb.catalog.model import CatalogEntry
from permitdb.cli.console import fail
from permitdb.cli.slugs import one_dataset
from permitdb.ingest.page import normalize_page
from permitdb.testing.recordings import RecordingError, read_payload


def _json_line(document: Any) -> str:
    # Decimals as JSON numbers, as the API serves them; dates and datetimes in ISO 8601.
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    return orjson.dumps(document, default=default).decode()


def resolve_entry(file_or_slug: str) -> CatalogEntry:
    """A catalog file (validated on its own), or the bundled/configured dataset it names."""
    path = Path(file_or_slug)
    if file_or_slug.endswith(SUFFIX) or path.is_file():
        return load_entry_file(path)
    return one_dataset(file_or_slug)


def normalize(
    payload: Annotated[
        Path,
        typer.Argument(metavar="INPUT", help="A payload saved from the portal, as it returned it"),
    ],
    jurisdiction: Annotated[
        str,
        typer.Option(
            "--jurisdiction",
            metavar="FILE_OR_SLUG",
            help="A catalog YAML file, or a dataset (or single-dataset jurisdiction) slug",
        ),
    ],
) -> None:
    """Print the canonical records of INPUT as NDJSON; rejects go to stderr with their codes."""
    entry = resolve_entry(jurisdiction)
    try:
        raws = read_payload(entry, payload)
    except (OSError, UnicodeDecodeError, RecordingError) as exc:
        fail(
            f"cannot read {payload} as a {entry.source.platform} payload of {entry.slug} "
            f"({exc}). Save the portal's answer unchanged (docs/catalog-reference.md, sources)."
        )
    page = normalize_page(entry, raws, fetched_at=datetime.now(UTC))
    for record in page.records:
        typer.echo(_json_line(record))
    for reject in page.rejects:
        typer.echo(
            _json_line(
                {
                    "code": reject.code,
                    "message": reject.message,
                    "field": reject.field,
                    "raw": reject.raw,
                }
            ),
            err=True,
        )
    summary = {
        "read": page.fetched,
        "records": len(page.records),
        "rejected": len(page.rejects),
        "skipped": page.skipped,  # left out by the dataset's definition (catalog `parcels`)
        "duplicates": page.fetched - page.skipped - len(page.rejects) - len(page.records),
    }
    typer.echo(_json_line({"summary": summary}), err=True)
