"""Contractor mentions and the rules that say when two of them are one contractor.

A mention is what one licence row, or one permit's contractor fields, say about a contractor:
its names, licence, phone and address. ``match`` decides whether two mentions are one business,
with a method and a confidence (docs/contractors.md); ``store.contractors`` fetches candidates by
indexed keys and lets ``match`` decide, so the evaluation's pairs score the very rule ingest uses.

Names are compared as sets of words, so "STOKES JOHN R" is "JOHN R STOKES". Legal words (LLC,
Inc, Corp) and connectives are dropped, runs of single letters are joined ("C B S" is "CBS",
"L.L.C." is "LLC"), and trade words (Construction, Roofing, Solar...) are set apart from the
distinctive words. Distinctive words must agree exactly (a long word may differ by a typo); trade
words may be missing on one side but may not contradict ("SMITH ROOFING" is not "SMITH
ELECTRIC"), except when a licence-free strong key (phone, address) already ties the two.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Final, Literal

from rapidfuzz import fuzz, process

from permitdb.canonical import LicenseRecord, PermitRecord
from permitdb.normalize.addresses import parse_street

MatchMethod = Literal["license", "phone", "address", "name_exact", "name_fuzzy"]
MentionSource = Literal["permit", "license"]

# Confidence of each method (docs/contractors.md); a fuzzy name scales with its score.
CONFIDENCE: Final[dict[MatchMethod, float]] = {
    "license": 1.0,
    "phone": 0.95,
    "address": 0.9,
    "name_exact": 0.9,
    "name_fuzzy": 0.8,
}
# A distinctive word may differ from its counterpart by a typo only when both are this long and
# this close: "DEVELOPMENT"/"DEVLOPMENT" pass, "LANDS"/"LANDIS" and "WALKLEY"/"WALKER" do not.
TYPO_MIN_LENGTH: Final = 7
TYPO_MIN_SCORE: Final = 90.0
# A misspelt trade word is still a trade word ("REMODELNG").
TRADE_TYPO_SCORE: Final = 88.0

LEGAL_WORDS: Final = frozenset(
    "LLC LLP LP PLLC PC PA INC INCORPORATED CORP CORPORATION CO COMPANY LTD LIMITED".split()
)
CONNECTIVES: Final = frozenset("THE AND OF A AN".split())
TRADE_WORDS: Final = frozenset(
    """
    CONSTRUCTION CONSTRUCTORS CONST CONSTR CONTRACTING CONTRACTOR CONTRACTORS GENERAL BUILDERS
    BUILDER BUILDING BUILD HOMES HOME HOUSE ROOFING ROOFERS ROOF SOLAR ENERGY ELECTRIC
    ELECTRICAL ELECTRICIANS PLUMBING PLUMBER PLUMBERS MECHANICAL HVAC HEATING COOLING AIR
    CONDITIONING SERVICES SERVICE SVC SVCS ENTERPRISES ENTERPRISE GROUP DEVELOPMENT DEV
    REMODELING REMODEL RENOVATION RENOVATIONS RESTORATION RESTORATIONS DESIGN DESIGNS CUSTOM
    POOLS POOL PAINTING PAINTERS DRYWALL LANDSCAPING LANDSCAPE CONCRETE MASONRY EXCAVATING
    EXCAVATION DEMOLITION WINDOWS WINDOW DOORS DOOR SIDING GLASS FLOORING CABINETS INTERIORS
    EXTERIORS SYSTEMS SOLUTIONS MANAGEMENT INDUSTRIES ASSOCIATES SONS BROTHERS BROS PARTNERS
    HOLDINGS INTERNATIONAL COMMERCIAL RESIDENTIAL MAINTENANCE REPAIR REPAIRS INSTALLATION
    ENGINEERING SEWER DRAIN PAVING FENCE FENCING IMPROVEMENT IMPROVEMENTS
    """.split()
)
# Values boards and permit systems put where a name belongs (Florida's DBA column says
# "INDIVIDUAL" for a licensee trading under his own name).
PLACEHOLDER_NAMES: Final = frozenset(
    {"INDIVIDUAL", "NONE", "NA", "N/A", "UNKNOWN", "OWNER", "OWNER BUILDER", "SELF", "TBD", "SAME"}
)

_MARKER = re.compile(r"\*+[^*]*\*+")  # Austin's "**Main**" flags the main contractor
_DBA = re.compile(r"\b(?:D\s*/?\s*B\s*/?\s*A|DOING BUSINESS AS)\b\.?", re.IGNORECASE)
_DROPPED = re.compile(r"[.'’`]")  # "J.A.S." is JAS, "GRIFFIN'S" is GRIFFINS
_SEPARATORS = re.compile(r"[^0-9A-Z]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_PO_BOX = re.compile(r"^P\s*\.?\s*O\.?\s*BOX\s+(\w+)|^POST OFFICE BOX\s+(\w+)")


@dataclass(frozen=True, slots=True)
class NameParts:
    """A business name as matching sees it."""

    distinctive: tuple[str, ...]  # sorted
    trade: tuple[str, ...]  # sorted, typos mapped to the trade word

    @property
    def key(self) -> str:
        """Equal for names that are one name however written: distinctive, then trade words."""
        return " ".join(self.distinctive + self.trade)

    @property
    def block(self) -> str | None:
        """The word candidates are fetched by: the first distinctive word."""
        return self.distinctive[0] if self.distinctive else None


@dataclass(frozen=True)
class Mention:
    """What one source says about one contractor (its derived keys computed once: no slots,
    so ``cached_property`` can keep them)."""

    source: MentionSource
    names: tuple[str, ...] = ()  # cleaned display names: the business first, then its dbas
    license_key: str | None = None
    license_state: str | None = None
    phone_key: str | None = None
    address_key: str | None = None
    state: str | None = None  # where it is resolved: the licence's state, else the permit's

    @cached_property
    def parts(self) -> tuple[NameParts, ...]:
        return tuple(p for p in map(name_parts, self.names) if p.distinctive)

    @cached_property
    def name_key(self) -> str | None:
        parts = self.parts
        return parts[0].key if parts else None

    @cached_property
    def block_key(self) -> str | None:
        parts = self.parts
        return parts[0].block if parts else None

    @cached_property
    def mention_key(self) -> str:
        """Stable for the same evidence: a licence by its number, a permit's by everything."""
        if self.source == "license" and self.license_key:
            evidence = f"license|{self.license_state}|{self.license_key}|{self.name_key}"
        else:
            evidence = "|".join(
                str(part)
                for part in (
                    self.source,
                    self.state,
                    self.name_key,
                    self.license_state,
                    self.license_key,
                    self.phone_key,
                    self.address_key,
                )
            )
        return hashlib.sha256(evidence.encode()).hexdigest()

    @property
    def has_evidence(self) -> bool:
        return bool(self.license_key or self.phone_key or self.address_key or self.name_key)


