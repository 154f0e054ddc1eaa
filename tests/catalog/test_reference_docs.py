"""docs/catalog-reference.md documents every key of every catalog model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from permitdb.catalog import fieldmap, model, sources, value_maps
from permitdb.catalog.base import Model

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog-reference.md"
MODELS = [
    model.CatalogEntry,
    model.Jurisdiction,
    model.SocrataSource,
    model.ArcGISSource,
    model.CKANSource,
    model.CartoSource,
    model.FileSource,
    model.Cursor,
    model.FieldSpec,
    model.ValueMaps,
    model.Recording,
    model.Licence,
    model.Parcels,
]


def sections() -> dict[str, str]:
    """Heading text naming a model as (`Model`) -> the text up to the next heading."""
    found: dict[str, str] = {}
    parts = re.split(r"^#+ .*\(`(\w+)`\)\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        found[name] = body.split("\n#")[0]
    return found


def test_every_catalog_model_is_listed() -> None:
    defined = {
        obj.__name__
        for module in (model, sources, fieldmap, value_maps)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model
    }
    assert defined == {m.__name__ for m in MODELS}


@pytest.mark.parametrize("cls", MODELS, ids=lambda m: m.__name__)
def test_every_key_is_documented(cls: type[BaseModel]) -> None:
    body = sections().get(cls.__name__)
    assert body is not None, f"docs/catalog-reference.md has no section for `{cls.__name__}`"
    missing = [key for key in cls.model_fields if f"| `{key}` |" not in body]
    assert missing == [], f"undocumented {cls.__name__} keys: {missing}"
