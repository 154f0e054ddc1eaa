"""The command line answers --help and --version without importing the heavy libraries, and
the help lines it lists are the commands' own."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest
import typer
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.cli.lazy import LazyCommand

# What the commands import and --help must not: each costs from 50 ms to over a second.
HEAVY_MODULES = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "pyarrow",
    "pydantic",
    "rich.progress",
    "typer.rich_utils",
)

MODULES_AFTER = """
import json, sys
from permitdb.cli.app import main
sys.argv = ["permitdb", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], []], ids=str)
def test_help_and_version_import_no_heavy_module(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(done.stderr.splitlines()[-1]))
    heavy = sorted(
        name for name in loaded if name.split(".")[0] in HEAVY_MODULES or name in HEAVY_MODULES
    )
    assert heavy == [], f"'permitdb {' '.join(args)}' imported {heavy[:10]}"
    assert ("permitdb" in done.stdout) or not args


def test_help_lines_read_from_source_are_the_commands_own() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    lazy = [command for command in root.commands.values() if isinstance(command, LazyCommand)]
    assert len(lazy) == len(root.commands)
    for command in lazy:
        real_help = command.loaded.help or ""
        assert real_help.strip().splitlines()[0] == command.help_line, command.name


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"permitdb {version('permitdb')}"


@pytest.mark.parametrize(
    "command", [[], ["db"], ["db", "backup"], ["ingest"], ["keys", "list"]], ids=str
)
def test_h_is_help_everywhere(runner: CliRunner, command: list[str]) -> None:
    short = runner.invoke(app, [*command, "-h"])
    assert short.exit_code == 0, short.output
    assert short.output.startswith("Usage: ")
    assert short.output == runner.invoke(app, [*command, "--help"]).output
