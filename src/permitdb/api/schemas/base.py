"""The base of every model: an undocumented field is an error, not a silent extra.

``extra="forbid"`` makes /openapi.json say ``additionalProperties: false``, so schemathesis
and generated clients catch a body that carries a field its model does not describe.
"""

from __future__ import annotations

import re
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, model_validator

# No stored value holds either, and PostgreSQL cannot take them: a NUL, or half of a UTF-16
# surrogate pair (JSON's "\\ud800" escape decodes to one; UTF-8 cannot encode it).
_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")


def _check_text(value: Any) -> None:
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise ValueError("contains a NUL or an unpaired surrogate; send plain UTF-8 text")
    if isinstance(value, list | tuple):
        for item in value:
            _check_text(item)
    if isinstance(value, dict):
        for item in value.values():
            _check_text(item)


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # request bodies only: responses are built as dicts and never validated
        _check_text(data)
        return data


def _sparse(schema: dict[str, Any]) -> None:
    # fields= may leave out any key but the permit's id, so the contract requires only that
    required = [name for name in schema.get("required", []) if name == "id"]
    schema.pop("required", None)
    if required:
        schema["required"] = required


class Sparse(Schema):
    """A permit part: every key is present unless ``fields=`` left it out."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_sparse)
