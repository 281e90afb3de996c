"""Options and helpers shared by several commands."""

from __future__ import annotations

import argparse
import os

#: Environment variable naming the dask scheduler that simulating commands use by default.
SCHEDULER_ENV = "CAPSIM_SCHEDULER"


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Add --replications, --seed, --workers and --scheduler to a command that simulates."""
    p.add_argument("--replications", "-n", type=int, default=None, metavar="N",
                   help="replications (default: the scenario's run.replications)")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="seed (default: the scenario's run.seed)")
    add_worker_options(p)


def add_worker_options(p: argparse.ArgumentParser) -> None:
    """Add --workers and --scheduler: where the simulations run."""
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: every core; 1 runs in this process)")
    p.add_argument("--scheduler", default=os.environ.get(SCHEDULER_ENV) or None,
                   metavar="ADDRESS",
                   help="run on the dask cluster of this scheduler, e.g. tcp://host:8786 "
                   f"(default: ${SCHEDULER_ENV} if set; --workers is then ignored)")


def run_options(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`capsim.simulate` given by :func:`add_run_options`."""
    return {"replications": args.replications, "seed": args.seed, "workers": args.workers,
            "client": args.scheduler}


def fmt_value(mean: float, lo: float, hi: float, unit: str) -> str:
    """Render a mean and its 95% interval in the metric's unit, shares as percentages."""
    import math

    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "-"
    if unit == "share":
        core = f"{100 * mean:.1f}%"
        if not math.isnan(lo):
            core += f" [{100 * lo:.1f}, {100 * hi:.1f}]"
        return core
    digits = 0 if abs(mean) >= 100 else 1 if abs(mean) >= 10 else 2
    core = f"{mean:.{digits}f}"
    if not math.isnan(lo):
        core += f" [{lo:.{digits}f}, {hi:.{digits}f}]"
    return core
