"""docs/operations.md: every ``permitdb`` command line in its code blocks exists in the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commandlines import cli_problem, permitdb_invocations

OPERATIONS_DOC = Path(__file__).parents[1] / "docs" / "operations.md"
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def shell_lines(markdown: str) -> list[str]:
    """Each line of each fenced block, with backslash continuations joined."""
    lines = []
    for block in FENCE.findall(markdown):
        lines += block.replace("\\\n", " ").splitlines()
    return [line for line in lines if line.strip()]


def documented_commands() -> list[list[str]]:
    return [
        args
        for line in shell_lines(OPERATIONS_DOC.read_text())
        for args in permitdb_invocations(line)
    ]


def test_the_guide_shows_the_operator_commands() -> None:
    shown = {" ".join(args[:2]) for args in documented_commands()}
    for command in ("db migrate", "db backup", "db restore", "db status", "serve --host", "ingest"):
        assert any(line.startswith(command) for line in shown), command


@pytest.mark.parametrize("args", documented_commands(), ids=" ".join)
def test_documented_command_exists(args: list[str]) -> None:
    assert cli_problem(args) is None


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["db", "bakup", "x"], "'permitdb db' has no command 'bakup'"),
        (["serve", "--wokers", "4"], "'permitdb serve' has no option --wokers"),
        (["runs", "--json", "--limit", "3"], None),
        (["--version"], None),
    ],
)
def test_the_checker_catches_what_does_not_exist(args: list[str], problem: str | None) -> None:
    assert cli_problem(args) == problem
