"""permitdb requests: the operator lists what API callers asked for and sets its status."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from permitdb.api.app import create_app
from permitdb.cli.app import app
from permitdb.settings import get_settings
from permitdb.store.engine import engine_from_settings

KEY = re.compile(r"pdb_live_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}")


def test_list_and_set_status_of_requests_made_through_the_api(
    runner: CliRunner, data_dir: Path
) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    keys = [
        KEY.findall(runner.invoke(app, ["keys", "create", "--name", name]).output)[0]
        for name in ("a", "b")
    ]
    engine = engine_from_settings(get_settings())
    with TestClient(create_app(engine, get_settings(), catalog=[])) as client:
        for key in keys:
            client.post(
                "/v1/jurisdictions/requests",
                json={"name": "St. Louis", "state": "MO"},
                headers={"X-API-Key": key},
            )
        client.post(
            "/v1/jurisdictions/requests",
            json={"name": "Tulsa", "state": "OK"},
            headers={"X-API-Key": keys[0]},
        )

        listed = runner.invoke(app, ["requests", "list"])
        assert listed.exit_code == 0, listed.output
        rows = [
            [cell.strip() for cell in line.strip("│ ").split("│")]
            for line in listed.output.splitlines()
            if "St. Louis" in line or "Tulsa" in line
        ]
        assert [row[1:5] for row in rows] == [
            ["MO", "St. Louis", "requested", "2"],
            ["OK", "Tulsa", "requested", "1"],
        ]
        request_id = rows[0][0]

        planned = runner.invoke(app, ["requests", "set-status", request_id, "planned"])
        assert planned.exit_code == 0, planned.output
        assert "planned" in planned.output
        served = client.get("/v1/jurisdictions/requests", headers={"X-API-Key": keys[1]}).json()[
            "data"
        ]
        assert [(item["name"], item["status"]) for item in served] == [
            ("St. Louis", "planned"),
            ("Tulsa", "requested"),
        ]

    unknown_status = runner.invoke(app, ["requests", "set-status", request_id, "done"])
    assert unknown_status.exit_code == 1
    assert "declined" in unknown_status.output
    unknown_id = runner.invoke(app, ["requests", "set-status", "999", "covered"])
    assert unknown_id.exit_code == 1
    assert "requests list" in unknown_id.output
    engine.dispose()
