"""Reading catalog files: YAML in, validated ``CatalogEntry`` objects (or named problems) out.

Every problem is reported as ``key.path: message`` under the file's path, so a contributor can
fix a catalog file without reading Python. Validation collects everything it finds, across all
files, before anyone has to act on the first error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from permitdb.catalog.model import CatalogEntry
from permitdb.errors import CatalogError

BUNDLED_DIR = Path(__file__).resolve().parent / "jurisdictions"
SUFFIX = ".yaml"
REFERENCE = "docs/catalog-reference.md"

# Pydantic names the branch of a union it tried inside the error location ("str", "FieldSpec",
# the platform tag of `source`); users wrote no such key, so these are dropped from key paths.
_BRANCH_LABELS = frozenset({"str", "int", "float", "bool", "list[str]", "FieldSpec"})
_MISMATCH = frozenset({"string_type", "list_type", "int_type", "float_type", "model_type"})
_PLATFORMS = frozenset({"socrata", "arcgis", "ckan", "carto", "file"})


def load_entry_file(path: Path) -> CatalogEntry:
    """Parse and validate one catalog file; raise ``CatalogError`` naming every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(str(path), [f"cannot read the file ({exc}); check it exists"]) from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(str(path), [_yaml_problem(exc)]) from None
    if not isinstance(document, dict):
        raise CatalogError(
            str(path),
            [
                "the file must be a YAML mapping of catalog keys (dataset, name, jurisdiction, "
                f"...), not {type(document).__name__}; see {REFERENCE}"
            ],
        )
    try:
        return CatalogEntry.model_validate(document)
    except ValidationError as exc:
        raise CatalogError(str(path), problems_of(exc)) from None


def validate_catalog_files(
    extra_dirs: Sequence[Path] = (), *, recordings_dir: Path | None = None
) -> tuple[list[CatalogEntry], list[CatalogError]]:
    """Every valid entry under ``BUNDLED_DIR`` and ``extra_dirs``, and every problem found.

    With ``recordings_dir``, an entry whose recording is not there is a problem too (a live
    sync needs no recording, so only ``catalog check`` and the replay portal ask).
    """
    entries: list[CatalogEntry] = []
    errors: list[CatalogError] = []
    origin: dict[str, Path] = {}  # entry.slug -> its file
    for path in _catalog_files([BUNDLED_DIR, *extra_dirs], errors):
        try:
            entry = load_entry_file(path)
        except CatalogError as exc:
            errors.append(exc)
            continue
        problems = _layout_problems(path, entry)
        if recordings_dir is not None:
            problems += recording_problems(entry, recordings_dir)
        if entry.slug in origin:
            problems.append(
                f"dataset: {entry.slug!r} is already defined in {origin[entry.slug]}; "
                "give this dataset another `dataset` slug or remove one of the files"
            )
        if problems:
            errors.append(CatalogError(str(path), problems))
            continue
        origin[entry.slug] = path
        entries.append(entry)
    errors.extend(_jurisdiction_disagreements(entries, origin))
    return sorted(entries, key=lambda e: e.slug), errors


def load_catalog(extra_dirs: Sequence[Path] = ()) -> list[CatalogEntry]:
    """All catalog entries sorted by slug; raise the first ``CatalogError`` if any file is bad."""
    entries, errors = validate_catalog_files(extra_dirs)
    if errors:
        raise errors[0]
    return entries


def select_entries(entries: Sequence[CatalogEntry], selectors: Sequence[str]) -> list[CatalogEntry]:
    """Entries named by jurisdiction slugs (``austin-tx``) or dataset slugs (``austin-tx/x``)."""
    chosen: dict[str, CatalogEntry] = {}
    unknown: list[str] = []
    for selector in selectors:
        wanted = selector.strip().strip("/")
        matches = [e for e in entries if wanted in (e.slug, e.jurisdiction.slug)]
        if not matches:
            unknown.append(selector)
        chosen.update((e.slug, e) for e in matches)
    if unknown:
        names = sorted({e.slug for e in entries} | {e.jurisdiction.slug for e in entries})
        raise CatalogError("catalog selection", [_unknown_selector(s, names) for s in unknown])
    return sorted(chosen.values(), key=lambda e: e.slug)


def recording_problems(entry: CatalogEntry, recordings_dir: Path) -> list[str]:
    """``recording.*: <file> does not exist ...`` for each recorded file of ``entry`` missing."""
    files = {"recording.path": entry.recording.path}
    if entry.recording.layer_metadata is not None:
        files["recording.layer_metadata"] = entry.recording.layer_metadata
    return [
        f"{key}: {recordings_dir / relative} does not exist. Put the recorded payload there, or "
        f"set PERMITDB_RECORDINGS_DIR to the folder that holds the recordings (now "
        f"{recordings_dir})"
        for key, relative in files.items()
        if not (recordings_dir / relative).is_file()
    ]


