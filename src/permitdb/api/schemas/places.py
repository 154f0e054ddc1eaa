"""The browse lists (the values the permit filters take, each with how many records carry it)
and the places by geo id: search, details with their hierarchy, monthly metrics.

Every list is ``{"data", "returned", "next_cursor"}``, paged like ``GET /v1/permits``
(``api.paging``); each item is built as a plain dict for orjson, like the permit pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final, Generic, TypeVar

from pydantic import Field

from permitdb.api.schemas.base import Schema
from permitdb.normalize.geo_ids import GeoType
from permitdb.store.places import Place
from permitdb.vocabulary import PropertyClass, Status, StatusPhase, Tag

Item = TypeVar("Item")


class ListPage(Schema, Generic[Item]):
    data: list[Item] = Field(description="One page of the list, in its documented order")
    returned: int = Field(description="Number of items in data")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")


class StateItem(Schema):
    state: str = Field(description="Two-letter USPS code, the state filter's value")
    jurisdictions: int = Field(description="Jurisdictions of this state in the catalog database")
    records: int = Field(description="Stored records (every record class) in this state")


class CityItem(Schema):
    city: str = Field(description="City exactly as stored: the city filter's value")
    state: str = Field(description="Its two-letter USPS state code")
    records: int = Field(description="Stored records (every record class) in this city")


class ZipItem(Schema):
    zip: str = Field(description="Five-digit ZIP code: the zip filter's value")
    state: str = Field(description="Its two-letter USPS state code")
    records: int = Field(description="Stored records (every record class) in this ZIP code")


class TagItem(Schema):
    tag: Tag = Field(description="The tag: a value of the tags and category filters")
    meaning: str = Field(description="What work it covers (docs/vocabulary.md)")
    records: int = Field(description="Stored records carrying this tag")


class StatusItem(Schema):
    status: Status = Field(description="The normalized status: a value of the status filter")
    status_phase: StatusPhase = Field(description="Its phase: open, closed or unknown")
    meaning: str = Field(description="Which raw statuses it stands for (docs/vocabulary.md)")
    records: int = Field(description="Stored records with this status")


class PropertyClassItem(Schema):
    property_class: PropertyClass = Field(description="A value of the property_class filter")
    meaning: str = Field(description="Which properties it covers (docs/vocabulary.md)")
    records: int = Field(description="Stored records of this property class")


class PermitTypeItem(Schema):
    permit_type: str = Field(description="Raw type as the dataset wrote it: permit_type's value")
    jurisdiction: str = Field(description="Jurisdiction slug")
    dataset: str = Field(description="Dataset slug, '<jurisdiction>/<dataset>'")
    records: int = Field(description="Stored records of this type in this dataset")
    tags: list[Tag] = Field(
        description="Tags the type alone earns (catalog value maps, then the general rules); "
        "a record may earn more from its description"
    )


# Named lists, so /openapi.json (and clients generated from it) get plain names.
class StateList(ListPage[StateItem]):
    """Covered states, by USPS code."""


class CityList(ListPage[CityItem]):
    """Stored cities, by state then name."""


class ZipList(ListPage[ZipItem]):
    """Stored ZIP codes, by state then ZIP code."""


class TagList(ListPage[TagItem]):
    """Every tag, by name."""


class StatusList(ListPage[StatusItem]):
    """Every status, by name."""


class PropertyClassList(ListPage[PropertyClassItem]):
    """Every property class, by name."""


class PermitTypeList(ListPage[PermitTypeItem]):
    """Raw permit types, by dataset then type."""


# --- places by geo id: search, details with hierarchy, metrics --------------------------------


class PlaceSummary(Schema):
    geo_id: str = Field(description="The place's geo id (docs/places.md), e.g. 'city-tx-austin'")
    type: GeoType = Field(description="address, city, county, jurisdiction, state or zip")
    name: str = Field(description="Display name; an address in USPS notation")
    state: str | None = Field(description="Two-letter USPS state code")
    permit_count: int = Field(description="Permits with a date in this place (the rollups)")


class PlaceSearch(Schema):
    """Places whose name starts with q: exact names first, then by permits, then by name."""

    data: list[PlaceSummary] = Field(description="The best matches, best first")
    returned: int = Field(description="Number of items in data")


class PlaceRef(Schema):
    geo_id: str = Field(description="Geo id of the related place")
    name: str = Field(description="Its display name")


class PlaceDetails(PlaceSummary):
    """One place and the places it shares permits with (an address: the places it is in)."""

    states: list[PlaceRef] = Field(description="States it is in (or, for a ZIP, spans)")
    counties: list[PlaceRef] = Field(description="Counties it is in or overlaps")
    cities: list[PlaceRef] = Field(description="Cities in it or overlapping it")
    jurisdictions: list[PlaceRef] = Field(description="Jurisdictions whose permits it holds")
    zips: list[PlaceRef] = Field(description="ZIP codes in it or overlapping it")
    permits_url: str = Field(description="Its permits: GET this path")
    metrics_url: str = Field(description="Its monthly metrics: GET this path")


class PlaceMetricsRow(Schema):
    month: date = Field(description="First day of the month (of the snapshot's last month)")
    permit_count: int = Field(description="Permits issued (else filed) in the period")
    job_value: float | None = Field(description="Sum of their valuations, US dollars")
    fees: float | None = Field(description="Sum of their fees, US dollars")
    median_approval_days: float | None = Field(description="Median issued − applied, in days")
    median_construction_days: float | None = Field(description="Median finaled − issued, days")
    active_contractors: int = Field(description="Distinct contractors (contractor_id) on them")


class PlaceSnapshot(PlaceMetricsRow):
    from_month: date = Field(description="First month of the 12-month window")


class PlaceMetrics(Schema):
    """Monthly rollups of one place, oldest month first, and the current 12-month snapshot."""

    geo_id: str = Field(description="The place's geo id")
    property_type: str = Field(description="The property type asked for; 'all' for every one")
    tag: str = Field(description="The tag asked for; 'all' for every permit")
    data: list[PlaceMetricsRow] = Field(description="One row per month with permits")
    returned: int = Field(description="Number of items in data")
    current: PlaceSnapshot | None = Field(
        description="The 12 months ending with this month (as of the last sync); null when "
        "the place has no permit then"
    )


def place_json(place: Place) -> dict[str, Any]:
    """A :class:`PlaceSummary`, as a plain dict for orjson."""
    return {
        "geo_id": place.geo_id,
        "type": place.type,
        "name": place.name,
        "state": place.state,
        "permit_count": place.permit_count,
    }


_RELATED_FIELDS: Final = (
    ("state", "states"),
    ("county", "counties"),
    ("city", "cities"),
    ("jurisdiction", "jurisdictions"),
    ("zip", "zips"),
)


def details_json(place: Place, related: Mapping[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """A :class:`PlaceDetails` from the place and its related places by type."""
    body = place_json(place)
    for geo_type, field in _RELATED_FIELDS:
        body[field] = [{"geo_id": i, "name": name} for i, name in related.get(geo_type, [])]
    body["permits_url"] = f"/v1/places/{place.geo_id}/permits"
    body["metrics_url"] = f"/v1/places/{place.geo_id}/metrics"
    return body


def _money(value: Any) -> float | None:
    return float(value) if value is not None else None


def metrics_row_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A :class:`PlaceMetricsRow` from a ``place_metrics`` row."""
    return {
        "month": row["month"],
        "permit_count": row["permit_count"],
        "job_value": _money(row["job_value"]),
        "fees": _money(row["fees"]),
        "median_approval_days": row["median_approval_days"],
        "median_construction_days": row["median_construction_days"],
        "active_contractors": row["active_contractors"],
    }


def metrics_json(
    geo_id: str,
    property_type: str,
    tag: str,
    monthly: Sequence[Mapping[str, Any]],
    current: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A :class:`PlaceMetrics` body."""
    snapshot = (
        {**metrics_row_json(current), "from_month": current["from_month"]} if current else None
    )
    return {
        "geo_id": geo_id,
        "property_type": property_type,
        "tag": tag,
        "data": [metrics_row_json(row) for row in monthly],
        "returned": len(monthly),
        "current": snapshot,
    }
