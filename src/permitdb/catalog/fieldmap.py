"""How a catalog field map fills one canonical field (``normalize.fieldmap`` applies it)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from permitdb.catalog.base import Model

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
