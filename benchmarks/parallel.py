"""Wall time of 100 replications of the Jizhou scenario serially, on 2 local processes and on
a dask ``LocalCluster`` of 2 single-threaded worker processes, side by side in one run.

    python benchmarks/parallel.py [--replications 100] [--workers 2] [--rounds 3]

The three modes are timed in turn, ``--rounds`` times (serial, local, dask, serial, ...), so
that a change in the machine's load falls on all of them; the table gives the median of each
mode and its speed-up over the serial median. Not timed: starting the dask cluster and the
first import of capsim in its workers (reported apart), which a long-lived cluster pays once.
Every mode must give bit-identical tables, or the benchmark fails. The load average of the
machine is recorded before and after each timing: on a shared machine, read the speed-ups
with it. CPU seconds are recorded too (the driver's, and the workers': local processes once
they are reaped, dask workers as each reports its own), which other users of the machine do
not inflate: ``cpu_speedup`` = serial CPU / (the larger of the driver's CPU and the workers'
CPU per worker) is the speed-up a quiet machine would give if the work is spread evenly.
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
    """CPU seconds of this process's reaped child processes."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def dask_workers_cpu(client) -> float:
    """CPU seconds used so far by every dask worker process, summed."""
    return sum(client.run(time.process_time).values())


def assert_identical(a: capsim.Results, b: capsim.Results) -> None:
    """The tables of two runs are equal to the last bit."""
    pd.testing.assert_frame_equal(a.metrics, b.metrics, check_exact=True)
    pd.testing.assert_frame_equal(a.flows, b.flows, check_exact=True)
    pd.testing.assert_frame_equal(a.accounting, b.accounting, check_exact=True)
    np.testing.assert_array_equal(a.daily_census, b.daily_census)


def main(argv: list[str] | None = None) -> int:
    """Time the three modes, print the table, write the JSON; return 0."""
    from distributed import Client, LocalCluster

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replications", type=int, default=100)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    n, w = args.replications, args.workers
    scenario = capsim.load_scenario(SCENARIO)
    run_replication(scenario, 0)            # imports and caches of this process, untimed

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                           dashboard_address=":0", silence_logs=logging.ERROR)
    client = Client(cluster, set_as_default=False)
    cluster_start = time.perf_counter() - started
    started = time.perf_counter()
    client.run(warm_worker, str(SCENARIO))
    warm_up = time.perf_counter() - started

    modes = {"serial": {"workers": 1}, f"{w} local processes": {"workers": w},
             f"dask LocalCluster, {w} workers": {"client": client}}
    times: dict[str, list[float]] = {m: [] for m in modes}
    cpu: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    loads: dict[str, list[list[float]]] = {m: [] for m in modes}
    reference = None
    try:
        for _ in range(args.rounds):
            for mode, kwargs in modes.items():
                before = os.getloadavg()[0]
                on_dask = "client" in kwargs
                workers0 = dask_workers_cpu(client) if on_dask else children_cpu()
                t0, c0 = time.perf_counter(), time.process_time()
                res = capsim.simulate(scenario, replications=n, **kwargs)
                times[mode].append(time.perf_counter() - t0)
                workers1 = dask_workers_cpu(client) if on_dask else children_cpu()
                cpu[mode].append({"driver": time.process_time() - c0,
                                  "workers": workers1 - workers0})
                loads[mode].append([round(before, 2), round(os.getloadavg()[0], 2)])
                if reference is None:
                    reference = res
                else:
                    assert_identical(reference, res)
    finally:
        client.close()
        cluster.close()

    serial = statistics.median(times["serial"])
    serial_cpu = statistics.median(c["driver"] for c in cpu["serial"])
    rows = []
    for mode, kwargs in modes.items():
        med = statistics.median(times[mode])
        driver = statistics.median(c["driver"] for c in cpu[mode])
        workers = statistics.median(c["workers"] for c in cpu[mode])
        per_worker = workers / (kwargs.get("workers", w) if "client" not in kwargs else w)
        rows.append({"mode": mode, "median_s": round(med, 2),
                     "times_s": [round(t, 2) for t in times[mode]],
                     "speedup": round(serial / med, 2),
                     "cpu_driver_s": round(driver, 2), "cpu_workers_s": round(workers, 2),
                     "cpu_speedup": round(serial_cpu / max(driver, per_worker), 2),
                     "load_average_1min_before_after": loads[mode]})
    record = {
        "scenario": SCENARIO.name, "replications": n, "workers": w, "rounds": args.rounds,
        "identical_tables": True, "aim_speedup": AIM,
        "dask_cluster_start_s": round(cluster_start, 2),
        "dask_worker_warm_up_s": round(warm_up, 2),
        "modes": rows,
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "capsim": capsim.__version__, "dask": _dask_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    table = pd.DataFrame([{"mode": r["mode"], "median wall (s)": r["median_s"],
                           "all rounds (s)": ", ".join(f"{t:.1f}" for t in r["times_s"]),
                           "speed-up": r["speedup"],
                           "CPU driver/workers (s)": f"{r['cpu_driver_s']:.1f}/"
                                                     f"{r['cpu_workers_s']:.1f}",
                           "CPU speed-up": r["cpu_speedup"],
                           "load avg 1 min (before→after)": "; ".join(
                               f"{a:.1f}→{b:.1f}" for a, b in r["load_average_1min_before_after"])}
                          for r in rows])
    print(f"{n} replications of {SCENARIO.name}, {args.rounds} rounds, "
          f"{os.cpu_count()} cores; tables identical in every mode")
    print(table.to_string(index=False))
    print(f"dask: cluster start {cluster_start:.1f} s, worker warm-up {warm_up:.1f} s "
          f"(not timed). Aim: speed-up >= {AIM} in both parallel modes.")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def _dask_version() -> str:
    import distributed

    return distributed.__version__


if __name__ == "__main__":
    raise SystemExit(main())
