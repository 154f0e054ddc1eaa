"""``make clean`` removes the demo's database and never the live one beside it in data/."""

from __future__ import annotations

import subprocess
from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def test_make_clean_keeps_the_live_database(tmp_path: Path) -> None:
    # -f from another folder: the recipe's relative paths act on tmp_path, not this checkout
    data = tmp_path / "data"
    data.mkdir()
    live = ["permitdb.sqlite", "permitdb.sqlite-wal", "permitdb.sqlite-shm"]
    demo = ["demo.sqlite", "demo.sqlite-wal", "demo.sqlite-shm", "demo.lock"]
    for name in live + demo:
        (data / name).write_text(name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".ruff_cache").mkdir()

    done = subprocess.run(
        ["make", "--no-print-directory", "-f", str(MAKEFILE), "clean"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in data.iterdir()) == sorted(live)
    assert not (tmp_path / ".venv").exists()
    assert not (tmp_path / ".ruff_cache").exists()
