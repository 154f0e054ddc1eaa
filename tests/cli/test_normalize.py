"""permitdb normalize: a saved payload -> canonical NDJSON on stdout, rejects on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from typer.testing import CliRunner

from permitdb.catalog.load import BUNDLED_DIR
from permitdb.cli.app import app
from permitdb.testing.portal import default_recordings_dir

RECORDINGS = default_recordings_dir()
PLUTO_FILE = BUNDLED_DIR / "new-york-city-ny" / "pluto-new-construction-parcels.yaml"
PLUTO_CSV = RECORDINGS / "socrata" / "new-york-city-ny" / "pluto-latest.csv"


def json_lines(text: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in text.splitlines() if line.strip()]


def test_records_by_dataset_slug(runner: CliRunner, data_dir: Path) -> None:
    payload = RECORDINGS / "socrata" / "austin-tx" / "issued-construction-permits.json"
    result = runner.invoke(
        app, ["normalize", "--jurisdiction", "austin-tx/issued-construction-permits", str(payload)]
    )
    assert result.exit_code == 0, result.stderr
    records = json_lines(result.stdout)
    assert len(records) == len(orjson.loads(payload.read_bytes()))
    first = records[0]
    assert first["dataset"] == "austin-tx/issued-construction-permits"
    assert first["status"] in {"issued", "finaled", "expired", "cancelled", "in_review"}
    assert isinstance(first["tags"], list)
    assert all(r["issued_date"] is None or len(r["issued_date"]) == 10 for r in records)
    [summary] = json_lines(result.stderr)
    assert summary["summary"]["records"] == len(records)


def test_rejects_go_to_stderr_with_their_codes(runner: CliRunner, data_dir: Path) -> None:
    payload = (
        RECORDINGS / "socrata" / "new-york-city-ny" / "dob-now-approved-permits-shifted-rows.json"
    )
    result = runner.invoke(
        app,
        ["normalize", "--jurisdiction", "new-york-city-ny/dob-now-approved-permits", str(payload)],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    *rejects, summary = json_lines(result.stderr)
    assert [r["code"] for r in rejects] == ["pattern_mismatch", "pattern_mismatch"]
    assert all(r["field"] == "permit_number" and r["raw"] for r in rejects)
    assert summary["summary"] == {
        "read": 2,
        "records": 0,
        "rejected": 2,
        "skipped": 0,
        "duplicates": 0,
    }


def test_a_catalog_file_of_ones_own(runner: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    # the bundled lots are 1950-1986; a fixed reference year makes one of them recent
    entry = tmp_path / "pluto-new-construction-parcels.yaml"
    text = PLUTO_FILE.read_text(encoding="utf-8")
    entry.write_text(text.replace("recent_years: 3", "since_year: 1986"), encoding="utf-8")
    result = runner.invoke(app, ["normalize", "--jurisdiction", str(entry), str(PLUTO_CSV)])
    assert result.exit_code == 0, result.stderr
    [record] = json_lines(result.stdout)
    assert record["record_class"] == "new_construction_parcel"
    assert (record["parcel_id"], record["address"]) == ("2054800121", "737 CLARENCE AVE")
    assert record["tags"] == ["new_construction"]
    assert record["property_class"] == "residential"
    assert json_lines(result.stderr)[-1]["summary"]["skipped"] == 4


def test_bundled_parcel_entry_skips_old_buildings(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(app, ["normalize", "--jurisdiction", str(PLUTO_FILE), str(PLUTO_CSV)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json_lines(result.stderr) == [
        {"summary": {"read": 5, "records": 0, "rejected": 0, "skipped": 5, "duplicates": 0}}
    ]


def test_an_invalid_catalog_file_names_file_and_key(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    entry = tmp_path / "lots.yaml"
    entry.write_text("dataset: lots\nname: Lots\npage_size: 0\n", encoding="utf-8")
    result = runner.invoke(app, ["normalize", "--jurisdiction", str(entry), str(PLUTO_CSV)])
    assert result.exit_code == 1
    assert str(entry) in result.stderr
    assert "page_size" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_payload_is_exit_1(runner: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    payload = tmp_path / "page.json"
    payload.write_text("<html>rate limited</html>", encoding="utf-8")
    for given in (payload, tmp_path / "missing.json"):
        result = runner.invoke(app, ["normalize", "--jurisdiction", "austin-tx", str(given)])
        assert result.exit_code == 1
        assert "cannot read" in result.stderr
        assert result.stdout == ""


def test_a_jurisdiction_of_several_datasets_asks_for_one(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(app, ["normalize", "--jurisdiction", "new-york-city-ny", "x.json"])
    assert result.exit_code == 1
    assert "new-york-city-ny/pluto-new-construction-parcels" in result.stderr
