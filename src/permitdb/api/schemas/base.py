"""The base of every response model: an undocumented field is an error, not a silent extra.

``extra="forbid"`` makes /openapi.json say ``additionalProperties: false``, so schemathesis
and generated clients catch a body that carries a field its model does not describe.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")
