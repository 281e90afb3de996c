"""Engine speed and province scale, measured side by side in one run, in one process.

    python benchmarks/engine.py [--quick] [--rounds N] [--profile]

(a) capsim on the Jizhou scenario: simulated deliveries (women) per second of wall time, the
    cohort drawn and the engine run (``build_cohort`` + ``run_engine``).
(b) the obvious simpy model of the same pathway (`capsim.model.simpy_model`: a process per
    woman, simpy events for beds, midwives and theatres) on the same cohorts, the cohort not
    timed; its results must equal capsim's woman by woman (times to a rounding error), or the
    benchmark fails.
(c) capsim on generated provinces (`capsim.province`) of 10, 100 and 1,000 facilities
    with the same load per facility (600 deliveries a year each): cost per delivery
    (microseconds, cohort + engine as in (a)), and its growth from 10 to 1,000 facilities.
    Compiling the network and reducing the results are timed apart, per delivery too. The
    10-facility province runs 10 years, the others 1 year, so that every size simulates tens
    of thousands of women in a replication and fixed costs do not hide the cost per delivery;
    each round times 10 replications of the 10- and 100-facility provinces and one of the
    1,000-facility province, some 600,000 women each.
(d) one replication (``capsim.run_replication``: compile, cohort, engine, results) of a
    generated province of 1,000 facilities, 600,000 deliveries a year and a 5-year horizon, in
    a child process: its wall time and peak resident memory (``ru_maxrss``).

The parts are timed in turn, ``--rounds`` times, so that a change in the machine's load falls
on all of them; the table gives medians over rounds (CPU seconds are recorded beside the wall
seconds). ``--quick`` is a CI-sized run (short horizons, fewer rounds; its figures are not the
targets'). ``--profile`` adds a cProfile of one replication of the 1,000-facility province,
the functions with the most own time first. Writes ``benchmarks/results/engine.json``; the last
line reads ``capsim/obvious-simpy: X.XX, cost growth 10→1000 facilities: Y.YY``.

Targets (issue 10): capsim at least 3x the obvious model; cost per delivery growing at most
1.3x from 10 to 1,000 facilities; the province replication under 1 GiB peak resident memory.
Exit code 1 when a full run misses a target.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from capsim import load_scenario, run_replication
from capsim.demand import build_cohort
from capsim.model import compile_network, run_engine
from capsim.model.simpy_model import differences
from capsim.model.simpy_model import run_simpy as run_obvious
from capsim.province import province_scenario
from capsim.results import reduce_replication

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

SCENARIO = ROOT / "scenarios" / "jizhou-alliance.yaml"
OUT = HERE / "results" / "engine.json"
PER_FACILITY = 600  # deliveries a year per generated facility
SIZES = (10, 100, 1000)
#: Horizon of each generated province: (years, days); days, when given, win.
HORIZONS = {10: (10, None), 100: (1, None), 1000: (1, None)}
QUICK_HORIZONS = {10: (2, None), 100: (1, 60), 1000: (1, 30)}
#: Replications timed together for each size in a round, so that every size simulates about
#: the same number of women (some 600,000) and a burst of load on the machine weighs alike.
REPLICATIONS = {10: 10, 100: 10, 1000: 1}
QUICK_REPLICATIONS = {10: 1, 100: 1, 1000: 1}
TARGET_RATIO, TARGET_GROWTH, TARGET_RSS_MIB = 3.0, 1.3, 1024.0


class Clock:
    """Wall and CPU seconds of a block: ``with Clock() as c: ...; c.wall, c.cpu``."""

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def jizhou_round(scenario, net, replications: int, seed: int) -> dict:
    """(a) and (b) on the same cohorts; returns women, seconds and whether results agree."""
    women, capsim_wall, capsim_cpu, engine_wall, obvious_wall, obvious_cpu = 0, 0, 0, 0, 0, 0
    identical = True
    for rep in range(replications):
        with Clock() as whole:
            cohort = build_cohort(scenario, rep, seed)
            with Clock() as engine:
                fast = run_engine(net, cohort)
        with Clock() as obvious:
            plain = run_obvious(net, cohort)
        identical &= not differences(fast, plain)
        women += len(cohort)
        capsim_wall += whole.wall
        capsim_cpu += whole.cpu
        engine_wall += engine.wall
        obvious_wall += obvious.wall
        obvious_cpu += obvious.cpu
    return {"women": women, "capsim_wall_s": capsim_wall, "capsim_cpu_s": capsim_cpu,
            "engine_wall_s": engine_wall, "obvious_wall_s": obvious_wall,
            "obvious_cpu_s": obvious_cpu, "identical": identical}


def province_round(scenario, net, replications: range, seed: int) -> dict:
    """(c) for one province: women and seconds of cohort + engine, compile and results, summed
    over ``replications``."""
    women, sim_wall, sim_cpu, compile_wall, reduce_wall = 0, 0.0, 0.0, 0.0, 0.0
    for rep in replications:
        with Clock() as compiled:
            compile_network(scenario)
        with Clock() as sim:
            cohort = build_cohort(scenario, rep, seed)
            record = run_engine(net, cohort)
        women += len(cohort)
        del cohort
        with Clock() as reduced:
            reduce_replication(net, record, rep, seed)
        sim_wall += sim.wall
        sim_cpu += sim.cpu
        compile_wall += compiled.wall
        reduce_wall += reduced.wall
    return {"women": women, "sim_wall_s": sim_wall, "sim_cpu_s": sim_cpu,
            "compile_wall_s": compile_wall, "reduce_wall_s": reduce_wall}


def province_child(facilities: int, per_year: float, years: int, days: int | None) -> None:
    """Run one replication of a generated province and print its figures as JSON."""
    scenario = province_scenario(facilities, per_year, years=years, days=days)
    with Clock() as run:
        result = run_replication(scenario, 0)
    print(json.dumps({
        "wall_s": run.wall, "cpu_s": run.cpu, "arrivals": result.arrivals,
        "delivered": result.delivered, "out_of_region": result.out_of_region,
        "in_progress": result.in_progress, "events": result.events,
        "conserved": result.arrivals == (result.delivered + result.out_of_region
                                         + result.in_progress),
        "peak_rss_mib_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def run_province_child(facilities: int, per_year: float, years: int,
                       days: int | None) -> dict:
    """(d): the province replication in a child process; its figures and peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--province-child",
           str(facilities), str(per_year), str(years), str(days or 0)]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    with Clock() as child:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the province replication failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["child_wall_s"] = child.wall  # with the imports and the scenario
    figures.update(facilities=facilities, deliveries_per_year=per_year,
                   horizon=f"{days} days" if days else f"{years} years")
    return figures


