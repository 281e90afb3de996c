"""Writing a run's tables (CSV) and plots (PNG) to a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from capsim import plots
from capsim.formatting import spreadsheet_safe
from capsim.results import Results

SUMMARY_COLUMNS = ["facility", "year", "metric", "unit", "mean", "ci_low", "ci_high",
                   "ci_half_width", "sd", "p5", "p50", "p95", "n", "replications_to_halve_ci"]


def write_outputs(results: Results, out_dir: str | Path, lang: str = "en",
                  scenario_file: str | Path | None = None) -> dict[str, Path]:
    """Write summary.csv, flows.csv, daily.csv, replications.csv, ratios.csv (planned and
    simulated ratios), targets.csv (the check of the scenario's standards and targets),
    census.png, occupancy.png and flows.png (the referral-flow map) to ``out_dir``, and a
    copy of ``scenario_file`` as scenario.<suffix> (so ``capsim report`` can read the folder
    back); return their paths by name."""
    from capsim.report.inputs import SCENARIO_COPY, run_tables

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    if scenario_file is not None:
        src = Path(scenario_file)
        paths["scenario"] = out / f"{SCENARIO_COPY}{src.suffix}"
        shutil.copyfile(src, paths["scenario"])
    for name, table in run_tables(results).items():
        paths[name] = out / f"{name}.csv"
        spreadsheet_safe(table).to_csv(paths[name], index=False)
    summary = results.summary(year=None)
    spreadsheet_safe(summary[SUMMARY_COLUMNS]).to_csv(out / "summary.csv", index=False)
    paths["summary"] = out / "summary.csv"
    spreadsheet_safe(results.flow_summary()).to_csv(out / "flows.csv", index=False)
    paths["flows"] = out / "flows.csv"
    daily = results.daily()
    spreadsheet_safe(daily).to_csv(out / "daily.csv", index=False)
    paths["daily"] = out / "daily.csv"
    # Each replication's accounting and seed, and the engine that simulated it.
    accounting = results.accounting.assign(engine=[r.engine for r in results.replications])
    spreadsheet_safe(accounting).to_csv(out / "replications.csv", index=False)
    paths["replications"] = out / "replications.csv"
    names = plots.facility_names(results.scenario, lang)
    title = results.scenario.name
    paths["census"] = plots.save(plots.census_plot(daily, names, lang, title_name=title),
                                 out / "census.png")
    paths["occupancy"] = plots.save(
        plots.occupancy_plot(results.summary(), names, lang, title_name=title),
        out / "occupancy.png")
    paths["flow_map"] = plots.save(
        plots.flow_map(results.flow_summary(), results.scenario, names, lang,
                       replications=len(results.replications)), out / "flows.png")
    return paths
