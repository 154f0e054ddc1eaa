"""Where a dataset is fetched from: one model per platform, told apart by ``platform``, and
the cursor an incremental sync pages by (``permitdb.sources`` reads them)."""

from __future__ import annotations

import codecs
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from permitdb.catalog.base import Model


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
