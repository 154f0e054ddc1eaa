"""Refuse to serve beyond this machine with the built-in secret, which anyone can read.

The secret hashes API keys and signs cursors; with the public default, anyone who can reach
the server and read a database dump could verify guessed keys offline, or forge cursors.
"""

from __future__ import annotations

import ipaddress

from permitdb.cli.console import err_console
from permitdb.errors import PermitdbError
from permitdb.settings import Settings

NEW_SECRET_HINT = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"  # noqa: S105


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def check_secret_for(host: str, settings: Settings) -> None:
    """Raise when serving ``host`` beyond localhost on the default secret; warn on localhost."""
    if not settings.uses_default_secret:
        return
    if not is_loopback(host):
        raise PermitdbError(
            f"PERMITDB_SECRET_KEY is the built-in default, which is public; set your own "
            f"long random value (e.g. {NEW_SECRET_HINT}) before serving on {host}, "
            "or serve on 127.0.0.1"
        )
    warn_default_secret(settings)


def warn_default_secret(settings: Settings) -> None:
    """Say so when the built-in secret is in use: keys made under it need it kept as a
    previous secret once a real one is set."""
    if not settings.uses_default_secret:
        return
    err_console.print(
        "[yellow]warning:[/] PERMITDB_SECRET_KEY is the built-in default: fine on this machine "
        "alone; set your own before serving beyond localhost (to keep the keys made until "
        "then, move the old value to PERMITDB_PREVIOUS_SECRET_KEYS).",
        soft_wrap=True,
    )
