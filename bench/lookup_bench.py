"""The lookups' two query kinds, by permit number and a batch of 50 ids, on the three paths.

``api_bench`` draws the parameters, puts these tasks in its table and runs the cells; here is
what each task sends. The raw
SQL is what ``store.permit_numbers`` and ``store.permits.get_permits`` run: for a number, the
jurisdictions holding its key, then that jurisdiction's best record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final
from urllib.parse import quote

import httpx
from sqlalchemy import Engine, text

from bench.load import RequestFailed, Task
from permitdb.canonical import FIELD_NAMES
from permitdb.normalize.permit_numbers import permit_number_key
from permitdb.store.permit_numbers import best_by_key, jurisdictions_holding
from permitdb.store.permits import get_permits

BATCH: Final = 50
LABELS: Final = {
    "by number": "one permit by permit number, jurisdiction detected",
    "batch of 50": f"{BATCH} permits by id in one request",
}

COLUMNS: Final = ", ".join(FIELD_NAMES)
SQL_HOLDERS: Final = "SELECT DISTINCT jurisdiction FROM permits WHERE permit_number_key = :key"
SQL_BY_NUMBER: Final = (
    f"SELECT {COLUMNS} FROM permits WHERE permit_number_key = :key "
    "AND jurisdiction = :jurisdiction ORDER BY CASE WHEN record_class = 'permit' THEN 0 ELSE 1 "
    "END, issued_date DESC, updated_at DESC, id LIMIT 1"
)
GetJson = Callable[[httpx.Client, str, dict[str, Any] | None], Any]


def batches(ids: Sequence[str]) -> list[list[str]]:
    """Full batches of ``BATCH`` ids (a short last one would measure a smaller ask); all the
    ids as one batch when there are fewer (a smoke run on a tiny database)."""
    full = [list(ids[i : i + BATCH]) for i in range(0, len(ids) - BATCH + 1, BATCH)]
    return full or [list(ids)]


def _sql_batch(size: int) -> str:
    marks = ", ".join(f":id{n}" for n in range(size))
    # only bind-parameter names go into the text; the ids are bound
    return f"SELECT {COLUMNS} FROM permits WHERE id IN ({marks})"


def _check(found: int, wanted: int, what: str) -> None:
    if found != wanted:
        raise RequestFailed(f"{what}: {found} rows, expected {wanted}")


def api_by_number(get_json: GetJson, number: str) -> Task[httpx.Client]:
    url = f"/v1/permits/by-number/{quote(number, safe='')}"
    return lambda client, recorder: recorder.timed(lambda: get_json(client, url, None))


def api_batch(get_json: GetJson, ids: list[str]) -> Task[httpx.Client]:
    def fetch(client: httpx.Client) -> None:
        body = get_json(client, "/v1/permits", {"id": ids})
        _check(len(body["data"]), len(ids), "batch")

    return lambda client, recorder: recorder.timed(lambda: fetch(client))


def store_by_number(number: str) -> Task[Engine]:
    key = permit_number_key(number) or ""

    def fetch(engine: Engine) -> None:
        with engine.connect() as conn:
            holding = jurisdictions_holding(conn, key)
            _check(len(holding), 1, number)
            if best_by_key(conn, key, holding[0].slug) is None:
                raise RequestFailed(f"{number}: no record")

    return lambda engine, recorder: recorder.timed(lambda: fetch(engine))


def store_batch(ids: list[str]) -> Task[Engine]:
    def fetch(engine: Engine) -> None:
        with engine.connect() as conn:
            _check(len(get_permits(conn, ids)), len(ids), "batch")

    return lambda engine, recorder: recorder.timed(lambda: fetch(engine))


def sql_by_number(number: str) -> Task[Engine]:
    key = permit_number_key(number) or ""

    def fetch(engine: Engine) -> None:
        with engine.connect() as conn:
            holding = conn.execute(text(SQL_HOLDERS), {"key": key}).scalars().all()
            _check(len(holding), 1, number)
            bound = {"key": key, "jurisdiction": holding[0]}
            _check(len(conn.execute(text(SQL_BY_NUMBER), bound).all()), 1, number)

    return lambda engine, recorder: recorder.timed(lambda: fetch(engine))


def sql_batch(ids: list[str]) -> Task[Engine]:
    statement = text(_sql_batch(len(ids)))
    bound = {f"id{n}": permit_id for n, permit_id in enumerate(ids)}

    def fetch(engine: Engine) -> None:
        with engine.connect() as conn:
            _check(len(conn.execute(statement, bound).all()), len(ids), "batch")

    return lambda engine, recorder: recorder.timed(lambda: fetch(engine))
