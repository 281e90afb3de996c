"""The reduction of one replication, and the cohort it started from, against the engine that
made it, per shipped scenario.

    python benchmarks/reduce.py [--against PATH] [--rounds N] [--reps R]

For each shipped scenario (``scenarios/*.yaml``), ``R`` replications (8), each timed in one
process one phase after the other, the engine compiled beforehand: the cohort
(``capsim.demand.build_cohort``), the engine (``capsim.model.run_engine``), the reduction
(``capsim.results.reduce_replication``) and the monthly counts (``capsim.monthly.monthly_counts``);
milliseconds of the process's CPU time, which other processes on a busy machine do not inflate
as they inflate wall time. ``reduce/engine``
is the reduction's time over the engine's, both medians of the same process.

With ``--against PATH``, the same is measured on another checkout of capsim (its root folder,
put first on ``PYTHONPATH``), in processes alternating with this checkout's, ``--rounds`` of
each (3), so that a change in the machine's load falls on both; the table puts the two side
by side. Target: the reduction at most 0.45 of the engine on every scenario. Writes
``benchmarks/results/reduce.json``; the last line reads ``reduce/engine: X.XX`` (the worst
scenario of this checkout).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results" / "reduce.json"
TARGET = 0.45
PHASES = ("cohort", "engine", "reduce", "monthly")

#: One process: every scenario, ``reps`` replications after one not timed; JSON on stdout.
CHILD = r"""
import json, sys, time
from pathlib import Path
from capsim import load_scenario
from capsim.demand import build_cohort
from capsim.model import compile_network, ensure_compiled, run_engine
from capsim.monthly import monthly_counts
from capsim.results import reduce_replication

reps = int(sys.argv[1])
clock = time.thread_time
ensure_compiled()
out = {}
for path in sys.argv[2:]:
    scenario = load_scenario(path)
    net = compile_network(scenario)
    seconds = {"cohort": [], "engine": [], "reduce": [], "monthly": []}
    for k in range(reps + 1):
        tc = clock()
        cohort = build_cohort(scenario, k, scenario.run.seed)
        t0 = clock()
        record = run_engine(net, cohort)
        t1 = clock()
        del cohort
        reduce_replication(net, record, k, scenario.run.seed)
        t2 = clock()
        monthly_counts(scenario, net, record)
        t3 = clock()
        if k:  # the first replication warms the caches
            for phase, s in zip(seconds, (t0 - tc, t1 - t0, t2 - t1, t3 - t2)):
                seconds[phase].append(s)
    out[Path(path).stem] = seconds
print(json.dumps(out))
"""


def measure(tree: Path, reps: int, paths: list[Path]) -> dict[str, dict[str, list[float]]]:
    """Seconds of each phase per scenario and replication, in a process running ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    # -P and the tree as working folder: the checkout imported is the one on PYTHONPATH.
    done = subprocess.run([sys.executable, "-P", "-c", CHILD, str(reps), *map(str, paths)],
                          env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure, print the table, write the JSON; return 1 if this checkout misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=8)
    args = parser.parse_args()
    paths = sorted((ROOT / "scenarios").glob("*.yaml"))
    trees = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    samples: dict[str, dict[str, dict[str, list[float]]]] = {name: {} for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            for stem, seconds in measure(tree, args.reps, paths).items():
                mine = samples[name].setdefault(stem, {phase: [] for phase in PHASES})
                for phase in PHASES:
                    mine[phase].extend(seconds[phase])
    table = {name: {stem: {f"{phase}_ms": statistics.median(s[phase]) * 1e3
                           for phase in PHASES} for stem, s in by_stem.items()}
             for name, by_stem in samples.items()}
    for by_stem in table.values():
        for row in by_stem.values():
            row["reduce_over_engine"] = row["reduce_ms"] / row["engine_ms"]
    heads = [f"{'scenario':30s}", f"{'cohort':>7s}", f"{'engine':>7s}", f"{'reduce':>7s}",
             f"{'/engine':>7s}", f"{'monthly':>7s}"]
    if args.against:
        heads += [f"{'| against: cohort':>17s}", f"{'engine':>7s}", f"{'reduce':>7s}",
                  f"{'/engine':>7s}", f"{'monthly':>7s}"]
    print(" ".join(heads) + "   (ms of CPU, medians)")
    for stem in table["this"]:
        cells = [f"{stem:30s}"]
        for name in trees:
            row = table[name][stem]
            if name == "against":
                cells.append(f"{'|':>10s}")
            cells += [f"{row['cohort_ms']:7.2f}", f"{row['engine_ms']:7.2f}",
                      f"{row['reduce_ms']:7.2f}",
                      f"{row['reduce_over_engine']:7.2f}", f"{row['monthly_ms']:7.3f}"]
        print(" ".join(cells))
    worst = max(row["reduce_over_engine"] for row in table["this"].values())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "rounds": args.rounds, "replications": args.reps, "target_reduce_over_engine": TARGET,
        "against": args.against.resolve().name if args.against else None, "ms": table,
    }, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    print(f"reduce/engine: {worst:.2f}")
    return int(worst > TARGET)


if __name__ == "__main__":
    sys.exit(main())
