"""``permitdb quality``: how complete and how well mapped each dataset's stored records are.

The last tables are the catalog's to-do list: raw statuses that mapped to ``unknown``, permit
types that got no tag and permit classes with no property class, most frequent first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from permitdb.cli.console import console, engine, fail
from permitdb.cli.listing import JsonOption, print_json
from permitdb.cli.slugs import selected_entries
from permitdb.store.quality import UNMAPPED_FIELDS, GroupBy, GroupQuality, quality_report


def _percent(share: float) -> str:
    return f"{share:.0%}" if share in (0.0, 1.0) else f"{share:.1%}"


def _counts(counts: Mapping[str, int]) -> str:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{value} {n}" for value, n in ordered) or "-"


def _render(group: GroupQuality) -> None:
    console.rule(f"[bold]{group.key}[/]: {group.records} records")
    fill = Table(
        "field", "filled", "rate", title="Fill rate (non-empty rows)", title_justify="left"
    )
    for name, filled in group.filled.items():
        style = "green" if filled == group.records else "red" if not filled else ""
        fill.add_row(name, str(filled), _percent(group.fill_rate(name)), style=style)
    console.print(fill)
    distributions = Table("of", "records by value", title="Distributions", title_justify="left")
    for label, counts in (
        ("status", group.status),
        ("tags", group.tags),
        ("category", group.category),
        ("property_class", group.property_class),
        ("quality_flags", group.quality_flags),
    ):
        distributions.add_row(label, _counts(counts))
    console.print(distributions)
    todo = Table(
        "raw field",
        "value",
        "records",
        title="Mapped to unknown: the catalog's to-do list",
        title_justify="left",
    )
    for name in UNMAPPED_FIELDS:
        for value, n in group.unmapped[name]:
            todo.add_row(name, value, str(n))
    console.print(todo if todo.row_count else "[green]Every raw status, type and class mapped.[/]")


def quality(
    selectors: Annotated[
        list[str] | None,
        typer.Argument(metavar="[SLUG]...", help="Jurisdiction or dataset slugs; none: all"),
    ] = None,
    by: Annotated[
        GroupBy, typer.Option("--by", help="One report per dataset or per jurisdiction")
    ] = "dataset",
    top: Annotated[
        int, typer.Option(min=1, help="At most this many unmapped values per raw field")
    ] = 20,
    as_json: JsonOption = False,
) -> None:
    """Record counts, fill rates, distributions, quality flags and unmapped raw values."""
    selected_entries(selectors or ())  # an unknown slug fails here, naming it
    with engine().connect() as conn:
        groups = quality_report(conn, selectors or (), by=by, top=top)
    if not groups:
        scope = f" for {', '.join(selectors)}" if selectors else ""
        fail(
            f"no records{scope} in the database. Check the slugs ('permitdb runs' lists the "
            "datasets synced) or run 'permitdb ingest' first."
        )
    if as_json:
        document = [
            {
                **asdict(group),
                "fill_rate": {name: group.fill_rate(name) for name in group.filled},
                "unmapped": {
                    name: [{"value": value, "records": n} for value, n in values]
                    for name, values in group.unmapped.items()
                },
            }
            for group in groups
        ]
        print_json(document)
        return
    for group in groups:
        _render(group)
