"""The ingest and export progress columns: rate from Rich's window, and an ETA from it."""

from __future__ import annotations

from rich.progress import Progress, TimeRemainingColumn

from permitdb.cli.progress import RateColumn, RowsColumn


def test_rate_and_eta_follow_the_rows_read() -> None:
    now = [0.0]
    progress = Progress(get_time=lambda: now[0], auto_refresh=False, disable=True)
    task_id = progress.add_task("austin-tx/issued-construction-permits", total=10_000)
    for _ in range(4):  # 1,000 rows a second
        now[0] += 1.0
        progress.advance(task_id, 1_000)
    task = progress.tasks[0]
    assert str(RateColumn().render(task)) == "1,000 rows/s"
    assert str(TimeRemainingColumn().render(task)) == "0:00:06"
    assert str(RowsColumn().render(task)) == "4,000 rows, 1,000 rows/s"

    now[0] += 2.0
    progress.update(task_id, completed=10_000)  # done: the whole run's average
    assert task.finished
    assert str(RateColumn().render(task)) == "1,667 rows/s"


def test_rate_before_any_row_is_zero() -> None:
    progress = Progress(get_time=lambda: 0.0, auto_refresh=False, disable=True)
    progress.add_task("export", total=None)
    assert str(RateColumn().render(progress.tasks[0])) == "0 rows/s"
