"""Make host-name lookups fail as the resolver does for a name that cannot be resolved, so
tests see that failure without asking a DNS server."""

from __future__ import annotations

import socket
from typing import Any

import pytest


def fail_name_lookups(monkeypatch: pytest.MonkeyPatch, code: int, message: str) -> list[str]:
    """From now on every ``socket.getaddrinfo`` raises ``gaierror(code, message)``; the list
    returned collects each host name looked up, in order."""
    looked_up: list[str] = []

    def unresolvable(host: str, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        raise socket.gaierror(code, message)

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    return looked_up
