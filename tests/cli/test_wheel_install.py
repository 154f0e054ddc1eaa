"""The built wheel, installed in a fresh virtualenv outside the checkout, finds its bundled
recordings and rule files, ingests a recording and answers over HTTP.

One slow test (building, installing, starting a server), run by ``make test`` like any other.
It builds with the uv that ``make venv`` installs and installs the hash-locked
``requirements/main.txt`` (from uv's cache once the dev venv exists).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.cli.serving import free_port, wait_until_serving

REPO = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).parent / "uv"
DATASET = "austin-tx/issued-construction-permits"  # 17 records in the recording


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, env=env
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_wheel_outside_the_checkout_ingests_a_recording_and_serves_it(
    tmp_path: Path,
) -> None:
    run(UV, "build", "--wheel", "--quiet", "--out-dir", tmp_path / "dist", REPO, cwd=REPO)
    [wheel] = (tmp_path / "dist").glob("permitdb-*.whl")
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    run(UV, "pip", "install", "--quiet", "--python", python, "-r", REPO / "requirements/main.txt")
    run(UV, "pip", "install", "--quiet", "--python", python, "--no-deps", wheel)

    elsewhere = tmp_path / "elsewhere"  # no recordings/, no src/ and no .env here
    elsewhere.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PERMITDB_DATA_DIR": str(elsewhere / "data"),
        "PERMITDB_SECRET_KEY": "wheel-test-secret",
    }
    permitdb = venv / "bin" / "permitdb"

    def cli(*args: str) -> str:
        return run(permitdb, *args, cwd=elsewhere, env=env)

    installed = run(python, "-c", "import permitdb; print(permitdb.__file__)", cwd=elsewhere)
    assert Path(installed.strip()).is_relative_to(venv)
    # every entry's recording is in the package, and the rule files load
    assert "catalog entries valid" in cli("catalog", "check")
    assert "succeeded" in cli("ingest", DATASET, "--from-recordings")
    key = cli("--demo", "keys", "create", "--name", "wheel-test").split("\n\n")[1].strip()

    port = free_port()
    with subprocess.Popen(
        [permitdb, "--demo", "serve", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base)
            response = httpx.get(
                f"{base}/v1/permits?limit=100", headers={"Authorization": f"Bearer {key}"}
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert response.status_code == 200, response.text
    assert len(response.json()["data"]) == 17
