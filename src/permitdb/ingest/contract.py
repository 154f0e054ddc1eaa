"""The schema contract of a dataset: the source fields its field map reads keep their shape.

Each dataset remembers every source field it has seen (kept in ``ingest_state.source_fields``
and updated with each committed page): the kinds of value it held (scalar, object, list) and
whether every record so far carried it. A page is checked before it is written, and the sync
stops as ``drifted`` (``SchemaDriftError``), loading nothing of it, when a mapped field

* is missing from every record of the page although every earlier record had it, or although
  a field never seen before turned up in its place (a rename). Socrata leaves null fields out of
  a row, so a sparse field missing from one record, or from a page, is no drift by itself;
* holds only kinds of value it never held before (text turned into an object, a number into a
  list): the converters would read it as nothing, or as something else.

A field never seen is not checked: the first sync of a dataset teaches the contract.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from permitdb.catalog.model import CatalogEntry
from permitdb.catalog.source_fields import mapped_fields
from permitdb.errors import SchemaDriftError
from permitdb.sources.base import RawRecord
from permitdb.sources.text import UNREADABLE_KEY

# A page this short proves nothing about a field's absence, or about the catalog entry when
# all its records are rejected (a last page of one bad record): it is not drift.
MIN_EVIDENCE: Final = 5
_SHOWN: Final = 5  # new field names quoted in a message


_KINDS: Final[dict[type, str]] = {dict: "object", list: "list"}


@dataclass(frozen=True, slots=True)
class PageShape:
    """What one page's readable records carry: computed once, checked, then learned."""

    records: list[RawRecord]
    present: Counter[str]  # field -> how many records carry it
    kinds: dict[str, set[str]]  # mapped field -> kinds of its non-null values


def _kinds(raws: Sequence[RawRecord], name: str) -> set[str]:
    # one pass of type() per record: this runs for every mapped field of every page
    types = {type(raw.get(name)) for raw in raws}
    types.discard(type(None))
    return {_KINDS.get(kind, "scalar") for kind in types}


def _present(raws: Sequence[RawRecord]) -> Counter[str]:
    """Field name -> how many of ``raws`` carry it; a NUL in a name becomes U+FFFD, as in
    stored payloads, since neither engine's JSON takes one."""
    counts = Counter(key for raw in raws for key in raw)
    if not any("\x00" in key for key in counts):
        return counts
    clean: Counter[str] = Counter()
    for key, count in counts.items():
        clean[key.replace("\x00", "\ufffd")] += count
    return clean


class SchemaContract:
    """What a dataset's records looked like so far; ``check`` a page, then ``learn`` it."""

    def __init__(self, entry: CatalogEntry, seen: Mapping[str, Any] | None) -> None:
        self._entry = entry
        self._readers = mapped_fields(entry)
        self._kinds: dict[str, set[str]] = {}
        self._always: dict[str, bool] = {}
        for name, history in (seen or {}).items():
            self._kinds[name] = set(history["kinds"])
            self._always[name] = bool(history["always"])

    def snapshot(self) -> dict[str, Any]:
        """The history as stored in ``ingest_state.source_fields``."""
        return {
            name: {"kinds": sorted(self._kinds.get(name, ())), "always": always}
            for name, always in self._always.items()
        }

    def check(self, raws: Sequence[RawRecord]) -> PageShape:
        """The page's shape; raises ``SchemaDriftError`` when it breaks the contract."""
        readable = [raw for raw in raws if UNREADABLE_KEY not in raw]  # quarantined on their own
        present = _present(readable)
        shape = PageShape(
            readable,
            present,
            {name: _kinds(readable, name) for name in self._readers.keys() & present.keys()},
        )
        if readable and self._always:
            self._check(shape)
        return shape

    def _check(self, shape: PageShape) -> None:
        raws, present = shape.records, shape.present
        new_fields = sorted(key for key in present if key not in self._always)
        enough = len(raws) >= min(MIN_EVIDENCE, self._entry.page_size)
        for name, readers in self._readers.items():
            if name not in self._always:
                continue
            if name not in present:
                if enough and (self._always[name] or new_fields):
                    raise SchemaDriftError(self._missing(name, readers, len(raws), new_fields))
                continue
            kinds = shape.kinds[name]
            if kinds and self._kinds[name] and kinds.isdisjoint(self._kinds[name]):
                example = next(raw[name] for raw in raws if raw.get(name) is not None)
                raise SchemaDriftError(self._changed(name, readers, kinds, example))

    def learn(self, shape: PageShape) -> None:
        """Add a committed page to the history."""
        for name in self._always.keys() - shape.present.keys():
            self._always[name] = False
        for name, count in shape.present.items():
            self._always[name] = self._always.get(name, True) and count == len(shape.records)
        for name, kinds in shape.kinds.items():
            self._kinds.setdefault(name, set()).update(kinds)

    def _missing(self, name: str, readers: list[str], records: int, new: list[str]) -> str:
        seen = (
            f"new fields appeared instead: {', '.join(new[:_SHOWN])}"
            if new
            else "every earlier record had it"
        )
        return (
            f"source field {name!r} (read by {', '.join(readers)}) is missing from all {records} "
            f"records of this page; {seen}. If the portal renamed it, point "
            f"{readers[0]} at the new name in {self._file}; if it was dropped, remove it from "
            "the catalog entry. Then rerun: the cursor has not moved."
        )

    def _changed(self, name: str, readers: list[str], kinds: set[str], example: Any) -> str:
        before = " or ".join(sorted(self._kinds[name]))
        now = " or ".join(sorted(kinds))
        return (
            f"source field {name!r} (read by {', '.join(readers)}) held {before} values and now "
            f"holds {now} values (e.g. {repr(example)[:80]}). Point {readers[0]} in {self._file} "
            "at the field that holds the value now, or give it a converter that reads the new "
            "shape. Then rerun: the cursor has not moved."
        )

    @property
    def _file(self) -> str:
        return f"catalog/jurisdictions/{self._entry.slug}.yaml"
