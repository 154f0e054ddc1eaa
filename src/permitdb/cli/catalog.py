"""``permitdb catalog check``: validate every catalog file and show what each dataset fills."""

from __future__ import annotations

import typer
from rich.table import Table

from permitdb.catalog.check import coverage
from permitdb.catalog.load import validate_catalog_files
from permitdb.cli.console import console, err_console, settings
from permitdb.cli.listing import JsonOption, print_json

app = typer.Typer(help="Inspect the catalog of jurisdiction datasets.", no_args_is_help=True)


@app.command()
def check(as_json: JsonOption = False) -> None:
    """Validate every catalog file; list each dataset's canonical and BLDS coverage."""
    config = settings()
    entries, errors = validate_catalog_files(
        config.catalog_dirs, recordings_dir=config.resolved_recordings_dir()
    )
    if errors:
        for error in errors:
            for problem in error.problems:
                err_console.print(f"[red]{error.path}[/]: {problem}", soft_wrap=True, markup=True)
        err_console.print(
            f"[bold red]error:[/] {len(errors)} invalid catalog file(s). Fix the keys named "
            "above (docs/catalog-reference.md lists them all), then run this again."
        )
        raise typer.Exit(1)
    reports = [coverage(entry) for entry in entries]
    if as_json:
        print_json(reports)
        return
    table = Table("dataset", "platform", "record class", "fields filled", "BLDS fields missing")
    for report in reports:
        table.add_row(
            report.slug,
            report.platform,
            report.record_class,
            str(report.filled),
            ", ".join(report.blds_missing) or "-",
        )
    console.print(table)
    console.print(f"[green]{len(entries)} catalog entries valid.[/]")
