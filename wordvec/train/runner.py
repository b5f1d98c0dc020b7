"""The one thread runner every trainer uses: nogil kernels on worker threads, Python in between.

A trainer cuts its work into steps (a chunk of sentences, a share of an epoch's entries, a
round of co-occurrence chunks). Each step runs ``work(t)`` for every thread t concurrently on
a pool of worker threads; the kernels release the GIL, so the threads run in parallel, and
only the shared weights are written by several threads at once (Hogwild). Between steps the
main thread is free: it advances the progress bar, records the step (``trace``), checks that
the loss is finite, moves the learning rate, and takes Ctrl-C or SIGTERM.

An interrupt arrives in the main thread while it waits. The kernels cannot be stopped, so the
runner lets the current step finish (a step is about a second of work) before the exception
goes on: the arrays the kernels write stay alive until they are done, and the state is
consistent again when the caller's cleanup runs.

With a Checkpointer (train/checkpoint.py), SIGINT and SIGTERM only set a flag while the runner
is open; the trainer calls ``safe_point(state)`` after each step's bookkeeping, where the
state is saved when it is due (every --checkpoint-every minutes) or when a signal came, and
the run then stops with Interrupted. A resumed run starts its runner at the units already done.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, Callable

from ..errors import TrainingDiverged
from ..util.progress import progress_bar


class Runner:
    """Worker threads, a progress bar and a per-step record for one stage of training.

    threads: kernel calls per step. desc, unit, total: the progress bar ("skipgram", "word",
    epochs * tokens). Use as a context manager so the threads and the bar always close.
    """

    def __init__(self, threads: int, desc: str, unit: str, total: float | None, *,
                 checkpointer: Any = None, done: int = 0, trace: list[dict[str, Any]] | None = None):
        self.threads = threads
        self.unit = unit
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"wordvec-{desc}")
        self.bar = progress_bar(total=total, desc=desc, unit=unit, unit_scale=True, initial=done)
        self.done = done
        self.started = time.perf_counter()
        self.trace: list[dict[str, Any]] = list(trace or [])
        self.checkpointer = checkpointer
        if checkpointer is not None:
            checkpointer.start()

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.bar.close()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def safe_point(self, state: Callable[[], Any]) -> None:
        """Between steps, the trainer's bookkeeping done: save `state()` (a Checkpoint) when due
        or when a signal came; after a signal the run stops here with Interrupted."""
        if self.checkpointer is not None:
            self.checkpointer.at_safe_point(state)

    def step(self, work: Callable[[int], Any], units: int = 0) -> list[Any]:
        """Run work(t) for t in range(threads) concurrently; returns their results in thread order.

        units: how much of the bar's total this step covers.
        """
        futures = [self.pool.submit(work, t) for t in range(self.threads)]
        try:
            results = [future.result() for future in futures]
        except BaseException:
            wait(futures)  # Ctrl-C or an error: the other kernels still finish this step
            raise
        self.done += int(units)  # a numpy integer would reach meta.json as a string
        self.bar.update(units)
        return results

    def record(self, **metrics: float) -> None:
        """Note where the run stands after a step: units done, seconds, and the trainer's metrics."""
        self.trace.append({"done": self.done, "seconds": round(time.perf_counter() - self.started, 3),
                           **metrics})
        self.bar.set_postfix_str(" ".join(f"{k}={v:.5g}" for k, v in metrics.items()))

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


def load_kernels(*calls: Callable[[], Any]) -> float:
    """Run each call (a kernel on empty work) once, so numba loads or compiles the kernels now
    rather than inside the first timed step; returns the seconds it took. Training time and
    words per second are then the kernels' own, and the loading is reported apart."""
    started = time.perf_counter()
    for call in calls:
        call()
    return time.perf_counter() - started


def ensure_finite(value: float, message: str) -> None:
    """Stop training (nothing is written) when the loss is NaN or infinite."""
    if not math.isfinite(value):
        raise TrainingDiverged(message)
