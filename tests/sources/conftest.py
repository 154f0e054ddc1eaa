"""Connectors under test fetch real recordings through the replay portal on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pydantic import SecretStr
from replaying import Replay, StartReplay

from permitdb.catalog.model import CatalogEntry
from permitdb.settings import Settings
from permitdb.sources.http import HttpClient
from permitdb.testing.portal import ReplayPortal


@pytest.fixture
def sleeps() -> list[float]:
    """Every backoff the client asked for, in order (the client never really sleeps)."""
    return []


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,
        http_max_retries=3,
        http_backoff_base_s=0.5,
        http_backoff_max_s=4.0,
        http_timeout_s=10.0,
    )


@pytest.fixture
def replay(settings: Settings, sleeps: list[float]) -> Iterator[StartReplay]:
    """Start a portal for some entries, and a client routed to it; both stop after the test."""
    with ExitStack() as stack:

        def start(
            *entries: CatalogEntry, recordings_dir: Path | None = None, app_token: str | None = None
        ) -> Replay:
            portal = stack.enter_context(ReplayPortal(entries, recordings_dir))
            token = SecretStr(app_token) if app_token else None
            client_settings = settings.model_copy(update={"socrata_app_token": token})
            client = stack.enter_context(
                HttpClient(
                    settings=client_settings, origin_map=portal.origin_map, sleep=sleeps.append
                )
            )
            return Replay(portal, client)

        yield start
