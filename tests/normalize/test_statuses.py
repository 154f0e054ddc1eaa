from datetime import date

import pytest

from permitdb.catalog.model import ValueMaps
from permitdb.normalize.statuses import decide_status

NO_MAPS = ValueMaps()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Active", "issued"),  # Austin
        ("ISSUE", "issued"),  # Baltimore County
        ("BL-EXPIRED", "expired"),
        ("SIGNED OFF", "finaled"),  # NYC BIS
        ("Signed-off", "finaled"),
        ("LOC Issued", "finaled"),  # letter of completion, not a new permit
        ("CO Issued", "finaled"),
        # NYC BIS J: objections to answer, the exam goes on; a bare refusal is still denied.
        ("PLAN EXAM - DISAPPROVED", "in_review"),
        ("Plan Check Rejected", "in_review"),
        ("Disapproved", "denied"),
        ("PLAN EXAM - APPROVED", "in_review"),
        ("Objections", "in_review"),
        ("On Hold – Administrative Action", "on_hold"),
        ("complete", "finaled"),  # SF
        ("Open", "applied"),  # Montgomery: no issue date
        ("CANCELLED", "cancelled"),
        ("Gobbledygook", "unknown"),
        ("X", "unknown"),  # a bare NYC BIS status letter: unmapped, never guessed
    ],
)
def test_general_rules(raw: str, status: str) -> None:
    assert decide_status(raw, NO_MAPS, issued_date=None, finaled_date=None).status == status


def test_catalog_map_wins_and_ignores_case_and_spaces() -> None:
    maps = ValueMaps(status={"Permit  Entire": "inspection"})
    decision = decide_status("PERMIT ENTIRE", maps, issued_date=None, finaled_date=None)
    assert decision.status == "inspection"
    assert decision.rule == "status:inspection<-catalog:'PERMIT ENTIRE'"


def test_open_with_an_issue_date_is_issued() -> None:
    decision = decide_status("Open", NO_MAPS, issued_date=date(2026, 7, 1), finaled_date=None)
    assert (decision.status, decision.phase) == ("issued", "open")


def test_dates_decide_when_there_is_no_status() -> None:
    finaled = decide_status(
        None, NO_MAPS, issued_date=date(2026, 1, 1), finaled_date=date(2026, 5, 1)
    )
    assert (finaled.status, finaled.rule) == ("finaled", "status:finaled<-date:finaled_date")
    assert decide_status(None, NO_MAPS, issued_date=None, finaled_date=None).status == "unknown"
