"""``permitdb contractors``: look at a resolved contractor, pin a merge or a split.

Pins survive re-ingests: resolution never moves a mention it knows, and a pinned mention seen
again goes where its pin says (docs/contractors.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from permitdb.cli.console import console, engine
from permitdb.services import contractor_pins as contractor_service
from permitdb.services.contractor_pins import SHOWN_KEY, Moved

app = typer.Typer(
    help="Show resolved contractors; merge or split them by hand.", no_args_is_help=True
)

T = TypeVar("T")


def _run(action: Callable[[Any], T]) -> T:
    """``action(engine)``, the engine disposed after: a pooled PostgreSQL connection left for
    the garbage collector would warn."""
    db = engine()
    try:
        return action(db)
    finally:
        db.dispose()


NoteOption = Annotated[
    str | None, typer.Option(help="Why: kept with the pin, shown by 'contractors show'")
]


@app.command()
def show(
    ref: Annotated[
        str, typer.Argument(metavar="ID", help="A contractor id (ctr_...) or a mention key")
    ],
) -> None:
    """A contractor: its identity and rollups, every mention with how it was matched, its pins."""
    view = _run(lambda db: contractor_service.show(db, ref))
    c = view.contractor
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, value in (
        ("id", c.id),
        ("name", c.name),
        ("licence", f"{c.license_key} ({c.license_state})" if c.license_key else None),
        ("phone", c.phone),
        ("address", ", ".join(filter(None, (c.address, c.city, c.state, c.zip)))),
        ("permits", str(c.permit_count)),
        ("job value", f"{c.total_job_value:,.2f}" if c.total_job_value is not None else None),
        ("permit dates", _window(c.first_permit_date, c.last_permit_date)),
        ("classification", ", ".join(c.classification_derived) or None),
    ):
        facts.add_row(label, escape(value) if value else "—")
    console.print(facts)
    mentions = Table("mention", "source", "name", "licence", "phone", "address", "method", "conf.")
    for m in view.mentions:
        mentions.add_row(
            m.mention_key[:SHOWN_KEY],
            m.source,
            escape(m.name or "—"),
            m.license_key or "—",
            m.phone_key or "—",
            escape((m.address_key or "—").split("|")[0]),
            m.match_method,
            f"{m.confidence:.2f}",
        )
    console.print(mentions)
    if view.pins:
        pins = Table("pin", "mention", "contractor", "note", "at", title="Pins")
        for p in view.pins:
            pins.add_row(
                p.kind,
                p.mention_key[:SHOWN_KEY],
                p.contractor_id,
                escape(p.note or ""),
                p.created_at.strftime("%Y-%m-%d %H:%M"),
            )
        console.print(pins)


@app.command()
def merge(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="MENTION_OR_CONTRACTOR",
            help="A mention key (from 'show'), or a contractor id: all its mentions move",
        ),
    ],
    target: Annotated[
        str, typer.Argument(metavar="CONTRACTOR", help="The contractor id they belong to")
    ],
    note: NoteOption = None,
) -> None:
    """Pin a mention (or all of a contractor's) to CONTRACTOR, with its permits and licences."""
    now = datetime.now(UTC)
    moved = _run(lambda db: contractor_service.merge(db, ref, target, now=now, note=note))
    _said("Merged", moved)
    if moved.dropped:
        console.print(f"{moved.dropped} had no mention left and was removed.")


@app.command()
def split(
    ref: Annotated[str, typer.Argument(metavar="MENTION", help="A mention key (from 'show')")],
    contractor: Annotated[
        str, typer.Argument(metavar="CONTRACTOR", help="The contractor it does not belong to")
    ],
    note: NoteOption = None,
) -> None:
    """Take MENTION out of CONTRACTOR into a contractor of its own, and pin it away."""
    now = datetime.now(UTC)
    moved = _run(lambda db: contractor_service.split(db, ref, contractor, now=now, note=note))
    _said("Split off", moved)


def _said(verb: str, moved: Moved) -> None:
    mentions = "mention" if moved.mentions == 1 else "mentions"
    console.print(
        f"{verb} {moved.mentions} {mentions} and {moved.permits} permits to {moved.target}; "
        f"the pin keeps them there on every re-ingest ('permitdb contractors show "
        f"{moved.target}')."
    )


def _window(first: Any, last: Any) -> str | None:
    return f"{first} → {last}" if first else None
