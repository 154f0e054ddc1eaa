"""Money and counts as the portals spell them.

Money: ``$1,234.00``, ``"50000.0000"``, ``"$3,760,640"``, ``"$37300.00"``, JSON numbers, and
accountants' negatives in parentheses ``($500.00)``. Counts: ``"1,200"``, ``"3.0"`` and a leading
number followed by a unit (``"18,737 sf"``). Anything else raises ValueError.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENTS = Decimal("0.01")
_MONEY = re.compile(r"(\()?\s*(-)?\s*\$?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d*)(\.\d+)?\s*(\))?")
# A leading number, then optionally a unit or note: "18,737 sf", "3 stories".
_LEADING_NUMBER = re.compile(r"([-+]?)(\d{1,3}(?:,\d{3})+|\d*)(\.\d+)?(?:\s*[A-Za-z.#'\"].*)?")


def parse_money(value: Any) -> Decimal:
    """Dollars as a Decimal with two places."""
    if isinstance(value, bool):
        raise TypeError(f"not money: {value!r}")
    if isinstance(value, int | float | Decimal):
        return _finite(Decimal(str(value))).quantize(CENTS, ROUND_HALF_UP)
    match = _MONEY.fullmatch(str(value).strip())
    if match is None:
        raise ValueError(f"not money: {value!r}")
    open_paren, minus, minus_after_sign, whole, fraction, close_paren = match.groups()
    if not (whole or fraction) or bool(open_paren) != bool(close_paren):
        raise ValueError(f"not money: {value!r}")
    amount = Decimal((whole or "0").replace(",", "") + (fraction or ""))
    if open_paren or minus or minus_after_sign:
        amount = -amount
    return amount.quantize(CENTS, ROUND_HALF_UP)


def parse_number(value: Any) -> float:
    """A float from a JSON number or a leading number in text."""
    return float(_leading_decimal(value))


def parse_integer(value: Any) -> int:
    """An int from a JSON number or a leading number in text; fractions round half up."""
    return int(_leading_decimal(value).to_integral_value(ROUND_HALF_UP))


def _leading_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int | float | Decimal):
        return _finite(Decimal(str(value)))
    match = _LEADING_NUMBER.fullmatch(str(value).strip())
    if match is None or not (match.group(2) or match.group(3)):
        raise ValueError(f"not a number: {value!r}")
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    try:
        return Decimal(sign + (whole or "0").replace(",", "") + fraction)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def _finite(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise ValueError(f"not a finite number: {amount}")
    return amount
