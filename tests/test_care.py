"""Newborn care and the paediatric line: the admissions loop against queueing theory, every
newborn and child accounted for, the mothers untouched, the referral walk mirrored, and a
seasonal infinite-server census reproduced."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, assert_conserved, base_dict, deep_update, run_checked
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim import simulate, validate_scenario
from capsim.care import MONTHLY_COLUMNS, monthly_rows
from capsim.errors import ScenarioError
from capsim.metrics import NEWBORN_METRICS, PAEDIATRIC_METRICS
from capsim.model import compile_network
from capsim.model.admissions import AT_ORIGIN, LEVEL, NO_BED, admit
from capsim.model.care import newborn_network, paediatric_network, paediatric_rates
from capsim.queueing import erlang_b
from capsim.scenario.referral import care_walk

COLOURS = ("green", "yellow", "orange", "red", "purple")

NEWBORN = {"cots": {"county": {"special": 6, "intensive": 2}, "town": {"special": 1}},
           "centres": ["county"], "mother_accompanies": 0.5}

CHILDREN = {
    "groups": [{"id": "respiratory", "admissions": 900,
                "month_profile": [2, 1.8, 1.2, 0.8, 0.6, 0.5, 0.5, 0.5, 0.7, 1, 1.4, 1.8],
                "severity": {"mild": 0.6, "moderate": 0.3, "severe": 0.1},
                "stay": {"dist": "lognormal", "mean": 5, "sd": 3}}],
    "beds": {"county": 12, "town": 3},
    "presentation": {"county": 0.4, "town": 0.6},
    "severity_level": {"mild": "township", "moderate": "county", "severe": "county"},
}


def _poisson(rate_h: float, hours: float, rng: np.random.Generator) -> np.ndarray:
    return np.sort(rng.uniform(0.0, hours, rng.poisson(rate_h * hours)))


@pytest.mark.parametrize(("cots", "load"), [(2, 1.0), (6, 4.5), (12, 10.0)])
@pytest.mark.quick
def test_cots_alone_block_as_erlang_b(cots: int, load: float) -> None:
    """One facility's special-care cots alone, Poisson arrivals and exponential stays: the
    share sent out of the region is Erlang-B(cots, load) (a loss system; no other unit)."""
    scenario = validate_scenario(deep_update(base_dict(), {"newborn": {
        "cots": {"county": {"special": cots}}}}))
    net = newborn_network(scenario, compile_network(scenario))
    rng = np.random.default_rng(cots)
    stay_h = 120.0
    t = _poisson(load / stay_h, 400_000 * stay_h / load, rng)
    n = t.shape[0]
    out = admit(t, np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
                rng.exponential(stay_h, n), np.full(n, np.nan), net.beds, net.bed_of_need,
                net.eligible, net.order, net.travel_h, net.down_need)
    warm = t > 50 * stay_h
    blocked = float(np.mean(out.placed[warm] < 0))
    expected = erlang_b(cots, load)
    se = math.sqrt(expected * (1 - expected) / warm.sum()) * 6  # correlated: generous
    assert blocked == pytest.approx(expected, abs=max(se, 0.004))
    # A baby admitted holds a cot of her level at her facility: never more than it has.
    assert set(np.unique(out.placed[out.placed >= 0]).tolist()) == {0}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 200), st.integers(0, 1), st.integers(0, 1),
                          st.floats(0.5, 80)), min_size=1, max_size=60))
def test_loop_never_overfills_and_follows_the_walk(rows) -> None:
    """Whatever the admissions: no facility ever holds more babies of a level than it has
    cots; a baby stays where she was born when it admits her level and has a free cot, and
    otherwise goes to the first facility of the referral walk with a free cot
    (`care_walk`), or out of the region when none has one."""
    scenario = validate_scenario(deep_update(base_dict(), {"newborn": NEWBORN}))
    net = newborn_network(scenario, compile_network(scenario))
    rows = sorted(rows)
    t = np.asarray([r[0] for r in rows])
    origin = np.asarray([r[1] for r in rows], dtype=np.int64)
    need = np.asarray([r[2] for r in rows], dtype=np.int64)
    stay = np.asarray([r[3] for r in rows])
    out = admit(t, origin, need, stay, np.full(len(rows), np.nan), net.beds, net.bed_of_need,
                net.eligible, net.order, net.travel_h, net.down_need)
    held: list[tuple[float, int, int]] = []  # (end, facility, level) of babies in cots
    for i in range(len(rows)):
        held = [h for h in held if h[0] > t[i]]
        free = net.beds.copy()
        for _, g, b in held:
            free[g, b] -= 1
        assert (free >= 0).all()
        f, nd = origin[i], need[i]
        if net.eligible[nd, f] and free[f, nd] > 0:
            assert out.placed[i] == f and out.reason[i] == AT_ORIGIN
        else:
            walk = [g for g in care_walk(net.order, net.eligible, f, nd) if free[g, nd] > 0]
            assert out.placed[i] == (walk[0] if walk else -1)
            assert out.reason[i] == (NO_BED if net.eligible[nd, f] else LEVEL)
        if out.placed[i] >= 0:
            held.append((out.end_h[i], int(out.placed[i]), int(nd)))
            assert out.end_h[i] == pytest.approx(
                t[i] + net.travel_h[f, out.placed[i]] + stay[i])


@pytest.mark.quick
def test_newborn_care_leaves_the_mothers_untouched() -> None:
    """Switching newborn care on adds newborn rows and changes nothing of the mothers:
    every maternity metric, flow and count is the same to the last bit; every newborn and
    every woman is accounted for."""
    data = base_dict(run={"replications": 2, "seed": 11})
    without = run_checked(data)
    with_care = run_checked(deep_update(data, {"newborn": NEWBORN}))
    m = with_care.metrics
    mothers = m[~m["metric"].isin(NEWBORN_METRICS)].reset_index(drop=True)
    assert mothers.equals(without.metrics)
    assert set(m["metric"]) - set(without.metrics["metric"]) == set(NEWBORN_METRICS)
    assert with_care.flows.equals(without.flows)
    assert with_care.accounting.drop(columns="events").equals(
        without.accounting.drop(columns="events"))
    acc = with_care.care_accounting
    assert (acc["no_care_needed"] < acc["arrivals"]).all()
    assert (acc["discharged"] > 0).all()


@pytest.mark.quick
def test_newborn_results_follow_the_cots() -> None:
    """Cots per 1,000 births read the cots over the simulated births; intensive care goes
    only to the named centre; a facility without cots of a level transfers every baby who
    needs it, so its transfers equal its babies in need."""
    res = run_checked(deep_update(base_dict(run={"replications": 2, "seed": 3}),
                                  {"newborn": deep_update(NEWBORN, {"cots": {
                                      "town": {"special": 0}}})}))
    s = res.summary().set_index(["facility", "metric"])["mean"]
    births = s[("region", "deliveries_per_year")]
    # The mean of each replication's ratio, not the ratio of the means: close, not equal.
    assert s[("region", "cots_per_1000_births")] == pytest.approx(8 / births * 1000, rel=1e-3)
    assert s[("town", "newborn_transfers")] == pytest.approx(
        s[("town", "births_needing_cot")])
    assert s[("town", "newborn_admissions")] == 0
    # Every baby of the township centre travels the one road to the county hospital.
    assert s[("town", "newborn_transfer_minutes_mean")] == pytest.approx(
        res.network.travel_h[1, 0] * 60)
    assert 0 < s[("county", "cot_occupancy_mean")] < 1


def _infinite_server(seed: int, stay: dict, admissions: float) -> dict:
    """One facility, ample paediatric beds: a seasonal infinite-server system."""
    return deep_update(base_dict(run={"replications": 1, "seed": seed},
                                 horizon={"start": "2020-01-01", "days": 731,
                                          "warmup_days": 60}), {"paediatric": {
        "groups": [{"id": "respiratory", "admissions": admissions,
                    "month_profile": CHILDREN["groups"][0]["month_profile"],
                    "severity": {"mild": 1.0}, "stay": stay}],
        "beds": {"county": 10_000}, "presentation": {"county": 1.0},
        "down_referral_after": None}})


@pytest.mark.quick
def test_paediatric_census_is_the_seasonal_infinite_server_census() -> None:
    """With ample beds the paediatric line is an infinite-server queue with a monthly rate:
    the mean census of each month is the arrival rate x the mean stay (up to the lag of one
    stay at the month's edges, taken into account exactly here), within its Poisson noise."""
    stay = {"dist": "gamma", "mean": 2.0, "sd": 1.0}
    scenario = validate_scenario(_infinite_server(5, stay, 40_000))
    res = simulate(scenario, workers=1)
    assert_conserved(res)
    rates = paediatric_rates(scenario)
    mean_h = 48.0
    rows = monthly_census(res, scenario)
    assert len(rows) == 24
    # Expected census at time t of an infinite server: the rate integrated over the stays
    # that cover t; with the rate flat within each month and a gamma stay it is the
    # month's rate x the mean stay except within a few stays of the month's start.
    quantiles = scenario.paediatric.groups[0].stay.ppf((np.arange(400) + 0.5) / 400) * 24.0
    starts = np.asarray([a for a, _, _ in rates])
    levels = np.asarray([r.sum() for _, _, r in rates])
    for (a, b), got in rows:
        grid = np.linspace(a, b, 400, endpoint=False) + (b - a) / 800
        # E N(t) = E over stays S of the integral of the rate over [t - S, t].
        expected = np.mean([_integral(starts, levels, grid - s, grid) for s in quantiles],
                           axis=0).mean()
        month = int(np.searchsorted(starts, a, side="right") - 1)
        assert expected == pytest.approx(levels[month] * mean_h, rel=0.12)
        assert got == pytest.approx(expected, abs=5 * math.sqrt(expected / 20) + 1)


def _integral(starts: np.ndarray, levels: np.ndarray, lo: np.ndarray, hi: np.ndarray
              ) -> np.ndarray:
    """Integral of the piecewise-constant rate (``levels`` from ``starts`` on) from ``lo``
    to ``hi`` (hours), elementwise; no rate before the first start."""
    edges = np.append(starts, np.inf)
    total = np.zeros_like(lo)
    for k in range(levels.shape[0]):
        a, b = edges[k], edges[k + 1]
        total += levels[k] * np.clip(np.minimum(hi, b) - np.maximum(lo, a), 0.0, None)
    return total


def monthly_census(res, scenario) -> list[tuple[tuple[float, float], float]]:
    """Mean paediatric census of each reported calendar month of replication 0, from the
    stays of the record: ((first hour, hour after the last), children)."""
    from capsim.model.care import simulate_children

    net = res.network
    rec = simulate_children(scenario, net, 0, scenario.run.seed)
    adm = rec.admitted
    out = []
    for a, b, _ in paediatric_rates(scenario):
        if a < net.t_stats_h:
            continue
        overlap = np.clip(np.minimum(adm.stay_end_h, b) - np.maximum(adm.stay_start_h, a), 0,
                          None)
        out.append(((a, b), float(overlap.sum() / (b - a))))
    return out


@pytest.mark.quick
def test_paediatric_line_refers_up_and_down_and_is_conserved() -> None:
    """Along the alliance: severe and moderate children presenting at the township centre
    are referred up; once stabilised some come back down; every child is accounted for;
    the monthly rows add up to the year's admissions and referrals."""
    res = run_checked(deep_update(base_dict(run={"replications": 2, "seed": 9}),
                                  {"paediatric": CHILDREN}))
    s = res.summary().set_index(["facility", "metric"])["mean"]
    assert s[("town", "paediatric_referrals_up")] > 0
    assert s[("county", "paediatric_referrals_down")] > 0
    assert s[("region", "paediatric_admissions")] > 0
    months = monthly_rows(res)
    assert list(months.columns) == MONTHLY_COLUMNS
    m = res.metrics
    for measure in ("paediatric_admissions", "paediatric_referrals_up",
                    "paediatric_referrals_down"):
        per_rep = months[months["measure"] == measure].groupby("replication")["value"].sum()
        yearly = m[(m["metric"] == measure) & (m["facility"] == "region")
                   & (m["year"] == "all")].set_index("replication")["value"]
        assert (per_rep.reindex(yearly.index, fill_value=0) == yearly).all()
    assert set(PAEDIATRIC_METRICS) <= set(m["metric"])
    net = res.network
    children = paediatric_network(res.scenario, net)
    # Severe children may not stay at the township centre.
    assert not children.eligible[2, net.ids.index("town")]


@pytest.mark.parametrize(("section", "fragment"), [
    ({"newborn": {"cots": {"nowhere": {"special": 2}}}}, "newborn.cots: unknown facility"),
    ({"newborn": {"centres": ["town"]}}, "without intensive cots"),
    ({"newborn": {"need": {"special": {c: 2 if c == "green" else 0.1 for c in COLOURS}}}},
     "special.green: 2.0 is not a probability"),
    ({"paediatric": deep_update(CHILDREN, {"presentation": {"county": 0.5}})}, "sum to 1"),
    ({"paediatric": deep_update(CHILDREN, {"beds": {"city": 4}})},
     "paediatric.beds: unknown facility"),
])
def test_bad_care_sections_are_refused_by_name(section: dict, fragment: str) -> None:
    with pytest.raises((ScenarioError, ValueError), match=None) as err:
        validate_scenario(deep_update(base_dict(), section))
    assert fragment in str(err.value)


def test_loop_runs_uncompiled_with_the_same_results() -> None:
    """With NUMBA_DISABLE_JIT=1 the admissions loop runs as plain Python and gives the
    compiled loop's placements and discharges."""
    code = (
        "import numpy as np\n"
        "from capsim.model.admissions import admit\n"
        "rng = np.random.default_rng(4); n = 400\n"
        "t = np.sort(rng.uniform(0, 2000, n)); o = rng.integers(0, 2, n)\n"
        "nd = rng.integers(0, 3, n); s = rng.exponential(30, n)\n"
        "beds = np.array([[5], [2]]); el = np.array([[1, 1], [1, 0], [1, 0]], bool)\n"
        "order = np.array([[1], [0]]); tr = np.array([[0, 1.5], [1.5, 0]])\n"
        "a = admit(t, o, nd, s, np.full(n, 0.5), beds, np.zeros(3, int), el, order, tr, 0)\n"
        "print(a.placed.tolist(), np.round(a.end_h, 9).tolist(), a.down_to.tolist())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    compiled = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, check=True).stdout
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**env, "NUMBA_DISABLE_JIT": "1"}, check=True).stdout
    assert compiled == plain and "1" in compiled


