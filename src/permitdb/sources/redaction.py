"""Keep secrets out of logs and stored provenance: redact tokens from URLs, headers and text.

Portal credentials travel as query parameters (Socrata's ``$$app_token``, ArcGIS ``token``)
or headers (``X-App-Token``, ``Authorization``). Anything that logs a request or stores a
source URL passes it through here first, and so does any text a portal sent back (an error
page may echo the request, token included, raw, percent-encoded, HTML- or JSON-escaped).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from pydantic import SecretStr

from permitdb.settings import Settings

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
SENSITIVE_HEADERS: Final = frozenset(
    {
        "x-app-token",
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "x-esri-authorization",
        "cookie",
    }
)


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


def request_secrets(url: str, headers: Mapping[str, str]) -> frozenset[str]:
    """The credentials a request to ``url`` with ``headers`` carries."""
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    secrets = {value for name, value in pairs if name.lower() in SENSITIVE_PARAMS}
    secrets |= {value for name, value in headers.items() if name.lower() in SENSITIVE_HEADERS}
    # "Bearer abc": the scheme is no secret, and the token alone may be echoed
    secrets |= {value.split(" ", 1)[1] for value in secrets if value.count(" ") == 1}
    return frozenset(filter(None, secrets))


def configured_secrets(settings: Settings) -> frozenset[str]:
    """Every secret value in ``settings`` (tokens, the server secret)."""
    values = (getattr(settings, name) for name in type(settings).model_fields)
    return frozenset(
        value.get_secret_value() for value in values if isinstance(value, SecretStr)
    ) - {""}


def _spellings(secret: str) -> set[str]:
    """How ``secret`` may appear in a body that echoes it."""
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        html.escape(secret),
        json.dumps(secret)[1:-1],
    }


def redact_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` (in any spelling an echo may use) replaced by REDACTED.

    Redact before truncating: a secret cut in half by an excerpt no longer matches.
    """
    spellings = {spelling for secret in secrets if secret for spelling in _spellings(secret)}
    for spelling in sorted(spellings, key=len, reverse=True):
        text = text.replace(spelling, REDACTED)
    return text
