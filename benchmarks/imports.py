"""Start-up time of capsim, measured as whole processes, in one run.

    python benchmarks/imports.py [--rounds N]

Times three commands, each a fresh process: ``python -c pass`` (the interpreter alone),
``python -c "import capsim"`` and ``capsim --version`` (the installed command; ``python -m
capsim --version`` where it is not on the PATH). Each round runs the three in turn, in an order
that rotates from round to round, so that a change in the machine's load falls on all of them;
one untimed run of each comes first, so that compiled bytecode is written before timing. The
table gives the median wall time over rounds and the median above the bare interpreter.

Targets: ``import capsim`` under 0.3 s and ``capsim --version`` under 0.5 s, whole processes.
Writes ``benchmarks/results/imports.json``; exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "imports.json"

#: Whole-process targets (seconds of wall time).
TARGETS = {"import capsim": 0.3, "capsim --version": 0.5}


def commands() -> dict[str, list[str]]:
    """The commands timed, by name: the bare interpreter, the import, the command line."""
    script = shutil.which("capsim")
    version = [script, "--version"] if script else [sys.executable, "-m", "capsim", "--version"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import capsim": [sys.executable, "-c", "import capsim"],
        "capsim --version": version,
    }


def wall_seconds(argv: list[str]) -> float:
    """Wall time of one run of ``argv`` as a child process (seconds); fails if it fails."""
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(rounds: int) -> dict[str, list[float]]:
    """Wall seconds of each command per round, the order rotating between rounds."""
    cmds = commands()
    for argv in cmds.values():
        wall_seconds(argv)  # writes bytecode caches; not timed
    names = list(cmds)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(wall_seconds(cmds[name]))
    return samples


def main() -> int:
    """Measure, print the table, write the JSON; return 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds of the three commands")
    args = parser.parse_args()
    samples = measure(args.rounds)
    bare = statistics.median(samples["python -c pass"])
    rows = {}
    for name, times in samples.items():
        median = statistics.median(times)
        rows[name] = {"median_s": round(median, 4), "above_bare_python_s": round(median - bare, 4),
                      "min_s": round(min(times), 4), "max_s": round(max(times), 4),
                      "target_s": TARGETS.get(name),
                      "met": None if name not in TARGETS else median < TARGETS[name]}
    print(f"{'command':<20} {'median s':>9} {'above python':>13} {'target':>7}")
    for name, row in rows.items():
        target = "" if row["target_s"] is None else f"< {row['target_s']:g}"
        mark = "" if row["met"] is None else ("  ok" if row["met"] else "  MISSED")
        print(f"{name:<20} {row['median_s']:>9.3f} {row['above_bare_python_s']:>13.3f} "
              f"{target:>7}{mark}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "rounds": args.rounds,
        "python": platform.python_version(),
        "machine": platform.machine(),
        # The programs by name, not by where this machine keeps them.
        "commands": {name: " ".join([Path(argv[0]).name, *argv[1:]])
                     for name, argv in commands().items()},
        "results": rows,
        "samples_s": {name: [round(t, 4) for t in times] for name, times in samples.items()},
    }, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {RESULTS}")
    return 0 if all(row["met"] is not False for row in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