def problems_of(error: ValidationError) -> list[str]:
    """Pydantic's errors as ``dotted.key.path: message`` lines, union noise removed."""
    details = error.errors()
    kept = [d for d in details if not _losing_branch(d, details)]
    root_mismatches: dict[str, list[str]] = {}
    problems: list[str] = []
    for detail in kept:
        where = _dotted(detail["loc"])
        if _is_root_mismatch(detail):
            root_mismatches.setdefault(where, []).append(detail["msg"])
            continue
        problems.append(f"{where}: {_message(detail)}")
    for where, messages in root_mismatches.items():
        kinds = " or ".join(m.removeprefix("Input should be ") for m in dict.fromkeys(messages))
        problems.append(f"{where}: Input should be {kinds}")
    return list(dict.fromkeys(problems))


def _catalog_files(dirs: Iterable[Path], errors: list[CatalogError]) -> list[Path]:
    files: list[Path] = []
    for directory in dirs:
        if not directory.is_dir():
            errors.append(
                CatalogError(
                    str(directory),
                    [
                        "catalog directory does not exist; create it or remove it from "
                        "PERMITDB_CATALOG_DIRS"
                    ],
                )
            )
            continue
        errors.extend(
            CatalogError(str(misnamed), [f"catalog files end in {SUFFIX}; rename the file"])
            for misnamed in sorted(directory.rglob("*.yml"))
        )
        files.extend(sorted(directory.rglob(f"*{SUFFIX}")))
    return files


def _layout_problems(path: Path, entry: CatalogEntry) -> list[str]:
    """The file must live at ``<jurisdiction.slug>/<dataset>.yaml``."""
    problems = []
    if path.stem != entry.dataset:
        problems.append(
            f"dataset: {entry.dataset!r} does not match the file name {path.name!r}; rename the "
            f"file to {entry.dataset}{SUFFIX} or change `dataset`"
        )
    if path.parent.name != entry.jurisdiction.slug:
        problems.append(
            f"jurisdiction.slug: {entry.jurisdiction.slug!r} does not match the folder "
            f"{path.parent.name!r}; move the file to {entry.jurisdiction.slug}/ or fix the slug"
        )
    return problems


def _jurisdiction_disagreements(
    entries: Sequence[CatalogEntry], origin: dict[str, Path]
) -> list[CatalogError]:
    """Every file of one jurisdiction must carry the same jurisdiction block as the first.

    "First" in load order (the bundled catalog, then each extra folder in turn), so a user's
    own file is the one asked to match the bundled block, wherever the folders sit on disk.
    """
    first: dict[str, CatalogEntry] = {}
    errors = []
    for entry in entries:
        reference = first.setdefault(entry.jurisdiction.slug, entry)
        mine, theirs = entry.jurisdiction.model_dump(), reference.jurisdiction.model_dump()
        differing = [key for key in mine if mine[key] != theirs[key]]
        if differing:
            errors.append(
                CatalogError(
                    str(origin[entry.slug]),
                    [
                        f"jurisdiction.{key}: {mine[key]!r} here but {theirs[key]!r} in "
                        f"{origin[reference.slug]}; make the jurisdiction blocks identical"
                        for key in differing
                    ],
                )
            )
    return errors


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "YAML"
    return f"{where}: YAML syntax error: {problem}; fix the indentation or quoting there"


def _is_label(loc: tuple[int | str, ...], index: int) -> bool:
    part = loc[index]
    if not isinstance(part, str):
        return False
    if part in _BRANCH_LABELS or part.startswith("function-"):
        return True
    return part in _PLATFORMS and index > 0 and loc[index - 1] == "source"


def _dotted(loc: tuple[int | str, ...]) -> str:
    kept = [str(part) for index, part in enumerate(loc) if not _is_label(loc, index)]
    return ".".join(kept) or "(top level)"


def _is_root_mismatch(detail: ErrorDetails) -> bool:
    """The value simply is not of one union branch's type (e.g. 'should be a valid string')."""
    loc = detail["loc"]
    return bool(loc) and _is_label(loc, len(loc) - 1) and detail["type"] in _MISMATCH


def _losing_branch(detail: ErrorDetails, details: Sequence[ErrorDetails]) -> bool:
    """A root mismatch is noise when another branch of the same union says something specific."""
    if not _is_root_mismatch(detail):
        return False
    group = detail["loc"][:-1]
    return any(
        other["loc"][: len(group)] == group and not _is_root_mismatch(other)
        for other in details
        if other is not detail
    )


def _message(detail: ErrorDetails) -> str:
    match detail["type"]:
        case "extra_forbidden":
            return f"unknown key; remove it or fix its spelling (every key is in {REFERENCE})"
        case "missing":
            return f"required key is missing; add it (see {REFERENCE})"
    return str(detail["msg"]).removeprefix("Value error, ")


def _unknown_selector(selector: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(selector, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "no close match."
    return (
        f"{selector!r} is neither a jurisdiction nor a dataset in the catalog; {hint} "
        "Use a jurisdiction slug (austin-tx) or a dataset slug "
        "(austin-tx/issued-construction-permits)."
    )
