"""build_source picks the connector class for each catalog platform."""

from __future__ import annotations

from typing import Any

import pytest

from permitdb.settings import Settings
from permitdb.sources.arcgis import ArcGISSource
from permitdb.sources.carto import CartoSource
from permitdb.sources.ckan import CKANSource
from permitdb.sources.files import FileSource
from permitdb.sources.http import HttpClient
from permitdb.sources.registry import SOURCES, build_source
from permitdb.sources.socrata import SocrataSource
from permitdb.testing import entry_for

CASES: list[tuple[dict[str, Any], type]] = [
    (
        {"platform": "socrata", "domain": "data.example.gov", "dataset_id": "abcd-1234"},
        SocrataSource,
    ),
    (
        {
            "platform": "arcgis",
            "layer_url": "https://gis.example.gov/arcgis/rest/services/Permits/MapServer/0",
        },
        ArcGISSource,
    ),
    (
        {"platform": "ckan", "base_url": "https://data.example.gov", "resource_id": "r-1"},
        CKANSource,
    ),
    (
        {"platform": "carto", "base_url": "https://x.carto.com", "table": "permits"},
        CartoSource,
    ),
    ({"platform": "file", "url": "permits.csv", "format": "csv"}, FileSource),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0]["platform"] for c in CASES])
def test_build_source_picks_the_platforms_connector(source: dict[str, Any], expected: type) -> None:
    with HttpClient(settings=Settings(_env_file=None)) as client:
        assert isinstance(build_source(entry_for(source, "unused"), client), expected)


def test_every_platform_has_a_connector() -> None:
    assert sorted(SOURCES) == sorted(case[0]["platform"] for case in CASES)