@pytest.mark.quick
def test_cot_sizing_shows_the_economy_of_scale() -> None:
    """Cots sized by the service-level method: the large unit needs fewer special-care cots
    per 1,000 births than the small one, the region's pool fewer than its units apart, and
    each need meets the Erlang-B no-bed level at its offered load while one cot fewer
    would not."""
    from capsim.sizing.cots import size_cots
    from capsim.sizing.levels import ServiceLevels

    scenario = validate_scenario(deep_update(base_dict(), {"newborn": NEWBORN}))
    levels = ServiceLevels(no_bed=0.01, occupancy=None)
    table = size_cots(scenario, levels, replications=2).set_index(["facility", "level"])
    special = table.xs("special", level="level")
    assert special.loc["county", "births_per_year"] > 3 * special.loc["town", "births_per_year"]
    per_1000 = special["cots_needed_per_1000_births"]
    assert per_1000["county"] < per_1000["town"]
    assert special.loc["region", "cots_needed"] <= special.loc[["county", "town"],
                                                               "cots_needed"].sum()
    for _, row in table.iterrows():
        c, a = int(row["cots_needed"]), float(row["offered_load"])
        if a > 0:
            assert erlang_b(c, a) <= 0.01
            assert c == 1 or erlang_b(c - 1, a) > 0.01


