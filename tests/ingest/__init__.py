"""Ingest tests (a package, so that its module names may repeat other folders')."""
