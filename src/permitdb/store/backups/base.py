"""What both engines' backups share: the error, the file checks, writing a file whole."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from permitdb.errors import PermitdbError
from permitdb.store.migrate import alembic_config


class BackupError(PermitdbError):
    """A backup or restore cannot go ahead; the message says what to do instead."""


@dataclass(frozen=True)
class Restored:
    """What a restore put in place: the backup's schema revision and whether it is the latest."""

    revision: str
    is_latest: bool


def check_revision(revision: str | None, path: Path) -> Restored:
    """``revision`` (read from the backup at ``path``) is one of this version's migrations."""
    if revision is None:
        raise BackupError(
            f"{path} holds no permitdb schema (no alembic_version row): it is not a permitdb "
            "backup. Pick a file written by 'permitdb db backup'."
        )
    script = ScriptDirectory.from_config(alembic_config())
    known = {script_revision.revision for script_revision in script.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"{path} is at schema revision {revision}, which this permitdb does not know: it "
            "was made by a newer version. Install that version (or newer) to restore it."
        )
    return Restored(revision=revision, is_latest=revision == script.get_current_head())


def refuse_overwrite(target: str) -> BackupError:
    return BackupError(
        f"{target} already holds a permitdb database; restoring replaces all of it. Back it "
        "up first ('permitdb db backup'), stop the server and ingest, then rerun with --force."
    )


def require_kind(path: Path, magic: bytes, otherwise: str) -> None:
    """The file at ``path`` starts with ``magic``, or the restore stops with ``otherwise``."""
    with path.open("rb") as file:
        if file.read(len(magic)) != magic:
            raise BackupError(f"{path} {otherwise}")


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A partial file beside ``path`` to write, renamed to ``path`` only once it is complete,
    so a failed backup never leaves a file that looks like a good one."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
