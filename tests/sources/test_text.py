"""The line decoder: the catalog's encoding wins, then the declared charset, then UTF-8."""

from __future__ import annotations

import pytest

from permitdb.sources.text import LineDecoder


@pytest.mark.parametrize(
    ("catalog", "declared", "expected"),
    [
        (None, None, "utf-8"),
        (None, "ISO-8859-1", "iso8859-1"),
        (None, "no-such-charset", "utf-8"),
        ("cp1252", "utf-8", "cp1252"),
    ],
)
def test_the_encoding_in_use(catalog: str | None, declared: str | None, expected: str) -> None:
    decoder = LineDecoder(catalog)
    decoder.declare(declared)
    assert decoder.encoding == expected


def test_a_bad_line_is_noted_and_decoded_with_replacement_characters() -> None:
    decoder = LineDecoder("utf-8")
    assert decoder.decode(1, b"\xef\xbb\xbfid,name\n") == "id,name\n"  # the BOM goes
    assert decoder.take_problems() == []
    assert decoder.decode(2, "7,caf\u00e9\n".encode("latin-1")) == "7,caf\ufffd\n"
    (problem,) = decoder.take_problems()
    assert problem.startswith("line 2: byte 0xe9 at column 6 is not utf-8")
    assert decoder.take_problems() == []  # handed over once
