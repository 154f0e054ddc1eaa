"""Write one normalized page: its records, its rejects and the resume point past it, together.

The page's checks end here: a record the database refuses is quarantined on its own
(``ingest.poison``), and a page none of whose records loads stops the sync as drifted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import SchemaDriftError
from permitdb.ingest.contract import MIN_EVIDENCE, PageShape, SchemaContract
from permitdb.ingest.page import NormalizedPage
from permitdb.ingest.poison import write_page
from permitdb.store import ingest_state
from permitdb.store.quarantine import resolve_loaded


def commit_page(
    engine: Engine,
    entry: CatalogEntry,
    run_id: int,
    since: str | None,
    resume: dict[str, object],
    normalized: NormalizedPage,
    pending: str | None,
    schema: tuple[SchemaContract, PageShape],
    now: datetime,
) -> None:
    """Write a page, its rejects and the resume point past it in one transaction.

    A page none of whose rows loads keeps its rejects in quarantine but not its resume point,
    and stops the sync as drifted: the catalog entry no longer fits the portal. A few rejected
    rows alone (a short last page) prove nothing and pass: the quarantine keeps them and the
    next sync normalizes them again, so they are not left behind either.
    """
    with engine.begin() as conn:
        written = write_page(conn, entry, normalized.records, now=now, run_id=run_id)
        rejects = [*normalized.rejects, *written.refused]
        ingest_state.quarantine(conn, entry.slug, run_id=run_id, rejects=rejects, now=now)
        if len(rejects) >= min(MIN_EVIDENCE, entry.page_size) and len(written.refused) == len(
            normalized.records
        ):
            every_row_rejected = True  # counted, but the resume point stays before the page
            ingest_state.count_run(
                conn,
                run_id,
                {
                    "fetched": normalized.fetched,
                    "rejected": len(rejects),
                    "skipped": normalized.skipped,
                    "duplicates": normalized.duplicates,
                },
            )
        else:
            every_row_rejected = False
            refused = {reject.source_record_id for reject in written.refused}
            loaded = [r.source_record_id for r in normalized.records]
            resolve_loaded(conn, entry.slug, [k for k in loaded if k not in refused], now=now)
            contract, shape = schema
            contract.learn(shape)
            ingest_state.save_page(
                conn,
                entry.slug,
                run_id=run_id,
                since=since,
                resume=resume,
                pending_cursor_value=pending,
                source_fields=contract.snapshot(),
                fetched=normalized.fetched,
                counts=written.counts,
                rejected=len(rejects),
                skipped=normalized.skipped,
                duplicates=normalized.duplicates,
                now=now,
            )
    if every_row_rejected:
        raise SchemaDriftError(_every_row_rejected(entry, rejects))


def _every_row_rejected(entry: CatalogEntry, rejects: Sequence[ingest_state.Rejected]) -> str:
    """A page none of whose rows loaded: the catalog entry no longer fits the portal."""
    (code, field), times = Counter((r.code, r.field) for r in rejects).most_common(1)[0]
    example = next(r.message for r in rejects if (r.code, r.field) == (code, field))
    return (
        f"every one of the {len(rejects)} records of a page was rejected ({times} with {code}"
        f"{f' on {field}' if field else ''}: {example}). The catalog entry no longer fits the "
        f"portal: see 'permitdb quarantine --dataset {entry.slug}', fix "
        f"catalog/jurisdictions/{entry.slug}.yaml and rerun; the cursor has not moved and "
        "the quarantined records are read again."
    )
