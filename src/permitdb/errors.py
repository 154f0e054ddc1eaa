"""The error taxonomy every layer shares, grouped by what the caller must do next.

* :class:`RetriableSourceError`: the portal hiccuped (429, 5xx, timeout); back off and try again.
* :class:`FatalSourceError`: this dataset cannot be fetched until someone fixes something
  (bad endpoint, removed dataset, wrong field name); stop this dataset, keep the others going.
* :class:`IncompleteReadError`: the portal answered, but the sync cannot prove it read every
  record (a count mismatch, a repeated page, an ignored offset); the run ends ``incomplete``.
* :class:`SchemaDriftError`: a source field the catalog's field map reads disappeared or
  changed type; the run ends ``drifted`` until the catalog entry is fixed.
* :class:`RecordRejected`: one source record cannot become a canonical record; quarantine it
  with its stable reason code and go on.
* :class:`CatalogError`: a catalog file is invalid; the message names the file and key path.
* :class:`DatasetBusyError`: another process is syncing the dataset; wait for it to finish.
"""

from __future__ import annotations

from typing import Any


class PermitdbError(Exception):
    """Root of every error permitdb raises on purpose."""


class CatalogError(PermitdbError):
    """A catalog file failed validation."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        joined = "\n  ".join(problems)
        super().__init__(f"{path}: invalid catalog file\n  {joined}")


class SourceError(PermitdbError):
    """Something went wrong talking to a portal."""


class RetriableSourceError(SourceError):
    """Transient: retry with backoff. ``retry_after`` is the portal's own hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class FatalSourceError(SourceError):
    """Permanent for this dataset: the message says what the user must fix."""


class IncompleteReadError(SourceError):
    """The sync read less (or other) than the portal holds; the message says what it saw."""


class SchemaDriftError(SourceError):
    """The portal's records no longer have the fields (or types) the catalog entry maps."""


class DatasetBusyError(PermitdbError):
    """A sync of this dataset is already running elsewhere; the message names it."""


class RecordRejected(PermitdbError):
    """One record cannot be normalized. ``code`` is stable and documented (docs/quarantine.md)."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        self.code = code
        self.field = field
        super().__init__(message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self), "field": self.field}
