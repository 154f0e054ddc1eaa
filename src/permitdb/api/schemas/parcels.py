"""The parcel (property) as the API serves it, built straight from ``ParcelRecord``, and the
part of one every permit answer carries (``PermitProperty``).

``parcel_json`` builds plain dicts for orjson, as ``permit_json`` does; the models document
them in /openapi.json. The owner's name is person-level: null unless the key has the people:read
scope, and every page says which (``owner_names``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import Field

from permitdb.api.schemas.base import Schema, Sparse
from permitdb.canonical import ParcelRecord
from permitdb.vocabulary import OwnerType, PropertyType, QualityFlag

OwnerNames = Literal["served", "withheld"]


class ParcelAddress(Schema):
    address: str | None = Field(description="Standardized situs address, e.g. '737 CLARENCE AVE'")
    city: str | None = Field(description="Situs city")
    state: str | None = Field(description="Two-letter state")
    zip: str | None = Field(description="Five-digit ZIP")
    county_fips: str | None = Field(description="Five-digit county FIPS")
    address_key: str | None = Field(description="The key permits are joined on by address")
    original: str | None = Field(description="The address as the roll wrote it")
    latitude: float | None = Field(description="WGS84 latitude")
    longitude: float | None = Field(description="WGS84 longitude")


class ParcelBuilding(Schema):
    year_built: int | None = Field(description="Year the main structure was built")
    lot_size_sqft: int | None = Field(description="Lot area, square feet")
    building_area_sqft: int | None = Field(description="Building (gross) area, square feet")
    stories: int | None = Field(description="Stories (floors), rounded half up")
    units: int | None = Field(description="Dwelling units")
    bedrooms: int | None = Field(description="Bedrooms")
    bathrooms: float | None = Field(description="Bathrooms")


class ParcelValues(Schema):
    market_value: float | None = Field(description="The assessor's market (full) value, USD")
    assessed_value: float | None = Field(description="Assessed value, USD")
    land_value: float | None = Field(description="Market value of the land, USD")
    improvement_value: float | None = Field(description="Market value of the buildings, USD")
    sale_date: date | None = Field(description="Date of the last recorded sale")
    sale_price: float | None = Field(description="Price of the last recorded sale, USD")


class Parcel(Schema):
    id: str = Field(description="Stable parcel record id (GET /v1/parcels/{id})")
    jurisdiction: str = Field(description="Jurisdiction slug of the roll")
    dataset: str = Field(description="Catalog dataset the row came from")
    parcel_id: str | None = Field(description="Parcel id as the assessor writes it (BBL, PIN)")
    parcel_key: str | None = Field(description="The id as permits are joined on (alphanumerics)")
    roll_year: int | None = Field(description="Tax or assessment year the row describes")
    use_code: str | None = Field(description="Raw land-use / class code, e.g. 'A5', '203'")
    property_type: PropertyType = Field(description="Property type (docs/vocabulary.md)")
    property_type_detail: str | None = Field(description="The use code's label")
    zoning: str | None = Field(description="Zoning district")
    owner_name: str | None = Field(
        description="Legal owner: person-level, null unless the operator serves owner names"
    )
    owner_type: OwnerType = Field(description="Owner type, read from the owner's name")
    census_tract: str | None = Field(description="Census tract as published")
    congressional_district: str | None = Field(description="Congressional district")
    neighborhood: str | None = Field(description="Township, neighbourhood or community district")
    location: ParcelAddress = Field(description="Where the parcel is (situs address)")
    building: ParcelBuilding = Field(description="The building and the land")
    values: ParcelValues = Field(description="Assessed and market values, and the last sale")
    quality_flags: list[QualityFlag] = Field(description="Data-quality flags of the row")
    source_url: str | None = Field(description="Where the roll publishes the row")
    fetched_at: datetime | None = Field(description="When permitdb last read the row (UTC)")
    updated_at: datetime | None = Field(description="When the stored row last changed (UTC)")


class ParcelPage(Schema):
    data: list[Parcel] = Field(description="Parcels in id order")
    returned: int = Field(description="Number of items in data")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")
    owner_names: OwnerNames = Field(
        description="'withheld': owner_name is null on every parcel (person-level data, "
        "served to keys with the people:read scope); 'served': owner names are shown"
    )


class ParcelDetail(Parcel):
    owner_names: OwnerNames = Field(description="Whether owner_name is served, as on a page")


class PermitProperty(Sparse):
    """The property a permit was pulled on, from one parcel row (``parcel_record_id``)."""

    parcel_record_id: str = Field(description="The parcel row it came from: GET /v1/parcels/{id}")
    matched_by: Literal["parcel_key", "address_key"] = Field(
        description="parcel_key: the permit's parcel id in its state; address_key: its address"
    )
    roll_year: int | None = Field(description="Tax or assessment year of the parcel row")
    property_type: PropertyType = Field(description="Property type (docs/vocabulary.md)")
    property_type_detail: str | None = Field(description="The land-use code's label")
    owner_type: OwnerType = Field(description="Owner type, read from the owner's name")
    lot_size_sqft: int | None = Field(description="Lot area, square feet")
    building_area_sqft: int | None = Field(description="Building area, square feet")
    stories: int | None = Field(description="Stories")
    units: int | None = Field(description="Dwelling units")
    year_built: int | None = Field(description="Year built")
    market_value: float | None = Field(description="The assessor's market value, USD")
    census_tract: str | None = Field(description="Census tract as the roll publishes it")
    congressional_district: str | None = Field(description="Congressional district")


def parcel_json(r: ParcelRecord, *, owners: bool) -> dict[str, Any]:
    """The API shape of one parcel (see :class:`Parcel`); the owner's name only with ``owners``."""
    return {
        "id": r.id,
        "jurisdiction": r.jurisdiction,
        "dataset": r.dataset,
        "parcel_id": r.parcel_id,
        "parcel_key": r.parcel_key,
        "roll_year": r.roll_year,
        "use_code": r.land_use_raw,
        "property_type": r.property_type,
        "property_type_detail": r.property_type_detail,
        "zoning": r.zoning,
        "owner_name": r.owner_name if owners else None,
        "owner_type": r.owner_type,
        "census_tract": r.census_tract,
        "congressional_district": r.congressional_district,
        "neighborhood": r.neighborhood,
        "location": {
            "address": r.address,
            "city": r.city,
            "state": r.state,
            "zip": r.zip,
            "county_fips": r.county_fips,
            "address_key": r.address_key,
            "original": r.original_address1,
            "latitude": r.latitude,
            "longitude": r.longitude,
        },
        "building": {
            "year_built": r.year_built,
            "lot_size_sqft": r.lot_size_sqft,
            "building_area_sqft": r.building_area_sqft,
            "stories": r.stories,
            "units": r.units,
            "bedrooms": r.bedrooms,
            "bathrooms": r.bathrooms,
        },
        "values": {
            "market_value": r.market_value,
            "assessed_value": r.assessed_value,
            "land_value": r.land_value,
            "improvement_value": r.improvement_value,
            "sale_date": r.sale_date,
            "sale_price": r.sale_price,
        },
        "quality_flags": r.quality_flags,
        "source_url": r.source_url,
        "fetched_at": r.fetched_at,
        "updated_at": r.updated_at,
    }


def owner_names(owners: bool) -> OwnerNames:
    return "served" if owners else "withheld"


_PROPERTY_FIELDS: Final = tuple(
    name for name in PermitProperty.model_fields if name not in {"parcel_record_id", "matched_by"}
)


def permit_property_json(matched_by: str, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A parcel row as :class:`PermitProperty`, matched to the permit by ``matched_by``."""
    return {
        "parcel_record_id": row["id"],
        "matched_by": matched_by,
        **{name: row[name] for name in _PROPERTY_FIELDS},
    }
