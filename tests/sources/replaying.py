"""What the ``replay`` fixture (conftest.py) hands a test: a portal and a client routed to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from permitdb.sources.http import HttpClient
from permitdb.testing.portal import ReplayPortal, default_recordings_dir

RECORDINGS = default_recordings_dir()
# Platform envelopes around another city's real rows (each SOURCE.md says whose): tests of the
# CKAN and CARTO connectors only, never in the bundled catalog or the demo.
ENVELOPE_RECORDINGS = Path(__file__).parents[1] / "fixtures" / "recordings"


@dataclass(frozen=True)
class Replay:
    portal: ReplayPortal
    client: HttpClient


# start(*entries, recordings_dir=None, app_token=None) -> Replay
StartReplay = Callable[..., Replay]
