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


def _key_id(runner: CliRunner, prefix: str) -> str:
    listed = runner.invoke(app, ["keys", "list"])
    match = re.search(rf"(\d+)\s+\S*\s*{re.escape(prefix)}", listed.output)
    assert match is not None, listed.output
    return match.group(1)


def test_update_disable_enable_rotate_against_the_api(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    created = runner.invoke(
        app, ["keys", "create", "--name", "solar-co", "--expires", "2999-01-31"]
    )
    assert created.exit_code == 0, created.output
    (key,) = KEY.findall(created.output)
    key_id = _key_id(runner, key[:13])

    engine = engine_from_settings(get_settings())
    api = create_app(engine, get_settings(), catalog=[])
    seconds = [0.0]
    api.state.permitdb.keys.clock = lambda: seconds[0]

    def code(secret: str) -> int:
        seconds[0] += KEY_CACHE_SECONDS  # past the cache: every answer reads the change
        return client.get("/v1/permits", headers={"X-API-Key": secret}).status_code

    with TestClient(api) as client:
        assert code(key) == 200
        updated = runner.invoke(app, ["keys", "update", key_id, "--scope", "places:read"])
        assert updated.exit_code == 0, updated.output
        assert code(key) == 403  # insufficient_scope: permits:read was replaced
        assert (
            runner.invoke(app, ["keys", "update", key_id, "--scope", "permits:read"]).exit_code == 0
        )
        assert code(key) == 200

        assert runner.invoke(app, ["keys", "disable", key_id]).exit_code == 0
        assert "disabled" in runner.invoke(app, ["keys", "list"]).output
        assert code(key) == 403
        assert runner.invoke(app, ["keys", "enable", key_id]).exit_code == 0
        assert code(key) == 200

        rotated = runner.invoke(app, ["keys", "rotate", key_id, "--grace", "1h"])
        assert rotated.exit_code == 0, rotated.output
        (new,) = KEY.findall(rotated.output)
        assert new != key
        assert _key_id(runner, new[:13]) == key_id
        assert code(new) == 200
        assert code(key) == 200
        assert runner.invoke(app, ["keys", "rotate", key_id, "--grace", "0s"]).exit_code == 0
        assert code(new) == 401
    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert '"expires_at": "2999-02-01T00:00:00+00:00"' in listed.output  # through Jan 31
    assert "key_hash" not in listed.output
    engine.dispose()


def test_key_changes_refuse_what_they_cannot_do(runner: CliRunner, data_dir: Path) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    for args, says in (
        (["keys", "create", "--name", "x", "--expires", "2001-01-01"], "in the past"),
        (["keys", "create", "--name", "x", "--expires", "soon"], "YYYY-MM-DD"),
        (["keys", "rotate", "1", "--grace", "forever"], "24h"),
        (["keys", "rotate", "1", "--grace", "91d"], "90 days"),
        (["keys", "update", "1"], "nothing to change"),
        (["keys", "update", "1", "--quota", "5", "--no-quota"], "not both"),
        (["keys", "disable", "99"], "keys list"),
        (["keys", "rotate", "99"], "keys list"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert says in result.output, (args, result.output)
        assert not KEY.search(result.output)
