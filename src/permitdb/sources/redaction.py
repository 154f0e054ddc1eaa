"""Keep secrets out of logs and stored provenance: redact tokens from URLs and headers.

Portal credentials travel as query parameters (Socrata's ``$$app_token``, ArcGIS ``token``)
or headers (``X-App-Token``, ``Authorization``). Anything that logs a request or stores a
source URL passes it through here first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED: Final = "REDACTED"

SENSITIVE_PARAMS: Final = frozenset(
    {
        "$$app_token",
        "app_token",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "key",
        "password",
        "secret",
        "signature",
    }
)
SENSITIVE_HEADERS: Final = frozenset({"x-app-token", "authorization"})


def redact_url(url: str) -> str:
    """``url`` with secret query values and any ``user:password@`` replaced by REDACTED."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name.lower() in SENSITIVE_PARAMS for name, _ in pairs) and netloc == parts.netloc:
        return url
    query = urlencode(
        [(name, REDACTED if name.lower() in SENSITIVE_PARAMS else value) for name, value in pairs],
        safe="$:*(),'",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credential values replaced by REDACTED."""
    return {
        name: REDACTED if name.lower() in SENSITIVE_HEADERS else value
        for name, value in headers.items()
    }


def redact_text(text: str, url: str, headers: Mapping[str, str]) -> str:
    """``text`` minus the secrets that ``url`` and ``headers`` carry.

    For error bodies, which may echo the query back.
    """
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    secrets = {value for name, value in pairs if name.lower() in SENSITIVE_PARAMS}
    secrets |= {value for name, value in headers.items() if name.lower() in SENSITIVE_HEADERS}
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
