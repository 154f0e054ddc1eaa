"""Contractor reads: the search, by id, a contractor's licences, a licence by number, and a
contractor's permit metrics, over the tables resolution fills (``store.contractors``).

Every query starts from an index: the listing walks ``(last_permit_date DESC NULLS LAST, id
DESC)`` (under a state, a ZIP or a county, that column's index of the same order), licences are
read by ``contractor_id`` or ``(license_key, license_state)``, and a contractor's permits by
``permits.contractor_id``. The filters on a contractor's licences and permits are correlated
EXISTS subqueries, each one index range per contractor read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.store import dialects
from permitdb.store.permit_filters import PermitQuery, city_key, permit_filters
from permitdb.store.sorts import keyset_ranges
from permitdb.store.tables import (
    CONTRACTOR_ORDER,
    contractor_licenses,
    contractors,
    permit_tags,
    permits,
)

# What a contractor's metrics count: permits, not certificates of occupancy or parcels.
METRIC_CLASS: Final = "permit"
# Keeps IN lists well under SQLite's bound-parameter limit.
CHUNK: Final = 1000


@dataclass(frozen=True, slots=True)
class ContractorQuery:
    """Filters of the contractor listing; an empty tuple or None means "any"."""

    state: str | None = None
    city: tuple[str, ...] = ()  # compared case- and space-insensitively
    county_fips: tuple[str, ...] = ()
    zip: tuple[str, ...] = ()
    name: str | None = None  # case-insensitive substring of the display name
    license_key: str | None = None  # a licence number, as normalize keys it
    license_status: tuple[str, ...] = ()  # of one of its licences
    license_type: str | None = None  # exact, case-insensitive, of that licence
    classification: tuple[str, ...] = ()  # a label of that licence, case-insensitive
    classification_derived: tuple[str, ...] = ()  # all of these trade tags
    exclude_classification_derived: tuple[str, ...] = ()  # none of these
    tags: tuple[str, ...] = ()  # a permit of theirs has all of these tags...
    exclude_tags: tuple[str, ...] = ()  # ...none of these...
    permit_from: date | None = None  # ...and falls in this window (Shovels' permit_from/to)
    permit_to: date | None = None
    permit_q: str | None = None  # ...and matches this full-text query (store.fulltext)
    permit_status: tuple[str, ...] = ()  # ...and has one of these statuses
    permit_min_job_value: Decimal | None = None
    permit_min_fees: Decimal | None = None
    permit_min_approval_days: int | None = None
    permit_min_construction_days: int | None = None
    min_permit_count: int | None = None
    min_total_job_value: Decimal | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class ContractorKeyset:
    """Where a listing page ended: the last contractor's last permit date and id."""

    last_permit_date: date | None
    id: str


def _json_elements(dialect: sa.Dialect, column: sa.ColumnElement[Any]) -> Any:
    """The elements of a JSON array column as a table with one text column, ``value``."""
    if dialects.is_sqlite(dialect):
        return sa.func.json_each(column).table_valued("value")
    return sa.func.jsonb_array_elements_text(column).table_valued("value").render_derived()


def _holds(dialect: sa.Dialect, column: sa.ColumnElement[Any], values: Sequence[str]) -> Any:
    """The JSON array ``column`` holds one of ``values`` (compared in lower case)."""
    elements = _json_elements(dialect, column)
    lowered = [value.lower() for value in values]
    return sa.exists().select_from(elements).where(sa.func.lower(elements.c.value).in_(lowered))


def _license_filters(dialect: sa.Dialect, query: ContractorQuery) -> list[sa.ColumnElement[bool]]:
    """One licence of the contractor meets every licence filter."""
    lic = contractor_licenses.c
    where: list[sa.ColumnElement[bool]] = []
    if query.license_status:
        where.append(lic.status.in_(query.license_status))
    if query.license_type:
        where.append(sa.func.lower(lic.license_type) == query.license_type.strip().lower())
    where.extend(_holds(dialect, lic.classifications, [label]) for label in query.classification)
    if query.license_key:
        where.append(lic.license_key == query.license_key)
    if query.license_key and len(where) == 1:
        # the primary licence may come from permits alone, with no board row. An IN over both
        # index lookups, not an OR with EXISTS: neither engine reads that OR off an index
        named = contractors.alias("named")
        holders = sa.union(
            sa.select(lic.contractor_id).where(lic.license_key == query.license_key),
            sa.select(named.c.id).where(named.c.license_key == query.license_key),
        )
        return [contractors.c.id.in_(holders)]
    if not where:
        return []
    return [sa.exists().where(lic.contractor_id == contractors.c.id, *where)]


