"""Helpers for tests that run ``permitdb`` as a real process and talk to the server it starts."""

from __future__ import annotations

import queue
import socket
import subprocess
import threading
import time

import httpx

STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def printed_key(process: subprocess.Popen[str], heading: str) -> tuple[str, str]:
    """Everything ``process`` printed up to the API key shown under ``heading``, and the key
    (the first non-blank line after the heading line)."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None, "start the process with stdout=subprocess.PIPE"
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    seen: list[str] = []
    under_heading = False
    while True:
        line = lines.get(timeout=STARTUP_TIMEOUT_S)
        seen.append(line)
        if line.startswith(heading):
            under_heading = True
        elif under_heading and line.strip():
            return "".join(seen), line.strip()


def wait_until_serving(base: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/v1/health")
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        return
    raise AssertionError(f"nothing answered on {base} within {STARTUP_TIMEOUT_S} s")
