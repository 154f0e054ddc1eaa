"""The contractor as the API serves it, with its licences, its licence verification and its
metrics, and the licence a permit shows (``PermitLicense``).

Bodies are built as plain dicts (``*_json``) for orjson; the models document them. A licence's
person-level fields (a qualifier's name, an email) are not served.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field
from sqlalchemy import RowMapping

from permitdb.api.schemas.base import Schema, Sparse
from permitdb.vocabulary import LicenseStatus, Tag


class PermitLicense(Sparse):
    """The licence a permit's contractor resolved to (GET /v1/contractors/{id} has them all)."""

    number: str | None = Field(description="Licence number as the board prints it")
    state: str | None = Field(description="State whose board issued it")
    status: LicenseStatus = Field(description="Normalized licence status (docs/vocabulary.md)")
    expires: date | None = Field(description="Expiration date, where published")
    classifications: list[str] = Field(description="Classification labels, in the board's order")


class Coverage(Schema):
    company: str | None = Field(description="Surety or insurer")
    amount: float | None = Field(description="Amount, US dollars, where published")
    expires: date | None = Field(description="Expiration date, where published")


class WorkersComp(Schema):
    company: str | None = Field(description="Workers' compensation insurer")
    expires: date | None = Field(description="Expiration date, where published")
    exempt: bool | None = Field(description="The board records the holder as exempt")


