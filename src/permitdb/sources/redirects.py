"""Follow a portal's redirects without taking its credentials to another origin.

httpx drops only ``Authorization`` on a redirect to another origin; a Socrata ``X-App-Token``
or a ``token`` query parameter would go along. Here every credential header and query
parameter ``redaction`` knows stays behind once a redirect leaves the origin the request was
made to (scheme, host and port), and the log says the catalog entry should point at the new
address.
"""

from __future__ import annotations

import logging
from typing import Final

import httpx

from permitdb.errors import FatalSourceError
from permitdb.sources.redaction import SENSITIVE_HEADERS, SENSITIVE_PARAMS, redact_url

log = logging.getLogger("permitdb.sources")

MAX_REDIRECTS: Final = 10
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def follow_redirects(
    client: httpx.Client, request: httpx.Request, *, stream: bool, shown: str
) -> httpx.Response:
    """The response at the end of ``request``'s redirects (``client`` must not follow them).

    ``shown`` is the request's redacted URL, for messages.
    """
    home = _origin(request.url)
    for _ in range(MAX_REDIRECTS + 1):
        response = client.send(request, stream=stream)
        following = response.next_request
        if following is None:
            return response
        response.close()
        if _origin(following.url) != home and _carries_credentials(following):
            log.warning(
                "GET %s redirected to another origin (%s): its credentials are not sent "
                "there. Update the catalog entry's endpoint to the new address.",
                shown,
                redact_url(str(following.url.copy_with(query=None))),
            )
            following = _without_credentials(following)
        request = following
    raise FatalSourceError(
        f"{shown}: more than {MAX_REDIRECTS} redirects in a row. The portal's address "
        "loops: open it in a browser and put the address it ends at in the catalog entry."
    )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


def _carries_credentials(request: httpx.Request) -> bool:
    named = {name.lower() for name in request.headers}
    named |= {name.lower() for name, _ in request.url.params.multi_items()}
    return bool(named & (SENSITIVE_HEADERS | SENSITIVE_PARAMS))


def _without_credentials(request: httpx.Request) -> httpx.Request:
    """``request`` minus every credential header and query parameter."""
    headers = [
        (k, v) for k, v in request.headers.multi_items() if k.lower() not in SENSITIVE_HEADERS
    ]
    params = tuple(
        (k, v) for k, v in request.url.params.multi_items() if k.lower() not in SENSITIVE_PARAMS
    )
    url = request.url.copy_with(params=httpx.QueryParams(params))
    return httpx.Request(request.method, url, headers=headers, extensions=request.extensions)
