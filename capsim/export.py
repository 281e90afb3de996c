"""Writing a run's tables (CSV) and plots (PNG) to a folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from capsim import plots
from capsim.output import check_out_dir, copy_file, remove_stale, write_csv, write_text
from capsim.results import Results
from capsim.workbook import WORKBOOK, write_workbook

#: Folder of a run's per-woman trace files, and their names (``trace-<replication>.csv.gz``).
TRACE_DIR = "trace"
TRACE_FILE = re.compile(r"trace-(\d+)\.csv\.gz")


def write_outputs(results: Results, out_dir: str | Path, lang: str = "en",
                  scenario_file: str | Path | None = None,
                  trace: bool | None = None, run: dict | None = None) -> dict[str, Path]:
    """Write summary.csv, flows.csv, daily.csv, replications.csv, ratios.csv (planned and
    simulated ratios), targets.csv (the check of the scenario's standards and targets),
    needs.csv (the queueing estimate of what each facility needs), monthly.csv and
    monthly-form.csv (the monthly statistics, `capsim.monthly`), results.xlsx (the same
    tables with names and units, for reading), census.png, occupancy.png, flows.png (the
    referral-flow map) and monthly.png to ``out_dir``, and a
    copy of ``scenario_file`` as scenario.yaml or scenario.toml (so ``capsim report`` can
    read the folder back); return their paths by name. A file that ``extends`` another is
    written merged, as a scenario.yaml that needs no other file, and the file with the files
    it extends is copied unchanged under ``SOURCES_DIR`` (their comments give the
    parameters' sources), so that the folder stands on its own wherever it is moved.

    Each file is written whole or not at all (`capsim.output`). A folder written by an
    earlier run is brought up to date: a scenario copy of another name and, with ``trace``
    given, trace files this run did not write are removed, so that the folder never mixes
    two runs (``trace=True``: this run wrote ``TRACE_DIR``; False: it wrote none; None:
    leave the trace folder alone). ``run``: `capsim.report.inputs.run_tables` of
    ``results`` when the caller has them already."""
    from capsim.monthly import monthly_form
    from capsim.monthly_chart import monthly_chart
    from capsim.report.inputs import SOURCES_DIR, rounded_tables, run_tables
    from capsim.report.years import occupancy_rows

    out = check_out_dir(out_dir)
    paths: dict[str, Path] = {}
    if scenario_file is not None:
        paths.update(_write_scenario_copy(Path(scenario_file), out))
    summary = results.summary(year=None)
    daily = results.daily()
    tables = rounded_tables(results, run or run_tables(results), summary, daily)
    for name in ("ratios", "targets", "needs", "monthly", "summary", "flows", "daily"):
        paths[name] = write_csv(tables[name], out / f"{name}.csv")
    # Each replication's accounting and seed, and the engine that simulated it.
    accounting = results.accounting.assign(engine=[r.engine for r in results.replications])
    paths["replications"] = write_csv(accounting, out / "replications.csv")
    names = plots.facility_names(results.scenario, lang)
    title = results.scenario.name
    form = monthly_form(tables["monthly"], lang, names)
    paths["monthly_form"] = write_csv(form, out / "monthly-form.csv")
    paths["monthly_chart"] = plots.save(
        monthly_chart(tables["monthly"], names, lang, title_name=title,
                      replications=len(results.replications)), out / "monthly.png")
    paths["workbook"] = write_workbook(tables, results.scenario, out / WORKBOOK, lang=lang,
                                       monthly=form)
    paths["census"] = plots.save(plots.census_plot(daily, names, lang, title_name=title),
                                 out / "census.png")
    paths["occupancy"] = plots.save(
        plots.occupancy_plot(occupancy_rows(summary), names, lang, title_name=title),
        out / "occupancy.png")
    paths["flow_map"] = plots.save(
        plots.flow_map(results.flow_summary(), results.scenario, names, lang,
                       replications=len(results.replications)), out / "flows.png")
    written_sources = [p for name, p in paths.items() if name.startswith(f"{SOURCES_DIR}/")]
    remove_stale(_stale_files(out, paths.get("scenario"), trace, len(results.replications))
                 + _stale_sources(out, written_sources))
    if not written_sources:
        _remove_empty_folders(out / SOURCES_DIR)
    return paths


def _remove_empty_folders(folder: Path) -> None:
    """Remove ``folder`` and the folders under it when no file is left in them (an earlier
    run's sources); anything that cannot be removed is left."""
    if not folder.is_dir():
        return
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        try:
            sub.rmdir()
        except OSError:
            continue
    try:
        folder.rmdir()
    except OSError:
        return


def _write_scenario_copy(src: Path, out: Path) -> dict[str, Path]:
    """Write the scenario copy of ``src`` to ``out`` (see `write_outputs`); return the
    paths written by name: ``scenario`` and, for a file that extends another,
    ``sources/<path>`` per original file."""
    from capsim.report.inputs import SCENARIO_COPY, SCENARIO_SUFFIXES, SOURCES_DIR
    from capsim.scenario.extends import extends_chain, read_extended

    chain = extends_chain(src)
    if len(chain) == 1:
        # Any suffix but .toml is read as YAML: the copy's name says how it is read.
        suffix = src.suffix.lower() if src.suffix.lower() in SCENARIO_SUFFIXES else ".yaml"
        return {"scenario": copy_file(src, out / f"{SCENARIO_COPY}{suffix}")}
    # The copies keep their places relative to each other, so each one's extends still finds
    # its base inside the folder.
    top = Path(os.path.commonpath([p.resolve().parent for p in chain]))
    paths: dict[str, Path] = {}
    for p in chain:
        rel = p.resolve().relative_to(top).as_posix()
        paths[f"{SOURCES_DIR}/{rel}"] = copy_file(p, out / SOURCES_DIR / rel)
    main_rel = chain[0].resolve().relative_to(top).as_posix()
    merged, _ = read_extended(src)
    header = (f"# {src.name} merged with the files it extends; the original files are in "
              f"{SOURCES_DIR}/ ({main_rel} first).\n")
    text = header + yaml.safe_dump(merged, allow_unicode=True, sort_keys=False)
    paths["scenario"] = write_text(out / f"{SCENARIO_COPY}.yaml", text)
    return paths


def _stale_sources(out: Path, written: list[Path]) -> list[Path]:
    """Files under ``SOURCES_DIR`` of ``out`` that this run did not write (an earlier run's
    originals would otherwise be read as this run's)."""
    from capsim.report.inputs import SOURCES_DIR

    keep = {p.resolve() for p in written}
    return [p for p in (out / SOURCES_DIR).rglob("*") if p.is_file() and p.resolve() not in keep]


def _stale_files(out: Path, scenario_copy: Path | None, trace: bool | None,
                 replications: int) -> list[Path]:
    """Files of an earlier run in ``out`` that this run did not write: scenario copies other
    than ``scenario_copy`` (the report would describe the wrong scenario) and, unless
    ``trace`` is None, trace files of replications this run did not trace."""
    from capsim.report.inputs import SCENARIO_COPY, SCENARIO_SUFFIXES

    stale = [p for p in out.glob(f"{SCENARIO_COPY}.*") if p != scenario_copy and p.is_file()
             and p.suffix.lower() in SCENARIO_SUFFIXES]
    if trace is not None:
        for p in (out / TRACE_DIR).glob("trace-*.csv.gz"):
            m = TRACE_FILE.fullmatch(p.name)
            if m and (not trace or int(m.group(1)) >= replications):
                stale.append(p)
    return stale
