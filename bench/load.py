"""A closed-loop load driver: N threads, each doing one task after another, until a budget ends.

A task is one unit of client work (one lookup, or a search followed over a few pages); it
times each request it makes through a ``Recorder``. Threads stop when the request budget is
spent or the wall-clock cap passes, whichever comes first, so a slow path cannot stall the
run. Latency is per request; throughput is completed requests over the wall time.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from itertools import count
from typing import Generic, TypeVar

T = TypeVar("T")
S = TypeVar("S")


class RequestFailed(Exception):
    """A request that completed with an answer the benchmark did not expect."""


@dataclass(slots=True)
class Recorder:
    """One thread's latencies; ``timed`` runs a request and records how long it took."""

    deadline: float
    budget: int
    errors_caught: tuple[type[BaseException], ...]
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None

    @property
    def done(self) -> bool:
        return (
            len(self.latencies) + self.errors >= self.budget or time.perf_counter() > self.deadline
        )

    def timed(self, request: Callable[[], T]) -> T | None:
        """The request's result, or None when it failed (counted, and the task should stop)."""
        started = time.perf_counter()
        try:
            result = request()
        except self.errors_caught as exc:
            self.errors += 1
            self.first_error = self.first_error or f"{type(exc).__name__}: {exc}"
            return None
        self.latencies.append(time.perf_counter() - started)
        return result


Task = Callable[[S, Recorder], object]  # the result, if any, is ignored


@dataclass(frozen=True, slots=True)
class Stats:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    first_error: str | None  # what went wrong, when errors > 0


@dataclass(frozen=True, slots=True)
class Load(Generic[S]):
    """What to run: ``session`` opens one thread's client; ``tasks`` are taken round-robin."""

    session: Callable[[], AbstractContextManager[S]]
    tasks: Sequence[Task[S]]
    errors_caught: tuple[type[BaseException], ...] = (RequestFailed,)


def drive(load: Load[S], *, concurrency: int, requests: int, seconds: float) -> Stats:
    """Run ``load`` on ``concurrency`` threads for at most ``requests`` requests / ``seconds``."""
    start = threading.Barrier(concurrency + 1)
    next_task = count()  # next() on itertools.count is atomic under the GIL
    per_thread = max(1, -(-requests // concurrency))
    recorders: list[Recorder] = []

    def worker() -> None:
        opened = False
        try:
            with load.session() as session:
                opened = True
                start.wait()
                recorder = Recorder(time.perf_counter() + seconds, per_thread, load.errors_caught)
                recorders.append(recorder)
                while not recorder.done:
                    load.tasks[next(next_task) % len(load.tasks)](session, recorder)
        finally:
            if not opened:
                start.abort()  # release the others; the error surfaces from result() below

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(worker) for _ in range(concurrency)]
        with suppress(threading.BrokenBarrierError):
            start.wait()  # every session is open: connection setup is not measured
        began = time.perf_counter()
        for future in futures:
            future.result()
    elapsed = time.perf_counter() - began
    latencies = [value for recorder in recorders for value in recorder.latencies]
    return Stats(
        requests=len(latencies),
        errors=sum(recorder.errors for recorder in recorders),
        seconds=elapsed,
        p50_ms=_percentile(latencies, 50),
        p99_ms=_percentile(latencies, 99),
        first_error=next((r.first_error for r in recorders if r.first_error), None),
    )


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000
