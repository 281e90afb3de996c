"""Options and helpers shared by several commands."""

from __future__ import annotations

import argparse
import logging
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

#: Environment variable naming the dask scheduler that simulating commands use by default.
SCHEDULER_ENV = "CAPSIM_SCHEDULER"

#: Largest seed: seeds are stored as 64-bit signed integers (the sweep store, the trace).
MAX_SEED = 2**63 - 1


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}") from None


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number from 0 to 2^63 - 1 (a seed)."""
    value = _integer(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be from 0 to 2^63-1, got {text[:40]}")
    return value


def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds greater than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text[:40]!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text[:40]}")
    return value


def add_out_option(p: argparse.ArgumentParser, what: str, default: str) -> None:
    """Add --out DIR. Every command's --out is a folder: ``what`` says which files the command
    writes into it, ``default`` where they go without it."""
    p.add_argument("--out", default=None, metavar="DIR",
                   help=f"output folder, made if missing: {what} (default: {default}; "
                   "every capsim command's --out is a folder)")


def add_lang_option(p: argparse.ArgumentParser, what: str = "of messages, tables and charts"
                    ) -> None:
    """Add --lang en|zh; without it, the language of the locale (LC_ALL, LC_MESSAGES, LANG:
    Chinese when it starts with zh)."""
    from capsim.i18n import locale_lang

    p.add_argument("--lang", choices=("en", "zh"), default=locale_lang(),
                   help=f"language {what} (default: from the locale, zh_* gives Chinese; "
                   "now %(default)s)")


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Add --replications, --seed, --workers and --scheduler to a command that simulates."""
    p.add_argument("--replications", "-n", type=positive_int, default=None, metavar="N",
                   help="replications (default: the scenario's run.replications)")
    p.add_argument("--seed", type=non_negative_int, default=None, metavar="S",
                   help="seed (default: the scenario's run.seed)")
    add_worker_options(p)


def add_worker_options(p: argparse.ArgumentParser) -> None:
    """Add --workers, --scheduler and --scheduler-timeout: where the simulations run."""
    from capsim.parallel import CONNECT_TIMEOUT_S, WORKERS_TIMEOUT_S

    p.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="worker processes (default: every core; 1 runs in this process)")
    p.add_argument("--scheduler", default=os.environ.get(SCHEDULER_ENV) or None,
                   metavar="ADDRESS",
                   help="run on the dask cluster of this scheduler, e.g. tcp://host:8786 "
                   f"(default: ${SCHEDULER_ENV} if set; --workers is then ignored)")
    p.add_argument("--scheduler-timeout", type=positive_seconds, default=None,
                   metavar="SECONDS",
                   help=f"longest wait to reach the scheduler (default {CONNECT_TIMEOUT_S:g} s) "
                   f"and then for its first worker (default {WORKERS_TIMEOUT_S:g} s)")


def scheduler(args: argparse.Namespace):
    """Where ``--scheduler`` and ``--scheduler-timeout`` say to run: None (locally), or a
    `capsim.parallel.SchedulerAddress` with its waits."""
    from capsim.parallel import SchedulerAddress

    if not args.scheduler:
        return None
    timeout = getattr(args, "scheduler_timeout", None)
    if timeout is None:
        return SchedulerAddress(args.scheduler)
    return SchedulerAddress(args.scheduler, connect_timeout=timeout, workers_timeout=timeout)


def run_options(args: argparse.Namespace) -> dict:
    """The keyword arguments of `capsim.simulate` given by `add_run_options`."""
    return {"replications": args.replications, "seed": args.seed, "workers": args.workers,
            "client": scheduler(args)}


@contextmanager
def load_warnings_in(lang: str, *scenarios) -> Iterator[None]:
    """Within the block, the warning that a scenario's offered load reaches a capacity
    (`capsim.scenario.offered`) is given in ``lang``: for a language other than English the
    scenarios' warnings are logged in it at once, and the English ones that `simulate`
    logs for the same scenarios are held back."""
    if lang == "en":
        yield
        return
    from capsim.scenario.offered import unstable_load_messages

    english = {m for s in scenarios for m in unstable_load_messages(s)}
    logger = logging.getLogger("capsim")

    def not_english(record: logging.LogRecord) -> bool:
        return not (isinstance(record.args, tuple) and record.args
                    and record.args[0] in english)

    logger.addFilter(not_english)
    try:
        for scenario in scenarios:
            for message in unstable_load_messages(scenario, lang):
                logger.warning("capsim: %s", message)
        yield
    finally:
        logger.removeFilter(not_english)