@dataclass(frozen=True, slots=True)
class Match:
    method: MatchMethod
    confidence: float


def clean_names(text: str | None) -> tuple[str, ...]:
    """The names in one name field: "X DBA Y" is two names; placeholders are none."""
    if not text:
        return ()
    text = _MARKER.sub(" ", text)
    names = []
    for part in _DBA.split(text):
        name = " ".join(part.replace(",", " ").split()).strip(" -").upper()
        if name and name not in PLACEHOLDER_NAMES and _NOT_ALNUM.sub("", name):
            names.append(name)
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=65_536)
def name_parts(name: str) -> NameParts:
    """Split a cleaned name into its distinctive and trade words (cached: names repeat)."""
    words = _SEPARATORS.sub(" ", _DROPPED.sub("", name.upper().replace("&", " AND "))).split()
    joined: list[str] = []
    for word in _join_prefixes(words):
        if len(word) == 1 and joined and joined[-1].endswith("\0"):
            joined[-1] = joined[-1][:-1] + word + "\0"  # a run of single letters is one word
        else:
            joined.append(word + "\0" if len(word) == 1 else word)
    distinctive: list[str] = []
    trade: list[str] = []
    for word in (w.rstrip("\0") for w in joined):
        if word in LEGAL_WORDS or word in CONNECTIVES:
            continue
        as_trade = _trade_word(word)
        (trade if as_trade else distinctive).append(as_trade or word)
    return NameParts(tuple(sorted(distinctive)), tuple(sorted(set(trade))))


def _join_prefixes(words: list[str]) -> list[str]:
    """ "MC NALLY" is "MCNALLY", as most sources write it."""
    out: list[str] = []
    for word in words:
        if out and out[-1] in ("MC", "MAC", "DE", "LA", "VAN", "VON") and len(word) > 2:
            out[-1] += word
        else:
            out.append(word)
    return out


@lru_cache(maxsize=16_384)
def _trade_word(word: str) -> str | None:
    if word in TRADE_WORDS:
        return word
    if len(word) < TYPO_MIN_LENGTH or word.isdigit():
        return None
    found = process.extractOne(word, TRADE_WORDS, scorer=fuzz.ratio)
    return found[0] if found and found[1] >= TRADE_TYPO_SCORE else None


def license_key(number: str | None) -> str | None:
    """Letters and digits, upper-cased; None when the value holds no licence (no digit)."""
    if not number:
        return None
    key = _NOT_ALNUM.sub("", number.upper())
    if not any(ch.isdigit() for ch in key) or not key.strip("0"):
        return None
    return key