def _permit_filters(dialect: sa.Dialect, query: ContractorQuery) -> list[sa.ColumnElement[bool]]:
    """One permit of the contractor meets every permit filter."""
    of_permits = PermitQuery(
        tags=query.tags,
        exclude_tags=query.exclude_tags,
        any_date_from=query.permit_from,
        any_date_to=query.permit_to,
        q=query.permit_q,
        status=query.permit_status,
        min_valuation=query.permit_min_job_value,
        min_fees=query.permit_min_fees,
        min_approval_days=query.permit_min_approval_days,
        min_construction_days=query.permit_min_construction_days,
    )
    if of_permits == PermitQuery():
        return []
    where = permit_filters(dialect, of_permits)
    return [sa.exists().where(permits.c.contractor_id == contractors.c.id, *where)]


def contractor_filters(dialect: sa.Dialect, query: ContractorQuery) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of ``query``, ANDed by the caller."""
    c = contractors.c
    where: list[sa.ColumnElement[bool]] = []
    if query.state:
        where.append(c.state == query.state.upper())
    for column, values in ((c.zip, query.zip), (c.county_fips, query.county_fips)):
        if values:
            where.append(column.in_(values))
    if query.city:
        where.append(sa.func.lower(c.city).in_([city_key(city) for city in query.city]))
    if query.name:
        where.append(c.name.icontains(query.name, autoescape=True))
    if query.min_permit_count is not None:
        where.append(c.permit_count >= query.min_permit_count)
    if query.min_total_job_value is not None:
        where.append(c.total_job_value >= query.min_total_job_value)
    where.extend(
        _holds(dialect, c.classification_derived, [tag]) for tag in query.classification_derived
    )
    if query.exclude_classification_derived:
        where.append(
            ~_holds(dialect, c.classification_derived, query.exclude_classification_derived)
        )
    return where + _license_filters(dialect, query) + _permit_filters(dialect, query)


def search_contractors(
    conn: Connection, query: ContractorQuery, *, after: ContractorKeyset | None = None
) -> tuple[list[sa.RowMapping], ContractorKeyset | None]:
    """One page in listing order, and the keyset to continue from (None on the last page)."""
    wanted = query.limit + 1
    where = contractor_filters(conn.dialect, query)
    position = None if after is None else (after.last_permit_date, after.id)
    rows: list[sa.RowMapping] = []
    for bound in keyset_ranges(
        contractors.c.last_permit_date, contractors.c.id, descending=True, after=position
    ):
        statement = (
            sa.select(contractors)
            .where(*where, bound)
            .order_by(*CONTRACTOR_ORDER)
            .limit(wanted - len(rows))
        )
        rows.extend(conn.execute(statement).mappings())
        if len(rows) >= wanted:
            break
    page = rows[: query.limit]
    if len(rows) <= query.limit:
        return page, None
    return page, ContractorKeyset(page[-1]["last_permit_date"], page[-1]["id"])


def get_contractors(conn: Connection, ids: Sequence[str]) -> dict[str, sa.RowMapping]:
    """Contractor rows by id; unknown ids are left out."""
    found: dict[str, sa.RowMapping] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = conn.execute(sa.select(contractors).where(contractors.c.id.in_(chunk)))
        found.update((row["id"], row) for row in rows.mappings())
    return found


_LICENSE_ORDER: Final = (
    contractor_licenses.c.expires_date.desc().nulls_last(),
    contractor_licenses.c.id,
)


def licenses_of(conn: Connection, contractor_ids: Sequence[str]) -> dict[str, list[sa.RowMapping]]:
    """Each contractor's licences, the latest expiry first: one query for a whole page."""
    found: dict[str, list[sa.RowMapping]] = {}
    unique = list(dict.fromkeys(contractor_ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        rows = conn.execute(
            sa.select(contractor_licenses)
            .where(contractor_licenses.c.contractor_id.in_(chunk))
            .order_by(*_LICENSE_ORDER)
        )
        for row in rows.mappings():
            found.setdefault(row["contractor_id"], []).append(row)
    return found


# What a permit shows of its contractor's licence (``PermitLicense``): decoding all of a
# licence row's columns, its raw source record among them, was most of a page's join time.
_PERMIT_LICENSE_COLUMNS: Final = (
    contractor_licenses.c.contractor_id,
    contractor_licenses.c.license_number,
    contractor_licenses.c.license_state,
    contractor_licenses.c.status,
    contractor_licenses.c.expires_date,
    contractor_licenses.c.classifications,
)


_NAMED_FIRST: Final = sa.case(
    (
        sa.and_(
            contractor_licenses.c.license_key == contractors.c.license_key,
            contractor_licenses.c.license_state == contractors.c.license_state,
        ),
        0,
    ),
    else_=1,
)
# Built once with an expanding parameter: every page reuses one compiled statement.
_PRIMARY_LICENSES: Final = (
    sa.select(*_PERMIT_LICENSE_COLUMNS)
    .join(contractors, contractors.c.id == contractor_licenses.c.contractor_id)
    .where(contractor_licenses.c.contractor_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_NAMED_FIRST, *_LICENSE_ORDER)
)


def primary_licenses(conn: Connection, contractor_ids: Sequence[str]) -> dict[str, sa.RowMapping]:
    """contractor id -> what a permit shows of its primary licence (the one its row names,
    else the latest to expire), for those with a licence: one query for a whole page."""
    found: dict[str, sa.RowMapping] = {}
    unique = list(dict.fromkeys(contractor_ids))
    for start in range(0, len(unique), CHUNK):
        rows = conn.execute(_PRIMARY_LICENSES, {"ids": unique[start : start + CHUNK]})
        for row in rows.mappings():
            found.setdefault(row["contractor_id"], row)
    return found


def licenses_by_key(conn: Connection, license_key: str, state: str | None) -> list[sa.RowMapping]:
    """Licence rows with this key (in ``state``, when given), the latest expiry first."""
    lic = contractor_licenses.c
    where = [lic.license_key == license_key]
    if state:
        where.append(lic.license_state == state.upper())
    statement = sa.select(contractor_licenses).where(*where).order_by(*_LICENSE_ORDER)
    return list(conn.execute(statement).mappings())


def _permit_date() -> sa.ColumnElement[Any]:
    """A permit's date for the metrics: issued, else applied."""
    return sa.func.coalesce(permits.c.issued_date, permits.c.applied_date)


def _month(dialect: sa.Dialect, day: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    if dialects.is_sqlite(dialect):
        return sa.func.strftime("%Y-%m", day)
    return sa.func.to_char(day, "YYYY-MM")


def permits_since(conn: Connection, contractor_id: str, since: date) -> int:
    """The contractor's permits dated on or after ``since``."""
    statement = sa.select(sa.func.count()).where(
        permits.c.contractor_id == contractor_id,
        permits.c.record_class == METRIC_CLASS,
        _permit_date() >= since,
    )
    return int(conn.execute(statement).scalar_one())


@dataclass(frozen=True, slots=True)
class MetricsWindow:
    start: date | None = None
    end: date | None = None
    tag: str | None = None


def _metric_where(window: MetricsWindow, contractor_id: str) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [
        permits.c.contractor_id == contractor_id,
        permits.c.record_class == METRIC_CLASS,
    ]
    if window.start is not None:
        where.append(_permit_date() >= window.start)
    if window.end is not None:
        where.append(_permit_date() <= window.end)
    if window.tag is not None:
        # aliased: the per-tag totals join permit_tags themselves
        tagged = permit_tags.alias("tagged")
        where.append(
            sa.exists().where(tagged.c.permit_seq == permits.c.seq, tagged.c.tag == window.tag)
        )
    return where


def _sums() -> tuple[sa.ColumnElement[Any], ...]:
    return (
        sa.func.count().label("permit_count"),
        sa.func.count(permits.c.valuation).label("valued_count"),
        sa.func.sum(permits.c.valuation).label("total_job_value"),
    )


def lifetime_totals(conn: Connection, contractor_id: str) -> sa.RowMapping:
    """Count, valued count, job value and first/last date over every permit of the contractor."""
    statement = sa.select(
        *_sums(),
        sa.func.min(_permit_date()).label("first_permit_date"),
        sa.func.max(_permit_date()).label("last_permit_date"),
    ).where(*_metric_where(MetricsWindow(), contractor_id))
    return conn.execute(statement).mappings().one()


def monthly_totals(
    conn: Connection, contractor_id: str, window: MetricsWindow, *, by_tag: bool
) -> list[sa.RowMapping]:
    """Per month (YYYY-MM) of the permit date, and per tag too with ``by_tag``; undated
    permits are left out."""
    month = _month(conn.dialect, _permit_date()).label("month")
    keys: list[sa.ColumnElement[Any]] = [month]
    source: Any = permits
    if by_tag:
        keys.append(permit_tags.c.tag)
        source = permits.join(permit_tags, permit_tags.c.permit_seq == permits.c.seq)
    statement = (
        sa.select(*keys, *_sums())
        .select_from(source)
        .where(*_metric_where(window, contractor_id), _permit_date().is_not(None))
        .group_by(*keys)
        .order_by(*keys)
    )
    return list(conn.execute(statement).mappings())


def tag_totals(conn: Connection, contractor_id: str, window: MetricsWindow) -> list[sa.RowMapping]:
    """Per tag over the window, the most permits first."""
    tag = permit_tags.c.tag
    statement = (
        sa.select(tag, *_sums())
        .select_from(permits.join(permit_tags, permit_tags.c.permit_seq == permits.c.seq))
        .where(*_metric_where(window, contractor_id))
        .group_by(tag)
        .order_by(sa.func.count().desc(), tag)
    )
    return list(conn.execute(statement).mappings())
