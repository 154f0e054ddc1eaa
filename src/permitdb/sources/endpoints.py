"""The human-facing address of a catalog entry's dataset, for logs, listings and provenance."""

from __future__ import annotations

from urllib.parse import urlsplit

from permitdb.catalog import model as catalog


def endpoint_url(source: catalog.Source) -> str:
    """Where the dataset lives on its portal (no query string, so no secrets)."""
    match source:
        case catalog.SocrataSource(api="export"):
            return f"https://{source.domain}/api/views/{source.dataset_id}/rows.csv"
        case catalog.SocrataSource():
            return f"https://{source.domain}/resource/{source.dataset_id}.json"
        case catalog.ArcGISSource():
            return source.layer_url
        case catalog.CKANSource():
            return f"{source.base_url.rstrip('/')}/dataset?resource_id={source.resource_id}"
        case catalog.CartoSource():
            return f"{source.base_url.rstrip('/')}/api/v2/sql (table {source.table})"
        case catalog.FileSource():
            return source.url
    raise AssertionError(f"unhandled platform {source!r}")  # pragma: no cover - Literal is closed


def endpoint_host(source: catalog.Source) -> str | None:
    """The portal's host name; None for a local file."""
    match source:
        case catalog.SocrataSource():
            return source.domain
        case catalog.FileSource() if "://" not in source.url:
            return None
    return urlsplit(endpoint_url(source)).hostname
