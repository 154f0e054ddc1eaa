"""What a catalog file may say: one jurisdiction dataset, validated before anything runs.

A catalog file is YAML (docs/catalog-reference.md lists every key). Unknown keys are errors
(``extra="forbid"``), platforms and converters are ``Literal`` names, and every field-map key
must be a mappable field of the entry's kind of record (``canonical.MAPPABLE_BY_KIND``).
``catalog.load`` turns pydantic's errors into messages that name the file and the key path.

The entry and its jurisdiction are here; its parts are ``catalog.sources`` (where the data is
fetched from, and the sync cursor), ``catalog.fieldmap`` (how each field is filled) and
``catalog.value_maps`` (the jurisdiction's own words for the vocabulary).
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from permitdb.canonical import MAPPABLE_BY_KIND
from permitdb.catalog.base import Model
from permitdb.catalog.fieldmap import TEMPLATE_FIELD, Converter, FieldSpec
from permitdb.catalog.sources import (
    ArcGISSource,
    CartoSource,
    CKANSource,
    Cursor,
    FileSource,
    Platform,
    SocrataSource,
    Source,
)
from permitdb.catalog.value_maps import ValueMaps
from permitdb.vocabulary import RecordClass, RecordKind

# The parts an entry is made of are importable from here too, as one catalog vocabulary.
__all__ = [
    "SLUG",
    "TEMPLATE_FIELD",
    "US_STATES",
    "ArcGISSource",
    "CKANSource",
    "CartoSource",
    "CatalogEntry",
    "Converter",
    "Cursor",
    "FieldSpec",
    "FileSource",
    "Jurisdiction",
    "Licence",
    "Model",
    "Parcels",
    "Platform",
    "Recording",
    "SocrataSource",
    "Source",
    "ValueMaps",
]

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY GU VI AS MP".split()
)


class Jurisdiction(Model):
    """Who publishes the data. Files in one folder describe one jurisdiction and must agree."""

    slug: str = Field(pattern=SLUG, description="e.g. new-york-city-ny")
    name: str = Field(min_length=1, description="Display name, e.g. New York City")
    state: str = Field(description="Two-letter USPS state code")
    county_fips: str | None = Field(None, pattern=r"^\d{5}$", description="5-digit county FIPS")
    city: str | None = Field(None, description="City name to fill when records lack one")
    timezone: str = Field(description="IANA zone the jurisdiction's dates are in")

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        if value not in US_STATES:
            raise ValueError(f"{value!r} is not a two-letter US state code")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. America/New_York)") from exc
        return value


class Recording(Model):
    """Where the bundled real payload lives, relative to the repository's ``recordings/``."""

    path: str = Field(min_length=1, description="e.g. socrata/austin-tx/issued-construction.json")
    min_rows: int = Field(1, ge=0, description="The recording holds at least this many records")
    layer_metadata: str | None = Field(None, description="ArcGIS: the layer's ?f=json document")


class Licence(Model):
    """The terms a dataset is published under, as its recording's ``SOURCE.md`` states them."""

    name: str = Field(min_length=1, description="e.g. Open Data Commons PDDL")
    url: str | None = Field(
        None, pattern=r"^https?://", description="Where the terms are published, when known"
    )


class Parcels(Model):
    """``record_class: new_construction_parcel``: which assessor rows show a recent building.

    A row whose year built is before the threshold is not a record of the dataset at all (as if
    a portal filter had left it out), so it is skipped, not quarantined. Give exactly one of
    ``recent_years`` (relative to the row's roll year when ``roll_year`` names it, else to the
    fetch) or ``since_year`` (a fixed year).
    """

    year_built: str = Field(min_length=1, description="Source field holding the year built")
    roll_year: str | None = Field(
        None,
        min_length=1,
        description="Source field holding the roll's (tax or assessment) year; recent_years "
        "counts back from it, so an old roll's recent buildings are recent for that roll",
    )
    recent_years: int | None = Field(
        None,
        ge=0,
        le=100,
        description="Keep rows built in the roll year (else the fetch year) or this many before",
    )
    since_year: int | None = Field(
        None, ge=1600, le=2200, description="Keep rows built in this year or later"
    )

    @model_validator(mode="after")
    def _one_threshold(self) -> Parcels:
        if (self.recent_years is None) == (self.since_year is None):
            raise ValueError("give exactly one of recent_years or since_year")
        if self.roll_year is not None and self.recent_years is None:
            raise ValueError("roll_year is what recent_years counts from: give recent_years")
        return self


