"""Response of ``GET /v1/meta/release``."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from permitdb.api.schemas.base import Schema


class DatasetRelease(Schema):
    dataset: str = Field(description="Dataset slug, '<jurisdiction>/<dataset>'")
    released_at: datetime | None = Field(
        description="When its newest successful sync finished (UTC); null before the first"
    )


class Release(Schema):
    released_at: datetime | None = Field(
        description="When the newest successful sync of any dataset finished (UTC)"
    )
    datasets: list[DatasetRelease] = Field(description="Every dataset, by slug")
