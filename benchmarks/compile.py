"""The first compile of the engine: its wall and CPU seconds, and where they go.

    python benchmarks/compile.py [--rounds N] [--against PATH] [--functions N]

Each round compiles, in a fresh process whose numba cache folder (``NUMBA_CACHE_DIR``) is new
and empty, all that the first runs after an install compile: ``capsim.run.ready_engine()``,
which every run calls (the engine, and beside it, in a process of its own where processes
can be forked, the results' compiled passes and the admissions loop of newborn and
paediatric care), then whatever the first replication of the paediatric alliance still
compiles (that replication less the same replication once compiled), and records, inside
that process, the wall seconds and the CPU seconds (``time.process_time`` and the children's
``getrusage``) of each part and in all: on a shared machine the CPU seconds move
less with the load than the wall seconds. With ``--against PATH`` (another checkout of capsim,
the main branch say) the rounds alternate between this checkout and that one, first on the
child's ``PYTHONPATH``, so that a change in the machine's load falls on both.

One more round of each checkout lists the CPU seconds of each compiled function (numba's
``numba:compile`` events; the functions it compiles along the way are counted apart), the
largest first, with the number of signatures compiled for it. Writes
``benchmarks/results/compile.json``; the last line reads ``first compile: W.W s wall, C.C s
CPU (medians of N rounds)``. Target: at most 15 s on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results" / "compile.json"
TARGET_S = 15.0

#: Run in the child: the compile, timed; with "functions", numba's compile events too.
CHILD = """
import collections, json, sys, time
breakdown = "functions" in sys.argv
if breakdown:
    from numba.core import event
    own = collections.Counter()
    signatures = collections.defaultdict(set)
    stack = []

    class Listener(event.Listener):
        def on_start(self, ev):
            stack.append([time.process_time(), 0.0])

        def on_end(self, ev):
            start, inner = stack.pop()
            spent = time.process_time() - start
            if stack:
                stack[-1][1] += spent
            function = ev.data["dispatcher"].py_func
            module = getattr(function, "__module__", None) or "?"
            name = f"{module}.{function.__qualname__}"
            own[name] += spent - inner
            signatures[name].add(str(ev.data["args"]))

    event.register("numba:compile", Listener())
from pathlib import Path
import capsim
from capsim.model import ensure_compiled
from capsim.run import ready_engine, run_replication
import resource
out = {}
def timed(part, step):
    wall, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    step()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out[part] = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu
                 + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)}
# What the first runs after an install compile: the engine and the results' compiled passes
# (capsim.run.ready_engine, as every run calls it; it compiles the results' passes and the
# admissions loop in a process of its own beside the engine where it can) and, at the first
# run with newborn or paediatric care, whatever is left: the first replication of the
# paediatric alliance less the same replication once compiled. CPU: this process's and its
# children's.
scenario = capsim.load_scenario(Path("scenarios/jizhou-paediatric-alliance.yaml"))
timed("ready_engine", ready_engine)
timed("care_first", lambda: run_replication(scenario, 0))
timed("care_again", lambda: run_replication(scenario, 0))
first, again = out.pop("care_first"), out.pop("care_again")
out["care"] = {k: max(first[k] - again[k], 0.0) for k in ("wall_s", "cpu_s")}
out["wall_s"] = sum(out[p]["wall_s"] for p in ("ready_engine", "care"))
out["cpu_s"] = sum(out[p]["cpu_s"] for p in ("ready_engine", "care"))
if breakdown:
    out["functions"] = [{"function": name, "cpu_s": round(s, 3),
                         "signatures": len(signatures[name])}
                        for name, s in own.most_common()]
print(json.dumps(out))
"""


def first_compile(checkout: Path, functions: bool = False) -> dict:
    """One first compile of ``checkout`` in a fresh process with an empty numba cache: its wall
    and CPU seconds (and, with ``functions``, the CPU seconds of each compiled function)."""
    with tempfile.TemporaryDirectory(prefix="capsim-numba-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, PYTHONPATH=os.pathsep.join(
            [str(checkout), *filter(None, [os.environ.get("PYTHONPATH")])]))
        argv = [sys.executable, "-c", CHILD] + (["functions"] if functions else [])
        done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False,
                              cwd=checkout)
    if done.returncode != 0:
        raise SystemExit(f"the first compile of {checkout} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    """Time the first compile (see the module's text); 1 when the median wall time misses the
    target."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=3, help="rounds of each checkout (default 3)")
    p.add_argument("--against", type=Path, default=None,
                   help="another checkout, timed in turn with this one")
    p.add_argument("--functions", type=int, default=15,
                   help="functions listed, the most expensive first (default 15)")
    args = p.parse_args()
    checkouts = {"this": ROOT} | ({"against": args.against.resolve()} if args.against else {})
    load_before = os.getloadavg()
    rounds: dict[str, list[dict]] = {name: [] for name in checkouts}
    for _ in range(args.rounds):
        for name, path in checkouts.items():
            rounds[name].append(first_compile(path))
    breakdown = {name: first_compile(path, functions=True)["functions"]
                 for name, path in checkouts.items()}
    load_after = os.getloadavg()

    medians = {name: {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "cpu_s")}
               for name, rs in rounds.items()}
    lines = [f"capsim first compile ({args.rounds} rounds, medians; load average "
             f"{load_before[0]:.1f} before, {load_after[0]:.1f} after)", ""]
    for name, path in checkouts.items():
        each = ", ".join(f"{r['wall_s']:.1f}/{r['cpu_s']:.1f}" for r in rounds[name])
        lines.append(f"{name} ({path}): {medians[name]['wall_s']:.1f} s wall, "
                     f"{medians[name]['cpu_s']:.1f} s CPU (rounds, wall/CPU: {each})")
    for name, rows in breakdown.items():
        lines += ["", f"CPU seconds by function, {name} (one more round; signatures)"]
        lines += [f"  {row['cpu_s']:6.2f}  {row['signatures']:2d}  {row['function']}"
                  for row in rows[:args.functions]]
        lines.append(f"  {sum(row['cpu_s'] for row in rows):6.2f}      all "
                     f"{len(rows)} functions")
    print("\n".join(lines))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "command": "python benchmarks/compile.py" + (
            f" --against {args.against}" if args.against else ""),
        "rounds": args.rounds, "target_s": TARGET_S,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": load_after},
        "checkouts": {name: str(path) for name, path in checkouts.items()},
        "samples": rounds, "medians": medians, "functions": breakdown,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    this = medians["this"]
    print(f"first compile: {this['wall_s']:.1f} s wall, {this['cpu_s']:.1f} s CPU "
          f"(medians of {args.rounds} rounds)")
    return 0 if this["wall_s"] <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
