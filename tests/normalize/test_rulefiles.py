from pathlib import Path

import pytest

from permitdb.normalize.rejects import REJECT_CODES
from permitdb.normalize.rulefiles import load_rule_file

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize(
    "name", ["tags", "statuses", "property_classes", "quality", "state_bounds"]
)
def test_rule_files_are_versioned(name: str) -> None:
    assert isinstance(load_rule_file(name)["version"], int)


def test_quarantine_doc_lists_every_code() -> None:
    text = (DOCS / "quarantine.md").read_text("utf-8")
    assert all(f"`{code}`" in text for code in REJECT_CODES)
