"""Wall time of 100 replications of the Jizhou scenario serially, on 2 local processes and on
a dask ``LocalCluster`` of 2 single-threaded worker processes, side by side in one run.

    python benchmarks/parallel.py [--replications 100] [--workers 2] [--rounds 3]

The three modes are timed in turn, ``--rounds`` times (serial, local, dask, serial, ...), so
that a change in the machine's load falls on all of them; the table gives the median of each
mode and its speed-up over the serial median. The dask cluster exists only for its own timing
(an idle cluster still uses CPU, which would slow the other modes): its start and the first
import of capsim in its workers are not timed (reported apart), as a long-lived cluster pays
them once. Local worker processes are kept between runs (`capsim.parallel`), so the first
local round includes starting them and the later ones do not (the rounds are listed). Every
mode must give bit-identical tables, or the benchmark fails.

On a shared machine the wall times depend on the others' load (recorded before and after each
timing), so CPU seconds are recorded too: the driver's (this process, which also hosts the
dask scheduler), and the workers' (local processes once reaped; dask workers as each reports
its own). ``cpu_bound_speedup`` = serial CPU / the shortest wall time those CPU seconds allow
on this machine's cores (the largest of: all CPU / cores, the workers' CPU per worker, the
driver's CPU): the speed-up an otherwise idle machine would give at best.
Writes ``benchmarks/results/parallel.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

import capsim
from capsim.run import run_replication

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "jizhou-alliance.yaml"
OUT = ROOT / "benchmarks" / "results" / "parallel.json"
AIM = 1.8


def warm_worker(path: str) -> int:
    """Import capsim and run one replication in a dask worker; return its process id."""
    run_replication(capsim.load_scenario(path), 0)
    return os.getpid()


def children_cpu() -> float:
    """CPU seconds of this process's child processes: those reaped, and those still running
    (the local workers capsim keeps between runs)."""
    import psutil

    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    running = 0.0
    for child in psutil.Process().children():
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:    # reaped meanwhile: counted by getrusage next time
            continue
        running += times.user + times.system
    return use.ru_utime + use.ru_stime + running


def assert_identical(a: capsim.Results, b: capsim.Results) -> None:
    """The tables of two runs are equal to the last bit."""
    pd.testing.assert_frame_equal(a.metrics, b.metrics, check_exact=True)
    pd.testing.assert_frame_equal(a.flows, b.flows, check_exact=True)
    pd.testing.assert_frame_equal(a.accounting, b.accounting, check_exact=True)
    np.testing.assert_array_equal(a.daily_census, b.daily_census)


def time_local(scenario, n: int, workers: int) -> tuple[capsim.Results, dict]:
    """Simulate in this process (workers=1) or on local processes; return the results and
    the timing: wall_s, driver CPU s, workers CPU s."""
    children0 = children_cpu()
    t0, c0 = time.perf_counter(), time.process_time()
    res = capsim.simulate(scenario, replications=n, workers=workers)
    wall, driver = time.perf_counter() - t0, time.process_time() - c0
    return res, {"wall_s": wall, "driver_cpu_s": driver,
                 "workers_cpu_s": children_cpu() - children0}


def time_dask(scenario, n: int, workers: int) -> tuple[capsim.Results, dict]:
    """Start a LocalCluster, warm its workers, simulate on it, close it; return the results
    and the timing, with the untimed cluster start and warm-up."""
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster, set_as_default=False) as client:
        cluster_start = time.perf_counter() - started
        started = time.perf_counter()
        client.run(warm_worker, str(SCENARIO))
        warm_up = time.perf_counter() - started
        workers0 = sum(client.run(time.process_time).values())
        t0, c0 = time.perf_counter(), time.process_time()
        res = capsim.simulate(scenario, replications=n, client=client)
        wall, driver = time.perf_counter() - t0, time.process_time() - c0
        workers_cpu = sum(client.run(time.process_time).values()) - workers0
    return res, {"wall_s": wall, "driver_cpu_s": driver, "workers_cpu_s": workers_cpu,
                 "cluster_start_s": cluster_start, "warm_up_s": warm_up}


def main(argv: list[str] | None = None) -> int:
    """Time the three modes, print the table, write the JSON; return 0."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replications", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    n, w = args.replications, args.workers
    cores = os.cpu_count() or 1
    scenario = capsim.load_scenario(SCENARIO)
    run_replication(scenario, 0)            # imports and caches of this process, untimed

    modes = {"serial": (time_local, 1), f"{w} local processes": (time_local, w),
             f"dask LocalCluster, {w} workers": (time_dask, w)}
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    reference = None
    for _ in range(args.rounds):
        for mode, (timer, processes) in modes.items():
            before = os.getloadavg()[0]
            res, timing = timer(scenario, n, processes)
            timing["load_average_1min_before_after"] = [round(before, 2),
                                                        round(os.getloadavg()[0], 2)]
            runs[mode].append(timing)
            if reference is None:
                reference = res
            else:
                assert_identical(reference, res)

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[mode])

    serial_wall, serial_cpu = median("serial", "wall_s"), median("serial", "driver_cpu_s")
    rows = []
    for mode, (_, processes) in modes.items():
        driver, workers = median(mode, "driver_cpu_s"), median(mode, "workers_cpu_s")
        best_wall = max((driver + workers) / cores, workers / processes, driver)
        rows.append({
            "mode": mode, "median_wall_s": round(median(mode, "wall_s"), 2),
            "speedup": round(serial_wall / median(mode, "wall_s"), 2),
            "driver_cpu_s": round(driver, 3), "workers_cpu_s": round(workers, 3),
            "cpu_bound_speedup": round(serial_cpu / best_wall, 2),
            "rounds": [{k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
                       for r in runs[mode]],
        })
    record = {
        "scenario": SCENARIO.name, "replications": n, "workers": w, "rounds": args.rounds,
        "identical_tables": True, "aim_speedup": AIM, "modes": rows,
        "cpu_count": cores, "python": platform.python_version(),
        "capsim": capsim.__version__, "dask": _dask_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    table = pd.DataFrame([{
        "mode": r["mode"], "median wall (s)": r["median_wall_s"],
        "all rounds (s)": ", ".join(f"{x['wall_s']:.2f}" for x in r["rounds"]),
        "speed-up": r["speedup"],
        "CPU driver/workers (s)": f"{r['driver_cpu_s']:.2f}/{r['workers_cpu_s']:.2f}",
        "CPU-bound speed-up": r["cpu_bound_speedup"],
        "load avg 1 min (before→after)": "; ".join(
            f"{a:.1f}→{b:.1f}" for a, b in (x["load_average_1min_before_after"]
                                            for x in r["rounds"])),
    } for r in rows])
    dask_mode = f"dask LocalCluster, {w} workers"
    print(f"{n} replications of {SCENARIO.name}, {args.rounds} rounds, {cores} cores; "
          "tables identical in every mode")
    print(table.to_string(index=False))
    print(f"dask: cluster start {median(dask_mode, 'cluster_start_s'):.1f} s and worker "
          f"warm-up {median(dask_mode, 'warm_up_s'):.1f} s (medians, not timed). "
          f"Aim: speed-up >= {AIM} in both parallel modes.")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def _dask_version() -> str:
    import distributed

    return distributed.__version__


if __name__ == "__main__":
    raise SystemExit(main())