class License(PermitLicense):
    """A licence in full; unlike a permit's, every key is always present."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=None)

    type: str | None = Field(description="Licence type as the board wrote it")
    status_raw: str | None = Field(description="Status as the board wrote it")
    classifications_raw: str | None = Field(description="Classification codes as published")
    issued: date | None = Field(description="Issue date")
    effective: date | None = Field(description="Start of the current term (reissue, renewal)")
    inactive: date | None = Field(description="When it stopped being active, where published")
    business_name: str | None = Field(description="Business name on the licence")
    dba_name: str | None = Field(description="Doing-business-as name")
    entity_type: str | None = Field(description="Entity type as published, e.g. Corporation")
    bond: Coverage | None = Field(description="Contractor bond, or null when not published")
    insurance: Coverage | None = Field(description="General liability insurance, or null")
    workers_comp: WorkersComp | None = Field(description="Workers' compensation, or null")
    dataset: str = Field(description="The licence dataset, '<board>/<dataset>'")
    source_url: str | None = Field(description="The licence or its dataset at the board")
    fetched_at: datetime | None = Field(description="When permitdb fetched it (UTC)")


class ContractorAddress(Schema):
    line1: str | None = Field(description="Standardized street address")
    city: str | None = Field(description="City")
    state: str | None = Field(description="Two-letter USPS state code")
    zip: str | None = Field(description="Five-digit ZIP code")
    county_fips: str | None = Field(description="Five-digit county FIPS code")


class ContractorProfile(Schema):
    id: str = Field(description="Stable contractor id; use it with GET /v1/contractors/{id}")
    name: str = Field(description="Display name: the licence's, else the most used on permits")
    license: str | None = Field(description="Primary licence number, when one resolved")
    license_state: str | None = Field(description="State of the primary licence")
    phone: str | None = Field(description="Business phone")
    address: ContractorAddress = Field(description="Business address")
    classification_derived: list[Tag] = Field(
        description="Trades derived from their permits' tags, the largest share first"
    )
    tag_counts: dict[str, int] = Field(description="Their permits per tag")
    permit_count: int = Field(description="Permits resolved to the contractor")
    total_job_value: float | None = Field(description="Sum of their permits' valuations, USD")
    first_permit_date: date | None = Field(description="Their earliest permit's date")
    last_permit_date: date | None = Field(description="Their latest permit's date")
    licenses: list[License] = Field(description="Every licence resolved to them, primary first")
    first_seen_at: datetime = Field(description="When permitdb first resolved them (UTC)")
    updated_at: datetime = Field(description="When their row last changed (UTC)")


class ContractorPage(Schema):
    data: list[ContractorProfile] = Field(
        description="Contractors, the most recent permit first; with id: in the order asked"
    )
    returned: int = Field(description="Number of items in data")
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at end")
    not_found: list[str] | None = Field(
        None, description="Only with id: the ids asked that no contractor has, in the order asked"
    )


class LicenseVerification(Schema):
    license_number: str | None = Field(description="Licence number as the board prints it")
    state: str | None = Field(description="State whose board issued it")
    name: str | None = Field(description="Business name (the contractor's, else the licence's)")
    status: LicenseStatus = Field(description="Normalized licence status")
    classifications: list[str] = Field(description="Classification labels")
    expires: date | None = Field(description="Expiration date")
    bond: Coverage | None = Field(description="Contractor bond, where published")
    insurance: Coverage | None = Field(description="General liability insurance, where published")
    workers_comp: WorkersComp | None = Field(description="Workers' compensation, where published")
    contractor_id: str | None = Field(description="The contractor the licence resolved to")
    permits_last_90d: int = Field(description="That contractor's permits of the last 90 days")
    license: License = Field(description="The whole licence record")


class Totals(Schema):
    permit_count: int = Field(description="Permits")
    valued_count: int = Field(description="Permits with a valuation")
    total_job_value: float | None = Field(description="Sum of valuations, USD")
    avg_job_value: float | None = Field(description="total_job_value / valued_count")


class LifetimeTotals(Totals):
    first_permit_date: date | None = Field(
        description="Earliest permit date (issued, else applied)"
    )
    last_permit_date: date | None = Field(description="Latest permit date")


class MonthlyTotals(Totals):
    month: str = Field(description="YYYY-MM of the permit date (issued, else applied)")


class MonthlyTagTotals(MonthlyTotals):
    tag: Tag = Field(description="Work tag")


class TagTotals(Totals):
    tag: Tag = Field(description="Work tag")


class ContractorMetrics(Schema):
    contractor_id: str = Field(description="The contractor")
    metric_from: date | None = Field(description="Window start asked (inclusive), or null")
    metric_to: date | None = Field(description="Window end asked (inclusive), or null")
    tag: Tag | None = Field(description="Only permits with this tag, or null for all")
    lifetime: LifetimeTotals = Field(description="Every permit of the contractor, any date")
    monthly: list[MonthlyTotals] = Field(description="Per month in the window, oldest first")
    monthly_by_tag: list[MonthlyTagTotals] = Field(description="Per month and tag")
    by_tag: list[TagTotals] = Field(description="Per tag over the window, most permits first")


def permit_license_json(lic: RowMapping) -> dict[str, Any]:
    """A licence row as :class:`PermitLicense`."""
    return {
        "number": lic["license_number"],
        "state": lic["license_state"],
        "status": lic["status"],
        "expires": lic["expires_date"],
        "classifications": lic["classifications"],
    }


def _coverage(company: Any, amount: Any, expires: Any) -> dict[str, Any] | None:
    if company is None and amount is None and expires is None:
        return None
    return {"company": company, "amount": amount, "expires": expires}


def _workers_comp(lic: RowMapping) -> dict[str, Any] | None:
    values = {
        "company": lic["workers_comp_company"],
        "expires": lic["workers_comp_expires_date"],
        "exempt": lic["workers_comp_exempt"],
    }
    return values if any(v is not None for v in values.values()) else None


def _cover(lic: RowMapping) -> dict[str, Any]:
    return {
        "bond": _coverage(lic["bond_company"], lic["bond_amount"], lic["bond_expires_date"]),
        "insurance": _coverage(
            lic["insurance_company"], lic["insurance_amount"], lic["insurance_expires_date"]
        ),
        "workers_comp": _workers_comp(lic),
    }


def license_json(lic: RowMapping) -> dict[str, Any]:
    return {
        **permit_license_json(lic),
        "type": lic["license_type"],
        "status_raw": lic["status_raw"],
        "classifications_raw": lic["classifications_raw"],
        "issued": lic["issued_date"],
        "effective": lic["effective_date"],
        "inactive": lic["inactive_date"],
        "business_name": lic["business_name"],
        "dba_name": lic["dba_name"],
        "entity_type": lic["entity_type"],
        **_cover(lic),
        "dataset": lic["dataset"],
        "source_url": lic["source_url"],
        "fetched_at": lic["fetched_at"],
    }


def contractor_json(row: RowMapping, licenses: list[RowMapping]) -> dict[str, Any]:
    primary = licenses[0] if licenses else None
    return {
        "id": row["id"],
        "name": row["name"],
        "license": primary["license_number"] if primary else row["license_key"],
        "license_state": primary["license_state"] if primary else row["license_state"],
        "phone": row["phone"],
        "address": {
            "line1": row["address"],
            "city": row["city"],
            "state": row["state"],
            "zip": row["zip"],
            "county_fips": row["county_fips"],
        },
        "classification_derived": row["classification_derived"],
        "tag_counts": row["tag_counts"],
        "permit_count": row["permit_count"],
        "total_job_value": row["total_job_value"],
        "first_permit_date": row["first_permit_date"],
        "last_permit_date": row["last_permit_date"],
        "licenses": [license_json(lic) for lic in licenses],
        "first_seen_at": row["first_seen_at"],
        "updated_at": row["updated_at"],
    }


def verification_json(
    lic: RowMapping, contractor: RowMapping | None, permits_last_90d: int
) -> dict[str, Any]:
    return {
        "license_number": lic["license_number"],
        "state": lic["license_state"],
        "name": contractor["name"] if contractor else lic["business_name"],
        "status": lic["status"],
        "classifications": lic["classifications"],
        "expires": lic["expires_date"],
        **_cover(lic),
        "contractor_id": lic["contractor_id"],
        "permits_last_90d": permits_last_90d,
        "license": license_json(lic),
    }


def totals_json(row: RowMapping) -> dict[str, Any]:
    total, valued = row["total_job_value"], row["valued_count"]
    return {
        **dict(row),
        "total_job_value": total,
        "avg_job_value": None if total is None or not valued else float(total) / valued,
    }