def phone_key(phone: str | None) -> str | None:
    """Ten digits (a leading country code 1 dropped); None for anything else or a filler."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or len(set(digits)) == 1 or digits[0] in "01":
        return None
    return digits


def address_key(line: str | None, state: str | None) -> str | None:
    """A street address or PO box within a state; None when the line does not parse."""
    if not line or not state:
        return None
    box = _PO_BOX.match(line.upper().strip())
    if box:
        return f"PO BOX {box.group(1) or box.group(2)}|{state}"
    parsed = parse_street(line)
    if parsed is None or not parsed.street_number or not parsed.street_name:
        return None
    return f"{parsed.street_number} {parsed.street_name}|{state}"


def mention_from_permit(record: PermitRecord) -> Mention | None:
    """The contractor a permit names, or None when it names none."""
    return _permit_mention(
        record.contractor_name,
        record.contractor_license,
        record.contractor_license_state,
        record.contractor_phone,
        record.contractor_address,
        record.state,
    )


@lru_cache(maxsize=65_536)
def _permit_mention(
    name: str | None,
    licence: str | None,
    licence_state: str | None,
    phone: str | None,
    address: str | None,
    state: str | None,
) -> Mention | None:
    """Cached: a dataset names its contractors the same way on many permits."""
    mention = Mention(
        source="permit",
        names=clean_names(name),
        license_key=license_key(licence),
        license_state=licence_state or state,
        phone_key=phone_key(phone),
        address_key=address_key(address, state),
        state=state,
    )
    return mention if mention.has_evidence else None


def mention_from_license(record: LicenseRecord) -> Mention | None:
    """The contractor a licence row names: its business (else its holder) and its dba."""
    state = record.license_state or record.state
    names = clean_names(record.business_name) + clean_names(record.dba_name)
    if not names:
        names = clean_names(record.person_name)
    mention = Mention(
        source="license",
        names=tuple(dict.fromkeys(names)),
        license_key=license_key(record.license_number),
        license_state=state,
        phone_key=phone_key(record.phone),
        address_key=address_key(record.original_address1, record.original_state or state),
        state=state,
    )
    return mention if mention.has_evidence else None


def match(a: Mention, b: Mention) -> Match | None:
    """Whether ``a`` and ``b`` are one contractor, how that is known, and how surely."""
    if a.license_key and a.license_key == b.license_key and a.license_state == b.license_state:
        return Match("license", CONFIDENCE["license"])
    if a.state != b.state:
        return None
    names = _names_agree(a, b, trade_must_agree=False)
    if a.phone_key and a.phone_key == b.phone_key and names is not None:
        return Match("phone", CONFIDENCE["phone"])
    if a.address_key and a.address_key == b.address_key and names is not None:
        return Match("address", CONFIDENCE["address"])
    if _conflict(a, b):
        return None  # two other licences (or phones): a name alone cannot join them
    score = _names_agree(a, b, trade_must_agree=True)
    if score is None:
        return None
    if score >= 100.0:
        return Match("name_exact", CONFIDENCE["name_exact"])
    return Match("name_fuzzy", round(CONFIDENCE["name_fuzzy"] * score / 100.0, 3))


def _conflict(a: Mention, b: Mention) -> bool:
    licences = bool(a.license_key and b.license_key and a.license_state == b.license_state)
    phones = bool(a.phone_key and b.phone_key and a.phone_key != b.phone_key)
    return licences or phones


def _names_agree(a: Mention, b: Mention, *, trade_must_agree: bool) -> float | None:
    """The best score over the two mentions' names, or None when no name pair agrees."""
    best: float | None = None
    for left in a.parts:
        for right in b.parts:
            score = names_score(left, right, trade_must_agree=trade_must_agree)
            if score is not None and (best is None or score > best):
                best = score
    return best


def names_score(left: NameParts, right: NameParts, *, trade_must_agree: bool) -> float | None:
    """100 for one name, less for a typo or a missing trade word; None when they disagree."""
    if len(left.distinctive) != len(right.distinctive):
        return None
    typos = 0
    for mine, theirs in zip(left.distinctive, right.distinctive, strict=True):
        if mine != theirs:
            if min(len(mine), len(theirs)) < TYPO_MIN_LENGTH:
                return None
            if fuzz.ratio(mine, theirs) < TYPO_MIN_SCORE:
                return None
            typos += 1
    mine_trade, their_trade = set(left.trade), set(right.trade)
    if (
        trade_must_agree
        and mine_trade
        and their_trade
        and not (mine_trade <= their_trade or their_trade <= mine_trade)
    ):
        return None
    if not typos and mine_trade == their_trade:
        return 100.0
    return float(fuzz.token_set_ratio(left.key, right.key)) - (0.01 if not typos else 0.0)