class CatalogEntry(Model):
    """One jurisdiction dataset: what to fetch, and how its records map to the canonical one."""

    dataset: str = Field(pattern=SLUG, description="Dataset slug, unique within the jurisdiction")
    name: str = Field(min_length=1, description="Human name of the dataset")
    jurisdiction: Jurisdiction
    kind: RecordKind = Field(
        "permits",
        description="What the records are: permits (also certificates of occupancy and "
        "new-construction parcels, by record_class), contractor_licenses or parcels",
    )
    record_class: RecordClass = "permit"
    source: Source
    page_size: int = Field(1000, ge=1, le=50_000)
    primary_key: list[str] | None = Field(
        None,
        min_length=1,
        description="Source fields that identify a record. Unset: a hash of the whole record "
        "(for sources with no id; a changed row then reads as a new one).",
    )
    cursor: Cursor | None = Field(None, description="Unset: every sync reads the whole dataset")
    fields: dict[str, str | FieldSpec]
    value_maps: ValueMaps = Field(default_factory=ValueMaps)
    patterns: dict[str, str] = Field(
        default_factory=dict,
        description="Canonical field -> regex it must match, else the record is quarantined",
    )
    required: list[str] = Field(
        default_factory=list, description="Canonical fields that must be non-empty"
    )
    recording: Recording
    parcels: Parcels | None = Field(
        None, description="Required with, and only with, record_class new_construction_parcel"
    )
    licence: Licence | None = Field(None, description="Terms the data is published under")
    stale_after_days: int | None = Field(
        None, ge=1, description="A dataset with no good sync for this many days is stale"
    )
    notes: str | None = None

    @property
    def slug(self) -> str:
        """Globally unique dataset id: ``<jurisdiction>/<dataset>``."""
        return f"{self.jurisdiction.slug}/{self.dataset}"

    @field_validator("fields")
    @classmethod
    def _mappable_keys(
        cls, value: dict[str, str | FieldSpec], info: ValidationInfo
    ) -> dict[str, str | FieldSpec]:
        kind: RecordKind = info.data.get("kind", "permits")  # validated before fields
        unknown = sorted(set(value) - MAPPABLE_BY_KIND[kind])
        if unknown:
            raise ValueError(
                f"not mappable fields of a {kind} record: {unknown} "
                "(see docs/schema.md and docs/catalog-reference.md)"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CatalogEntry:
        mappable = MAPPABLE_BY_KIND[self.kind]
        for key in (*self.patterns, *self.required):
            if key not in mappable:
                raise ValueError(
                    f"{key!r} in patterns/required is not a mappable field of a {self.kind} record"
                )
        if self.kind != "permits" and self.record_class != "permit":
            raise ValueError(f"record_class is only for kind permits, not {self.kind}")
        for key, pattern in self.patterns.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"patterns.{key}: invalid regex: {exc}") from exc
        is_parcel = self.record_class == "new_construction_parcel"
        if is_parcel and self.parcels is None:
            raise ValueError(
                "record_class new_construction_parcel needs a parcels block, e.g. "
                "parcels: {year_built: YEAR_BUILT, recent_years: 3}"
            )
        if self.parcels is not None and not is_parcel:
            raise ValueError("parcels is only for record_class new_construction_parcel")
        return self

    def field_specs(self) -> dict[str, FieldSpec]:
        """The field map with the short ``field: SOURCE`` spelling expanded."""
        return {
            name: FieldSpec(source=spec) if isinstance(spec, str) else spec
            for name, spec in self.fields.items()
        }
