"""The methods section of a report, item by item of the STRESS-DES checklist.

STRESS-DES: Strengthening the Reporting of Empirical Simulation Studies, discrete-event
simulation (Monks T, Currie CSM, Onggo BS, Robinson S, Kunc M, Taylor SJE. Journal of
Simulation 2019;13(1):55-67, doi:10.1080/17477778.2018.1442155). Each of its 20 items is filled
from the scenario and the run: nothing here is a placeholder to be completed by hand.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass

import pandas as pd

from capsim.formatting import fmt_num
from capsim.i18n import t
from capsim.metrics import METRICS
from capsim.scenario.models import Scenario
from capsim.streams import STREAM_NAMES

STRESS_CITATION = ("Monks T, Currie CSM, Onggo BS, Robinson S, Kunc M, Taylor SJE. "
                   "Strengthening the reporting of empirical simulation studies: introducing the "
                   "STRESS guidelines. Journal of Simulation 2019;13(1):55-67.")

#: (item number, key of its name in capsim.i18n), in checklist order.
ITEMS: tuple[tuple[str, str], ...] = (
    ("1.1", "s_purpose"), ("1.2", "s_outputs"), ("1.3", "s_aims"),
    ("2.1", "s_diagram"), ("2.2", "s_logic"), ("2.3", "s_scenario_logic"),
    ("2.4", "s_algorithms"), ("2.5.1", "s_entities"), ("2.5.2", "s_activities"),
    ("2.5.3", "s_resources"), ("2.5.4", "s_queues"), ("2.5.5", "s_entry_exit"),
    ("3.1", "s_sources"), ("3.2", "s_preprocessing"), ("3.3", "s_inputs"),
    ("3.4", "s_assumptions"),
    ("4.1", "s_initialisation"), ("4.2", "s_run_length"), ("4.3", "s_estimation"),
    ("5.1", "s_software"), ("5.2", "s_sampling"), ("5.3", "s_execution"),
    ("5.4", "s_system"), ("6.1", "s_sharing"),
)


@dataclass(frozen=True)
class RunFacts:
    """What the methods section needs to know about a run."""

    replications: int
    seed: int
    arrivals_mean: float          # women per replication (women)
    halve_replications: int | None
    workers: int | None = None


def _dist(d) -> str:
    if d.dist == "fixed":
        return f"fixed {d.mean:g}"
    sd = "" if d.dist == "exponential" else f", sd {d.std:g}"
    return f"{d.dist} (mean {d.mean:g}{sd})"


def stress_items(scenario: Scenario, run: RunFacts, parameters: pd.DataFrame,
                 header: list[str], lang: str = "en",
                 has_targets: bool = False) -> pd.DataFrame:
    """The STRESS-DES checklist filled for ``scenario`` and ``run``.

    ``parameters`` is `capsim.report.parameters.parameter_table`; ``header`` the comment
    lines at the top of the scenario file. Returns columns item (e.g. "2.5.3"), section, name
    and text (in ``lang``)."""
    s = scenario
    h = s.horizon
    pw = s.pathway
    delivering = [f for f in s.facilities if f.delivers]
    n_in_file = int((parameters["given"] == "file").sum())
    n_default = int((parameters["given"] == "default").sum())
    n_sourced = int(((parameters["given"] == "file") & (parameters["source"] != "")).sum())
    n_assumed = int(parameters["source"].str.contains("ASSUMED", case=False).sum())
    policy = "; ".join(
        f"{p.date} {p.facility}: " + ", ".join(
            f"{k} {getattr(p, k):+d}" for k in ("beds", "midwives", "obstetricians", "theatres")
            if getattr(p, k)) + (f", delivers={p.delivers}" if p.delivers is not None else "")
        for p in s.policy) or t("none", lang)
    demand_events = "; ".join(f"{e.date} ×{e.multiplier:g}" for e in s.demand.events) or \
        t("none", lang)
    rule_changes = "; ".join(
        [f"{c.date} demand.caesarean_changes" for c in getattr(s.demand, "caesarean_changes", ())]
        + [f"{c.date} referral.changes" for c in getattr(s.referral, "changes", ())]
    ) or t("none", lang)
    los = f"{_dist(pw.postnatal_los.vaginal)} / {_dist(pw.postnatal_los.caesarean)}"
    text = {
        "s_purpose": t("x_purpose", lang, name=s.name, description=s.description.strip()),
        "s_outputs": t("x_outputs", lang, metrics=", ".join(METRICS)),
        "s_aims": t("x_aims", lang, reps=run.replications,
                    targets=t("x_targets_yes" if has_targets else "x_targets_no", lang)),
        "s_diagram": t("x_diagram", lang),
        "s_logic": t("x_logic", lang, one_to_one=t("yes" if pw.one_to_one_midwife else "no",
                                                      lang),
                     per=pw.labour_capacity_per_midwife),
        "s_scenario_logic": t("x_scenario_logic", lang, policy=policy, events=demand_events,
                               rules=rule_changes),
        "s_algorithms": t("x_algorithms", lang, availability=f"{pw.roster.availability:g}",
                          shifts=pw.roster.shifts_per_day),
        "s_entities": t("x_entities", lang, arrivals=fmt_num(run.arrivals_mean)),
        "s_activities": t("x_activities", lang, labour=_dist(pw.labour), los=los,
                          cs=_dist(pw.caesarean_duration), prep=_dist(pw.emergency_preparation),
                          travel=f"{s.referral.default_transfer_minutes:g}"),
        "s_resources": t("x_resources", lang, n=len(s.facilities), deliver=len(delivering),
                         beds=sum(f.beds for f in s.facilities),
                         midwives=sum(f.midwives for f in s.facilities),
                         obstetricians=sum(f.obstetricians for f in s.facilities),
                         theatres=sum(f.theatres for f in s.facilities)),
        "s_queues": t("x_queues", lang, wait=f"{pw.midwife_wait_target_minutes:g}",
                      ddi=f"{pw.ddi_target_minutes:g}"),
        "s_entry_exit": t("x_entry_exit", lang),
        "s_sources": t("x_sources", lang, header=" ".join(x for x in header if x) or "-",
                       sourced=n_sourced, in_file=n_in_file),
        "s_preprocessing": t("x_preprocessing", lang),
        "s_inputs": t("x_inputs", lang, n=len(parameters), in_file=n_in_file,
                      default=n_default),
        "s_assumptions": t("x_assumptions", lang, assumed=n_assumed, default=n_default),
        "s_initialisation": t("x_initialisation", lang, warmup=h.warmup_days,
                              census=sum(f.initial_census for f in s.facilities)),
        "s_run_length": t("x_run_length", lang, start=str(h.start), end=str(h.end),
                          days=h.length_days),
        "s_estimation": t("x_estimation", lang, reps=run.replications,
                          halve=run.halve_replications or "-"),
        "s_software": t("x_software", lang, version=_version(), python=platform.python_version(),
                        numpy=_pkg("numpy"), pandas=_pkg("pandas"), scipy=_pkg("scipy")),
        "s_sampling": t("x_sampling", lang, seed=run.seed, streams=", ".join(STREAM_NAMES)),
        "s_execution": t("x_execution", lang),
        "s_system": t("x_system", lang, platform=platform.platform(terse=True),
                      machine=platform.machine() or "-", cpus=_cpus(),
                      python=sys.version.split()[0]),
        "s_sharing": t("x_sharing", lang, reps=run.replications, seed=run.seed),
    }
    rows = [{"item": num, "section": t(f"sec{num[0]}", lang), "name": t(key, lang),
             "text": text[key]} for num, key in ITEMS]
    return pd.DataFrame(rows, columns=["item", "section", "name", "text"])


def _version() -> str:
    from capsim import __version__

    return __version__


def _pkg(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def _cpus() -> str:
    import os

    return str(os.cpu_count() or "-")
