"""API keys: ``pdb_live_<32 random base62>_<6-char checksum>``, stored only as HMAC hashes.

The recognizable prefix lets secret scanners find leaked keys; the CRC32 checksum lets the API
reject a mistyped or made-up key without touching the database. Only the HMAC-SHA256 of a key
(keyed by the server's ``secret_key``) is stored, so a database dump does not leak usable keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import zlib
from typing import Final

KEY_PREFIX: Final = "pdb_live_"
_ALPHABET: Final = string.digits + string.ascii_letters
_RANDOM_LENGTH: Final = 32
_CHECKSUM_LENGTH: Final = 6  # 62**6 > 2**32: any CRC32 fits
_SHAPE: Final = re.compile(rf"^{KEY_PREFIX}([0-9A-Za-z]{{{_RANDOM_LENGTH}}})_([0-9A-Za-z]{{6}})$")
DISPLAY_PREFIX_LENGTH: Final = 13


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_ALPHABET[rest])
    return "".join(reversed(digits)).rjust(width, _ALPHABET[0])


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), _CHECKSUM_LENGTH)


def generate_api_key() -> str:
    """A new random key. Show it once; store only :func:`hash_api_key` of it."""
    body = KEY_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))
    return f"{body}_{_checksum(body)}"


def is_well_formed(key: str) -> bool:
    """Right shape and checksum: worth a database lookup."""
    match = _SHAPE.match(key)
    if match is None:
        return False
    return hmac.compare_digest(_checksum(KEY_PREFIX + match.group(1)), match.group(2))


def hash_api_key(key: str, secret: str) -> str:
    """HMAC-SHA256 hex digest of the key under the server secret: what the database stores."""
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()


def key_prefix(key: str) -> str:
    """The first characters (``pdb_live_ab12``): enough to tell keys apart in listings."""
    return key[:DISPLAY_PREFIX_LENGTH]
