"""What the ``replay`` fixture (conftest.py) hands a test: a portal and a client routed to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from permitdb.sources.http import HttpClient
from permitdb.testing.portal import ReplayPortal, default_recordings_dir

RECORDINGS = default_recordings_dir()


@dataclass(frozen=True)
class Replay:
    portal: ReplayPortal
    client: HttpClient


# start(*entries, recordings_dir=None, app_token=None) -> Replay
StartReplay = Callable[..., Replay]
