"""The versioned data files under ``normalize/rules/``: where the world varies, data, not code.

Each file carries a ``version:``; ``classification_rules`` strings and docs/vocabulary.md name
the version so a served tag can be traced to the rule text that produced it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

# Phrase lists match as whole words: no letter or digit may touch either end.
_WORD_START = r"(?<![A-Za-z0-9])"
_WORD_END = r"(?![A-Za-z0-9])"


@cache
def load_rule_file(name: str) -> dict[str, Any]:
    """The parsed ``rules/<name>.yaml``; it must be a mapping with a ``version``."""
    text = files("permitdb.normalize").joinpath("rules", f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"rules/{name}.yaml must be a mapping with a version")
    return data


def whole_words(patterns: list[str], *, ignore_case: bool = True) -> re.Pattern[str]:
    """One regex matching any of ``patterns`` (regex fragments) as whole words."""
    alternatives = "|".join(f"(?:{pattern})" for pattern in patterns)
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(f"{_WORD_START}(?:{alternatives}){_WORD_END}", flags)


def value_key(text: str) -> str:
    """How catalog value maps match raw values: case- and space-insensitively."""
    return " ".join(text.casefold().split())


def catalog_lookup(mapping: Mapping[str, T], raw: str) -> T | None:
    """``mapping[raw]`` matched case- and space-insensitively (catalog value maps)."""
    found: T | None = _keyed(mapping).get(value_key(raw))
    return found


def _keyed(mapping: Mapping[str, Any]) -> dict[str, Any]:
    # Value maps live on frozen catalog entries, so the same dict object comes back for
    # every record of a dataset: index it once. The entry keeps the mapping alive (no id reuse).
    cached = _indexes.get(id(mapping))
    if cached is None or cached[0] is not mapping:
        cached = (mapping, {value_key(key): value for key, value in mapping.items()})
        _indexes[id(mapping)] = cached
    return cached[1]


_indexes: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}
