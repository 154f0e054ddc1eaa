"""Progress-bar columns shared by the commands that move rows (ingest, export)."""

from __future__ import annotations

from rich.progress import ProgressColumn, Task
from rich.text import Text


def rows_per_second(task: Task) -> float:
    """While running, Rich's speed over its recent window (what the ETA uses); once done, the
    whole run's average; 0 before any row."""
    if task.finished_time:
        return task.completed / task.finished_time
    return task.speed or 0.0


class RateColumn(ProgressColumn):
    """Rows per second over the last few seconds (Rich's windowed speed)."""

    def render(self, task: Task) -> Text:
        return Text(f"{rows_per_second(task):,.0f} rows/s")


class RowsColumn(ProgressColumn):
    """Rows written so far and the rate: for a task whose total is not known."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.completed:,.0f} rows, {rows_per_second(task):,.0f} rows/s")
