"""Sub-commands imported only when they run, so ``permitdb --help`` starts in a blink.

Each command module pulls in SQLAlchemy, FastAPI, httpx, pyarrow or Rich's progress bars (two
to four seconds together). The root group holds a :class:`LazyCommand` per sub-command: its
name and where the real command lives. The module is imported when the command is parsed or
run (``permitdb ingest ...``, ``permitdb db --help``), and only that module. The root's
command list needs one help line each: it is read from the module's source (the function's
docstring, or the ``help=`` of its ``typer.Typer``) without running it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from functools import cached_property
from pathlib import Path
from typing import Any

import typer

# Typer 0.27 vendors Click as typer._click; its groups hold commands of these classes.
from typer import _click as click
from typer.core import MarkupMode, TyperCommand, TyperGroup

# Plain Click help: Typer's Rich formatter imports Rich's markdown, syntax and traceback
# modules, about 0.3 s, most of the budget of a --help that should answer at once.
HELP_MARKUP: MarkupMode = None


def _help_in_source(module_name: str, attribute: str) -> str | None:
    """The first docstring line of function ``attribute``, or the ``help=`` of the
    ``attribute = typer.Typer(...)`` assignment, in the module's source; None if not spelled so."""
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        return None
    for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            docstring = ast.get_docstring(node)
            return docstring.splitlines()[0] if docstring else None
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == attribute for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


class LazyCommand(TyperCommand):
    """A sub-command known by name and ``module:attribute`` until it is used.

    The attribute is a ``typer.Typer`` (a command group such as ``db``) or a command function.
    """

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, rich_markup_mode=HELP_MARKUP)
        self.target = target

    @cached_property
    def loaded(self) -> click.Command:
        module_name, attribute = self.target.split(":")
        found = getattr(importlib.import_module(module_name), attribute)
        name = self.name
        assert name is not None  # __init__ takes a str
        # Mounted on a holder app as the eager app.add_typer/app.command did, so the command
        # is built the same way (and without the root's shell-completion options).
        holder = typer.Typer(add_completion=False, rich_markup_mode=HELP_MARKUP)
        if isinstance(found, typer.Typer):
            holder.add_typer(found, name=name)
            group = typer.main.get_command(holder)
            assert isinstance(group, TyperGroup)
            return group.commands[name]
        holder.command(name)(found)
        return typer.main.get_command(holder)

    @cached_property
    def help_line(self) -> str:
        found = _help_in_source(*self.target.split(":"))
        if found is None:  # spelled another way: ask the command itself
            found = (self.loaded.help or "").strip().split("\n")[0]
        return found

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.help_line

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The context is the real command's, so click parses, helps and invokes that one.
        return self.loaded.make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        return self.loaded.invoke(ctx)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        return self.loaded.shell_complete(ctx, incomplete)
