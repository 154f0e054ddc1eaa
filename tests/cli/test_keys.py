"""permitdb keys: create, list, revoke, against the real API."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from permitdb.api.app import create_app
from permitdb.api.key_cache import KEY_CACHE_SECONDS
from permitdb.cli.app import app
from permitdb.settings import get_settings
from permitdb.store.engine import engine_from_settings

KEY = re.compile(r"pdb_live_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}")


def test_create_list_revoke_round_trip(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    created = runner.invoke(app, ["keys", "create", "--name", "roofer-co", "--quota", "1000"])
    assert created.exit_code == 0, created.output
    (key,) = KEY.findall(created.output)
    assert "cannot be shown again" in created.output

    engine = engine_from_settings(get_settings())
    api = create_app(engine, get_settings(), catalog=[])
    seconds = [0.0]
    api.state.permitdb.keys.clock = lambda: seconds[0]
    with TestClient(api) as client:
        assert client.get("/v1/permits", headers={"X-API-Key": key}).status_code == 200

        listed = runner.invoke(app, ["keys", "list"])
        assert listed.exit_code == 0, listed.output
        assert key[:13] in listed.output
        assert "roofer-co" in listed.output
        assert key not in listed.output
        assert not re.search(r"[0-9a-f]{64}", listed.output)  # never the hash
        key_id = re.search(rf"(\d+)\s+\S*\s*{re.escape(key[:13])}", listed.output)
        assert key_id is not None

        revoked = runner.invoke(app, ["keys", "revoke", key_id.group(1)])
        assert revoked.exit_code == 0, revoked.output
        seconds[0] += KEY_CACHE_SECONDS  # the API trusts a verified key for this long
        response = client.get("/v1/permits", headers={"X-API-Key": key})
        assert response.json()["error"]["code"] == "invalid_api_key"

    again = runner.invoke(app, ["keys", "revoke", key_id.group(1)])
    assert again.exit_code == 1
    assert "keys list" in again.output
    engine.dispose()


def test_unknown_scope_is_refused(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    result = runner.invoke(app, ["keys", "create", "--name", "x", "--scope", "admin"])
    assert result.exit_code == 1
    assert "permits:read" in result.output
    assert not KEY.search(result.output)
