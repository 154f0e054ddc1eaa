"""The permit as the API serves it: nested, documented, built straight from ``PermitRecord``.

The pydantic models document every field in /docs (``extra="forbid"`` so tests catch drift);
``permit_json`` builds plain dicts for orjson, because validating 1,000 nested models per page
would cost more than the query.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, Field

from permitdb.api.schemas.base import Schema, Sparse
from permitdb.api.schemas.contractors import PermitLicense, permit_license_json
from permitdb.api.schemas.parcels import PermitProperty, permit_property_json
from permitdb.canonical import PermitRecord
from permitdb.normalize import geo_ids
from permitdb.services.permits import Joined
from permitdb.vocabulary import (
    LocationSource,
    PropertyClass,
    QualityFlag,
    RecordClass,
    Status,
    StatusPhase,
    Tag,
)


class PermitType(Sparse):
    permit_type: str | None = Field(description="Permit type as the jurisdiction wrote it")
    permit_type_desc: str | None = Field(description="The jurisdiction's description of the type")
    permit_subtype: str | None = Field(description="Subtype as the jurisdiction wrote it")
    permit_class: str | None = Field(description="Raw property/permit class (BLDS PermitClass)")
    work_class: str | None = Field(description="Raw work class (BLDS WorkClass)")
    proposed_use: str | None = Field(description="Proposed use / occupancy (BLDS ProposedUse)")


class PermitDates(Sparse):
    applied: date | None = Field(description="Application date, local to the jurisdiction")
    issued: date | None = Field(description="Issue date")
    finaled: date | None = Field(description="Final inspection / completion date")
    expires: date | None = Field(description="Expiration date")
    status: date | None = Field(description="Date the current status was set")
    co_issued: date | None = Field(description="Certificate of occupancy issue date")


class PermitDurations(Sparse):
    approval_days: int | None = Field(description="issued − applied, in days; null if unknown")
    construction_days: int | None = Field(description="finaled − issued, in days")
    total_days: int | None = Field(description="finaled − applied, in days")


class OriginalAddress(Sparse):
    address1: str | None = Field(description="Street line as the jurisdiction stored it")
    address2: str | None = Field(description="Second line as stored")
    city: str | None = Field(description="City as stored")
    state: str | None = Field(description="State as stored")
    zip: str | None = Field(description="ZIP as stored")


class Address(Sparse):
    line1: str | None = Field(description="Standardized one-line street address (USPS Pub. 28)")
    street_number: str | None = Field(description="House number")
    street_name: str | None = Field(description="Standardized street name, e.g. 'MAIN ST'")
    unit: str | None = Field(description="Unit, e.g. 'UNIT 500'")
    city: str | None = Field(description="City")
    state: str | None = Field(description="Two-letter USPS state code")
    zip: str | None = Field(description="Five-digit ZIP code")
    county_fips: str | None = Field(description="Five-digit county FIPS code")
    key: str | None = Field(description="Same building, same key, across permits (address_key)")
    original: OriginalAddress = Field(description="The address exactly as the source sent it")


class GeoIds(Sparse):
    """The permit's places as geo ids (docs/places.md): GET /v1/places/{geo_id} for each."""

    address_id: str | None = Field(description="Its address, e.g. 'address-3382b407b43dc730'")
    city_id: str | None = Field(description="Its city, e.g. 'city-ca-los-angeles'")
    county_id: str | None = Field(description="Its county, e.g. 'county-06037'")
    jurisdiction_id: str | None = Field(description="e.g. 'jurisdiction-los-angeles-ca'")
    state_id: str | None = Field(description="Its state, e.g. 'state-ca'")
    zip_id: str | None = Field(description="Its ZIP code, e.g. 'zip-90012'")


class Location(Sparse):
    latitude: float = Field(description="WGS84 latitude")
    longitude: float = Field(description="WGS84 longitude")
    source: LocationSource | None = Field(description="Where the point came from")


class Contractor(Sparse):
    name: str | None = Field(description="Contractor company name")
    license: str | None = Field(description="Contractor license number")
    license_state: str | None = Field(description="State that issued the license")
    trade: str | None = Field(description="Contractor trade")
    phone: str | None = Field(description="Contractor phone")
    address: str | None = Field(description="Contractor address")


class Owner(Sparse):
    name: str | None = Field(description="Property owner name, when published")
    phone: str | None = Field(description="Owner phone, when published")


class Applicant(Sparse):
    name: str | None = Field(description="Applicant name, when published")


class Provenance(Sparse):
    url: str | None = Field(description="Link to the record or dataset at the source")
    record_id: str = Field(description="The source's own primary key for this record")
    updated_at: datetime | None = Field(description="The portal's last-modified time (UTC)")
    fetched_at: datetime | None = Field(description="When permitdb fetched it (UTC)")


