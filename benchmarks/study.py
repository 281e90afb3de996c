"""Where the time of a whole study goes: the phases of one replication of every shipped
scenario, a Sobol sweep on two cores, the first compile and the import, in one run.

    python benchmarks/study.py [--quick] [--large] [--rounds N]

(a) For each shipped scenario (``scenarios/*.yaml``), the phases of one replication in this
    process, one after the other on one core, the engine compiled beforehand: load + validate
    (``capsim.load_scenario``), network (``capsim.model.compile_network``), cohort (the
    women, ``capsim.demand.build_cohort``, and the newborns and children of the lines of care,
    ``capsim.model.care.draw_care``), engine (the maternity engine,
    ``capsim.model.run_engine``, and the admissions loop of the lines of care,
    ``capsim.model.care.admit_care``) and results (all the rest of
    ``capsim.run.run_replication``: ``capsim.results.reduce_replication`` with the rows of
    the lines of care, ``capsim.care.reduce_with_care``, and the monthly counts); milliseconds
    of this thread's CPU time (on an idle machine, its wall time; on a shared one, the time the
    phases took without what other processes took from them), means over ``--rounds``
    replications (10; quick 3): the file loaded and validated that many times, then the
    scenario, loaded once, runs three untimed replications and its timed ones one after the
    other, nothing else between them, as a run of it does.
    ``engine share`` is the engine's part of the five phases; ``replication/engine`` is
    (cohort + engine + results) / engine, what a replication of an already loaded scenario
    costs for each unit of simulation.
(b) ``capsim sweep scenarios/sweeps/nanjiang-beds.yaml`` (Sobol, 576 runs) with 2 workers into a
    temporary folder, as a whole command: wall seconds (skipped by ``--quick``).
(c) The first compile: all that the first runs after an install compile, in a fresh process
    whose numba cache folder (``NUMBA_CACHE_DIR``) is new and empty, as
    ``benchmarks/compile.py`` times it: ``capsim.run.ready_engine()`` (the engine, and beside
    it, in a process of its own, the results' compiled passes and the admissions loop of
    newborn and paediatric care), then what the first replication of the paediatric alliance
    still compiles; wall seconds inside that process, in all (CPU seconds in the JSON).
(d) ``python -c "import capsim"``: median wall seconds of whole processes, timed as
    ``benchmarks/imports.py`` times them.
(b') ``--large``: the same sweep with ``samples: 1024`` (9,216 runs) on 2 workers, wall
    seconds (target at most 120 s; not among the targets of the last line).
(e) 100 replications of ``scenarios/jizhou-alliance.yaml`` with ``capsim.simulate`` serially
    (``workers=1``) and on 2 local processes (``workers=2``), alternating, timed as
    ``benchmarks/parallel.py`` times them (5 rounds; quick 2): the median serial wall time over
    the median parallel one. The first parallel round starts the worker processes, which a
    session then keeps (`capsim.parallel`): it is listed in the JSON with the others. Both
    give bit-identical tables, or the benchmark fails.

Targets: replication/engine at most 2 on every shipped scenario; the sweep in at most 10 s;
the first compile in at most 15 s; the import in at most 0.3 s; the parallel speed-up at least
1.8. Writes ``benchmarks/results/study.json``; the last line reads ``replication/engine: X.XX,
sobol-576 on 2 cores: Y.Y s, first compile: Z.Z s, import: W.WW s, parallel 2 workers: P.PPx``
(the worst scenario's ratio). Exit code 1 when a full run misses a target.
"""

from __future__ import annotations

import os

# One core: numpy's own threads would blur the per-phase times (set before numpy loads).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from compile import first_compile  # noqa: E402  (benchmarks/compile.py)
from imports import commands, wall_seconds  # noqa: E402  (benchmarks/imports.py)
from parallel import SCENARIO as PARALLEL_SCENARIO  # noqa: E402  (benchmarks/parallel.py)
from parallel import assert_identical, time_local  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results" / "study.json"
SWEEP = ROOT / "scenarios" / "sweeps" / "nanjiang-beds.yaml"
PHASES = ("load + validate", "network", "cohort", "engine", "results")
#: Targets: replication/engine, sweep seconds, first-compile seconds, import seconds.
TARGETS = {"replication_over_engine": 2.0, "sobol_576_s": 10.0, "first_compile_s": 15.0,
           "import_s": 0.3, "parallel_2_workers_speedup": 1.8}
