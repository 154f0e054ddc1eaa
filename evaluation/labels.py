"""Label files: one per catalog dataset, validated against the vocabulary before anything is scored.

A label names its record by the 0-based ``row`` in the recording and repeats a readable ``key``
(docs/labelling-guide.md). Values are the vocabulary's ``Literal`` types, so a misspelt status
or tag is an error naming the file and the label, not a silently wrong score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from permitdb.vocabulary import PropertyClass, RecordClass, Status, Tag

LABELS_DIR: Final = Path(__file__).resolve().parent / "labels"
SLUG: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$"

AddressComponent = Literal["street_number", "street_name", "unit", "city", "state", "zip"]
ADDRESS_COMPONENTS: Final[tuple[AddressComponent, ...]] = get_args(AddressComponent)


class LabelFileError(ValueError):
    """A label file is unreadable or invalid; the message names the file and every problem."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}:\n" + "\n".join(f"  {problem}" for problem in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class AddressLabel(_Strict):
    """The site address's standardized components; a component left out is not scored."""

    street_number: str | None = None
    street_name: str | None = None
    unit: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None

    def labelled(self) -> dict[AddressComponent, str | None]:
        """The components the labeller wrote (an explicit null counts: it says "none")."""
        return {
            name: getattr(self, name)
            for name in ADDRESS_COMPONENTS
            if name in self.model_fields_set
        }


class Label(_Strict):
    row: int = Field(ge=0, description="0-based index of the record in the recording")
    key: str = Field(min_length=1, description="A readable key that lets a person check the row")
    record_class: RecordClass
    status: Status
    tags: list[Tag]
    category: Tag | None
    property_class: PropertyClass
    address: AddressLabel | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Label:
        if len(set(self.tags)) != len(self.tags):
            raise ValueError(f"tags {self.tags} repeat a tag")
        if self.category is not None and self.category not in self.tags:
            raise ValueError(f"category {self.category!r} is not one of the tags {self.tags}")
        return self


class LabelFile(_Strict):
    dataset: str = Field(pattern=SLUG, description="The catalog slug, <jurisdiction>/<dataset>")
    recording: str = Field(min_length=1, description="The recording, relative to recordings/")
    notes: str | None = None
    labels: list[Label] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_rows(self) -> LabelFile:
        rows = [label.row for label in self.labels]
        repeated = sorted({row for row in rows if rows.count(row) > 1})
        if repeated:
            raise ValueError(f"rows {repeated} are labelled more than once")
        return self

    @property
    def jurisdiction(self) -> str:
        return self.dataset.split("/", 1)[0]


def load_label_file(path: Path) -> LabelFile:
    """Parse and validate one label file; raise ``LabelFileError`` naming every problem."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LabelFileError(path, [f"cannot read the file: {exc}"]) from None
    if not isinstance(document, dict):
        raise LabelFileError(path, ["the file must be a mapping with dataset, recording, labels"])
    try:
        labels = LabelFile.model_validate(document)
    except ValidationError as exc:
        raise LabelFileError(path, _problems(exc, document)) from None
    expected = labels.dataset.replace("/", "--") + path.suffix
    if path.name != expected:
        raise LabelFileError(
            path, [f"dataset {labels.dataset!r} belongs in a file named {expected}"]
        )
    return labels


def load_label_files(directory: Path = LABELS_DIR) -> list[LabelFile]:
    """Every ``*.yaml`` label file in ``directory``, sorted by dataset."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise LabelFileError(directory, ["no *.yaml label files here"])
    return sorted((load_label_file(path) for path in files), key=lambda f: f.dataset)


def _problems(error: ValidationError, document: dict[str, object]) -> list[str]:
    """Pydantic's errors as ``labels[3] (row 12).status: message`` lines."""
    labels = document.get("labels")
    problems = []
    for detail in error.errors():
        parts: list[str] = []
        loc = detail["loc"]
        for index, part in enumerate(loc):
            if isinstance(part, int) and index > 0 and loc[index - 1] == "labels":
                row = labels[part].get("row") if isinstance(labels, list) else None
                parts[-1] += f"[{part}] (row {row})" if row is not None else f"[{part}]"
            else:
                parts.append(str(part))
        where = ".".join(parts) or "(top level)"
        message = "unknown key" if detail["type"] == "extra_forbidden" else detail["msg"]
        problems.append(f"{where}: {message.removeprefix('Value error, ')}")
    return problems
