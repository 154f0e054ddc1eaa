"""Paginators: tiny strategy objects that say which page to ask for next, and when to stop.

Three verbs, used in a loop by every connector::

    paginator = OffsetPaginator(entry.page_size)
    while paginator.has_more:
        records = fetch(paginator.params())   # 1. the request parameters for this page
        paginator.update(records, more=...)   # 2. learn from the response
        ...                                   # 3. has_more / token say what comes next

A page ends the walk when it is empty, when the portal says there is no more (``more=False``),
or, when the portal gives no such flag, when it is shorter than the page size (for
``OffsetPaginator``: and the portal's count is reached, see below). A strategy whose
next token equals the current one would ask for the same page forever: that is a
``FatalSourceError``, not a hang.

A paginator also proves the walk complete. ``vet`` runs on each answer inside the HTTP
client's retry loop (``HttpClient.get_json(check=)``): a page it cannot trust (empty while the
portal's count or flag says more remain, or exactly the previous page again) raises
``UnprovenPageError``, so the same page is asked for again with backoff and, if it keeps
coming back, the run ends ``incomplete``. ``OffsetPaginator`` given the portal's ``expected``
count also adapts to pages silently capped below the requested size, bounds the walk by the
count plus a margin, and at the end compares the rows read with the count.
"""

from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Final, Generic, TypeVar

from permitdb.errors import (
    FatalSourceError,
    IncompleteReadError,
    RetriableSourceError,
    SourceError,
)
from permitdb.sources.base import ResumeToken

log = logging.getLogger("permitdb.sources")

TokenT = TypeVar("TokenT")

PageParams = dict[str, str | int]

# Records deleted at the portal while a sync runs make it read a little less than the count
# taken at the start: up to 1% short (rounded up, so one record of a small dataset) is
# accepted as such.
DELETED_DURING_SYNC: Final = 0.01
# A walk may read more than the count (rows added meanwhile), but not without bound: past the
# count plus 10% plus a few pages, the portal is not paging the way the sync asks.
OVERRUN_MARGIN: Final = 0.10
OVERRUN_PAGES: Final = 3
RERUN_ADVICE: Final = (
    "The cursor stays where it was: rerun the sync later; if it happens again, report it to "
    "the portal's publisher."
)


class UnprovenPageError(IncompleteReadError, RetriableSourceError):
    """A page the sync cannot trust: asked for again (it is retriable) and, when it keeps
    coming back, the run ends ``incomplete`` (it is an incomplete read)."""


class RepeatedPageError(UnprovenPageError):
    """The portal answered a page with exactly the records of the page before: it ignores the
    offset (or served a page twice, when a retry gets past it)."""


def short_of_count(read: int, expected: int | None) -> bool:
    """Whether ``read`` records fall short of the portal's ``expected`` count by more than
    records deleted during the sync can explain."""
    return expected is not None and read < expected - math.ceil(expected * DELETED_DURING_SYNC)


def check_read_all(read: int, expected: int | None, what: str) -> None:
    """The end-of-walk check: ``IncompleteReadError`` when ``read`` is short of ``expected``."""
    if short_of_count(read, expected):
        raise IncompleteReadError(
            f"read {read} of the {expected} records the portal counts for this sync ({what}). "
            f"{RERUN_ADVICE}"
        )


class Paginator(ABC, Generic[TokenT]):
    """Walks a dataset page by page; ``token`` is where the next page starts."""

    def __init__(self, start: TokenT, *, page_size: int | None = None) -> None:
        self._token = start
        self._page_size = page_size
        self._finished = False

    @property
    def token(self) -> TokenT:
        """Where the next page starts; after the last page, just past the end."""
        return self._token

    @property
    def has_more(self) -> bool:
        return not self._finished

    @abstractmethod
    def params(self) -> PageParams:
        """Request parameters that fetch the page starting at ``token``."""

    @abstractmethod
    def next_token(self, records: Sequence[object]) -> TokenT:
        """The token of the page after ``records`` (a non-empty page starting at ``token``)."""

    def vet(self, records: Sequence[object], *, more: bool | None = None) -> None:
        """Raise ``UnprovenPageError`` if the answer for ``token`` cannot be trusted."""
        if not records and more:
            raise UnprovenPageError(
                f"the portal answered an empty page at {self._token!r} while saying more "
                f"records follow (exceededTransferLimit). {RERUN_ADVICE}"
            )

    def update(self, records: Sequence[object], *, more: bool | None = None) -> None:
        """Advance past ``records``. ``more`` is the portal's own has-more flag, if it has one."""
        if not records:
            self._finished = True
            return
        following = self.next_token(records)
        if more is None:
            more = self._page_size is None or len(records) >= self._page_size
        if more and following == self._token:
            raise FatalSourceError(
                f"loop detected in pagination: the page after token {self._token!r} starts at "
                "the same token, so the portal would be asked for the same page forever. The "
                "portal ignores the paging parameters or the sort is not unique: set a unique "
                "sort field in the catalog entry."
            )
        self._token = following
        self._finished = not more