#: ``--large``: the base sample N of the large Sobol study, and its target (wall seconds).
LARGE_SAMPLES = 1024
LARGE_TARGET_S = 120.0
#: The targets that are floors; the others are ceilings.
AT_LEAST = {"parallel_2_workers_speedup"}


def scenario_files() -> list[Path]:
    """The shipped scenario files, sorted by name."""
    return sorted((ROOT / "scenarios").glob("*.yaml"))


def time_load(path: Path) -> float:
    """Seconds of loading and validating the scenario file at ``path`` (this thread's CPU)."""
    from capsim import load_scenario

    started = time.thread_time()
    load_scenario(path)
    return time.thread_time() - started


def time_phases(scenario: Any, replication: int) -> dict[str, float]:
    """Seconds of each phase after the load of one replication of ``scenario`` (loaded
    before), the steps of ``capsim.run.run_replication`` timed one by one (see the module's
    text): network, cohort, engine and results."""
    import numpy as np

    from capsim.care import reduce_with_care
    from capsim.demand import build_cohort
    from capsim.model import compile_network, run_engine
    from capsim.model.care import admit_care, draw_care
    from capsim.monthly import monthly_counts

    clock = time.thread_time  # CPU seconds of this thread: another process's load is not counted
    seed = scenario.run.seed
    t1 = clock()
    net = compile_network(scenario)
    t2 = clock()
    cohort = build_cohort(scenario, replication, seed)
    t3 = clock()
    record = run_engine(net, cohort)
    t4 = clock()
    # The newborns and children: drawn (cohort), then through their beds (engine).
    patients = draw_care(scenario, net, cohort, record, replication, seed)
    t5 = clock()
    care = admit_care(patients)
    t6 = clock()
    del cohort, patients  # as capsim.run does before reducing
    result = reduce_with_care(net, record, care, replication, seed, scenario.horizon.sim_start)
    result.monthly = monthly_counts(scenario, net, record).astype(np.float32)
    t7 = clock()
    return dict(zip(PHASES[1:], (t2 - t1, (t3 - t2) + (t5 - t4), (t4 - t3) + (t6 - t5),
                                 t7 - t6), strict=True))


#: Replications of each scenario run, untimed, before its timed ones: the first calls of its
#: functions, its caches and the memory its replications reuse.
WARM_UP_REPLICATIONS = 3


