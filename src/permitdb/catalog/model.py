"""What a catalog file may say: one jurisdiction dataset, validated before anything runs.

A catalog file is YAML (docs/catalog-reference.md lists every key). Unknown keys are errors
(``extra="forbid"``), platforms and converters are ``Literal`` names, and every field-map key
must be a mappable field of the entry's kind of record (``canonical.MAPPABLE_BY_KIND``).
``catalog.load`` turns pydantic's errors into messages that name the file and the key path.
"""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from permitdb.canonical import MAPPABLE_BY_KIND
from permitdb.vocabulary import (
    LicenseStatus,
    PropertyClass,
    PropertyType,
    RecordClass,
    RecordKind,
    Status,
    Tag,
)

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY GU VI AS MP".split()
)

Converter = Literal[
    "text",  # trimmed string; empty -> null
    "upper",  # trimmed, upper-cased
    "date",  # any date/datetime spelling (ISO, MM/DD/YYYY, epoch ms, YYYYMMDD.hhmmss) -> local date
    "datetime",  # same inputs -> aware UTC datetime
    "money",  # "$1,234.00", "50000.0000", 1234 -> Decimal
    "integer",  # "1,200", "3.0", "18,737 sf" -> int
    "number",  # -> float
    "phone",  # digits, formatted (NNN) NNN-NNNN when US-shaped
    "point",  # GeoJSON geometry, "(lat, lng)", "POINT (lng lat)" -> (lat, lng)
    "url",  # a URL string, or Socrata's {"url": ...} object
    "boolean",  # yes/no, true/false, y/n, 1/0 (a field's map turns other words into these)
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


# --- sources: one model per platform, told apart by `platform` -------------------------------


class SocrataSource(Model):
    """Socrata SODA 2.x: ``https://{domain}/resource/{dataset_id}.json``.

    ``api: export`` reads the whole-dataset CSV export (``/api/views/{id}/rows.csv``) instead,
    for catalogs whose field map uses the export's display names.
    """

    platform: Literal["socrata"]
    domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    dataset_id: str = Field(pattern=r"^[a-z0-9]{4}-[a-z0-9]{4}$")
    api: Literal["soda", "export"] = "soda"
    order: str = Field(":id", description="Stable $order for offset paging")
    where: str | None = Field(None, description="Static SoQL $where filter")
    select: str | None = Field(None, description="Optional SoQL $select")


class ArcGISSource(Model):
    """ArcGIS REST feature/map-service layer: ``{layer_url}/query``."""

    platform: Literal["arcgis"]
    layer_url: str = Field(pattern=r"^https?://.+/(MapServer|FeatureServer)/\d+$")
    format: Literal["geojson", "json"] = "geojson"
    where: str = "1=1"
    out_fields: str = "*"


class CKANSource(Model):
    """CKAN DataStore: ``{base_url}/api/3/action/datastore_search?resource_id=...``."""

    platform: Literal["ckan"]
    base_url: str = Field(pattern=r"^https?://[^/]+(/.*)?$")
    resource_id: str = Field(min_length=1)
    sort: str = Field("_id", description="Stable sort for offset paging")
    use_sql: bool = Field(False, description="Page with datastore_search_sql where allowed")


class CartoSource(Model):
    """CARTO SQL API: ``{base_url}/api/v2/sql?q=SELECT ...``."""

    platform: Literal["carto"]
    base_url: str = Field(pattern=r"^https?://[^/]+(/.*)?$")
    table: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")
    order_by: str = Field("cartodb_id", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    columns: str = Field("*", description="SELECT list; the_geom is returned as GeoJSON")


class FileSource(Model):
    """A CSV, NDJSON or JSON-array file at a URL (http/https) or a local path.

    A name ending in ``.gz`` is read as gzip-compressed.
    """

    platform: Literal["file"]
    url: str = Field(min_length=1)
    format: Literal["csv", "ndjson", "json"]
    records_path: str | None = Field(
        None, description="For JSON: dotted path to the array of records, e.g. 'result.records'"
    )
    match: dict[str, str] = Field(
        default_factory=dict,
        description="Keep only rows whose column equals the value (a file has no server-side "
        "filter): e.g. {city: los-angeles} for one city's rows of a multi-city file",
    )
    encoding: str | None = Field(
        None,
        description="Text encoding of a csv or ndjson file, e.g. 'latin-1' or 'cp1252'. Unset: "
        "the charset the server declares, else UTF-8",
    )
    columns: list[str] | None = Field(
        None,
        min_length=1,
        description="For a CSV file with no header row: its column names, in order (the names "
        "the field map reads). Unset: the first row is the header",
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            name = codecs.lookup(value).name
        except LookupError:
            raise ValueError(
                f"unknown encoding {value!r}: use a Python codec name such as 'utf-8', "
                "'latin-1' or 'cp1252'"
            ) from None
        if "\n".encode(name, errors="replace") != b"\n":
            # lines are split on the newline byte before they are decoded
            raise ValueError(f"{value!r} is not ASCII-compatible; re-encode the file as UTF-8")
        return name

    @model_validator(mode="after")
    def _columns_for_csv(self) -> FileSource:
        if self.columns is not None and self.format != "csv":
            raise ValueError("columns names the cells of a headerless CSV file; format is not csv")
        if self.columns is not None and len(set(self.columns)) != len(self.columns):
            raise ValueError("columns must be distinct names")
        return self


Source = Annotated[
    SocrataSource | ArcGISSource | CKANSource | CartoSource | FileSource,
    Field(discriminator="platform"),
]
Platform = Literal["socrata", "arcgis", "ckan", "carto", "file"]


class Cursor(Model):
    """Incremental sync: fetch rows whose ``field`` is at or after the last committed value.

    The range start is closed; rows at the boundary are re-read and upserted by primary key,
    so nothing is duplicated. ``lag_seconds`` re-reads a window for late edits.
    """

    field: str = Field(min_length=1, description="Source field, e.g. ':updated_at' or 'EDITDATE'")
    kind: Literal["datetime", "date", "epoch_ms", "number", "string"] = "datetime"
    lag_seconds: int = Field(0, ge=0)


# --- field map --------------------------------------------------------------------------------

TEMPLATE_FIELD = re.compile(r"\{([^{}:]+)(?::([^{}]*))?\}")


class FieldSpec(Model):
    """How one canonical field is filled. Exactly one of ``source``, ``template`` or ``value``."""

    source: str | list[str] | None = Field(
        None, description="Source field, or several: the first non-empty wins unless `join` is set"
    )
    template: str | None = Field(
        None, description="Python-style template of source fields, e.g. '{BORO}{BLOCK:0>5}'"
    )
    value: str | int | float | None = Field(None, description="A constant")
    convert: Converter = "text"
    join: str | None = Field(None, description="Join all non-empty source values with this")
    map: dict[str, str] | None = Field(
        None, description="Replace each source value (exact, after trimming) before converting"
    )
    format: str | None = Field(None, description="strptime format when the date spelling is odd")

    @model_validator(mode="after")
    def _one_origin(self) -> FieldSpec:
        given = [k for k in ("source", "template", "value") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of source, template or value")
        return self

    def source_fields(self) -> list[str]:
        """Every source field this spec reads (for the conformance suite)."""
        if isinstance(self.source, str):
            return [self.source]
        if isinstance(self.source, list):
            return list(self.source)
        if self.template is not None:
            return [m.group(1) for m in TEMPLATE_FIELD.finditer(self.template)]
        return []


class ValueMaps(Model):
    """Per-jurisdiction raw value -> vocabulary. Keys match case- and space-insensitively.

    Consulted before the general rules in ``normalize``; anything unmapped falls through to
    them and then to ``unknown``. Looked up with: ``status`` <- ``status_raw``;
    ``property_class`` <- ``permit_class``, ``proposed_use``, ``permit_subtype``,
    ``permit_type`` (first that maps); ``tags`` <- each of ``permit_type``,
    ``permit_type_desc``, ``permit_subtype``, ``work_class``; ``record_class`` <-
    ``permit_type``, ``permit_type_desc``. Contractor licences: ``license_status`` <-
    ``status_raw``; ``license_classification`` <- each code of ``classifications_raw``, to its
    label. Parcels: ``property_type`` <- ``land_use_raw``, else its longest mapped leading part.
    """

    status: dict[str, Status] = Field(default_factory=dict)
    property_class: dict[str, PropertyClass] = Field(default_factory=dict)
    tags: dict[str, list[Tag]] = Field(default_factory=dict)
    record_class: dict[str, RecordClass] = Field(default_factory=dict)
    license_status: dict[str, LicenseStatus] = Field(default_factory=dict)
    license_classification: dict[str, str] = Field(default_factory=dict)
    property_type: dict[str, PropertyType] = Field(default_factory=dict)


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
