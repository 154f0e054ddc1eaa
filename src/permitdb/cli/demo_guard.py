"""What keeps a second ``permitdb demo`` from breaking one that is already serving.

Two checks before the demo touches anything: the port must be free (otherwise the second demo
would reload the data and revoke the first one's key, then die on "address already in use"),
and the demo database must not be in use by another demo on another port (then its key stays
valid and its data is not reloaded under it).
"""

from __future__ import annotations

import errno
import fcntl
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "demo.lock"


def listen_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, as one line saying what to do; None
    when it can. Binds the way uvicorn does (SO_REUSEADDR), so a port in TIME_WAIT is free."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        return (
            f"cannot listen on {host!r} ({exc.strerror}). Pass an address this machine has: "
            "make demo HOST=127.0.0.1, or permitdb demo --host 127.0.0.1"
        )
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (a demo or server already "
                    f"running? try http://{host}:{port}/docs). Stop it, or pick another port: "
                    f"make demo PORT={port + 1}, or permitdb demo --port {port + 1}"
                )
            return (
                f"cannot listen on {host}:{port} ({exc.strerror}). Pick an address and port "
                "this user may use: make demo HOST=127.0.0.1 PORT=8000, or permitdb demo "
                "--host 127.0.0.1 --port 8000"
            )
    return None


@contextmanager
def demo_lock(data_dir: Path) -> Iterator[bool]:
    """Hold a share of ``<data_dir>/demo.lock`` while the block runs (a demo serving).

    Yields True when no other demo holds it: this one may reload the recordings and revoke
    earlier demo keys. The kernel drops the lock when the process ends, however it ends.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            alone = True
        except BlockingIOError:
            alone = False
        # Shared from here on: later demos see this one and leave its key alone.
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            yield alone
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
