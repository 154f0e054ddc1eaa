from decimal import Decimal

import pytest

from permitdb.normalize.money import parse_integer, parse_money, parse_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$37300.00", Decimal("37300.00")),  # NYC BIS Initial Cost
        ("$3,760,640", Decimal("3760640.00")),  # Montgomery County
        ("50000.0000", Decimal("50000.00")),
        ("1000000.00", Decimal("1000000.00")),  # Baltimore County EST_COST
        ("1800.0", Decimal("1800.00")),  # SF estimated_cost
        (15000, Decimal("15000.00")),  # Denver VALUATION
        (3760640.0, Decimal("3760640.00")),
        ("($500.00)", Decimal("-500.00")),
        ("$1.11", Decimal("1.11")),
    ],
)
def test_money(value: object, expected: Decimal) -> None:
    assert parse_money(value) == expected


@pytest.mark.parametrize("value", ["unknown", "$", "1,2", "($5", "12 dollars"])
def test_money_garbage(value: str) -> None:
    with pytest.raises(ValueError, match="not money"):
        parse_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,200", 1200), ("3.0", 3), ("18,737 sf", 18737), ("300", 300), (2, 2), ("1.0", 1)],
)
def test_integer(value: object, expected: int) -> None:
    assert parse_integer(value) == expected


def test_number_and_garbage() -> None:
    assert parse_number("30.271867") == pytest.approx(30.271867)
    with pytest.raises(ValueError, match="not a number"):
        parse_integer("—")
