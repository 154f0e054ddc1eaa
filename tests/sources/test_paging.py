"""Paginators: which page comes next, when the walk stops, and that a loop is caught."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from permitdb.errors import FatalSourceError
from permitdb.sources.paging import OffsetPaginator, PageParams, Paginator, resume_position


def walk(paginator: OffsetPaginator, page_lengths: Sequence[int]) -> list[PageParams]:
    """Feed pages of the given lengths; return the params asked for each."""
    asked = []
    for length in page_lengths:
        assert paginator.has_more
        asked.append(paginator.params())
        paginator.update([{}] * length)
    return asked


def test_offset_pages_advance_by_records_received_and_stop_on_a_short_page() -> None:
    paginator = OffsetPaginator(5)
    asked = walk(paginator, [5, 5, 2])
    assert asked == [
        {"$limit": 5, "$offset": 0},
        {"$limit": 5, "$offset": 5},
        {"$limit": 5, "$offset": 10},
    ]
    assert not paginator.has_more
    assert paginator.token == 12  # just past the end: a resume point that skips everything


def test_an_empty_page_stops_without_moving_the_token() -> None:
    paginator = OffsetPaginator(5, offset=10)
    walk(paginator, [0])
    assert not paginator.has_more
    assert paginator.token == 10


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
