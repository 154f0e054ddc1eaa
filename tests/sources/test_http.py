"""HttpClient: retries with backoff and Retry-After, error classes, streaming, redacted logs."""

from __future__ import annotations

import codecs
import logging
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from replaying import RECORDINGS, StartReplay

from permitdb.errors import FatalSourceError, RetriableSourceError
from permitdb.settings import Settings
from permitdb.sources.http import HttpClient, _retry_after
from permitdb.sources.redaction import (
    REDACTED,
    redact_headers,
    redact_secrets,
    redact_url,
    request_secrets,
)
from permitdb.testing import entry_for

AUSTIN = entry_for(
    {"platform": "socrata", "domain": "data.austintexas.gov", "dataset_id": "3syk-w9eu"},
    "socrata/austin-tx/issued-construction-permits.json",
)
AUSTIN_URL = "https://data.austintexas.gov/resource/3syk-w9eu.json"
ADU_CSV = entry_for(
    {"platform": "file", "url": "https://files.example.org/sf/adu.csv", "format": "csv"},
    "prepared/san-francisco-ca/adu-garage-permit-records.csv",
)


def test_retries_503_with_jittered_exponential_backoff_then_succeeds(
    replay: StartReplay, sleeps: list[float]
) -> None:
    served = replay(AUSTIN)
    served.portal.fail_next(2, status=503)
    rows = served.client.get_json(AUSTIN_URL)
    assert len(rows) == 17
    assert len(served.portal.requests) == 3
    assert len(sleeps) == 2
    # Full jitter: anywhere from 0 up to base * 2**(retry - 1).
    assert 0 <= sleeps[0] <= 0.5
    assert 0 <= sleeps[1] <= 1.0


def test_a_check_refusing_an_answer_retries_it_with_backoff_then_raises_its_own_error(
    replay: StartReplay, sleeps: list[float]
) -> None:
    served = replay(AUSTIN)
    seen: list[int] = []

    def refuse_twice(answer: object) -> None:
        seen.append(len(answer) if isinstance(answer, list) else -1)
        if len(seen) <= 2:
            raise RetriableSourceError(f"answer {len(seen)} refused")

    assert len(served.client.get_json(AUSTIN_URL, check=refuse_twice)) == 17
    assert seen == [17, 17, 17]
    assert len(sleeps) == 2

    def refuse(answer: object) -> None:
        raise RetriableSourceError("never good enough")

    with pytest.raises(RetriableSourceError, match=r"^never good enough$"):
        served.client.get_json(AUSTIN_URL, check=refuse)
    assert len(served.portal.requests) == 3 + 4  # http_max_retries=3 -> 4 tries


def test_a_check_raising_anything_else_ends_the_request_at_once(replay: StartReplay) -> None:
    served = replay(AUSTIN)

    def reject(answer: object) -> None:
        raise FatalSourceError("not what was asked for")

    with pytest.raises(FatalSourceError, match="not what was asked for"):
        served.client.get_json(AUSTIN_URL, check=reject)
    assert len(served.portal.requests) == 1


def test_retry_after_is_honoured_and_capped_by_the_backoff_maximum(
    replay: StartReplay, sleeps: list[float]
) -> None:
    served = replay(AUSTIN)
    served.portal.fail_next(1, status=429, retry_after=3)
    served.client.get_json(AUSTIN_URL)
    served.portal.fail_next(1, status=503, retry_after=120)
    served.client.get_json(AUSTIN_URL)
    assert sleeps == [3.0, 4.0]


def test_gives_up_after_max_tries_with_a_retriable_error(
    replay: StartReplay, sleeps: list[float]
) -> None:
    served = replay(AUSTIN)
    served.portal.fail_next(10, status=429, retry_after=2)
    with pytest.raises(RetriableSourceError) as caught:
        served.client.get_json(AUSTIN_URL)
    assert len(served.portal.requests) == 4  # http_max_retries=3 -> 4 tries
    assert sleeps == [2.0, 2.0, 2.0]
    assert caught.value.retry_after == 2.0
    message = str(caught.value)
    assert "still failing after 4 tries (last: HTTP 429)" in message
    assert "run the sync again later" in message


def test_connection_errors_are_retried(settings: Settings, sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        HttpClient(settings=settings, sleep=sleeps.append) as client,
        pytest.raises(RetriableSourceError, match="ConnectError"),
    ):
        client.get_json(f"http://127.0.0.1:{port}/resource/x.json")
    assert len(sleeps) == 3


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        (403, "check the token or credentials"),
        (401, "check the token or credentials"),
        (400, "Check the catalog entry's query settings"),
    ],
)
def test_other_client_errors_are_fatal_at_once(
    replay: StartReplay, sleeps: list[float], status: int, advice: str
) -> None:
    served = replay(AUSTIN)
    served.portal.fail_next(1, status=status)
    with pytest.raises(FatalSourceError, match=advice):
        served.client.get_json(AUSTIN_URL)
    assert len(served.portal.requests) == 1
    assert sleeps == []


