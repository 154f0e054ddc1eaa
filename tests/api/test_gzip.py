"""Accept-Encoding: gzip is honoured on every response over 1 KB, streamed exports included."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Store = Callable[..., list[Any]]
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def raw_get(client: TestClient, url: str, headers: dict[str, str]) -> tuple[Any, bytes]:
    """The response and its body as sent, before httpx undoes any content encoding."""
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize("url", ["/v1/permits?limit=20", "/v1/permits?format=csv"])
def test_gzip_when_asked(client: TestClient, auth: dict[str, str], store: Store, url: str) -> None:
    store(*({"source_record_id": f"g{n}"} for n in range(20)))
    plain, plain_body = raw_get(client, url, {**auth, **IDENTITY})
    packed, packed_body = raw_get(client, url, {**auth, **GZIP})
    assert plain.status_code == packed.status_code == 200
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed_body) == plain_body
    assert len(packed_body) < len(plain_body)
    for response in (plain, packed):
        assert response.headers["x-request-id"]
        assert float(response.headers["x-response-time-ms"]) >= 0


def test_small_responses_stay_plain(client: TestClient) -> None:
    response, body = raw_get(client, "/v1/health", {**GZIP, "X-Request-Id": "small-1"})
    assert len(body) < 1024
    assert "content-encoding" not in response.headers
    assert response.headers["x-request-id"] == "small-1"
