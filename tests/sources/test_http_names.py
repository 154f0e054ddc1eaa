"""A host name that does not resolve is a fatal error that names the host, never retried."""

from __future__ import annotations

import socket

import pytest

from name_lookups import fail_name_lookups
from permitdb.errors import FatalSourceError
from permitdb.settings import Settings
from permitdb.sources.http import HttpClient

MISSPELLED = "data.austintexsa.gov"


def test_unresolvable_host_fails_at_once_naming_it(
    settings: Settings, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up = fail_name_lookups(monkeypatch, socket.EAI_NONAME, "Name or service not known")
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
