"""Who owns a parcel, read from the owner's name: individual, company, government, trust,
nonprofit, or unknown.

Assessor rolls name owners, they do not type them, so the type comes from the words of the
name, the same rules for every roll: a public body's words (``CITY OF``, ``U S GOVT``,
``HOUSING AUTHORITY``) beat everything, then a charity's or a congregation's, then a trust's,
then a business's legal form or trade words. A name with none of those, made of two to five
plain words (``RODRIGUEZ, JOSE R``, ``J MURPHY & UX``), is a person. Anything else (a number,
one lone word, a long phrase) is ``unknown``: "unknown" beats a guess.
"""

from __future__ import annotations

import re
from typing import Final

from permitdb.vocabulary import OwnerType

_WORD: Final = re.compile(r"[A-Z0-9]+(?:'[A-Z]+)?")
# Multi-word phrases are matched on the name's words joined by single spaces.
_GOVERNMENT_PHRASES: Final = (
    "CITY OF",
    "COUNTY OF",
    "STATE OF",
    "TOWN OF",
    "VILLAGE OF",
    "BOARD OF EDUCATION",
    "UNITED STATES",
    "U S",
    "US GOVT",
    "HOUSING AUTHORITY",
    "TRANSIT AUTHORITY",
    "PORT AUTHORITY",
    "PARK DISTRICT",
    "SCHOOL DISTRICT",
    "FOREST PRESERVE",
    "DEPT OF",
    "DEPARTMENT OF",
)
_GOVERNMENT_WORDS: Final = frozenset(
    {"GOVT", "GOVERNMENT", "MUNICIPAL", "MUNICIPALITY", "COMMONWEALTH", "FEDERAL", "NYCHA"}
)
_NONPROFIT_WORDS: Final = frozenset(
    {
        "CHURCH",
        "CHURCHES",
        "PARISH",
        "DIOCESE",
        "ARCHDIOCESE",
        "MINISTRIES",
        "MINISTRY",
        "CONGREGATION",
        "SYNAGOGUE",
        "TEMPLE",
        "MOSQUE",
        "FOUNDATION",
        "CHARITIES",
        "CHARITABLE",
        "SOCIETY",
        "UNIVERSITY",
        "COLLEGE",
        "ACADEMY",
        "HOSPITAL",
        "MUSEUM",
        "YMCA",
        "YWCA",
        "NONPROFIT",
        "HDFC",
    }
)
_NONPROFIT_PHRASES: Final = ("NOT FOR PROFIT", "HOUSING DEVELOPMENT FUND")
_TRUST_WORDS: Final = frozenset({"TRUST", "TRUSTS", "TRUSTEE", "TRUSTEES", "TR", "TRST", "TRS"})
_COMPANY_WORDS: Final = frozenset(
    {
        "LLC",
        "INC",
        "INCORPORATED",
        "CORP",
        "CORPORATION",
        "CO",
        "COMPANY",
        "LTD",
        "LP",
        "LLP",
        "PLLC",
        "PC",
        "HOLDINGS",
        "HOLDING",
        "PROPERTIES",
        "PROPERTY",
        "REALTY",
        "ASSOCIATES",
        "PARTNERS",
        "PARTNERSHIP",
        "GROUP",
        "ENTERPRISES",
        "DEVELOPMENT",
        "DEVELOPERS",
        "MANAGEMENT",
        "BANK",
        "BANCORP",
        "VENTURES",
        "INVESTMENTS",
        "INVESTORS",
        "CAPITAL",
        "EQUITIES",
        "CONDOMINIUM",
        "CONDO",
        "COOP",
    }
)
# "L L C", "L P": a legal form spelled letter by letter
_SPELLED_FORMS: Final = ("L L C", "L L P", "L P", "P C")
# Words that join or qualify persons' names on a roll: "& UX" (and wife), "ET AL", "JR".
_PERSON_WORDS: Final = frozenset({"UX", "WF", "HUSB", "ET", "AL", "JR", "SR", "II", "III", "IV"})
_MIN_PERSON_WORDS: Final = 2
_MAX_PERSON_WORDS: Final = 5


def owner_type(name: str | None) -> OwnerType:
    """The kind of owner ``name`` names (``unknown`` when the words do not say)."""
    words = _WORD.findall(name.upper().replace(".", "")) if name else []
    if not words:
        return "unknown"
    joined = f" {' '.join(words)} "
    kinds: tuple[tuple[OwnerType, frozenset[str], tuple[str, ...]], ...] = (
        ("government", _GOVERNMENT_WORDS, _GOVERNMENT_PHRASES),
        ("nonprofit", _NONPROFIT_WORDS, _NONPROFIT_PHRASES),
        ("trust", _TRUST_WORDS, ()),
        ("company", _COMPANY_WORDS, _SPELLED_FORMS),
    )
    for kind, kind_words, phrases in kinds:
        if kind_words.intersection(words) or any(f" {p} " in joined for p in phrases):
            # "ABC TRUST COMPANY" is a bank, not a trust
            if kind == "trust" and _COMPANY_WORDS.intersection(words):
                return "company"
            return kind
    return _person_or_unknown(words)


def _person_or_unknown(words: list[str]) -> OwnerType:
    name_words = [w for w in words if w not in _PERSON_WORDS]
    if any(any(ch.isdigit() for ch in word) for word in name_words):
        return "unknown"
    if _MIN_PERSON_WORDS <= len(name_words) <= _MAX_PERSON_WORDS:
        return "individual"
    return "unknown"