def measure_phases(paths: list[Path], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Seconds of every phase per scenario (by file stem) and replication (0 to rounds - 1).
    The file is loaded and validated ``rounds`` times (timed, the load + validate phase);
    then the scenario, loaded once, runs `WARM_UP_REPLICATIONS` untimed replications and its
    ``rounds`` timed ones one after the other, as a run or a study of that scenario does
    (what its replications share is worked out once: the figures of its women, its calendar
    and months; nothing else runs between them)."""
    from capsim import load_scenario
    from capsim.model import ensure_compiled

    ensure_compiled()
    samples = {p.stem: {phase: [] for phase in PHASES} for p in paths}
    for path in paths:
        mine = samples[path.stem]
        time_load(path)  # not timed: the first load's imports
        mine[PHASES[0]] = [time_load(path) for _ in range(rounds)]
        scenario = load_scenario(path)
        for k in range(WARM_UP_REPLICATIONS):
            time_phases(scenario, rounds + k)
        for k in range(rounds):
            for phase, seconds in time_phases(scenario, k).items():
                mine[phase].append(seconds)
    return samples


def time_sweep(workers: int = 2, samples: int | None = None) -> dict:
    """Wall seconds of ``capsim sweep`` of `SWEEP` with ``workers`` into a new folder, as
    a whole command, and the simulations' own seconds as the command reports them; with
    ``samples``, the same sweep with that base sample N (runs: N x (parameters + 2))."""
    with tempfile.TemporaryDirectory(prefix="capsim-study-") as tmp:
        spec = str(SWEEP.relative_to(ROOT))
        if samples is not None:
            import yaml

            data = yaml.safe_load(SWEEP.read_text(encoding="utf-8"))
            data["samples"] = samples
            data["scenario"] = str((SWEEP.parent / data["scenario"]).resolve())
            spec = str(Path(tmp) / "sweep.yaml")
            Path(spec).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        cmd = [sys.executable, "-m", "capsim", "sweep", spec, "--out",
               str(Path(tmp) / "out"), "--workers", str(workers)]
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the sweep failed:\n{done.stderr[-2000:]}")
    said = re.search(r"(\d+) simulations in ([\d.]+) s", done.stdout)
    shown = cmd[4] if samples is None else f"<{SWEEP.name} with samples: {samples}>"
    return {"command": " ".join(["capsim", "sweep", shown, "--out", "<temporary folder>",
                                 "--workers", str(workers)]),
            "wall_s": wall, "runs": int(said.group(1)) if said else None,
            "simulations_s": float(said.group(2)) if said else None}


def time_first_compile() -> dict:
    """All that the first runs after an install compile, in a fresh process with an empty
    numba cache folder, as ``benchmarks/compile.py`` times it: wall and CPU seconds of
    ``capsim.run.ready_engine()`` and of what the first replication with newborn and
    paediatric care still compiles, and in all (``wall_s``, ``cpu_s``)."""
    return first_compile(ROOT)


def time_import(rounds: int) -> list[float]:
    """Wall seconds of ``python -c "import capsim"`` per round (one untimed run first)."""
    argv = commands()["import capsim"]
    wall_seconds(argv)  # writes bytecode caches; not timed
    return [wall_seconds(argv) for _ in range(rounds)]


def time_parallel(rounds: int, replications: int = 100, workers: int = 2) -> dict:
    """Wall seconds of ``replications`` replications of the Jizhou scenario serially and on
    ``workers`` local processes, alternating ``rounds`` times; the speed-up is the ratio of
    the medians."""
    import capsim
    from capsim.run import run_replication

    scenario = capsim.load_scenario(PARALLEL_SCENARIO)
    run_replication(scenario, 0)  # imports and caches of this process, untimed
    runs: dict[str, list[dict]] = {"serial": [], f"{workers} workers": []}
    reference = None
    for _ in range(rounds):
        for mode, processes in zip(runs, (1, workers), strict=True):
            res, timing = time_local(scenario, replications, processes)
            runs[mode].append({k: round(v, 3) for k, v in timing.items()})
            if reference is None:
                reference = res
            else:
                assert_identical(reference, res)
    medians = {mode: statistics.median(r["wall_s"] for r in rs) for mode, rs in runs.items()}
    serial, parallel = medians.values()
    # As benchmarks/parallel.py: the speed-up the CPU seconds allow on an otherwise idle
    # machine (a shared machine's load lowers the wall-time one).
    cpu = {key: statistics.median(r[key] for r in runs[f"{workers} workers"])
           for key in ("driver_cpu_s", "workers_cpu_s")}
    best_wall = max(sum(cpu.values()) / (os.cpu_count() or 1),
                    cpu["workers_cpu_s"] / workers, cpu["driver_cpu_s"])
    serial_cpu = statistics.median(r["driver_cpu_s"] for r in runs["serial"])
    return {"scenario": PARALLEL_SCENARIO.name, "replications": replications,
            "workers": workers, "rounds": runs, "median_wall_s": medians,
            "speedup": serial / parallel, "cpu_bound_speedup": serial_cpu / best_wall,
            "identical_tables": True}


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON; return 1 if a full run misses a target."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="fewer rounds and no sweep: a fast check (its figures are not the "
                   "targets')")
    p.add_argument("--large", action="store_true",
                   help=f"also the {LARGE_SAMPLES:,}-sample Sobol study of the same sweep "
                   f"({LARGE_SAMPLES * 9:,} runs, on 2 cores; about two minutes)")
    p.add_argument("--rounds", type=int, default=None,
                   help="replications timed per scenario (default 10; quick 3)")
    args = p.parse_args(argv)
    quick = args.quick
    rounds = args.rounds or (3 if quick else 10)
    load_before = os.getloadavg()

    paths = scenario_files()
    samples = measure_phases(paths, rounds)
    mean_ms = {name: {phase: statistics.fmean(v) * 1e3 for phase, v in phases.items()}
               for name, phases in samples.items()}
    rows = {}
    for name, ms in mean_ms.items():
        total = sum(ms.values())
        rows[name] = {**{f"{phase}_ms": ms[phase] for phase in PHASES},
                      "engine_share": ms["engine"] / total,
                      "replication_over_engine":
                          (ms["cohort"] + ms["engine"] + ms["results"]) / ms["engine"]}
    worst = max(row["replication_over_engine"] for row in rows.values())

    sweep = None if quick else time_sweep()
    large = time_sweep(samples=LARGE_SAMPLES) if args.large else None
    compiles = time_first_compile()
    first_compile_s = compiles["wall_s"]
    imports = time_import(5 if quick else 15)
    import_s = statistics.median(imports)
    parallel = time_parallel(2 if quick else 5)
    load_after = os.getloadavg()

    figures = {"replication_over_engine": worst,
               "sobol_576_s": sweep["wall_s"] if sweep else None,
               "first_compile_s": first_compile_s, "import_s": import_s,
               "parallel_2_workers_speedup": parallel["speedup"]}
    met = {k: None if figures[k] is None
           else (figures[k] >= TARGETS[k] if k in AT_LEAST else figures[k] <= TARGETS[k])
           for k in TARGETS}

    width = max(len(n) for n in rows)
    head = (f"{'scenario':<{width}}  {'load + validate':>15}  {'network':>7}  {'cohort':>6}  "
            f"{'engine':>6}  {'results':>7}  {'engine share':>12}  {'replication/engine':>18}")
    lines = [f"capsim study benchmark ({'quick' if quick else 'full'}; means of {rounds} "
             f"replications on one core, CPU ms; load average {load_before[0]:.1f} before, "
             f"{load_after[0]:.1f} after)", "", head]
    for name, row in rows.items():
        lines.append(f"{name:<{width}}  {row['load + validate_ms']:15.1f}  "
                     f"{row['network_ms']:7.1f}  {row['cohort_ms']:6.1f}  "
                     f"{row['engine_ms']:6.1f}  {row['results_ms']:7.1f}  "
                     f"{row['engine_share']:12.0%}  {row['replication_over_engine']:18.2f}")
    lines += ["", "targets: " + ", ".join(
        f"{k} {'>=' if k in AT_LEAST else '<='} {TARGETS[k]:g} "
        f"{'-' if v is None else ('yes' if v else 'NO')}"
        for k, v in met.items())]
    print("\n".join(lines))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "command": "python benchmarks/study.py" + (" --quick" if quick else ""),
        "quick": quick, "rounds": rounds,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": load_after},
        "phases_ms": rows,
        "phase_samples_s": samples,
        "sweep": sweep,
        "large_sweep": large,
        "first_compile_s": first_compile_s,
        "first_compile_parts": compiles,
        "import_samples_s": imports,
        "parallel": parallel,
        "figures": figures, "targets": TARGETS, "met": met,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"first compile: ready_engine {compiles['ready_engine']['wall_s']:.1f} s, then "
          f"the first replication with care {compiles['care']['wall_s']:.1f} s (CPU "
          f"{compiles['cpu_s']:.1f} s in all, compiling processes beside it included)")
    print(f"wrote {OUT.relative_to(ROOT)}")
    if large is not None:
        print(f"sobol-{large['runs']} on 2 cores: {large['wall_s']:.1f} s (target "
              f"{LARGE_TARGET_S:g} s)")
    sobol = "skipped" if sweep is None else f"{sweep['wall_s']:.1f} s"
    print(f"replication/engine: {worst:.2f}, sobol-576 on 2 cores: {sobol}, "
          f"first compile: {first_compile_s:.1f} s, import: {import_s:.2f} s, "
          f"parallel 2 workers: {parallel['speedup']:.2f}x")
    return 0 if quick or all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
