"""Text bodies decoded line by line, so one undecodable line costs one record, not the file.

Lines are split on the newline byte first (every encoding a catalog entry may name is
ASCII-compatible), then each is decoded strictly. A line that fails is decoded with U+FFFD in
place of its bad bytes, so its other fields (its key among them) stay readable, and the failure
is noted: the source marks the record it belongs to with ``UNREADABLE_KEY`` and normalize
quarantines it (``undecodable_record``) instead of storing mojibake.
"""

from __future__ import annotations

import codecs
from typing import Final

# A record the source could not read faithfully: {"code": ..., "message": ...}.
UNREADABLE_KEY: Final = "@unreadable"
UNDECODABLE_RECORD: Final = "undecodable_record"
MALFORMED_LINE: Final = "malformed_line"


class LineDecoder:
    """Decodes the lines of one body; ``take_problems`` hands over what failed since last."""

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding
        self._problems: list[str] = []

    def declare(self, charset: str | None) -> None:
        """The charset the server declares, used when the catalog entry names none."""
        if self.encoding is not None:
            return
        try:
            self.encoding = codecs.lookup(charset or "utf-8").name
        except LookupError:
            self.encoding = "utf-8"

    def decode(self, number: int, line: bytes) -> str:
        encoding = self.encoding or "utf-8"
        # "utf-8-sig" also drops a byte-order mark, which only the first line carries
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        try:
            return line.decode(codec)
        except UnicodeDecodeError as exc:
            self._problems.append(
                f"line {number}: byte 0x{line[exc.start]:02x} at column {exc.start + 1} is not "
                f"{encoding}; if the file is in another encoding, set source.encoding in the "
                "catalog entry (e.g. latin-1 or cp1252)"
            )
            return line.decode(codec, errors="replace")

    def take_problems(self) -> list[str]:
        problems, self._problems = self._problems, []
        return problems


def unreadable(code: str, message: str) -> dict[str, str]:
    """The ``UNREADABLE_KEY`` value of a record the source could not read faithfully."""
    return {"code": code, "message": message}