class PermitIdentity(Schema):
    """What names a permit and where it stands: the fields every permit view starts with."""

    id: str = Field(description="Stable permitdb id; use it with GET /v1/permits/{id}")
    jurisdiction: str = Field(description="Jurisdiction slug, e.g. 'austin-tx'")
    dataset: str = Field(description="Dataset slug, '<jurisdiction>/<dataset>'")
    record_class: RecordClass = Field(description="permit, certificate_of_occupancy, …")
    permit_number: str | None = Field(description="The jurisdiction's permit number")
    status: Status = Field(description="Normalized status (docs/vocabulary.md)")
    status_phase: StatusPhase = Field(description="open, closed or unknown")
    status_raw: str | None = Field(description="Status as the jurisdiction wrote it")


class Permit(PermitIdentity, Sparse):
    description: str | None = Field(description="Work description")
    category: Tag | None = Field(description="Main normalized category (one of the tags)")
    tags: list[Tag] = Field(description="Normalized work tags, e.g. solar, roofing")
    property_class: PropertyClass = Field(description="Normalized property class")
    type: PermitType = Field(description="Raw type fields")
    dates: PermitDates = Field(description="Milestone dates (YYYY-MM-DD)")
    durations: PermitDurations = Field(description="Computed from dates; null if unknown")
    valuation: float | None = Field(description="Estimated project cost, US dollars")
    fees: float | None = Field(description="Fees, US dollars")
    housing_units: int | None = Field(description="Housing units")
    square_feet: int | None = Field(description="Total square feet")
    stories: int | None = Field(description="Number of stories")
    address: Address = Field(description="Standardized and original address")
    geo_ids: GeoIds = Field(description="The places it is in, as geo ids (as Shovels' geo_ids)")
    location: Location | None = Field(description="Point, or null when unknown")
    parcel_id: str | None = Field(description="Parcel id (APN / PIN / BBL)")
    contractor: Contractor | None = Field(description="Contractor, or null when not published")
    contractor_id: str | None = Field(
        description="The contractor it resolved to (GET /v1/contractors/{id}), or null"
    )
    contractor_license: PermitLicense | None = Field(
        description="That contractor's primary licence, or null when none resolved"
    )
    owner: Owner | None = Field(
        description="Owner; null when not published or the key lacks the people:read scope"
    )
    applicant: Applicant | None = Field(
        description="Applicant; null when not published or the key lacks the people:read scope"
    )
    property: PermitProperty | None = Field(
        description="The property (parcel) the permit was pulled on; null when no stored "
        "parcel has its parcel id in its state or its address"
    )
    quality_flags: list[QualityFlag] = Field(description="Data-quality warnings")
    classification_rules: list[str] = Field(description="Why each tag and status was set")
    source: Provenance = Field(description="Where the record came from")
    first_seen_at: datetime | None = Field(description="When permitdb first stored it (UTC)")
    updated_at: datetime | None = Field(description="When its content last changed (UTC)")
    raw: dict[str, Any] | None = Field(
        None, description="The source record untouched (by id, or with include_raw=true)"
    )


def _paths(model: type[BaseModel]) -> frozenset[str]:
    """Every top-level field of ``model`` and, for nested models, every ``group.field``."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        paths.add(name)
        nested = next(
            (
                t
                for t in (info.annotation, *getattr(info.annotation, "__args__", ()))
                if isinstance(t, type) and issubclass(t, BaseModel)
            ),
            None,
        )
        if nested is not None:
            paths.update(f"{name}.{sub}" for sub in nested.model_fields)
    return frozenset(paths)


FIELD_PATHS: Final = _paths(Permit)


def project(body: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only ``fields`` of one permit body, nested groups kept nested."""
    if not fields:
        return body
    kept: dict[str, Any] = {}
    for path in fields:
        group, _, sub = path.partition(".")
        if group not in body:
            continue
        if not sub:
            kept[group] = body[group]
        elif body[group] is None:
            kept.setdefault(group, None)
        else:
            target = kept.setdefault(group, {})
            if isinstance(target, dict):
                target[sub] = body[group].get(sub)
    return kept


class TotalCount(Schema):
    value: int = Field(description="Number of matching records, up to the cap")
    relation: Literal["eq", "gte"] = Field(description="eq: exact; gte: at least value")


class GeographyHint(Schema):
    message: str = Field(description="Which filter value matches nothing stored, and what to do")
    browse: str = Field(description="The browse endpoint listing that filter's stored values")
    nearest: list[str] = Field(description="Stored values closest to the one given, closest first")


class PermitPage(Schema):
    data: list[Permit] = Field(
        description="Permits in the order of sort (default: newest issue date first); with id: "
        "in the order asked, each once"
    )
    returned: int = Field(description="Number of items in data")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")
    total: TotalCount | None = Field(None, description="Only with include_count=true")
    not_found: list[str] | None = Field(
        None, description="Only with id: the ids asked that no permit has, in the order asked"
    )
    hint: GeographyHint | None = Field(
        None,
        description="Only on an empty page whose state, city or zip matches no stored record "
        "(a misspelling such as city=Brookyln): where to look the value up",
    )


