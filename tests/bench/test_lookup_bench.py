"""The lookup benchmark asks full batches of 50 ids, or all there are on a tiny database."""

from __future__ import annotations

from bench.lookup_bench import BATCH, batches


def test_batches_are_full() -> None:
    ids = [f"id{n}" for n in range(2 * BATCH + 7)]
    assert batches(ids) == [ids[:BATCH], ids[BATCH : 2 * BATCH]]


def test_fewer_ids_than_a_batch_make_one_batch() -> None:
    assert batches(["a", "b"]) == [["a", "b"]]
