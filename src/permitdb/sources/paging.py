"""Paginators: tiny strategy objects that say which page to ask for next, and when to stop.

Three verbs, used in a loop by every connector::

    paginator = OffsetPaginator(entry.page_size)
    while paginator.has_more:
        records = fetch(paginator.params())   # 1. the request parameters for this page
        paginator.update(records, more=...)   # 2. learn from the response
        ...                                   # 3. has_more / token say what comes next

A page ends the walk when it is empty, when the portal says there is no more (``more=False``),
or, when the portal gives no such flag, when it is shorter than the page size. A strategy whose
next token equals the current one would ask for the same page forever: that is a
``FatalSourceError``, not a hang.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Generic, TypeVar

from permitdb.errors import FatalSourceError
from permitdb.sources.base import ResumeToken

TokenT = TypeVar("TokenT")

PageParams = dict[str, str | int]


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

    The offset advances by the records actually received, so a portal that caps pages below
    the requested size (ArcGIS ``maxRecordCount``) loses nothing, provided the caller passes
    the portal's ``more`` flag.
    """

    def __init__(
        self,
        page_size: int,
        *,
        offset: int = 0,
        limit_param: str = "$limit",
        offset_param: str = "$offset",
    ) -> None:
        if page_size < 1 or offset < 0:
            raise ValueError(f"page_size must be >= 1 and offset >= 0, got {page_size}, {offset}")
        super().__init__(offset, page_size=page_size)
        self.page_size = page_size
        self._limit_param = limit_param
        self._offset_param = offset_param

    def params(self) -> PageParams:
        return {self._limit_param: self.page_size, self._offset_param: self.token}

    def next_token(self, records: Sequence[object]) -> int:
        return self.token + len(records)


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
