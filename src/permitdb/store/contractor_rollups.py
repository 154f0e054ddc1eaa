"""The rollup columns of ``contractors``, recomputed from their permits for the touched ids.

Counts, job value and the date window are one correlated UPDATE over the contractors touched
(each subquery an index range on ``permits.contractor_id``); the tag counts are one GROUP BY
over ``permit_tags``, written back per contractor. ``classification_derived`` ranks the tags
that at least a fifth of a contractor's permits carry, most frequent first (Shovels'
``contractor_classification_derived``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Connection

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
