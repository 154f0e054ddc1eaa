"""Paginators: which page comes next, when the walk stops, and that a loop is caught."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from permitdb.errors import FatalSourceError, IncompleteReadError, SourceError
from permitdb.sources.paging import (
    CountMemo,
    OffsetPaginator,
    PageParams,
    Paginator,
    UnprovenPageError,
    resume_position,
)


def walk(paginator: OffsetPaginator, page_lengths: Sequence[int]) -> list[PageParams]:
    """Feed pages of the given lengths; return the params asked for each."""
    asked = []
    for length in page_lengths:
        assert paginator.has_more
        asked.append(paginator.params())
        paginator.update([{}] * length)
    return asked


def test_offset_pages_advance_by_records_received_and_stop_on_a_short_page() -> None:
    paginator = OffsetPaginator(5, expected=12)
    asked = walk(paginator, [5, 5, 2])
    assert asked == [
        {"$limit": 5, "$offset": 0},
        {"$limit": 5, "$offset": 5},
        {"$limit": 5, "$offset": 10},
    ]
    assert not paginator.has_more
    assert paginator.token == 12  # just past the end: a resume point that skips everything


def test_without_a_count_a_short_page_is_confirmed_by_an_empty_one() -> None:
    paginator = OffsetPaginator(5)
    asked = walk(paginator, [5, 2, 0])
    assert asked[-1] == {"$limit": 2, "$offset": 7}
    assert not paginator.has_more
    assert paginator.token == 7


def test_a_silent_cap_short_of_the_count_pages_on_at_the_real_size() -> None:
    # The portal returns 4 of the 10 asked for, says nothing, and counts 14 records.
    paginator = OffsetPaginator(10, expected=14)
    asked = walk(paginator, [4, 4, 4, 2])
    assert asked == [{"$limit": n, "$offset": o} for n, o in ((10, 0), (4, 4), (4, 8), (4, 12))]
    assert (paginator.token, paginator.has_more) == (14, False)


def test_the_same_page_again_or_an_empty_page_short_of_the_count_is_not_trusted() -> None:
    paginator = OffsetPaginator(3, expected=9)
    paginator.vet([{"n": 1}, {"n": 2}, {"n": 3}])
    paginator.update([{"n": 1}, {"n": 2}, {"n": 3}])
    with pytest.raises(UnprovenPageError, match="exactly the records of the page at offset 0"):
        paginator.vet([{"n": 1}, {"n": 2}, {"n": 3}])
    with pytest.raises(UnprovenPageError, match="empty page at offset 3 while it counts 9"):
        paginator.vet([])
    paginator.vet([{"n": 4}, {"n": 5}, {"n": 6}])  # the real next page


def test_an_empty_page_within_the_deletion_allowance_ends_the_walk() -> None:
    paginator = OffsetPaginator(50, expected=200)
    walk(paginator, [50, 50, 50, 48])
    paginator.vet([])  # 198 of 200: two records deleted during the sync (1% is allowed)
    paginator.update([])
    assert (paginator.token, paginator.has_more) == (198, False)


def test_a_walk_ending_far_short_of_the_count_is_incomplete() -> None:
    paginator = OffsetPaginator(50, expected=250)
    walk(paginator, [50, 50])
    with pytest.raises(IncompleteReadError, match="read 100 of the 250 records"):
        paginator.update([], more=False)


def test_a_walk_past_the_count_and_its_margin_is_incomplete() -> None:
    # Count 20, margin 10% + 3 pages of 5: reading past offset 37 is not paging as asked.
    paginator = OffsetPaginator(5, expected=20)
    walk(paginator, [5] * 7)
    with pytest.raises(IncompleteReadError, match="more than the 20 the portal counts"):
        paginator.update([{"n": n} for n in range(5)])


def test_the_portals_more_flag_overrides_the_short_page_rule() -> None:
    # ArcGIS caps pages at maxRecordCount and says so with exceededTransferLimit.
    paginator = OffsetPaginator(10, limit_param="resultRecordCount", offset_param="resultOffset")
    paginator.update([{}] * 4, more=True)
    assert paginator.has_more
    assert paginator.params() == {"resultRecordCount": 10, "resultOffset": 4}
    paginator.update([{}] * 10, more=False)
    assert not paginator.has_more
    assert paginator.token == 14


@pytest.mark.parametrize(("page_size", "offset"), [(0, 0), (5, -1)])
def test_offset_paginator_rejects_nonsense(page_size: int, offset: int) -> None:
    with pytest.raises(ValueError, match="page_size must be >= 1"):
        OffsetPaginator(page_size, offset=offset)


class NextLinkPaginator(Paginator[str]):
    """Follows a next-page link carried by the last record, as link-paged APIs do."""

    def params(self) -> PageParams:
        return {"page": self.token}

    def next_token(self, records: Sequence[object]) -> str:
        last = records[-1]
        assert isinstance(last, dict)
        return str(last["next"])


def test_a_repeated_token_is_a_loop_not_a_hang() -> None:
    paginator = NextLinkPaginator("a")
    paginator.update([{"next": "b"}])
    assert paginator.params() == {"page": "b"}
    with pytest.raises(FatalSourceError, match="loop detected in pagination") as caught:
        paginator.update([{"next": "b"}])
    assert "set a unique sort field" in str(caught.value)


def test_a_repeated_token_on_the_last_page_is_not_a_loop() -> None:
    paginator = NextLinkPaginator("a")
    paginator.update([{"next": "a"}], more=False)
    assert not paginator.has_more


def test_resume_position_reads_its_key_and_starts_at_zero_without_a_token() -> None:
    assert resume_position(None, "offset") == 0
    assert resume_position({"offset": 40}, "offset") == 40
    assert resume_position({"row": 7}, "row") == 7


@pytest.mark.parametrize("token", [{"row": 5}, {"offset": -1}, {"offset": True}, {"offset": "5"}])
def test_resume_position_refuses_tokens_of_another_shape(token: dict[str, object]) -> None:
    with pytest.raises(FatalSourceError, match="Restart the sync from the beginning"):
        resume_position(token, "offset")


class Portal:
    """Counts as a portal would, and says how often it was asked."""

    def __init__(self, answers: list[int | SourceError]) -> None:
        self.answers = answers
        self.asked = 0

    def count(self, since: str | None) -> int | None:
        answer = self.answers[self.asked]
        self.asked += 1
        if isinstance(answer, SourceError):
            raise answer
        return answer


def test_the_count_taken_before_a_sync_is_the_one_it_checks_against() -> None:
    portal = Portal([17, 18])
    counts = CountMemo(portal.count, "test/dataset")
    assert counts.count("2026-01-01") == 17
    assert counts.expected("2026-01-01") == 17  # remembered: not asked again
    assert counts.expected("2026-01-01") == 18  # a later sync asks afresh
    assert portal.asked == 2


def test_a_count_that_failed_is_not_asked_for_again_and_a_sync_goes_on_without_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    portal = Portal([FatalSourceError("no count here"), FatalSourceError("still none")])
    counts = CountMemo(portal.count, "test/dataset")
    with pytest.raises(FatalSourceError):
        counts.count(None)
    assert counts.expected(None) is None
    assert portal.asked == 1
    assert counts.expected(None) is None  # asked, failed: logged, and the sync goes on
    assert "cannot compare what it reads" in caplog.text
