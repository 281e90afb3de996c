"""Writing a run's tables (CSV) and plots (PNG) to a folder."""

from __future__ import annotations

from pathlib import Path

from capsim import plots
from capsim.results import Results

SUMMARY_COLUMNS = ["facility", "year", "metric", "unit", "mean", "ci_low", "ci_high",
                   "ci_half_width", "sd", "p5", "p50", "p95", "n", "replications_to_halve_ci"]


def write_outputs(results: Results, out_dir: str | Path, lang: str = "en") -> dict[str, Path]:
    """Write summary.csv, flows.csv, daily.csv, replications.csv, census.png and
    occupancy.png to ``out_dir``; return their paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    summary = results.summary(year=None)
    summary[SUMMARY_COLUMNS].to_csv(out / "summary.csv", index=False)
    paths["summary"] = out / "summary.csv"
    results.flow_summary().to_csv(out / "flows.csv", index=False)
    paths["flows"] = out / "flows.csv"
    daily = results.daily()
    daily.to_csv(out / "daily.csv", index=False)
    paths["daily"] = out / "daily.csv"
    results.accounting.to_csv(out / "replications.csv", index=False)
    paths["replications"] = out / "replications.csv"
    names = plots.facility_names(results.scenario, lang)
    title = results.scenario.name
    paths["census"] = plots.save(plots.census_plot(daily, names, lang, title_name=title),
                                 out / "census.png")
    paths["occupancy"] = plots.save(
        plots.occupancy_plot(results.summary(), names, lang, title_name=title),
        out / "occupancy.png")
    return paths
