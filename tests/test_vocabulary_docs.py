"""docs/vocabulary.md tables each status, tag and property class with the meaning the API serves."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from permitdb.vocabulary import (
    PROPERTY_CLASS_MEANINGS,
    PROPERTY_CLASSES,
    STATUS_MEANINGS,
    STATUSES,
    TAG_MEANINGS,
    TAGS,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "vocabulary.md"


def documented(section: str) -> dict[str, str]:
    """``value -> meaning`` from the tables of the ``## <section>`` part of the docs."""
    parts = re.split(r"^## ", DOCS.read_text(), flags=re.MULTILINE)
    (part,) = (p for p in parts if p.startswith(section))
    return dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|", part, flags=re.MULTILINE))


@pytest.mark.parametrize(
    ("section", "meanings", "values"),
    [
        ("status", STATUS_MEANINGS, STATUSES),
        ("tags", TAG_MEANINGS, TAGS),
        ("property_class", PROPERTY_CLASS_MEANINGS, PROPERTY_CLASSES),
    ],
)
def test_meanings_match_the_docs(
    section: str, meanings: Mapping[str, str], values: frozenset[str]
) -> None:
    assert set(meanings) == values
    assert documented(section) == dict(meanings)
