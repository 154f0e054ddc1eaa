"""What an ArcGIS REST server's answers say: a layer description, an HTTP-200 error body, the
features of a query answer (GeoJSON or Esri JSON) and its ``exceededTransferLimit`` flag.

Anything of another shape (``features: [null]``, ``maxRecordCount: "lots"``) is a
``FatalSourceError`` that says so, never a ``TypeError`` deep in a sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, Final

from permitdb.catalog.model import CatalogEntry
from permitdb.catalog.source_fields import mapped_fields
from permitdb.errors import FatalSourceError, RetriableSourceError, SchemaDriftError
from permitdb.sources.base import GEOMETRY_KEY, RawRecord
from permitdb.sources.geometry import esri_to_geojson, feature_parts

# Servers before 10.1 leave maxRecordCount out of the layer description; 1000 was their limit.
DEFAULT_MAX_RECORD_COUNT: Final = 1000
RETRIABLE_CODES: Final = frozenset({500, 503, 504})
FATAL_ADVICE: Final[dict[object, str]] = {
    400: "The server rejected the query: check where, out_fields and the cursor field in the "
    "catalog entry against the fields listed at {layer}?f=json.",
    403: "The server refused access: permitdb reads public layers only; find the public copy "
    "of this layer on the publisher's open-data site and fix layer_url.",
    404: "The layer does not exist: open {layer} in a browser, find the layer's current "
    "address in the service directory and fix layer_url.",
    498: "The access token is invalid or expired: this layer is not public; find the public "
    "copy of the layer on the publisher's open-data site and fix layer_url.",
    499: "The layer requires a token (it is not public): find the public copy of the layer on "
    "the publisher's open-data site and fix layer_url.",
}


@dataclass(frozen=True, slots=True)
class Layer:
    """What the layer description says about how to page it."""

    oid_field: str
    max_record_count: int
    supports_pagination: bool
    supports_geojson: bool

    @classmethod
    def from_description(cls, doc: Mapping[str, Any], layer_url: str) -> Layer:
        fields = doc.get("fields")
        fields = [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
        oid = doc.get("objectIdField") or next(
            (f.get("name") for f in fields if f.get("type") == "esriFieldTypeOID"), None
        )
        if not isinstance(oid, str):
            raise FatalSourceError(
                f"{layer_url}?f=json names no object-id field, so its rows cannot be paged "
                "reliably. Point layer_url at the feature layer itself (not a table view or "
                "a group layer) in the catalog entry."
            )
        advanced = doc.get("advancedQueryCapabilities")
        advanced = advanced if isinstance(advanced, dict) else {}
        max_record_count = doc.get("maxRecordCount") or DEFAULT_MAX_RECORD_COUNT
        if not isinstance(max_record_count, int) or max_record_count < 1:
            raise FatalSourceError(
                f"{layer_url}?f=json gives maxRecordCount {max_record_count!r}, not a positive "
                "whole number, so pages cannot be sized. The layer's description is broken: "
                "report it to its publisher, or find another copy of the layer and fix layer_url."
            )
        return cls(
            oid_field=oid,
            max_record_count=max_record_count,
            supports_pagination=bool(
                advanced.get("supportsPagination", doc.get("supportsPagination", False))
            ),
            # Absent on old servers: trust the catalog's format then.
            supports_geojson="geojson" in str(doc.get("supportedQueryFormats", "geojson")).lower(),
        )


def raise_for_esri_error(answer: Mapping[str, Any], layer_url: str) -> None:
    """Raise the error an HTTP-200 ``{"error": {...}}`` body stands for; do nothing otherwise."""
    error = answer.get("error")
    if not isinstance(error, dict):
        return
    code = error.get("code")
    details = "; ".join(str(detail) for detail in error.get("details") or [] if detail)
    said = f"{layer_url}: ArcGIS error {code}: {error.get('message') or 'no message'}"
    said += f" ({details})" if details else ""
    if code in RETRIABLE_CODES:
        raise RetriableSourceError(
            f"{said}. The server is overloaded or timed out: run the sync again later."
        )
    advice = FATAL_ADVICE.get(code, FATAL_ADVICE[400])
    raise FatalSourceError(f"{said}. {advice.format(layer=layer_url)}")


def feature_records(answer: Mapping[str, Any]) -> tuple[list[RawRecord], bool]:
    """The raw records of a query answer (GeoJSON or Esri JSON), and exceededTransferLimit."""
    features = answer.get("features")
    if not isinstance(features, list):
        raise FatalSourceError(
            f"a query answered {answer!r:.200} without features. Check that layer_url in the "
            "catalog entry is a feature layer and that out_fields names existing fields."
        )
    geojson = answer.get("type") == "FeatureCollection"
    member = "properties" if geojson else "attributes"
    records = []
    for feature in features:
        record, geometry = feature_parts(feature, member, "a query answered")
        geometry = geometry if geojson else esri_to_geojson(geometry)
        if geometry:
            record[GEOMETRY_KEY] = geometry
        records.append(record)
    flags = answer.get("properties") if geojson else None
    flags = flags if isinstance(flags, dict) else {}
    exceeded = answer.get("exceededTransferLimit") or flags.get("exceededTransferLimit")
    return records, bool(exceeded)


_SHOWN_FIELDS: Final = 3  # of the layer's fields most like a missing one: its likely new name


def raise_for_missing_fields(entry: CatalogEntry, doc: Mapping[str, Any], layer_url: str) -> None:
    """A field the catalog entry reads that the layer no longer lists is drift, on any sync,
    the first included: read anyway, it would load as NULL in every record."""
    fields = doc.get("fields")
    if not isinstance(fields, list):  # old servers may list no fields: nothing to check
        return
    names = [str(f.get("name")) for f in fields if isinstance(f, dict)]
    listed = {name.lower() for name in names}
    readers = mapped_fields(entry)
    missing = sorted(
        name for name in readers if name.lower() not in listed and name != GEOMETRY_KEY
    )
    if not missing:
        return
    read = {name.lower() for name in readers}
    unread = [name for name in names if name.lower() not in read]

    def said(name: str) -> str:
        close = get_close_matches(name, unread, n=_SHOWN_FIELDS, cutoff=0.5)
        like = f"; the layer lists {', '.join(close)}" if close else ""
        return f"{name!r} (read by {', '.join(readers[name])}{like})"

    raise SchemaDriftError(
        f"{layer_url}?f=json no longer lists {'; '.join(map(said, missing))}: the layer renamed "
        f"or dropped it. Put the field's new name in the catalog entry {entry.slug}, then rerun "
        "the sync."
    )
