"""New-construction parcels: an assessor record of a recent building that no permit explains.

The "recent" half is decided when the row is read (``normalize.new_construction``). The "no permit
behind it" half is a condition of every query that can return parcels, not something stored:
the permit that explains a parcel may be ingested before or after it, from any dataset, so
only a query-time test stays right whatever order syncs run in. A permit or certificate of
occupancy is "behind" a parcel when it has the same parcel id in the same state (parcel ids
are only unique within an assessor's area), or the same ``address_key`` (which already
carries state and ZIP).
"""

from __future__ import annotations

from typing import Final

import sqlalchemy as sa

from permitdb.store.tables import permits

PARCEL: Final = "new_construction_parcel"


def no_permit_behind() -> sa.ColumnElement[bool]:
    """True for every row except a parcel that some permit matches."""
    other = permits.alias("permit_behind")
    not_parcel = other.c.record_class != PARCEL
    by_parcel = sa.exists().where(
        not_parcel,
        other.c.parcel_id == permits.c.parcel_id,
        other.c.state == permits.c.state,
    )
    by_address = sa.exists().where(not_parcel, other.c.address_key == permits.c.address_key)
    # two EXISTS rather than one with OR: each can use its own index or hash anti-join
    return sa.or_(permits.c.record_class != PARCEL, sa.and_(~by_parcel, ~by_address))
