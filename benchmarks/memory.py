"""Peak resident memory of the driver for a long run of the Jizhou scenario.

    python benchmarks/memory.py [--replications 1000] [--workers N]

Runs the replications on local worker processes (default: every core), then builds the public
tables (summary, flow summary, daily census) as a planner would, and reports the driver's peak
resident set size (``ru_maxrss`` of this process only; the worker processes are not counted).
The aim is below 1 GiB for 1,000 replications. Writes ``benchmarks/results/memory.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import capsim

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "jizhou-alliance.yaml"
OUT = ROOT / "benchmarks" / "results" / "memory.json"
LIMIT_MIB = 1024


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (MiB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run, measure, print and write the JSON; return 0 if under the limit, else 1."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replications", type=int, default=1000)
    p.add_argument("--workers", type=int, default=None)
    args = p.parse_args(argv)

    scenario = capsim.load_scenario(SCENARIO)
    phases = {"before": peak_rss_mib()}
    started = time.perf_counter()
    results = capsim.simulate(scenario, replications=args.replications, workers=args.workers)
    wall = time.perf_counter() - started
    phases["after simulate"] = peak_rss_mib()
    tables = {"summary": results.summary(), "flow_summary": results.flow_summary(),
              "daily": results.daily(), "accounting": results.accounting}
    phases["after tables"] = peak_rss_mib()
    record = {
        "scenario": SCENARIO.name,
        "replications": args.replications,
        "workers": args.workers or os.cpu_count(),
        "wall_s": round(wall, 1),
        "peak_rss_mib": {k: round(v, 1) for k, v in phases.items()},
        "limit_mib": LIMIT_MIB,
        "rows": {k: len(v) for k, v in tables.items()},
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "capsim": capsim.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"{args.replications} replications of {SCENARIO.name} in {wall:.1f} s")
    for phase, mib in phases.items():
        print(f"  driver peak RSS {phase:<15} {mib:8.1f} MiB")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0 if phases["after tables"] < LIMIT_MIB else 1


if __name__ == "__main__":
    raise SystemExit(main())
