"""permitdb quality: tables per dataset, --json for machines, exit 1 when nothing matches."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.testing.portal import default_recordings_dir

DATASET = "new-york-city-ny/dob-certificate-of-occupancy"


def test_quality_after_ingest(runner: CliRunner, data_dir: Path) -> None:
    ingested = runner.invoke(app, ["ingest", DATASET, "--from-recordings"])
    assert ingested.exit_code == 0, ingested.output
    # --from-recordings wrote to the demo database; --demo reads it back

    table = runner.invoke(app, ["--demo", "quality", "new-york-city-ny"])
    assert table.exit_code == 0, table.output
    assert f"{DATASET}: 5 records" in table.output
    assert "Fill rate" in table.output
    assert "permit_number" in table.output

    as_json = runner.invoke(app, ["--demo", "quality", DATASET, "--json"])
    assert as_json.exit_code == 0, as_json.output
    [report] = orjson.loads(as_json.stdout)
    assert report["key"] == DATASET
    assert report["records"] == 5
    assert report["fill_rate"]["permit_number"] == 1.0
    assert sum(report["status"].values()) == 5
    assert set(report["unmapped"]) == {"status_raw", "permit_type", "permit_class"}

    by_jurisdiction = runner.invoke(app, ["--demo", "quality", "--by", "jurisdiction", "--json"])
    assert [r["key"] for r in orjson.loads(by_jurisdiction.stdout)] == ["new-york-city-ny"]


def test_unmapped_values_agree_with_normalize(runner: CliRunner, data_dir: Path) -> None:
    # The recording's untagged permit types and unclassed permit classes, counted from what
    # `permitdb normalize` prints, are the to-do list `quality` reads back from the database.
    dataset = "new-york-city-ny/dob-job-application-filings"
    payload = default_recordings_dir() / "socrata" / f"{dataset}.csv"
    printed = runner.invoke(app, ["normalize", "--jurisdiction", dataset, str(payload)])
    records = [orjson.loads(line) for line in printed.stdout.splitlines()]
    untagged = Counter(r["permit_type"] for r in records if not r["tags"] and r["permit_type"])
    unclassed = Counter(
        r["permit_class"] for r in records if r["property_class"] == "unknown" and r["permit_class"]
    )
    assert untagged or unclassed, "the recording should give the to-do list something"

    assert runner.invoke(app, ["ingest", dataset, "--from-recordings"]).exit_code == 0
    [report] = orjson.loads(runner.invoke(app, ["--demo", "quality", dataset, "--json"]).stdout)
    unmapped = report["unmapped"]
    assert {row["value"]: row["records"] for row in unmapped["permit_type"]} == untagged
    assert {row["value"]: row["records"] for row in unmapped["permit_class"]} == unclassed
    counts = [row["records"] for row in unmapped["permit_type"]]
    assert counts == sorted(counts, reverse=True)
    table = runner.invoke(app, ["--demo", "quality", dataset])
    assert "raw field" in table.output


def test_nothing_to_report_is_exit_1(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    result = runner.invoke(app, ["quality", "austin-tx"])  # in the catalog, not yet synced
    assert result.exit_code == 1
    assert "no records for austin-tx" in result.output
    assert "Traceback" not in result.output
