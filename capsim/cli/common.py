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

