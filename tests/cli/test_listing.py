"""Every command that takes slugs refuses an unknown one in one line; list commands speak JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from permitdb.catalog.load import load_catalog
from permitdb.cli.app import app
from permitdb.settings import get_settings

DATASET = "austin-tx/issued-construction-permits"
UNKNOWN = "austin-t"


@pytest.mark.parametrize(
    "command",
    [
        ["runs", "--dataset", UNKNOWN],
        ["quarantine", "--dataset", UNKNOWN],
        ["quality", UNKNOWN],
        ["ingest", UNKNOWN, "--from-recordings"],
        ["export", "--output", "permits.csv", "--jurisdiction", UNKNOWN],
        ["normalize", "--jurisdiction", UNKNOWN, "page.json"],
    ],
    ids=lambda command: command[0],
)
def test_unknown_slug_is_one_line_naming_it_and_how_to_list(
    runner: CliRunner, data_dir: Path, command: list[str]
) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert f"'{UNKNOWN}'" in result.output
    assert "did you mean 'austin-tx'" in result.output
    assert "'permitdb catalog check' lists" in result.output


@pytest.fixture
def recordings_in_live_database(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ingest --from-recordings`` writes to the database the listings read.

    (It writes to the demo database, PERMITDB_DEMO_DATABASE_URL, kept apart from the live one;
    here both are the test's.)
    """
    monkeypatch.setenv("PERMITDB_DEMO_DATABASE_URL", f"sqlite:///{data_dir / 'permitdb.sqlite'}")
    get_settings.cache_clear()


@pytest.mark.usefixtures("recordings_in_live_database")
def test_dataset_option_takes_a_one_dataset_jurisdiction(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["ingest", DATASET, "--from-recordings"]).exit_code == 0
    by_jurisdiction = runner.invoke(app, ["runs", "--dataset", "austin-tx", "--json"])
    assert by_jurisdiction.exit_code == 0, by_jurisdiction.output
    assert [run["dataset"] for run in json.loads(by_jurisdiction.output)] == [DATASET]


def test_export_jurisdiction_refuses_a_dataset_slug(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(app, ["export", "--output", "permits.csv", "--jurisdiction", DATASET])
    assert result.exit_code == 1
    assert "takes its jurisdiction, 'austin-tx'" in result.output


@pytest.mark.usefixtures("recordings_in_live_database")
def test_list_commands_print_json(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["ingest", DATASET, "--from-recordings"]).exit_code == 0
    assert runner.invoke(app, ["keys", "create", "--name", "ci"]).exit_code == 0

    runs = json.loads(runner.invoke(app, ["runs", "--json"]).output)
    assert [(run["dataset"], run["status"]) for run in runs] == [(DATASET, "succeeded")]
    assert runs[0]["fetched"] > 0

    quarantined = json.loads(runner.invoke(app, ["quarantine", "--json"]).output)
    assert len(quarantined) == runs[0]["rejected"]

    keys = json.loads(runner.invoke(app, ["keys", "list", "--json"]).output)
    assert [key["name"] for key in keys] == ["ci"]
    assert "key_hash" not in keys[0]
    assert keys[0]["prefix"].startswith("pdb_")

    assert json.loads(runner.invoke(app, ["requests", "list", "--json"]).output) == []

    catalog = json.loads(runner.invoke(app, ["catalog", "check", "--json"]).output)
    assert [entry["slug"] for entry in catalog] == [e.slug for e in load_catalog()]
