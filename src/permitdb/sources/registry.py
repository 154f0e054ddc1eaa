"""Which connector reads which catalog entry: one class per platform, picked by ``platform``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from permitdb.catalog.model import CatalogEntry, Platform
from permitdb.sources.arcgis import ArcGISSource
from permitdb.sources.base import Source
from permitdb.sources.carto import CartoSource
from permitdb.sources.ckan import CKANSource
from permitdb.sources.files import FileSource
from permitdb.sources.http import HttpClient
from permitdb.sources.socrata import SocrataSource

SourceFactory = Callable[[CatalogEntry, HttpClient], Source]

SOURCES: Final[dict[Platform, SourceFactory]] = {
    "socrata": SocrataSource,
    "arcgis": ArcGISSource,
    "ckan": CKANSource,
    "carto": CartoSource,
    "file": FileSource,
}


def build_source(entry: CatalogEntry, client: HttpClient) -> Source:
    """The connector for ``entry``, fetching through ``client``."""
    return SOURCES[entry.source.platform](entry, client)