class OffsetPaginator(Paginator[int]):
    """``limit``/``offset`` paging (SODA ``$limit``/``$offset``, CKAN, CARTO, ArcGIS).

    The offset advances by the records actually received. ``expected`` is the portal's count
    of the records this sync reads (``None`` if unknown). A page shorter than requested with
    no ``more`` flag ends the walk only once the count is reached: short of it, the portal caps
    pages silently, so the page size drops to what it really returns and paging goes on from
    the real offset. Without a count, one more page is asked for to see the end.
    """

    def __init__(
        self,
        page_size: int,
        *,
        offset: int = 0,
        limit_param: str = "$limit",
        offset_param: str = "$offset",
        expected: int | None = None,
    ) -> None:
        if page_size < 1 or offset < 0:
            raise ValueError(f"page_size must be >= 1 and offset >= 0, got {page_size}, {offset}")
        super().__init__(offset, page_size=page_size)
        self.page_size = page_size
        self._limit_param = limit_param
        self._offset_param = offset_param
        self._expected: int | None = None
        self._overrun: int | None = None
        self.expect(expected)
        self._previous: tuple[int, list[object]] | None = None  # (offset, records)

    @property
    def expected(self) -> int | None:
        """The portal's count of the records this sync reads, when it gave one."""
        return self._expected

    def expect(self, count: object) -> None:
        """Take the portal's count from a page answer (CKAN's ``total``), unless already known."""
        if self._expected is None and isinstance(count, int) and not isinstance(count, bool):
            self._expected = count
            self._overrun = count + int(count * OVERRUN_MARGIN) + OVERRUN_PAGES * self.page_size

    def params(self) -> PageParams:
        return {self._limit_param: self.page_size, self._offset_param: self.token}

    def next_token(self, records: Sequence[object]) -> int:
        return self.token + len(records)

    def vet(self, records: Sequence[object], *, more: bool | None = None) -> None:
        super().vet(records, more=more)
        if records and self._previous is not None and list(records) == self._previous[1]:
            # Whole records, not keys: portals legitimately repeat keys (NYC DOB) across pages.
            raise RepeatedPageError(
                f"the page at offset {self.token} holds exactly the records of the page at "
                f"offset {self._previous[0]}: the portal ignores the offset or served a page "
                f"twice, so the records in between would be lost. {RERUN_ADVICE}"
            )
        if not records and short_of_count(self.token, self._expected):
            raise UnprovenPageError(
                f"the portal answered an empty page at offset {self.token} while it counts "
                f"{self._expected} records for this sync. {RERUN_ADVICE}"
            )

    def update(self, records: Sequence[object], *, more: bool | None = None) -> None:
        started = self.token
        if records and more is None and len(records) < self.page_size:
            # A short page without a flag: the end, or a silent cap the count gives away (with
            # no count, the next page says which).
            more = self._expected is None or started + len(records) < self._expected
            if more:
                log.info(
                    "offset %d: the portal sent %d of the %d records asked for (count: %s); "
                    "asking for the next page with that page size",
                    started,
                    len(records),
                    self.page_size,
                    self._expected,
                )
                self.page_size = len(records)
        elif more is None:
            more = bool(records)
        super().update(records, more=more)
        if records:
            self._previous = (started, list(records))
        if self._overrun is not None and self.token > self._overrun:
            raise IncompleteReadError(
                f"read {self.token} records, more than the {self._expected} the portal counts "
                "for this sync plus a margin: the portal ignores the offset or its data changed "
                f"under the sync. {RERUN_ADVICE}"
            )
        if not self.has_more:
            check_read_all(self.token, self._expected, f"offsets 0 to {self.token}")


class CountMemo:
    """The portal's count taken before a sync (for the progress bar), kept for that sync's
    completeness checks, so the portal is asked once per sync."""

    def __init__(self, count: Callable[[str | None], int | None], slug: str) -> None:
        self._count = count
        self._slug = slug
        self._known: dict[str | None, int | None] = {}

    def count(self, since: str | None) -> int | None:
        """Ask the portal, and remember the answer for the next sync with this ``since`` (a
        failure too, as "unknown": the caller reports it, and the sync does not ask again)."""
        self._known[since] = None
        self._known[since] = counted = self._count(since)
        return counted

    def remembered(self, since: str | None) -> int | None:
        """The count remembered for a sync with ``since``, without asking the portal."""
        return self._known.pop(since, None)

    def expected(self, since: str | None) -> int | None:
        """The count for a sync starting now: the remembered one, else the portal's; ``None``
        (the checks that need it are skipped, with a logged note) if it cannot say."""
        if since in self._known:
            return self._known.pop(since)
        try:
            return self._count(since)
        except SourceError as exc:
            log.warning(
                "%s: the portal's count is unavailable (%s); this sync cannot compare what it "
                "reads with it",
                self._slug,
                exc,
            )
            return None


def resume_position(resume: ResumeToken | None, key: str) -> int:
    """The count under ``key`` in a resume token (``{"offset": n}``, ``{"row": n}``); 0 if none."""
    if resume is None:
        return 0
    position = resume.get(key)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise FatalSourceError(
            f"resume token {dict(resume)!r} is not {{{key!r}: <n>}} for this source; it belongs "
            "to another dataset or catalog version. Restart the sync from the beginning."
        )
    return position
