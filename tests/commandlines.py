"""Check a ``permitdb ...`` command line written in a doc or a deploy file against the CLI.

The walk follows sub-command names through the real Typer app (loading each lazy command) and
checks every option name at the level it is given; positional arguments and option values
are not judged. A line that names a command or option permitdb does not have is a problem.
"""

from __future__ import annotations

import shlex

import typer
from typer import _click as click
from typer.core import TyperGroup, TyperOption

from permitdb.cli.app import app
from permitdb.cli.lazy import LazyCommand

SHELL_OPERATORS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "2>", "&"})
HELP_OPTIONS = frozenset({"-h", "--help"})


def permitdb_invocations(line: str) -> list[list[str]]:
    """The arguments after each ``permitdb`` (or ``.../bin/permitdb``) program in a shell line.

    ``docker run ... permitdb permitdb --version``: the first ``permitdb`` is the image, the
    second the program; ``docker build -t permitdb``: a tag, not a program.
    """
    tokens = shlex.split(line, comments=True)
    found = []
    for at, token in enumerate(tokens):
        is_program = token == "permitdb" or token.endswith("/bin/permitdb")
        following = tokens[at + 1] if at + 1 < len(tokens) else None
        if not is_program or following == "permitdb" or (at and tokens[at - 1] == "-t"):
            continue
        args: list[str] = []
        for argument in tokens[at + 1 :]:
            if argument in SHELL_OPERATORS:
                break
            args.append(argument)
        found.append(args)
    return found


def _real(command: click.Command) -> click.Command:
    return command.loaded if isinstance(command, LazyCommand) else command


def _options(command: click.Command) -> dict[str, TyperOption]:
    return {
        name: param
        for param in command.params
        if isinstance(param, TyperOption)
        for name in (*param.opts, *param.secondary_opts)
    }


def cli_problem(args: list[str]) -> str | None:
    """Why ``permitdb <args>`` is not a command line the CLI accepts, or None if it is."""
    command = typer.main.get_command(app)
    path = ["permitdb"]
    remaining = list(args)
    while remaining:
        token = remaining.pop(0)
        if token.startswith("-") and token != "-":
            name = token.split("=", 1)[0]
            if name in HELP_OPTIONS:
                continue
            option = _options(command).get(name)
            if option is None:
                return f"'{' '.join(path)}' has no option {name}"
            if not (option.is_flag or option.count or "=" in token) and remaining:
                remaining.pop(0)  # the option's value
            continue
        if isinstance(command, TyperGroup):
            sub = command.commands.get(token)
            if sub is None:
                return f"'{' '.join(path)}' has no command {token!r}"
            command = _real(sub)
            path.append(token)
    return None
