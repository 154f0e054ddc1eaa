"""A jurisdiction's own raw words for the vocabulary (``normalize`` consults them first)."""

from __future__ import annotations

from pydantic import Field

from permitdb.catalog.base import Model
from permitdb.vocabulary import (
    LicenseStatus,
    PropertyClass,
    PropertyType,
    RecordClass,
    Status,
    Tag,
)


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
