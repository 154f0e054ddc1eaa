"""Render docs/configuration.md from the settings class, so the page cannot drift from the code.

``python -m permitdb.settings_docs > docs/configuration.md`` rewrites it; a test fails when the
committed file differs from what this prints.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any, Final

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from permitdb.settings import Settings

ENV_PREFIX: Final = str(Settings.model_config.get("env_prefix", ""))
_TYPE_NAMES: Final[dict[Any, str]] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true or false",
    Path: "path",
    SecretStr: "secret",
}
# Field(gt=, ge=, ...) constraints, as the metadata objects pydantic keeps carry them
_BOUNDS: Final = (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"))

INTRO: Final = f"""\
# Configuration

<!-- Generated from src/permitdb/settings.py by `python -m permitdb.settings_docs >
docs/configuration.md`; tests/test_configuration_docs.py fails when this file is stale. -->

permitdb reads every setting from an environment variable named `{ENV_PREFIX}<NAME>`, or
from a `.env` file in the working directory (the environment wins). Nothing else is needed:
the defaults give the embedded single-machine setup (SQLite under `./data`, the bundled
catalog). A value permitdb cannot use stops every command with one line naming the variable.

Lists (`{ENV_PREFIX}CATALOG_DIRS`, `{ENV_PREFIX}PREVIOUS_SECRET_KEYS`) take plain text —
folders separated by `:` like `PATH`, secrets separated by `,` — or a JSON list.

**Rotating the secret.** Put the current `{ENV_PREFIX}SECRET_KEY` into
`{ENV_PREFIX}PREVIOUS_SECRET_KEYS`, set a new `{ENV_PREFIX}SECRET_KEY`, restart. Every API
key keeps working and is re-hashed under the new secret on its first use; page cursors handed
out before the rotation keep paging. Drop the old secret once the keys in use have each been
used since (`permitdb keys list` shows when each key was last used); keys unused until then
stop working and need to be re-created.
"""


def _type_name(annotation: Any) -> str:
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is list:
        return f"list of {_type_name(args[0])}s"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(arg) for arg in args)
    return _TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _bounds(field: FieldInfo) -> str:
    shown = [
        f"{sign} {getattr(rule, attribute)}"
        for rule in field.metadata
        for attribute, sign in _BOUNDS
        if getattr(rule, attribute, None) is not None
    ]
    return f" ({', '.join(shown)})" if shown else ""


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value: Any = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None or value == []:
        return "unset"
    return f"`{value.as_posix() if isinstance(value, Path) else value}`"


def _section(name: str, field: FieldInfo) -> str:
    type_line = f"{_type_name(field.annotation)}{_bounds(field)}; default {_default(field)}"
    return f"## `{ENV_PREFIX}{name.upper()}`\n\n{type_line}.\n\n{field.description}\n"


def render() -> str:
    """The whole of docs/configuration.md."""
    sections = [_section(name, field) for name, field in Settings.model_fields.items()]
    return "\n".join([INTRO, *sections])


if __name__ == "__main__":
    print(render(), end="")
