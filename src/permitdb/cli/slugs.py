"""Slugs given on the command line, checked against the catalog before anything runs.

A mistyped slug would otherwise match nothing: an empty table, an empty export file, exit
code 0. Every command that takes slugs checks them here, and an unknown one ends the command
with one line that names it, suggests close matches and says how to list the valid ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from permitdb.catalog.load import load_catalog, select_entries
from permitdb.catalog.model import CatalogEntry
from permitdb.cli.console import fail, settings
from permitdb.errors import CatalogError

LIST_HINT = "'permitdb catalog check' lists every jurisdiction and dataset slug."


def selected_entries(selectors: Sequence[str]) -> list[CatalogEntry]:
    """The datasets that jurisdiction or dataset slugs name; none given: every dataset."""
    entries = load_catalog(settings().catalog_dirs)  # a broken catalog file fails on its own
    if not selectors:
        return entries
    try:
        return select_entries(entries, selectors)
    except CatalogError as exc:
        fail(f"{' '.join(exc.problems)} {LIST_HINT}")


def one_dataset(slug: str) -> CatalogEntry:
    """The dataset a dataset slug (or the slug of a jurisdiction with one dataset) names."""
    entries = selected_entries([slug])
    if len(entries) > 1:
        fail(
            f"{slug!r} has {len(entries)} datasets; name one: {', '.join(e.slug for e in entries)}."
        )
    return entries[0]


def jurisdiction_slugs(slugs: Sequence[str]) -> list[str]:
    """``slugs``, each checked to be a jurisdiction in the catalog."""
    known = {entry.jurisdiction.slug for entry in load_catalog(settings().catalog_dirs)}
    for slug in slugs:
        if slug not in known:
            datasets = selected_entries([slug])  # fails, with close matches, if not a dataset
            fail(
                f"{slug!r} is a dataset; --jurisdiction takes its jurisdiction, "
                f"{datasets[0].jurisdiction.slug!r}. {LIST_HINT}"
            )
    return list(slugs)
