"""Running replications: one function runs one replication; :func:`simulate` runs many,
serially or on local processes, and gathers them in replication order.

The seed of replication ``r`` is derived from (scenario seed, r) only, so results do not depend
on how many workers ran them or in which order they finished.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from capsim.demand import build_cohort
from capsim.model import compile_network, run_engine
from capsim.results import ReplicationResult, Results, reduce_replication
from capsim.scenario.models import Scenario


class ReplicationError(RuntimeError):
    """A replication raised an error; says which one and with which seed, to rerun it alone."""

    def __init__(self, scenario: str, replication: int, seed: int, cause: BaseException):
        self.scenario, self.replication, self.seed = scenario, replication, seed
        super().__init__(
            f"scenario {scenario!r}, replication {replication}, seed {seed} failed: "
            f"{type(cause).__name__}: {cause}. Rerun it alone with "
            f"capsim.run_replication(scenario, {replication}, seed={seed})."
        )


def run_replication(scenario: Scenario, replication: int, seed: int | None = None,
                    trace_dir: str | Path | None = None) -> ReplicationResult:
    """Simulate replication ``replication`` of ``scenario``; return its compact results.

    ``seed`` defaults to the scenario's seed. With ``trace_dir``, a per-woman record of the
    replication is written there as ``trace-<replication>.csv.gz`` (not kept in memory).
    """
    seed = scenario.run.seed if seed is None else seed
    started = time.perf_counter()
    try:
        net = compile_network(scenario)
        cohort = build_cohort(scenario, replication, seed)
        record = run_engine(net, cohort)
        result = reduce_replication(net, record, replication, seed)
        if trace_dir is not None:
            write_trace(net, cohort, record, Path(trace_dir), replication)
    except Exception as exc:  # report which replication, with its seed
        raise ReplicationError(scenario.name, replication, seed, exc) from exc
    result.wall_seconds = time.perf_counter() - started
    return result


def write_trace(net, cohort, record, folder: Path, replication: int) -> Path:
    """Write one row per woman of a replication to ``folder``; return the file path.

    Times are hours since the start of the simulation (warm-up included)."""
    import numpy as np
    import pandas as pd

    from capsim.scenario.models import RISK_COLOURS

    folder.mkdir(parents=True, exist_ok=True)
    ids = np.asarray([*net.ids, "none"])
    df = pd.DataFrame({
        "replication": replication,
        "admit_h": cohort.admit_h,
        "event_h": cohort.event_h,
        "risk": np.asarray(RISK_COLOURS)[cohort.risk],
        "booked": ids[cohort.booked],
        "first_facility": ids[record.first],
        "delivery_facility": ids[record.facility],
        "mode": pd.Categorical.from_codes(record.mode + 1,
                                          ["none", "vaginal", "planned_cs", "emergency_cs"]),
        "delivered_h": record.delivered_h,
        "turned_away": record.turned_away,
        "out_of_region": record.out_of_region,
        "midwife_wait_h": record.midwife_wait_h,
        "ddi_min": record.ddi_min,
    })
    path = folder / f"trace-{replication:05d}.csv.gz"
    df.to_csv(path, index=False)
    return path


def default_workers() -> int:
    """Worker processes used when none are asked for: every core of this machine."""
    return max(1, os.cpu_count() or 1)


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def map_unordered(fn: Callable, items: Iterable, workers: int = 1) -> Iterator:
    """Apply ``fn`` to each item and yield the results as they finish (any order).

    ``workers <= 1`` runs in this process; otherwise on that many local processes. ``fn`` and
    the items must be picklable. The one way capsim runs many simulations: replications,
    comparisons, sweeps and sizing all go through it.
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(items)),
                             mp_context=_pool_context()) as pool:
        futures = [pool.submit(fn, item) for item in items]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


@dataclass(frozen=True)
class ReplicationTask:
    """One replication to run: picklable, so any worker can run it."""

    scenario: Scenario
    replication: int
    seed: int
    trace_dir: str | Path | None = None

    def __call__(self) -> ReplicationResult:
        return run_replication(self.scenario, self.replication, self.seed, self.trace_dir)


def _call(task: Callable[[], ReplicationResult]) -> ReplicationResult:
    return task()


def iterate_replications(scenario: Scenario, replications: Iterable[int], seed: int,
                         workers: int = 1,
                         trace_dir: str | Path | None = None) -> Iterator[ReplicationResult]:
    """Yield the results of the given replications as they finish (any order)."""
    tasks = [ReplicationTask(scenario, r, seed, trace_dir) for r in replications]
    yield from map_unordered(_call, tasks, workers)


def simulate(scenario: Scenario, replications: int | None = None, seed: int | None = None,
             workers: int | None = None, progress: bool | Callable[[int, int], None] = False,
             trace_dir: str | Path | None = None) -> Results:
    """Simulate ``replications`` independent replications of ``scenario``.

    Returns :class:`~capsim.results.Results` with replications in index order. ``replications``
    and ``seed`` default to the scenario's run settings; ``workers`` to every local core
    (1 runs in this process). ``progress=True`` shows a progress bar once a run lasts more than
    two seconds; a callable receives (done, total) after each replication.
    """
    n = scenario.run.replications if replications is None else int(replications)
    if n <= 0:
        raise ValueError(f"replications must be positive, got {n}")
    seed = scenario.run.seed if seed is None else int(seed)
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    workers = default_workers() if workers is None else int(workers)
    done: dict[int, ReplicationResult] = {}
    bar = None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=scenario.name, unit="rep", delay=2.0, leave=False)
    try:
        for res in iterate_replications(scenario, range(n), seed, workers, trace_dir):
            done[res.replication] = res
            if bar is not None:
                bar.update(1)
            elif callable(progress):
                progress(len(done), n)
    finally:
        if bar is not None:
            bar.close()
    return Results(scenario=scenario, network=compile_network(scenario), seed=seed,
                   replications=[done[r] for r in range(n)])
