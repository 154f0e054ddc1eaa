from datetime import UTC, date, datetime
from decimal import Decimal

from permitdb.canonical import PermitRecord
from permitdb.normalize.quality import date_flags, screen_valuation

FETCHED = datetime(2026, 9, 26, tzinfo=UTC)


def test_valuation_screen() -> None:
    assert screen_valuation(None) == (None, ["valuation_missing"])
    assert screen_valuation(Decimal("1.11")) == (None, ["valuation_placeholder"])
    assert screen_valuation(Decimal("0.00")) == (None, ["valuation_placeholder"])
    assert screen_valuation(Decimal("3000000000.00")) == (
        Decimal("3000000000.00"),
        ["valuation_outlier"],
    )
    assert screen_valuation(Decimal("37300.00")) == (Decimal("37300.00"), [])


def test_date_flags() -> None:
    typo = PermitRecord(issued_date=date(2062, 9, 1), expires_date=date(2099, 1, 1))
    assert date_flags(typo, FETCHED) == ["date_out_of_range"]
    far_expiry = PermitRecord(issued_date=date(2026, 9, 1), expires_date=date(2099, 1, 1))
    assert date_flags(far_expiry, FETCHED) == []
    backwards = PermitRecord(applied_date=date(2026, 9, 1), issued_date=date(2026, 8, 1))
    assert date_flags(backwards, FETCHED) == ["date_order"]
    sentinel = PermitRecord(applied_date=date(1899, 12, 31))
    assert date_flags(sentinel, FETCHED) == ["date_out_of_range"]