def test_not_found_says_the_dataset_id_or_url_is_wrong(replay: StartReplay) -> None:
    served = replay(AUSTIN)
    with pytest.raises(FatalSourceError) as caught:
        served.client.get_json("https://data.austintexas.gov/resource/zzzz-zzzz.json")
    message = str(caught.value)
    assert message.startswith("https://data.austintexas.gov/resource/zzzz-zzzz.json: HTTP 404")
    assert "dataset id or URL in the catalog entry is wrong" in message


def test_a_body_that_is_not_json_is_fatal(replay: StartReplay) -> None:
    served = replay(ADU_CSV)
    with pytest.raises(FatalSourceError, match=r"not JSON .*check the endpoint"):
        served.client.get_json("https://files.example.org/sf/adu.csv")


def test_stream_lines_returns_the_body_line_for_line_across_chunks(replay: StartReplay) -> None:
    served = replay(ADU_CSV)
    lines = list(served.client.stream_lines("https://files.example.org/sf/adu.csv"))
    text = (RECORDINGS / ADU_CSV.recording.path).read_text(encoding="utf-8")
    assert "".join(lines) == text
    assert len(lines) == 4887  # header + 4886 rows, each ending in its newline
    assert all(line.endswith("\n") for line in lines)


def test_stream_lines_drops_a_byte_order_mark(replay: StartReplay, tmp_path: Path) -> None:
    bom_file = tmp_path / "bom.csv"
    bom_file.write_bytes(codecs.BOM_UTF8 + "permit,cost\nA1,\u00e9t\u00e9\n".encode())
    served = replay(entry_for(dict(ADU_CSV.source), "bom.csv"), recordings_dir=tmp_path)
    lines = list(served.client.stream_lines("https://files.example.org/sf/adu.csv"))
    assert lines == ["permit,cost\n", "A1,\u00e9t\u00e9\n"]


def test_logs_show_requests_and_retries_without_secrets(
    replay: StartReplay, caplog: pytest.LogCaptureFixture
) -> None:
    served = replay(AUSTIN)
    served.portal.fail_next(1)
    with caplog.at_level(logging.DEBUG, logger="permitdb.sources"):
        served.client.get_json(
            AUSTIN_URL,
            params={"$$app_token": "query-s3cret", "$limit": 2},
            headers={"X-App-Token": "header-s3cret", "Authorization": "Bearer b3arer"},
        )
    assert "retry 1/3" in caplog.text
    assert "$limit=2" in caplog.text
    assert REDACTED in caplog.text
    for secret in ("query-s3cret", "header-s3cret", "b3arer"):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://x.gov/r.json?$$app_token=abc&$limit=5",
            "https://x.gov/r.json?$$app_token=REDACTED&$limit=5",
        ),
        (
            "https://x.gov/q?where=1%3D1&TOKEN=t&api_key=k&apikey=k&key=k&password=p&f=json",
            "https://x.gov/q?where=1%3D1&TOKEN=REDACTED&api_key=REDACTED&apikey=REDACTED"
            "&key=REDACTED&password=REDACTED&f=json",
        ),
        (
            "https://x.gov/q?access_token=a&app_token=b&secret=c&signature=d",
            "https://x.gov/q?access_token=REDACTED&app_token=REDACTED&secret=REDACTED"
            "&signature=REDACTED",
        ),
        ("https://user:pw@x.gov/data.csv", "https://REDACTED@x.gov/data.csv"),
        ("https://x.gov/r.json?$order=:id&$where=a >= 'b'", None),
    ],
)
def test_redact_url(url: str, expected: str | None) -> None:
    assert redact_url(url) == (expected or url)


def test_redact_headers_hides_credentials_whatever_their_case() -> None:
    headers = {"x-app-token": "t", "AUTHORIZATION": "Bearer b", "User-Agent": "permitdb"}
    assert redact_headers(headers) == {
        "x-app-token": REDACTED,
        "AUTHORIZATION": REDACTED,
        "User-Agent": "permitdb",
    }


def test_redact_text_removes_the_secrets_a_request_carried() -> None:
    body = "bad query $$app_token=abc123 sent by Bearer xyz with $limit=5"
    secrets = request_secrets(
        "https://x.gov/r.json?$$app_token=abc123&$limit=5", {"Authorization": "Bearer xyz"}
    )
    redacted = redact_secrets(body, secrets)
    assert redacted == "bad query $$app_token=REDACTED sent by REDACTED with $limit=5"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    def hint(value: str) -> float | None:
        return _retry_after(httpx.Response(503, headers={"Retry-After": value}))

    assert hint("7") == 7.0
    assert hint("1.5") == 1.5
    assert hint("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: go now
    in_an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    assert 3500 < (hint(in_an_hour) or 0) <= 3600
    assert hint("soon") is None
    assert _retry_after(httpx.Response(503)) is None