class PermitChange(Schema):
    observed_at: datetime = Field(description="When a re-sync saw the change (UTC)")
    field: str = Field(description="Canonical field that changed, e.g. status (docs/schema.md)")
    old: Any = Field(
        description="Value before: null when empty; dates YYYY-MM-DD, money a number, tags a list"
    )
    new: Any = Field(description="Value after, in the same form as old")
    run_id: int | None = Field(description="Ingest run that saw it ('permitdb runs'), or null")


class PermitHistory(Schema):
    permit_id: str = Field(description="The permit's id")
    first_seen_at: datetime = Field(description="When permitdb first stored the permit (UTC)")
    change_count: int = Field(description="Number of changes recorded for the permit, all pages")
    data: list[PermitChange] = Field(description="Changes, newest first")
    returned: int = Field(description="Number of items in data")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")


def _days(start: date | None, end: date | None) -> int | None:
    if start is None or end is None:
        return None
    days = (end - start).days
    return days if days >= 0 else None


def _or_none(values: dict[str, Any]) -> dict[str, Any] | None:
    return values if any(v is not None for v in values.values()) else None


def dates_json(r: PermitRecord) -> dict[str, date | None]:
    """The ``dates`` object (see :class:`PermitDates`)."""
    return {
        "applied": r.applied_date,
        "issued": r.issued_date,
        "finaled": r.finaled_date,
        "expires": r.expires_date,
        "status": r.status_date,
        "co_issued": r.co_issued_date,
    }


def geo_ids_json(r: PermitRecord) -> dict[str, str | None]:
    """The ``geo_ids`` object, from the record's own columns (no query)."""
    ids = geo_ids.permit_geo_ids(r)
    return {f"{geo_type}_id": geo_id for geo_type, geo_id in ids.items()}


def permit_json(
    r: PermitRecord,
    *,
    include_raw: bool,
    people: bool,
    joined: Joined | None = None,
) -> dict[str, Any]:
    """The API shape of one record (see :class:`Permit`); owner and applicant only with
    ``people`` (the key's people:read scope), else null; ``joined`` (read once per page,
    ``services.permits.joined``) fills contractor_license and property."""
    license = joined.licenses.get(r.contractor_id) if joined and r.contractor_id else None
    parcel = joined.properties.get(r.id) if joined else None
    body: dict[str, Any] = {
        "id": r.id,
        "jurisdiction": r.jurisdiction,
        "dataset": r.dataset,
        "record_class": r.record_class,
        "permit_number": r.permit_number,
        "description": r.description,
        "status": r.status,
        "status_phase": r.status_phase,
        "status_raw": r.status_raw,
        "category": r.category,
        "tags": r.tags,
        "property_class": r.property_class,
        "type": {
            "permit_type": r.permit_type,
            "permit_type_desc": r.permit_type_desc,
            "permit_subtype": r.permit_subtype,
            "permit_class": r.permit_class,
            "work_class": r.work_class,
            "proposed_use": r.proposed_use,
        },
        "dates": dates_json(r),
        "durations": {
            "approval_days": _days(r.applied_date, r.issued_date),
            "construction_days": _days(r.issued_date, r.finaled_date),
            "total_days": _days(r.applied_date, r.finaled_date),
        },
        "valuation": r.valuation,
        "fees": r.fees,
        "housing_units": r.housing_units,
        "square_feet": r.square_feet,
        "stories": r.stories,
        "address": {
            "line1": r.address,
            "street_number": r.street_number,
            "street_name": r.street_name,
            "unit": r.unit,
            "city": r.city,
            "state": r.state,
            "zip": r.zip,
            "county_fips": r.county_fips,
            "key": r.address_key,
            "original": {
                "address1": r.original_address1,
                "address2": r.original_address2,
                "city": r.original_city,
                "state": r.original_state,
                "zip": r.original_zip,
            },
        },
        "geo_ids": geo_ids_json(r),
        "location": (
            {"latitude": r.latitude, "longitude": r.longitude, "source": r.location_source}
            if r.latitude is not None and r.longitude is not None
            else None
        ),
        "parcel_id": r.parcel_id,
        "contractor": _or_none(
            {
                "name": r.contractor_name,
                "license": r.contractor_license,
                "license_state": r.contractor_license_state,
                "trade": r.contractor_trade,
                "phone": r.contractor_phone,
                "address": r.contractor_address,
            }
        ),
        "contractor_id": r.contractor_id,
        "contractor_license": permit_license_json(license) if license is not None else None,
        "owner": _or_none({"name": r.owner_name, "phone": r.owner_phone}) if people else None,
        "applicant": _or_none({"name": r.applicant_name}) if people else None,
        "property": permit_property_json(*parcel) if parcel is not None else None,
        "quality_flags": r.quality_flags,
        "classification_rules": r.classification_rules,
        "source": {
            "url": r.source_url,
            "record_id": r.source_record_id,
            "updated_at": r.source_updated_at,
            "fetched_at": r.fetched_at,
        },
        "first_seen_at": r.first_seen_at,
        "updated_at": r.updated_at,
    }
    if include_raw:
        body["raw"] = r.raw
    return body