def profile_province(scenario) -> list[dict]:
    """cProfile of one replication: the 15 functions with the most own time."""
    prof = cProfile.Profile()
    prof.enable()
    run_replication(scenario, 0)
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:15]
    return [{"function": f"{Path(file).name}:{line}({name})", "calls": calls,
             "own_s": own, "own_share": own / total, "cumulative_s": cum}
            for (file, line, name), (_, calls, own, cum, _) in rows]


def median(rounds: list[dict], key) -> float:
    """Median over rounds of ``key(round)``."""
    return statistics.median(key(r) for r in rounds)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write the JSON; return 1 if a full run misses a target."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a CI-sized run (short horizons)")
    p.add_argument("--rounds", type=int, default=None, help="timing rounds (default 5; quick 2)")
    p.add_argument("--profile", action="store_true", help="profile a 1,000-facility replication")
    p.add_argument("--province-child", nargs=4, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.province_child:
        fac, per_year, years, days = args.province_child
        province_child(int(fac), float(per_year), int(years), int(days) or None)
        return 0

    quick = args.quick
    rounds = args.rounds or (2 if quick else 5)
    jizhou = load_scenario(SCENARIO)
    jizhou_net = compile_network(jizhou)
    seed = jizhou.run.seed
    horizons = QUICK_HORIZONS if quick else HORIZONS
    provinces = {n: province_scenario(n, PER_FACILITY * n, years=horizons[n][0],
                                      days=horizons[n][1]) for n in SIZES}
    nets = {n: compile_network(s) for n, s in provinces.items()}
    load_before = os.getloadavg()

    jiz_rounds, prov_rounds = [], {n: [] for n in SIZES}
    for k in range(rounds):
        jiz_rounds.append(jizhou_round(jizhou, jizhou_net, 2 if quick else 5, seed + k))
        for n in SIZES:
            reps = (QUICK_REPLICATIONS if quick else REPLICATIONS)[n]
            prov_rounds[n].append(province_round(provinces[n], nets[n],
                                                 range(k * reps, (k + 1) * reps), seed))
        print(f"round {k + 1}/{rounds} done", file=sys.stderr, flush=True)

    years, province_days = (5, None) if not quick else (1, 30)
    province = run_province_child(1000, 600_000, years, province_days)
    load_after = os.getloadavg()
    profile = profile_province(provinces[1000]) if args.profile else None

    identical = all(r["identical"] for r in jiz_rounds)
    cohort = build_cohort(jizhou, 0, seed)  # events per woman, counted outside the timings
    events_capsim = run_engine(jizhou_net, cohort).events / len(cohort)
    events_simpy = run_obvious(jizhou_net, cohort, count_events=True).events / len(cohort)
    capsim_rate = median(jiz_rounds, lambda r: r["women"] / r["capsim_wall_s"])
    engine_rate = median(jiz_rounds, lambda r: r["women"] / r["engine_wall_s"])
    obvious_rate = median(jiz_rounds, lambda r: r["women"] / r["obvious_wall_s"])
    ratio = median(jiz_rounds, lambda r: r["obvious_wall_s"] / r["capsim_wall_s"])
    ratio_cpu = median(jiz_rounds, lambda r: r["obvious_cpu_s"] / r["capsim_cpu_s"])
    cost = {n: {
        "women_per_round": prov_rounds[n][0]["women"],
        "sim_us": median(prov_rounds[n], lambda r: r["sim_wall_s"] / r["women"] * 1e6),
        "sim_cpu_us": median(prov_rounds[n], lambda r: r["sim_cpu_s"] / r["women"] * 1e6),
        "compile_us": median(prov_rounds[n], lambda r: r["compile_wall_s"] / r["women"] * 1e6),
        "reduce_us": median(prov_rounds[n], lambda r: r["reduce_wall_s"] / r["women"] * 1e6),
    } for n in SIZES}
    growth = median(range(rounds), lambda k: (
        prov_rounds[1000][k]["sim_wall_s"] / prov_rounds[1000][k]["women"])
        / (prov_rounds[10][k]["sim_wall_s"] / prov_rounds[10][k]["women"]))
    growth_cpu = cost[1000]["sim_cpu_us"] / cost[10]["sim_cpu_us"]
    whole = {n: cost[n]["compile_us"] + cost[n]["sim_us"] + cost[n]["reduce_us"] for n in SIZES}

    targets = {
        "capsim_over_obvious_at_least_3": ratio >= TARGET_RATIO,
        "cost_growth_at_most_1.3": growth <= TARGET_GROWTH,
        "province_peak_rss_under_1_GiB": province["peak_rss_mib"] < TARGET_RSS_MIB,
    }
    lines = [
        f"capsim engine benchmark ({'quick' if quick else 'full'}; {rounds} rounds, medians; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after)",
        "",
        "(a, b) Jizhou alliance, same cohorts          deliveries/s (wall)",
        f"  capsim, cohort + engine                     {capsim_rate:12,.0f}",
        f"  capsim, engine alone                        {engine_rate:12,.0f}",
        f"  obvious simpy model (cohort given)          {obvious_rate:12,.0f}",
        f"  capsim / obvious simpy                      {ratio:12.2f}   "
        f"(CPU time: {ratio_cpu:.2f})",
        f"  results identical woman by woman            {'yes' if identical else 'NO'}",
        f"  events per woman: capsim {events_capsim:.2f} (arrival, facility and region "
        f"calendars), simpy {events_simpy:.2f}",
        "",
        "(c) generated provinces, 600 deliveries/year per facility   microseconds per delivery",
        "  facilities  horizon  replications × women  cohort+engine  (CPU)  compile  results"
        "  whole",
    ]
    for n in SIZES:
        c = cost[n]
        years_, days_ = horizons[n]
        span = f"{days_} d" if days_ else f"{years_} y"
        reps = (QUICK_REPLICATIONS if quick else REPLICATIONS)[n]
        lines.append(f"  {n:10,d}  {span:>7}  {reps:>5d} × {c['women_per_round'] // reps:>11,d}"
                     f"  {c['sim_us']:13.2f}  {c['sim_cpu_us']:5.2f}  {c['compile_us']:7.2f}"
                     f"  {c['reduce_us']:7.2f}  {whole[n]:5.2f}")
    lines += [
        f"  cost growth 10 -> 1000 facilities: {growth:.2f} (CPU time: {growth_cpu:.2f}; "
        f"whole replication: {whole[1000] / whole[10]:.2f})",
        "",
        f"(d) province: {province['facilities']:,} facilities, "
        f"{province['deliveries_per_year']:,.0f} deliveries/year, {province['horizon']}",
        f"  one replication: {province['wall_s']:.1f} s wall ({province['cpu_s']:.1f} s CPU), "
        f"{province['arrivals']:,} women counted, peak resident memory "
        f"{province['peak_rss_mib']:.0f} MiB",
        "",
        "targets: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in targets.items()),
    ]
    if profile:
        lines += ["", "profile of one 1,000-facility replication (own time):"]
        lines += [f"  {r['own_share']:6.1%}  {r['own_s']:7.2f} s  {r['calls']:>9,d}  "
                  f"{r['function']}" for r in profile]
    print("\n".join(lines))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "command": "python benchmarks/engine.py" + (" --quick" if quick else ""),
        "quick": quick, "rounds": rounds,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": load_after},
        "jizhou": {"deliveries_per_s_capsim": capsim_rate,
                   "deliveries_per_s_engine_alone": engine_rate,
                   "deliveries_per_s_obvious_simpy": obvious_rate,
                   "capsim_over_obvious": ratio, "capsim_over_obvious_cpu": ratio_cpu,
                   "identical_results": identical, "events_per_woman_capsim": events_capsim,
                   "events_per_woman_obvious_simpy": events_simpy, "rounds": jiz_rounds},
        "provinces": {"deliveries_per_year_per_facility": PER_FACILITY,
                      "cost_us_per_delivery": {str(n): cost[n] for n in SIZES},
                      "cost_growth_10_to_1000": growth, "cost_growth_cpu": growth_cpu,
                      "whole_replication_growth": whole[1000] / whole[10],
                      "rounds": {str(n): prov_rounds[n] for n in SIZES}},
        "province_replication": province,
        "targets": targets,
        "profile": profile,
    }, indent=2))
    print(f"wrote {OUT.relative_to(ROOT)}")
    print(f"capsim/obvious-simpy: {ratio:.2f}, cost growth 10→1000 facilities: {growth:.2f}")
    if not (identical and province["conserved"]):
        return 1
    return 0 if quick or all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