def test_run_and_report_show_the_newborn_and_paediatric_results(tmp_path, capsys) -> None:
    """`capsim run` on the paediatric alliance prints both lines with intervals and the
    out-of-region share by year; `capsim report` shows them in the HTML in both languages."""
    from capsim.cli import main

    path = ROOT / "scenarios" / "jizhou-paediatric-alliance.yaml"
    assert main(["run", str(path), "-n", "2", "--workers", "1",
                 "--out", str(tmp_path / "run")]) == 0
    printed = capsys.readouterr().out
    for heading in ("Newborn care", "Paediatric line", "Out-of-region share by year",
                    "Newborns accounted for", "Children accounted for"):
        assert heading in printed
    line = next(x for x in printed.splitlines() if x.strip().startswith("city-childrens"))
    assert "[" in line and "]" in line
    for lang, heading in (("en", "Paediatric line"), ("zh", "儿科服务")):
        out = tmp_path / f"report-{lang}"
        assert main(["report", str(path), "-n", "2", "--workers", "1", "--lang", lang,
                     "--out", str(out)]) == 0
        html = (out / "report.html").read_text(encoding="utf-8")
        assert heading in html and "city-childrens" in html


@pytest.mark.quick
def test_paediatric_growth_beyond_the_limit_is_refused_before_any_simulation() -> None:
    data = deep_update(base_dict(horizon={"start": "2020-01-01", "days": 3650}),
                       {"paediatric": deep_update(CHILDREN, {"annual_growth": 1.0})})
    data["paediatric"]["groups"][0]["admissions"] = 1_000_000
    with pytest.raises(ScenarioError, match="admissions, more than the"):
        validate_scenario(data)


