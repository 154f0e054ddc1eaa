"""The rollup columns of ``contractors``, kept from their permits as pages arrive.

Permits a page inserted only add to their contractor's rollups: ``add_permits`` applies the
page's own counts, sums, date bounds and tags, so a first load costs the same per page however
large the contractors grow. A contractor that lost a permit, or one of whose permits changed,
is recomputed by ``refresh_rollups``: counts, job value and the date window in one correlated
UPDATE (each subquery an index range on ``permits.contractor_id``), the tag counts in one
GROUP BY over ``permit_tags``. ``classification_derived`` ranks the tags
that at least a fifth of a contractor's permits carry, most frequent first (Shovels'
``contractor_classification_derived``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

from permitdb.canonical import PermitRecord
from permitdb.store.records import chunks
from permitdb.store.tables import contractors, permit_tags, permits

CLASSIFICATION_MIN_SHARE: Final = 0.2


def refresh_rollups(conn: Connection, contractor_ids: Iterable[str], *, now: datetime) -> None:
    for chunk in chunks(sorted(set(contractor_ids))):
        _refresh(conn, list(chunk), now)


def _refresh(conn: Connection, ids: list[str], now: datetime) -> None:
    p = permits.c
    mine = p.contractor_id == contractors.c.id
    day = sa.func.coalesce(p.issued_date, p.applied_date)

    def of_permits(expression: Any) -> Any:
        return sa.select(expression).where(mine).scalar_subquery()

    conn.execute(
        sa.update(contractors)
        .where(contractors.c.id.in_(ids))
        .values(
            permit_count=of_permits(sa.func.count()),
            total_job_value=of_permits(sa.func.sum(p.valuation)),
            first_permit_date=of_permits(sa.func.min(day)),
            last_permit_date=of_permits(sa.func.max(day)),
            updated_at=now,
        )
    )
    counts = dict(
        conn.execute(
            sa.select(contractors.c.id, contractors.c.permit_count).where(contractors.c.id.in_(ids))
        ).all()
    )
    tags: dict[str, dict[str, int]] = defaultdict(dict)
    rows = conn.execute(
        sa.select(p.contractor_id, permit_tags.c.tag, sa.func.count())
        .select_from(permit_tags.join(permits, permit_tags.c.permit_seq == p.seq))
        .where(p.contractor_id.in_(ids))
        .group_by(p.contractor_id, permit_tags.c.tag)
    )
    for contractor_id, tag, count in rows:
        tags[contractor_id][tag] = count
    conn.execute(
        sa.update(contractors)
        .where(contractors.c.id == sa.bindparam("cid"))
        .values(
            tag_counts=sa.bindparam("tag_counts"),
            classification_derived=sa.bindparam("derived"),
        ),
        [
            {
                "cid": contractor_id,
                "tag_counts": dict(sorted(tags[contractor_id].items())),
                "derived": derived(tags[contractor_id], total),
            }
            for contractor_id, total in counts.items()
        ],
    )


def derived(tag_counts: dict[str, int], permit_count: int) -> list[str]:
    """The tags of at least ``CLASSIFICATION_MIN_SHARE`` of the permits, most frequent first."""
    if not permit_count:
        return []
    shared = [
        (n, tag) for tag, n in tag_counts.items() if n / permit_count >= CLASSIFICATION_MIN_SHARE
    ]
    return [tag for _, tag in sorted(shared, key=lambda item: (-item[0], item[1]))]


def add_permits(
    conn: Connection, added: Mapping[str, Sequence[PermitRecord]], *, now: datetime
) -> None:
    """Add newly stored permits to their contractors' rollups (contractor id -> permits)."""
    for chunk in chunks(sorted(added)):
        current = conn.execute(sa.select(contractors).where(contractors.c.id.in_(chunk)))
        rows = [_added(row, added[row.id]) for row in current]
        if rows:
            conn.execute(
                sa.update(contractors)
                .where(contractors.c.id == sa.bindparam("cid"))
                .values(
                    permit_count=sa.bindparam("n"),
                    total_job_value=sa.bindparam("value"),
                    first_permit_date=sa.bindparam("first"),
                    last_permit_date=sa.bindparam("last"),
                    tag_counts=sa.bindparam("tags"),
                    classification_derived=sa.bindparam("derived"),
                    updated_at=now,
                ),
                rows,
            )


def _added(row: Any, records: Sequence[PermitRecord]) -> dict[str, Any]:
    count = row.permit_count + len(records)
    values = [r.valuation for r in records if r.valuation is not None]
    total = row.total_job_value
    if values:
        total = (Decimal(str(total)) if total is not None else Decimal(0)) + sum(values)
    days = [d for d in (r.issued_date or r.applied_date for r in records) if d is not None]
    tags = dict(row.tag_counts)
    for record in records:
        for tag in record.tags:
            tags[tag] = tags.get(tag, 0) + 1
    return {
        "cid": row.id,
        "n": count,
        "value": total,
        "first": _bound(min, row.first_permit_date, days),
        "last": _bound(max, row.last_permit_date, days),
        "tags": dict(sorted(tags.items())),
        "derived": derived(tags, count),
    }


def _bound(pick: Any, stored: date | None, days: list[date]) -> date | None:
    known = [*days, stored] if stored is not None else days
    return pick(known) if known else None
