"""Reports for planners: one self-contained HTML file with the scenario, every parameter and its
source, the results and targets with verdicts, the charts, and a methods section following the
STRESS-DES checklist; in English or Chinese.

>>> import capsim
>>> from capsim.report import write_html
>>> scenario = capsim.load_scenario("scenarios/nanjiang-2016.yaml")       # doctest: +SKIP
>>> results = capsim.simulate(scenario, replications=10)                  # doctest: +SKIP
>>> write_html(results, "report.html", lang="zh",
...            scenario_file="scenarios/nanjiang-2016.yaml")              # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from capsim.report.html import render, write_report
from capsim.report.inputs import ReportInputs, from_folder, from_results
from capsim.report.parameters import parameter_table

__all__ = ["ReportInputs", "from_folder", "from_results", "parameter_table", "render",
           "write_html", "write_report"]


def write_html(results, out: str | Path, lang: str = "en",
               scenario_file: str | Path | None = None) -> Path:
    """Write the HTML report of ``results`` (a `capsim.Results`) to ``out``; the
    parameters' sources are read from the comments of ``scenario_file``. Returns the path."""
    return write_report(from_results(results, scenario_file), out, lang)
