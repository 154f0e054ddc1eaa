"""The property (parcel) filters, declared once: ``GET /v1/parcels`` filters parcels on them and
``GET /v1/permits`` (and its POST twin) filters permits on their parcel's, so the same
parameter has the same name, type, bounds and description on both (Shovels' names,
``property_min_market_value`` and the like; docs/api.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final

from pydantic import Field, WithJsonSchema

from permitdb.api.schemas.base import Schema
from permitdb.store.parcels import ParcelQuery
from permitdb.vocabulary import PropertyType

# Beyond any roll's value, and within what both engines' NUMERIC compare exactly.
MAX_DOLLARS: Final = Decimal("1e15")
# Areas are BIGINT columns; JavaScript's largest exact integer bounds them so a generated
# client can send every value the document allows. Units and stories are INTEGER columns
# (PostgreSQL refuses a bound past 2**31 - 1): bounded as the permit search bounds a permit's.
MAX_SQUARE_FEET: Final = 2**53

# Parsed as Decimal so money compares exactly; documented as what clients send, a JSON number.
PropertyDollars = Annotated[
    Decimal,
    Field(ge=0, le=MAX_DOLLARS, allow_inf_nan=False),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": float(MAX_DOLLARS)}),
]
SquareFeet = Annotated[int, Field(ge=0, le=MAX_SQUARE_FEET)]
UnitCount = Annotated[int, Field(ge=0, le=100_000)]
StoryCount = Annotated[int, Field(ge=0, le=1_000)]
YearBuilt = Annotated[int, Field(ge=1000, le=2200)]


class PropertyFilters(Schema):
    """The filters on a property's type, value and size; every bound is inclusive."""

    property_type: list[PropertyType] = Field(
        default_factory=list,
        description="Property type (repeatable; any of)",
        examples=[["single_family"]],
    )
    property_min_market_value: PropertyDollars | None = Field(
        None, description="Market value at least, USD", examples=[300000]
    )
    property_max_market_value: PropertyDollars | None = Field(
        None, description="Market value at most, USD", examples=[900000]
    )
    property_min_building_area: SquareFeet | None = Field(
        None, description="Building area at least, square feet", examples=[1000]
    )
    property_max_building_area: SquareFeet | None = Field(
        None, description="Building area at most, square feet", examples=[5000]
    )
    property_min_lot_size: SquareFeet | None = Field(
        None, description="Lot size at least, square feet", examples=[2000]
    )
    property_max_lot_size: SquareFeet | None = Field(
        None, description="Lot size at most, square feet", examples=[10000]
    )
    property_min_unit_count: UnitCount | None = Field(
        None, description="Dwelling units at least", examples=[2]
    )
    property_max_unit_count: UnitCount | None = Field(
        None, description="Dwelling units at most", examples=[10]
    )


def property_query(filters: PropertyFilters) -> ParcelQuery:
    """The property filters as the store's parcel query (``dataclasses.replace`` adds more)."""
    return ParcelQuery(
        property_type=tuple(dict.fromkeys(filters.property_type)),
        min_market_value=filters.property_min_market_value,
        max_market_value=filters.property_max_market_value,
        min_building_area=filters.property_min_building_area,
        max_building_area=filters.property_max_building_area,
        min_lot_size=filters.property_min_lot_size,
        max_lot_size=filters.property_max_lot_size,
        min_units=filters.property_min_unit_count,
        max_units=filters.property_max_unit_count,
    )
