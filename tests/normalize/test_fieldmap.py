from datetime import date
from decimal import Decimal

import pytest
from normalize_fixtures import AUSTIN, entry_from

from permitdb.errors import RecordRejected
from permitdb.normalize.fieldmap import field_map


def test_template_with_format_spec_builds_a_bbl() -> None:
    entry = entry_from(
        AUSTIN,
        fields={"parcel_id": {"template": "{borough}{block:0>5}{lot:0>4}"}},
    )
    mapped = field_map(entry).apply({"borough": "1", "block": "840", "lot": "7501"})
    assert mapped == {"parcel_id": "1008407501"}  # NYC bbl of M01101905
    assert field_map(entry).apply({"borough": "1", "block": "840"}) == {}


def test_lists_join_map_and_constant() -> None:
    entry = entry_from(
        AUSTIN,
        fields={
            "original_address1": {"source": ["house_no", "street_name"], "join": " "},
            "permit_type": {"source": ["work_type", "job_type"]},
            "status_raw": {"source": "permit_status", "map": {"Signed-off": "Finaled"}},
            "original_state": {"value": "NY"},
        },
    )
    mapped = field_map(entry).apply(
        {
            "house_no": "57",
            "street_name": "WEST   38 STREET",
            "job_type": "A2",
            "permit_status": " Signed-off ",
        }
    )
    assert mapped == {
        "original_address1": "57 WEST   38 STREET",
        "permit_type": "A2",
        "status_raw": "Finaled",
        "original_state": "NY",
    }


def test_field_type_picks_the_converter() -> None:
    # The short form's default converter is text; a date field still gets a date.
    entry = entry_from(AUSTIN, fields={"issued_date": "ISSDATE", "valuation": "EST_COST"})
    mapped = field_map(entry).apply({"ISSDATE": 1790467200000, "EST_COST": "1000000.00"})
    assert mapped == {"issued_date": date(2026, 9, 27), "valuation": Decimal("1000000.00")}


def test_missing_null_and_blank_are_the_same() -> None:
    entry = entry_from(AUSTIN, fields={"finaled_date": "completed_date"})
    for raw in ({}, {"completed_date": None}, {"completed_date": "  "}):
        assert field_map(entry).apply(raw) == {}


def test_location_fills_latitude_and_longitude() -> None:
    entry = entry_from(AUSTIN, fields={"location": "LOCATION"})
    assert field_map(entry).apply({"LOCATION": "(40.86778, -73.831248)"}) == {
        "latitude": 40.86778,
        "longitude": -73.831248,
    }


@pytest.mark.parametrize(
    ("fields", "raw", "code", "field"),
    [
        (
            {"issued_date": "issue_date"},
            {"issue_date": "Permit is no"},
            "unparseable_date",
            "issued_date",
        ),
        (
            {"valuation": "estimated_cost"},
            {"estimated_cost": "unknown"},
            "unparseable_money",
            "valuation",
        ),
        ({"stories": "floors"}, {"floors": "many"}, "unparseable_number", "stories"),
        ({"location": "location"}, {"location": "downtown"}, "unparseable_point", "location"),
    ],
)
def test_converter_failures_reject(
    fields: dict[str, str], raw: dict[str, str], code: str, field: str
) -> None:
    with pytest.raises(RecordRejected) as caught:
        field_map(entry_from(AUSTIN, fields=fields)).apply(raw)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert next(iter(raw.values())) in str(caught.value)


def test_required_field() -> None:
    entry = entry_from(
        AUSTIN, fields={"permit_number": "permit_number"}, required=["permit_number"]
    )
    with pytest.raises(RecordRejected) as caught:
        field_map(entry).apply({"permit_number": ""})
    assert caught.value.code == "missing_required_field"


def test_plan_is_compiled_once_per_entry() -> None:
    entry = entry_from(AUSTIN)
    assert field_map(entry) is field_map(entry)


def test_a_value_mapped_to_empty_is_no_value() -> None:
    # TSBPE's 01/01/1901 stands for an unknown licence date.
    fields = {"issued_date": {"source": "LICENSE_DATE", "map": {"01/01/1901": ""}}}
    plan = field_map(entry_from(AUSTIN, fields=fields))
    assert plan.apply({"LICENSE_DATE": "01/01/1901"}) == {}
    assert plan.apply({"LICENSE_DATE": "03/06/1987"}) == {"issued_date": date(1987, 3, 6)}
    required = entry_from(AUSTIN, fields=fields, required=["issued_date"])
    with pytest.raises(RecordRejected) as caught:
        field_map(required).apply({"LICENSE_DATE": "01/01/1901"})
    assert caught.value.code == "missing_required_field"


def test_a_boolean_field_reads_yes_and_no_after_its_map() -> None:
    licence = {
        **AUSTIN,
        "kind": "contractor_licenses",
        "primary_key": ["license_number"],
        "fields": {
            "license_number": "license_number",
            "workers_comp_exempt": {
                "source": "exempt_text",
                "convert": "boolean",
                "map": {"Exempt": "yes", "Nonexempt": "no"},
            },
        },
    }
    plan = field_map(entry_from(licence))
    assert plan.apply({"exempt_text": "Exempt"})["workers_comp_exempt"] is True
    assert plan.apply({"exempt_text": "Nonexempt"})["workers_comp_exempt"] is False
    with pytest.raises(RecordRejected) as caught:
        plan.apply({"exempt_text": "Sometimes"})
    assert (caught.value.code, caught.value.field) == ("unparseable_value", "workers_comp_exempt")
