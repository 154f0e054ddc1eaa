"""Requests over the server's limits answer in the envelope, through a real uvicorn socket:
uvicorn's own limit on the head is set above ours (``api.limits``), so none of these meets
h11's plain-text 400."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from permitdb.api.limits import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_URL_BYTES

CheckError = Callable[..., dict[str, Any]]


@pytest.fixture
def http(live_url: str, auth: dict[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, headers=auth, timeout=30) as client:
        yield client


def test_a_url_over_the_limit_is_a_414(http: httpx.Client, check_error: CheckError) -> None:
    long_query = "x" * MAX_URL_BYTES
    error = check_error(http.get("/v1/permits", params={"q": long_query}), 414, "url_too_long")
    assert "POST /v1/permits/search" in error["message"]
    # just under it, the parameter's own check answers
    within = "x" * (MAX_URL_BYTES - len("/v1/permits?q=") - 1)
    check_error(http.get("/v1/permits", params={"q": within}), 422, "invalid_parameter")


def test_headers_over_the_limit_are_a_431(http: httpx.Client, check_error: CheckError) -> None:
    filler = {f"X-Filler-{n}": "f" * 1000 for n in range(MAX_HEADER_BYTES // 1000 + 1)}
    check_error(http.get("/v1/permits", headers=filler), 431, "headers_too_large")
    assert http.get("/v1/permits", headers={"X-Filler": "f" * 4000}).status_code == 200


def test_a_declared_body_over_the_limit_is_a_413(
    http: httpx.Client, check_error: CheckError
) -> None:
    body = b'{"q": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = http.post(
        "/v1/permits/search", content=body, headers={"Content-Type": "application/json"}
    )
    error = check_error(response, 413, "body_too_large")
    assert f"{len(body):,} bytes" in error["message"]


def test_a_chunked_body_over_the_limit_is_a_413(
    http: httpx.Client, check_error: CheckError
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"q": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 1):
            yield b"x" * 65536
        yield b'"}'

    response = http.post(
        "/v1/permits/search", content=chunks(), headers={"Content-Type": "application/json"}
    )
    check_error(response, 413, "body_too_large")


def test_a_chunked_body_within_the_limit_is_read(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"limit": '
        yield b"5}"

    response = http.post(
        "/v1/permits/search", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


def test_the_document_lists_the_limit_errors(app: FastAPI) -> None:
    for methods in app.openapi()["paths"].values():
        for operation in methods.values():
            responses = operation["responses"]
            assert {"414", "431"} <= set(responses)
            assert ("413" in responses) == ("requestBody" in operation)
