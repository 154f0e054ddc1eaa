"""The deployment files: the Dockerfile, deploy/compose.yaml and the systemd units.

Their ``permitdb`` command lines exist in the CLI, the files they copy or point at exist, and
the compose file parses with the services docs/operations.md describes. When this machine has
a working container runtime, the image is built and run, and its /v1/health answers.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from commandlines import cli_problem, permitdb_invocations

ROOT = Path(__file__).parents[1]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose.yaml"
UNITS = sorted((ROOT / "deploy").glob("*.service"))
HEALTH_PATH = "/v1/health"


def _instructions(name: str) -> list[str]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in text.splitlines() if line.startswith(f"{name} ")]


def test_dockerfile_copies_files_that_exist_and_the_context_keeps() -> None:
    kept = [
        line[1:] for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] == "!"
    ]
    copied = [c.split()[:-1] for c in _instructions("COPY") if not c.startswith("--from")]
    assert copied
    for sources in copied:
        for source in sources:
            assert (ROOT / source).exists(), source
            assert any(source.rstrip("/") == k.rstrip("/") for k in kept), source


def test_dockerfile_runs_unprivileged_with_a_healthcheck_and_a_real_command() -> None:
    assert _instructions("USER")[-1] not in ("root", "0")
    assert _instructions("FROM")[-1].startswith("${PYTHON_IMAGE}")
    assert "slim" in _instructions("ARG")[0]
    (healthcheck,) = _instructions("HEALTHCHECK")
    assert f"127.0.0.1:8000{HEALTH_PATH}" in healthcheck
    (install_dependencies,) = [r for r in _instructions("RUN") if "requirements/main.txt" in r]
    assert "--require-hashes" in install_dependencies
    (command,) = _instructions("CMD")
    program, *args = json.loads(command)
    assert program == "permitdb"
    assert cli_problem(args) is None


def compose_services() -> dict[str, dict[str, object]]:
    services: dict[str, dict[str, object]] = yaml.safe_load(COMPOSE.read_text())["services"]
    return services


def _commands(service: dict[str, object]) -> list[list[str]]:
    command = service.get("command")
    if not isinstance(command, list):
        return []
    if command[:2] == ["sh", "-c"]:
        return permitdb_invocations(command[2])
    return [command[1:]] if command[0] == "permitdb" else []


def test_compose_runs_postgres_a_migration_the_api_and_one_sync_worker() -> None:
    services = compose_services()
    assert set(services) == {"postgres", "migrate", "api", "sync"}
    assert _commands(services["migrate"]) == [["db", "migrate"]]
    assert [args[0] for args in _commands(services["api"])] == ["serve"]
    assert [args[0] for args in _commands(services["sync"])] == ["ingest"]
    for name in ("api", "sync"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    # The image's HEALTHCHECK asks the API; only the api service runs one
    assert "healthcheck" not in services["api"]
    for name in ("migrate", "sync"):
        assert services[name]["healthcheck"] == {"disable": True}
    for service in services.values():
        for args in _commands(service):
            assert cli_problem(args) is None
    build = services["api"]["build"]
    assert isinstance(build, dict)
    assert (COMPOSE.parent / build["context"] / "Dockerfile").is_file()


def test_compose_variables_are_in_the_example_environment() -> None:
    required = set(re.findall(r"\$\{(\w+)[:?-]", COMPOSE.read_text()))
    example = (COMPOSE.parent / "env.example").read_text()
    given = {
        line.split("=", 1)[0] for line in example.splitlines() if "=" in line and line[0] != "#"
    }
    assert required <= given


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_units_run_real_commands(unit: Path) -> None:
    lines = [line for line in unit.read_text().splitlines() if line.startswith("Exec")]
    assert lines
    for line in lines:
        (args,) = permitdb_invocations(line.split("=", 1)[1])
        assert cli_problem(args) is None, line


def _container_runtime() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    info = subprocess.run([docker, "info"], capture_output=True, check=False)
    return docker if info.returncode == 0 else None


def _wait_for_health(url: str, timeout_s: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                answer: dict[str, object] = json.load(response)
                return answer
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_image_builds_runs_and_answers_health() -> None:
    docker = _container_runtime()
    if docker is None:
        pytest.skip("no container runtime here: 'docker info' fails or docker is not installed")
    tag = f"permitdb-test:{uuid.uuid4().hex[:8]}"
    subprocess.run([docker, "build", "--tag", tag, str(ROOT)], check=True)
    container = ""
    try:
        container = subprocess.run(
            [docker, "run", "--detach", "--publish", "127.0.0.1::8000", tag],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        port = (
            subprocess.run(
                [docker, "port", container, "8000/tcp"], capture_output=True, text=True, check=True
            )
            .stdout.split(":")[-1]
            .strip()
        )
        health = _wait_for_health(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout_s=120)
        assert health["status"] in ("ok", "degraded")
        user = subprocess.run(
            [docker, "exec", container, "id", "-u"], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert user != "0"
    finally:
        if container:
            subprocess.run([docker, "rm", "--force", container], capture_output=True, check=False)
        subprocess.run([docker, "image", "rm", "--force", tag], capture_output=True, check=False)
