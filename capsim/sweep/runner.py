"""Running a sweep: every missing (point, replication) through `capsim.run.map_unordered`,
each result written to the store as soon as it arrives.

Replication ``r`` of point ``k`` runs with seed `Sweep.seed_of` (k) and replication
number ``r``: it depends on (sweep seed, point, replication) only, never on which worker ran it
or when, so a resumed sweep gives the very numbers of an uninterrupted one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from capsim.run import default_workers, map_unordered, ready_engine, run_replication
from capsim.scenario.models import Scenario
from capsim.sweep.analysis import SweepResult
from capsim.sweep.plan import Sweep, load_sweep, prepare_sweep
from capsim.sweep.store import RunValues, SweepStore, store_path, stored_spec


@dataclass(frozen=True)
class PointRun:
    """One replication of one point: picklable, so any worker can run it. ``outputs`` holds
    (year, facility, metric) of each output, in the spec's order."""

    point: int
    replication: int
    seed: int
    scenario: Scenario
    outputs: tuple[tuple[str, str, str], ...]

    def __str__(self) -> str:
        return f"point {self.point}, replication {self.replication}, seed {self.seed}"


def run_point(task: PointRun) -> RunValues:
    """Simulate one replication of one point; return its outputs and counts of women."""
    res = run_replication(task.scenario, task.replication, task.seed)
    return RunValues(
        point=task.point, replication=task.replication, seed=task.seed,
        values=output_values(res.metrics, task.outputs),
        arrivals=res.arrivals, delivered=res.delivered, out_of_region=res.out_of_region,
        in_progress=res.in_progress, wall_seconds=res.wall_seconds)


def output_values(metrics: pd.DataFrame,
                  outputs: tuple[tuple[str, str, str], ...]) -> tuple[float, ...]:
    """Values of (year, facility, metric) ``outputs`` in one replication's metrics table
    (columns year, facility, metric, value), each in its metric's unit; NaN if absent."""
    # A few outputs among a thousand rows: compared column by column, not indexed (building
    # an index cost more than the lookups).
    year, facility, metric, value = (metrics[c].to_numpy()
                                     for c in ("year", "facility", "metric", "value"))
    found = []
    for y, f, m in outputs:
        rows = np.flatnonzero((metric == m) & (facility == f) & (year == y))
        found.append(float(value[rows[0]]) if rows.shape[0] else math.nan)
    return tuple(found)


def pending(sweep: Sweep, done: set[tuple[int, int]]) -> list[PointRun]:
    """The simulations of ``sweep`` not in ``done``, by point then replication."""
    outputs = tuple((o.year, o.facility, o.metric) for o in sweep.spec.outputs)
    return [PointRun(k, r, sweep.seed_of(k), sweep.scenarios[k], outputs)
            for k in range(sweep.design.points) for r in range(sweep.spec.replications)
            if (k, r) not in done]


def run_sweep(sweep: Sweep | str | Path, out: str | Path, workers: int | None = None,
              progress: bool | Callable[[int, int], None] = False,
              client=None) -> SweepResult:
    """Run a sweep (a `Sweep` or a sweep file) into the folder ``out``; return its
    `SweepResult`.

    Simulations already in ``out/sweep.sqlite`` are not run again, so an interrupted sweep
    resumes where it stopped. ``workers`` defaults to every local core (1 runs in this
    process); ``client`` (a dask Client or scheduler address) runs them on a dask cluster.
    ``progress=True`` shows a progress bar with the time left; a callable receives
    (simulations done, total) after each one is stored.
    """
    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    workers = default_workers() if workers is None else int(workers)
    with SweepStore(out, sweep) as store:
        done = store.done()
        todo = pending(sweep, done)
        total, count = sweep.runs, len(done)
        if todo:
            ready_engine(client=client)
        bar = None
        if progress is True and todo:
            from tqdm.auto import tqdm

            bar = tqdm(total=total, initial=count, desc=sweep.spec.name, unit="sim",
                       smoothing=0.1)
        try:
            for run in map_unordered(run_point, todo, workers, client=client):
                store.add(run)
                count += 1
                if bar is not None:
                    bar.update(1)
                elif callable(progress):
                    progress(count, total)
        finally:
            if bar is not None:
                bar.close()
        return SweepResult(sweep, store.results(), store.runs())


def open_sweep(out: str | Path, sweep: Sweep | str | Path | None = None) -> SweepResult:
    """Read a sweep's results from ``out/sweep.sqlite`` without simulating.

    ``sweep`` (a `Sweep` or its file) must be the one the store was made with; by
    default the spec saved in the store is used. The result may be incomplete (see
    `SweepResult.complete`)."""
    if sweep is None:
        sweep = prepare_sweep(stored_spec(out), source=str(store_path(out)))
    elif not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    with SweepStore(out, sweep, readonly=True) as store:
        return SweepResult(sweep, store.results(), store.runs())
