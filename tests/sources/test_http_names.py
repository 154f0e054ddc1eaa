"""A host name that does not resolve is a fatal error that names the host, never retried."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from permitdb.errors import FatalSourceError
from permitdb.settings import Settings
from permitdb.sources.http import HttpClient

MISSPELLED = "data.austintexsa.gov"


def test_unresolvable_host_fails_at_once_naming_it(
    settings: Settings, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []

    def no_such_name(host: str, *args: Any, **kwargs: Any) -> Any:
        # The resolver's answer for a name that does not exist, without asking a DNS server
        looked_up.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with (
        HttpClient(settings=settings, sleep=sleeps.append) as client,
        pytest.raises(FatalSourceError) as raised,
    ):
        client.get_json(f"https://{MISSPELLED}/resource/3syk-w9eu.json")
    assert str(raised.value) == (
        f"cannot resolve host {MISSPELLED}: check the catalog's domain and your network."
    )
    assert looked_up == [MISSPELLED]
    assert sleeps == []
