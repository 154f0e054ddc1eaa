"""What an operator gets wrong (settings, database, secret) ends as one line saying what to do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from permitdb.cli.app import app
from permitdb.cli.secret_check import check_secret_for
from permitdb.settings import Settings, get_settings
from permitdb.store.engine import create_engine_for
from permitdb.store.migrate import upgrade


def invoke(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> str:
    """Run ``permitdb args`` with ``env`` set; assert it failed in one line; return the line."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("url", "said"),
    [
        pytest.param(
            "mysql://root:hunter2@db/permits",
            [
                "PERMITDB_DATABASE_URL: mysql is not supported",
                "use sqlite:///path/to/permitdb.sqlite or postgresql://",
            ],
            id="unsupported",
        ),
        pytest.param(
            "postgresql://postgres:hunter2@127.0.0.1:1/none",
            [
                "cannot use the database postgresql+psycopg://postgres:***@127.0.0.1:1/none",
                "Connection refused",
            ],
            id="unreachable",
        ),
    ],
)
def test_a_bad_database_url_is_named_with_its_password_hidden(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch, url: str, said: list[str]
) -> None:
    line = invoke(runner, monkeypatch, "db", "migrate", PERMITDB_DATABASE_URL=url)
    assert all(words in line for words in said), line
    assert "hunter2" not in line


def test_a_database_newer_than_permitdb_says_to_upgrade_permitdb(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine_for(get_settings().resolved_database_url())
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '2099_01_01_0001'"))
    engine.dispose()
    for command in (["db", "migrate"], ["db", "status"]):
        line = invoke(runner, monkeypatch, *command)
        assert "is at revision 2099_01_01_0001, newer than this permitdb knows" in line
        assert "upgrade permitdb" in line
        assert "run 'permitdb db migrate'" not in line


def test_catalog_dirs_take_a_colon_separated_list_or_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for value in (f"{first}{os.pathsep}{second}", f'["{first}", "{second}"]'):
        monkeypatch.setenv("PERMITDB_CATALOG_DIRS", value)
        assert Settings(_env_file=None).catalog_dirs == [first, second]  # type: ignore[call-arg]
    monkeypatch.setenv("PERMITDB_CATALOG_DIRS", f"{first}{os.pathsep}")  # a trailing separator
    assert Settings(_env_file=None).catalog_dirs == [first]  # type: ignore[call-arg]


def test_a_bad_setting_is_one_line_naming_the_variable(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = invoke(runner, monkeypatch, "catalog", "check", PERMITDB_CATALOG_DIRS='["/a", ')
    assert "PERMITDB_CATALOG_DIRS: not a valid JSON list" in line
    line = invoke(
        runner,
        monkeypatch,
        "db",
        "status",
        PERMITDB_HTTP_MAX_RETRIES="many",
        PERMITDB_SECRET_KEY="x",
    )
    assert "PERMITDB_HTTP_MAX_RETRIES: Input should be a valid integer" in line
    assert "many" not in line  # values are never echoed: they may be secrets


def test_serving_beyond_localhost_needs_a_secret_of_ones_own(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PERMITDB_SECRET_KEY")
    for command in ("serve", "demo"):
        line = invoke(runner, monkeypatch, command, "--host", "0.0.0.0")
        assert "PERMITDB_SECRET_KEY is the built-in default" in line
        assert "before serving on 0.0.0.0" in line
    assert not (data_dir / "permitdb.sqlite").exists()  # refused before touching anything


def test_the_default_secret_on_localhost_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PERMITDB_SECRET_KEY", raising=False)
    default = Settings(_env_file=None)  # type: ignore[call-arg]
    for host in ("127.0.0.1", "localhost", "::1"):
        check_secret_for(host, default)
        assert "warning: PERMITDB_SECRET_KEY is the built-in default" in capsys.readouterr().err
    own = Settings(_env_file=None, secret_key="a-long-random-value")  # type: ignore[call-arg]
    check_secret_for("0.0.0.0", own)
    assert capsys.readouterr().err == ""


def test_serve_no_migrate_refuses_a_database_behind_the_code(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = invoke(runner, monkeypatch, "serve", "--no-migrate")
    assert "is at revision none (empty)" in line
    assert "run 'permitdb db migrate' first" in line


def test_creating_a_key_under_the_default_secret_warns(
    runner: CliRunner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["db", "migrate"]).exit_code == 0
    made = runner.invoke(app, ["keys", "create", "--name", "own-secret"])
    assert made.exit_code == 0, made.output
    assert "warning" not in made.output
    monkeypatch.delenv("PERMITDB_SECRET_KEY")
    get_settings.cache_clear()
    made = runner.invoke(app, ["keys", "create", "--name", "default-secret"])
    assert made.exit_code == 0, made.output
    assert "warning: PERMITDB_SECRET_KEY is the built-in default" in made.output
