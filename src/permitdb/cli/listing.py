"""What every list command shares: a Rich table for people, ``--json`` for scripts."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import typer

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table")]


def print_json(document: Any) -> None:
    """``document`` as indented JSON on stdout (dataclasses, datetimes and dates included)."""
    typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
