"""permitdb: US building-permit data from public portals, normalized and served by one REST API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("permitdb")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
