"""Licence rows of every bundled board, normalized through their catalog entries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry, ValueMaps
from permitdb.errors import RecordRejected
from permitdb.normalize.licenses import (
    classification_labels,
    license_key,
    license_status,
    normalize_license,
)
from permitdb.testing.portal import default_recordings_dir
from permitdb.testing.recordings import read_recording

FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def board(slug: str) -> CatalogEntry:
    (entry,) = select_entries(load_catalog(), [slug])
    return entry


def row(entry: CatalogEntry, **match: str) -> dict[str, Any]:
    """The one recorded row whose fields equal ``match``."""
    (found,) = [
        raw
        for raw in read_recording(entry, default_recordings_dir())
        if all(raw.get(key) == value for key, value in match.items())
    ]
    return dict(found)


def test_cslb_codes_become_labels_and_a_clear_licence_past_its_term_is_expired() -> None:
    entry = board("california/cslb-license-master")
    raw = row(entry, licenseNo="1000027")

    record = normalize_license(entry, raw, fetched_at=FETCHED)

    assert (record.status_raw, record.status) == ("CLEAR", "expired")
    assert record.classifications_raw == "B| C10"
    assert record.classifications == ["General Building", "Electrical"]
    assert record.expires_date == date(2021, 1, 31)
    assert record.bond_amount == Decimal("15000")
    assert (record.address, record.city, record.zip) == (
        "6345 AUBURN BLVD STE B",
        "Citrus Heights",
        "95621",
    )
    assert record.phone == "(916) 804-5988"
    assert (record.license_key, record.license_state) == ("1000027", "CA")
    assert record.workers_comp_exempt is False
    # within its term the same row is active
    assert normalize_license(entry, raw, fetched_at=datetime(2020, 12, 1, tzinfo=UTC)).status == (
        "active"
    )


def test_cslb_suspension_reasons_are_suspended() -> None:
    entry = board("california/cslb-license-master")
    record = normalize_license(entry, row(entry, licenseNo="1000085"), fetched_at=FETCHED)
    assert (record.status_raw, record.status) == ("Work Comp Susp", "suspended")
    assert record.classifications == ["Landscaping", "Tree Service"]


def test_dbpr_serves_the_prefixed_number_and_the_qualifier_beside_the_business() -> None:
    entry = board("florida/dbpr-construction-licensees")
    record = normalize_license(entry, row(entry, license_number="1105721"), fetched_at=FETCHED)

    assert (record.license_number, record.license_key) == ("CBCA05721", "CBCA05721")
    assert (record.status_raw, record.status) == ("C A", "active")
    assert record.classifications == ["Certified Building Contractor"]
    assert (record.issued_date, record.expires_date) == (date(1978, 4, 12), date(2028, 8, 31))
    assert record.business_name == "ENGINEER SERVICE CORPORATION"
    assert record.person_name == "ATKINS, ALVA C"
    assert (record.city, record.state, record.zip) == ("Jacksonville", "FL", "32223")
    assert record.bond_amount is None  # DBPR publishes no bond


def test_dbpr_inactive_secondary_status_is_inactive() -> None:
    entry = board("florida/dbpr-construction-licensees")
    record = normalize_license(entry, row(entry, license_number="0023274"), fetched_at=FETCHED)
    assert (record.status_raw, record.status) == ("P I", "inactive")


def test_tsbpe_master_plumber_with_a_placeholder_licence_date() -> None:
    entry = board("texas/tsbpe-responsible-master-plumbers")
    captured = datetime(2026, 9, 1, tzinfo=UTC)  # the list's month, within this licence's term
    record = normalize_license(entry, row(entry, LICENSE_NBR="13512"), fetched_at=captured)

    assert record.issued_date is None  # 01/01/1901 stands for unknown
    assert (record.status, record.classifications) == ("active", ["Master Plumber"])
    assert record.expires_date == date(2026, 11, 30)
    assert record.business_name == "HARDIN COUNTY PLUMBING SERVICES, LLC."
    assert record.person_name == "VERNON WAYNE DEAN"
    assert record.insurance_expires_date == date(2026, 11, 8)
    assert (record.city, record.zip, record.phone) == ("Kountze", "77625", "(409) 246-4740")


def test_tsbpe_expired_licence() -> None:
    entry = board("texas/tsbpe-responsible-master-plumbers")
    record = normalize_license(entry, row(entry, LICENSE_NBR="17695"), fetched_at=FETCHED)
    assert (record.status_raw, record.status) == ("Expired", "expired")
    assert record.person_name == "JAMES MOKRY JR"


def test_ccb_bond_insurance_and_workers_comp() -> None:
    entry = board("oregon/ccb-active-licenses")
    record = normalize_license(entry, row(entry, license_number="100260"), fetched_at=FETCHED)

    assert record.status == "active"
    assert record.classifications == ["Residential Specialty Contractor"]
    assert record.expires_date == date(2027, 5, 14)
    assert (record.bond_company, record.bond_amount) == ("WESTERN SURETY COMPANY", Decimal("20000"))
    assert record.bond_expires_date == date(2027, 5, 14)
    assert record.insurance_amount == Decimal("1000000")
    assert record.workers_comp_exempt is True
    assert (record.address, record.city, record.zip) == ("8737 NE THOMPSON ST", "Portland", "97220")
    assert record.county_fips == "41051"  # Multnomah, from the ZIP


def test_lni_suspended_licence_keeps_its_mnemonic_number() -> None:
    entry = board("washington/lni-contractor-licenses")
    record = normalize_license(
        entry, row(entry, contractorlicensenumber="10X20PF785PO"), fetched_at=FETCHED
    )

    assert (record.status_raw, record.status) == ("SUSPENDED", "suspended")
    assert record.classifications == ["Metal Fabrication"]
    assert record.license_type == "CONSTRUCTION CONTRACTOR"
    assert record.expires_date == date(2027, 3, 3)
    assert record.inactive_date == date(2025, 7, 26)
    assert (record.city, record.state, record.zip) == ("Pasco", "WA", "99301")
    assert record.license_state == "WA"


def test_dcwp_home_improvement_contractor() -> None:
    entry = board("new-york-city-ny/dcwp-home-improvement-contractors")
    record = normalize_license(entry, row(entry, license_nbr="1024157-DCA"), fetched_at=FETCHED)

    assert record.license_key == "1024157DCA"
    assert (record.status, record.classifications) == ("active", ["Home Improvement Contractor"])
    assert record.expires_date == date(2027, 2, 28)
    assert (record.address, record.city, record.zip) == (
        "280 MADISON AVE RM 1204",
        "New York",
        "10016",
    )


def test_a_row_whose_number_fails_the_pattern_is_rejected_with_its_reason() -> None:
    entry = board("washington/lni-contractor-licenses")
    raw = row(entry, contractorlicensenumber="10X20PF785PO") | {"contractorlicensenumber": "10X20"}
    with pytest.raises(RecordRejected) as info:
        normalize_license(entry, raw, fetched_at=FETCHED)
    assert (info.value.code, info.value.field) == ("pattern_mismatch", "license_number")


def test_a_row_without_its_key_is_rejected() -> None:
    entry = board("oregon/ccb-active-licenses")
    raw = row(entry, license_number="100260", license_type="RSC") | {"license_type": ""}
    with pytest.raises(RecordRejected) as info:
        normalize_license(entry, raw, fetched_at=FETCHED)
    assert info.value.code == "missing_primary_key"


def test_the_id_and_hash_are_stable_and_follow_the_content() -> None:
    entry = board("oregon/ccb-active-licenses")
    raw = row(entry, license_number="100260", license_type="RSC")
    first = normalize_license(entry, raw, fetched_at=FETCHED)
    again = normalize_license(entry, raw, fetched_at=datetime(2026, 12, 2, tzinfo=UTC))
    changed = normalize_license(entry, raw | {"bond_amount": "25000"}, fetched_at=FETCHED)

    assert (again.id, again.content_hash) == (first.id, first.content_hash)
    assert changed.id == first.id
    assert changed.content_hash != first.content_hash


@pytest.mark.parametrize(
    ("number", "key"),
    [("cbc-006231", "CBC006231"), ("10XR***780N5", "10XR780N5"), ("  ", None), (None, None)],
)
def test_license_key_keeps_letters_and_digits(number: str | None, key: str | None) -> None:
    assert license_key(number) == key


def test_status_words_the_map_lacks_fall_back_to_the_vocabulary() -> None:
    maps = ValueMaps(license_status={"CLEAR": "active"})
    assert license_status("clear", maps) == "active"
    assert license_status(" Revoked ", maps) == "revoked"
    assert license_status("Pending Case/CIT", maps) == "unknown"
    assert license_status(None, maps) == "unknown"


def test_unmapped_codes_are_served_as_published_once_each_in_board_order() -> None:
    maps = ValueMaps(license_classification={"C10": "Electrical", "B": "General Building"})
    assert classification_labels("C10 | B| ZZ9 ;C10", maps) == [
        "Electrical",
        "General Building",
        "ZZ9",
    ]
    assert classification_labels(None, maps) == []


def test_a_licence_expires_after_its_last_day_in_the_boards_time_zone() -> None:
    entry = board("texas/tsbpe-responsible-master-plumbers")  # America/Chicago
    raw = row(entry, LICENSE_NBR="13512")  # expires 2026-11-30
    evening_of_last_day = datetime(2026, 12, 1, 3, tzinfo=UTC)  # 21:00 in Texas
    next_morning = datetime(2026, 12, 1, 7, tzinfo=UTC)
    assert normalize_license(entry, raw, fetched_at=evening_of_last_day).status == "active"
    assert normalize_license(entry, raw, fetched_at=next_morning).status == "expired"