@pytest.mark.quick
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 300), st.integers(0, 1), st.integers(0, 2),
                          st.floats(1, 120)), min_size=1, max_size=80),
       st.floats(0.1, 0.9))
def test_referrals_back_never_overfill_a_bed_and_keep_every_stay(rows, share) -> None:
    """Children referred up and back down: at no time does a facility hold more children
    than it has beds, a child's stays follow one another without a gap other than the
    travel, and a child referred back returns where she presented."""
    scenario = validate_scenario(deep_update(base_dict(), {"paediatric": CHILDREN}))
    net = paediatric_network(scenario, compile_network(scenario))
    rows = sorted(rows)
    t = np.asarray([r[0] for r in rows])
    origin = np.asarray([r[1] for r in rows], dtype=np.int64)
    need = np.asarray([r[2] for r in rows], dtype=np.int64)
    stay = np.asarray([r[3] for r in rows])
    out = admit(t, origin, need, stay, np.full(len(rows), share), net.beds, net.bed_of_need,
                net.eligible, net.order, net.travel_h, net.down_need)
    # Bed counts over time from the stays: +1 at a start, -1 at an end (ends first).
    for g in range(net.beds.shape[0]):
        mine = out.stay_facility == g
        events = sorted([(e, -1) for e in out.stay_end_h[mine]]
                        + [(s, 1) for s in out.stay_start_h[mine]])
        held = np.cumsum([d for _, d in events]) if events else np.zeros(1)
        assert held.max(initial=0) <= net.beds[g, 0]
    placed = out.placed >= 0
    assert out.stay_facility.shape[0] == placed.sum() + (out.down_to >= 0).sum()
    back = out.down_to >= 0
    assert (out.down_to[back] == origin[back]).all()
    assert (out.placed[back] != origin[back]).all()
    assert (out.down_h[back] < out.end_h[back]).all()
