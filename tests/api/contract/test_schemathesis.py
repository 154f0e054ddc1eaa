"""Schemathesis over the whole /openapi.json against a live, seeded server: 0 failures.

Every operation in the document is tested (routes added later included), in every phase:
examples, coverage, fuzzing, and stateful sequences that follow the document's links. All
checks run: server errors, status codes, content types, headers and bodies against the
documented schemas, schema-invalid input rejected, schema-valid input accepted, auth enforced.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.api.contract.schemathesis_hooks import refused_by_design

from permitdb.api.auth import SCOPES
from permitdb.canonical import PermitRecord

ROOT = Path(__file__).resolve().parents[3]
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_the_whole_document_holds(
    live_url: str, seeded: list[PermitRecord], make_key: Callable[..., str], tmp_path: Path
) -> None:
    # Every scope, so every operation is exercised past its 403: /metrics, /v1/places,
    # /v1/contractors, /v1/parcels, and the person-level filters (owner=) behind people:read.
    key = make_key(SCOPES)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_url}/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {key}",
    ]
    # The hooks module is imported by name from the repository root; the run's own files
    # (hypothesis caches) stay in the test's tmp dir.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]


@pytest.mark.parametrize(
    ("error", "accepted"),
    [
        ({"code": "invalid_cursor"}, True),
        ({"code": "invalid_parameter", "details": [{"type": "range_order"}]}, True),
        ({"code": "invalid_parameter", "details": [{"type": "combination"}]}, True),
        ({"code": "invalid_parameter", "details": [{"type": "export_paging"}]}, True),
        ({"code": "unknown_jurisdiction"}, True),
        (
            {"code": "invalid_parameter", "details": [{"type": "range_order"}, {"type": "enum"}]},
            False,
        ),
        ({"code": "invalid_parameter", "details": [{"type": "enum"}]}, False),
        ({"code": "invalid_parameter"}, False),
        ({"code": "unknown_parameter"}, False),
        ({}, False),
    ],
)
def test_only_the_refusals_by_design_are_dropped(error: dict[str, object], accepted: bool) -> None:
    assert refused_by_design(error) is accepted
