"""The compiled engine against the simpy model of the same pathway
(`capsim.model.simpy_model`: one process per woman, a pool per facility's beds, midwives
and theatres).

Given the same cohort the two must agree woman by woman — where she planned to deliver and
where she delivered, how, when, her wait for a midwife, her decision-to-delivery interval,
every bed stay and every move between facilities — and therefore in every summary statistic,
on every shipped scenario and under dated policy and referral changes. Tolerances: outcomes,
facilities, flows and counts exactly; times as clock readings to 1e-9 relative
(``TIME_RTOL``), because simpy schedules ``now + delay``, which may miss an absolute hour by an
ulp; summaries and daily census built on those times to 1e-9 relative, or 1e-9 absolute for a
value that is zero but for the rounding residue of a difference of times. Both conserve women.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from conftest import COLOURS, SCENARIOS, assert_conserved, base_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import capsim
from capsim import CapsimError, Results, load_scenario, validate_scenario
from capsim.care import reduce_with_care
from capsim.cli import main as cli_main
from capsim.demand import build_cohort
from capsim.model import compile_network, run_engine, run_simpy
from capsim.model.care import simulate_care
from capsim.model.engine import EMERGENCY_CS, EMERGENCY_TRANSFER, PLANNED_CS
from capsim.model.network import hours_since
from capsim.model.simpy_model import TIME_RTOL, SimpyModel, differences
from capsim.province import province_scenario
from capsim.scenario.models import LEVEL_RANK

#: Relative, for summaries and daily census built on times: that of the times themselves.
TOLERANCE = TIME_RTOL
#: Absolute, for the same values where they are zero: a census or a share computed from times
#: an ulp apart may leave a residue of 1e-15 instead of 0.
RESIDUE = 1e-9

COUNTY, TOWN, MCH = 0, 1, 2


def stressed() -> dict:
    """Three small facilities under heavy demand: women wait for midwives and theatres, are
    turned away, diverted, transferred in emergencies and sent out of the region; some are in
    bed at the start."""
    d = base_dict(horizon={"start": "2020-01-01", "days": 120, "warmup_days": 20},
                  demand={"deliveries": 3000, "booking": {"county": 0.5, "town": 0.3, "mch": 0.2}},
                  pathway={"intrapartum_complication": {c: 0.05 for c in COLOURS},
                           "roster": {"shifts_per_day": 1, "availability": 1.0}})
    d["facilities"][0].update(beds=12, midwives=3, theatres=1, obstetricians=2, initial_census=3)
    d["facilities"][1].update(beds=3, midwives=2)
    d["facilities"].append({"id": "mch", "name": "妇幼保健院", "level": "mch", "beds": 6,
                            "midwives": 3, "obstetricians": 2, "theatres": 1,
                            "capabilities": ["caesarean"]})
    return d


def both(scenario, replications: int, seed: int):
    """Run the engine and the simpy model on the same cohorts; return their records and
    their results."""
    net = compile_network(scenario)
    records, results = ([], []), ([], [])
    for rep in range(replications):
        cohort = build_cohort(scenario, rep, seed)
        for k, run in enumerate((run_engine, run_simpy)):
            rec = run(net, cohort)
            records[k].append(rec)
            # Newborns and children (when the scenario has them) follow each model's births.
            results[k].append(reduce_with_care(
                net, rec, simulate_care(scenario, net, cohort, rec, rep, seed), rep, seed,
                scenario.horizon.sim_start))
    return records, [Results(scenario, net, seed, r) for r in results]


def assert_same(scenario, replications: int, seed: int) -> list:
    """Assert that the engine and the simpy model agree woman by woman and in every summary,
    and that both conserve women; return the engine's records."""
    records, (fast, plain) = both(scenario, replications, seed)
    assert_conserved(fast)
    assert_conserved(plain)
    for rep, (a, b) in enumerate(zip(*records, strict=True)):
        assert differences(a, b) == [], f"replication {rep}"
    pd.testing.assert_frame_equal(fast.summary(), plain.summary(), rtol=TOLERANCE,
                                  atol=RESIDUE)
    pd.testing.assert_frame_equal(fast.flow_summary(), plain.flow_summary())
    np.testing.assert_allclose(fast.daily_census, plain.daily_census, rtol=TOLERANCE,
                               atol=RESIDUE)
    return records[0]


# --- every shipped scenario ----------------------------------------------------------------

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_engine_equals_the_simpy_model_on_every_shipped_scenario(path):
    scenario = load_scenario(path)
    # Five-year plans (25,000-32,000 women a replication): one replication; the others two.
    replications = 1 if (scenario.horizon.end - scenario.horizon.start).days > 400 else 2
    assert_same(scenario, replications, scenario.run.seed)


def test_the_shipped_scenarios_include_dated_changes_and_a_consolidation():
    """The comparison above covers dated policy steps, and townships that stop deliveries."""
    consolidate = compile_network(load_scenario(SCENARIOS / "nanjiang-15th-fyp-consolidate.yaml"))
    assert sum(step.delivers is False for step in consolidate.policy) == 7
    thirteenth = compile_network(load_scenario(SCENARIOS / "nanjiang-13th-fyp.yaml"))
    assert any(step.beds > 0 and step.midwives > 0 for step in thirteenth.policy)


def two_pools(rule: str = "queue") -> dict:
    """The stressed region with delivery beds apart from ward beds (few ward beds: women wait
    in delivery beds for one), antenatal admissions, the county's own roster of a day and a
    night shift, and the midwife ``rule``."""
    d = stressed()
    d["facilities"][COUNTY].update(ward_beds=d["facilities"][COUNTY].pop("beds") - 4,
                                   delivery_beds=4, initial_census=3, midwives=4,
                                   roster={"shifts": [{"name": "am", "start": 8, "midwives": 3},
                                                      {"name": "pm", "start": 17,
                                                       "midwives": 1}]})
    d["facilities"][MCH].update(ward_beds=d["facilities"][MCH].pop("beds"), delivery_beds=2)
    d["pathway"].update(midwife_rule=rule, recovery_hours=2.0,
                        antenatal={c: {"probability": 0.3} for c in COLOURS})
    return d


@pytest.mark.parametrize("make", [
    lambda: validate_scenario(stressed()),
    lambda: province_scenario(20, 12_000, days=90),
    lambda: validate_scenario(two_pools("queue")),
    lambda: validate_scenario(two_pools("ratio")),
], ids=["stressed", "province-20", "two-pools-queue", "two-pools-ratio"])
def test_engine_equals_the_simpy_model(make):
    assert_same(make(), replications=3, seed=11)


@pytest.mark.parametrize("rule", ["queue", "ratio"])
def test_access_block_and_the_ratio_rule_happen_in_the_two_pool_region(rule):
    """The comparison above is not vacuous: women wait in delivery beds for a ward bed, stays
    of both pools are recorded, and under the ratio rule nobody waits for a midwife but some
    time is over the labour places (under the queue rule, only after the night shift's cut)."""
    scenario = validate_scenario(two_pools(rule))
    net = compile_network(scenario)
    rec = run_engine(net, build_cohort(scenario, 0, 11))
    assert rec.block_facility.size > 5 and set(rec.block_facility) <= {COUNTY, MCH}
    assert (rec.block_end_h >= rec.block_start_h).all()
    assert set(np.unique(rec.stay_pool[rec.stay_facility == COUNTY])) == {0, 1}
    assert set(np.unique(rec.stay_pool[rec.stay_facility == TOWN])) == {0}
    waits = rec.midwife_wait_h[np.isfinite(rec.midwife_wait_h)]
    if rule == "ratio":
        assert (waits == 0).all() and rec.over_facility.size > 5
    else:
        assert (waits > 0).any()


def test_a_difference_is_seen():
    scenario = validate_scenario(stressed())
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0, 11)
    fast = run_engine(net, cohort)
    fast.facility = fast.facility.copy()
    fast.facility[np.flatnonzero(fast.facility >= 0)[0]] += 1
    fast.ddi_min = fast.ddi_min + 1e-3
    assert differences(fast, run_simpy(net, cohort)) == ["facility", "ddi_min"]


def test_the_stressed_region_exercises_every_branch_of_the_pathway():
    scenario = validate_scenario(stressed())
    cohort = build_cohort(scenario, 0, 11)
    rec = run_engine(compile_network(scenario), cohort)
    assert np.nanmax(rec.midwife_wait_h) > 0                     # waited for a midwife
    assert rec.turned_away.any() and rec.out_of_region.any()      # no bed; out of the region
    reasons = {reason for (_, _, _, reason) in rec.flows}
    assert {1, 2, 3} <= reasons  # risk referral, no bed, emergency transfer
    # An emergency caesarean waited for a theatre: decision to delivery longer than her
    # preparation, where she laboured (no transfer).
    stayed = rec.facility == rec.labour_facility
    assert (rec.ddi_min[stayed] > cohort.preparation_h[stayed] * 60 + 1).any()
    assert (rec.stay_start_h == 0).sum() >= 3  # women in bed at the start


# --- dated policy and referral changes on a stressed region ------------------------------

SIM_START = date(2019, 12, 12)  # the stressed region's first warm-up day


def day(k: int) -> str:
    """The date ``k`` days after the simulation start (its 00:00 is hour 24 k)."""
    return str(SIM_START + timedelta(days=k))


#: The plan of the changing region, by day from the simulation start.
PLAN = [
    # Theatre capacity 2 -> 1 while two caesareans run and two wait (planned at 23:00).
    {"date": day(1), "facility": "county", "obstetricians": -1},
    # Midwives on duty 3 -> 1 while three are with women and two women wait.
    {"date": day(19), "facility": "county", "midwives": -2},
    # Beds 12 -> 4, below the women in them.
    {"date": day(25), "facility": "county", "beds": -8},
    {"date": day(38), "facility": "town", "delivers": False},
    # None on duty: a closure (no new women), but the women there wait for a midwife.
    {"date": day(43), "facility": "county", "midwives": -1, "delivers": False},
    {"date": day(44), "facility": "county", "midwives": 4, "delivers": True},  # served at once
    {"date": day(50), "facility": "county", "beds": 6},
    {"date": day(60), "facility": "county", "theatres": -2},   # no caesareans at the county
    {"date": day(70), "facility": "town", "delivers": True},
    {"date": day(75), "facility": "county", "theatres": 2, "obstetricians": 1},
]
REFERRAL_CHANGES = [
    {"date": day(55), "eligibility": {"yellow": {"min_level": "township"}}},
    {"date": day(90), "eligibility": {"red": {"min_level": "county",
                                              "capabilities": ["critical_maternal_care"]}}},
]


def changing() -> dict:
    """The stressed region with long labours (midwives are often all busy), planned
    caesareans at 23:00 (theatres busy at midnight, when dated changes take effect), two
    theatres at the county, and a plan of cuts, additions, a township closing and reopening,
    and two referral-rule changes."""
    d = stressed()
    d["demand"].update(planned_caesarean_hours=[23],
                       planned_caesarean_rate={c: 0.3 for c in COLOURS})
    d["pathway"]["labour"] = {"dist": "lognormal", "mean": 10.0, "sd": 5.0}
    d["facilities"][COUNTY].update(theatres=2)
    d["policy"] = PLAN
    d["referral"] = {"changes": REFERRAL_CHANGES}
    return d


def hour(k: int) -> float:
    """Hour of 00:00 on day ``k`` of the simulation."""
    return hours_since(SIM_START, SIM_START + timedelta(days=k))


def test_dated_changes_give_the_same_women_in_both_models():
    assert_same(validate_scenario(changing()), replications=3, seed=11)


def pools_around(model: SimpyModel, days: list[int], f: int) -> dict:
    """Run ``model`` and return the state of facility ``f``'s pools a moment before and after
    00:00 of each of ``days``: {(day, "before" | "after"): (beds in use, beds, midwives in use,
    midwives, women waiting for one, theatres in use, theatres, women waiting for one)}."""
    seen = {}

    def probe():
        for k in days:
            for when, offset in (("before", -1e-6), ("after", 1e-6)):
                yield model.env.timeout(hour(k) + offset - model.env.now)
                beds, mw, th = model.beds[f], model.midwives[f], model.theatres[f]
                seen[k, when] = (beds.in_use, beds.capacity, mw.in_use, mw.capacity,
                                 len(mw.waiting[0]), th.in_use, th.capacity,
                                 sum(len(q) for q in th.waiting))

    model.env.process(probe())
    model.run()
    return seen


def test_the_plan_cuts_below_what_is_in_use_while_women_wait():
    scenario = validate_scenario(changing())
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0, 11)
    s = pools_around(SimpyModel(net, cohort), [1, 19, 25, 43, 44], COUNTY)
    beds_used, beds, mw_used, mw, mw_waiting, th_used, th, th_waiting = range(8)
    # Theatres: two operating and women waiting when the capacity falls to one.
    assert s[1, "before"][th_used] == 2 and s[1, "before"][th_waiting] >= 1
    assert s[1, "after"][th] == 1 and s[1, "after"][th_used] == 2
    # Midwives: three with women and women waiting when those on duty fall to one.
    assert s[19, "before"][mw_used] == 3 and s[19, "before"][mw_waiting] >= 1
    assert s[19, "after"][mw] == 1 and s[19, "after"][mw_waiting] == s[19, "before"][mw_waiting]
    # Beds: more women in them than the beds left.
    assert s[25, "after"][beds] == 4 and s[25, "after"][beds_used] > 4
    # No midwife on duty while closed (a cut to none must close the unit), then four; women
    # waiting then get one at once (as after the cut of day 19, and in test_pathway).
    assert s[43, "after"][mw] == 0 and s[44, "before"][mw] == 0 and s[44, "after"][mw] == 4
    assert s[44, "after"][mw_waiting] == 0
    assert s[44, "after"][mw_used] == s[44, "before"][mw_used] + s[44, "before"][mw_waiting]


def busy_at_each_start(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For intervals [start, end) (hours), how many others are under way at each start."""
    return np.asarray([np.count_nonzero((start <= t) & (end > t)) - 1 for t in start])


def test_units_owed_after_a_cut_are_repaid_before_anyone_is_served():
    """After a cut, a unit is taken only when fewer are in use than the new capacity: in both
    models, since they agree woman by woman."""
    scenario = validate_scenario(changing())
    net = compile_network(scenario)
    for rep in range(2):
        cohort = build_cohort(scenario, rep, 11)
        rec = run_engine(net, cohort)
        # Midwives at the county: one on duty from day 19 to day 40.
        at = rec.labour_facility == COUNTY
        start = (rec.labour_start_h + rec.midwife_wait_h)[at]
        end = start + cohort.labour_h[at]
        busy = busy_at_each_start(start, end)
        window = (start > hour(19)) & (start < hour(40))
        assert window.sum() >= 5 and (busy[window] < 1).all()
        assert (busy[start < hour(19)] == 2).any()  # the cut mattered: three were on duty
        # Beds at the county: four from day 25 to day 50.
        stay = rec.stay_facility == COUNTY
        start, end = rec.stay_start_h[stay], rec.stay_end_h[stay]
        busy = busy_at_each_start(start, end)
        window = (start > hour(25)) & (start < hour(50))
        assert window.sum() >= 5 and (busy[window] < 4).all()


def test_closing_reopening_and_referral_changes_move_the_women():
    scenario = validate_scenario(changing())
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0, 11)
    rec = run_engine(net, cohort)
    t, booked, risk = cohort.admit_h, cohort.booked, cohort.risk
    yellow, red = COLOURS.index("yellow"), COLOURS.index("red")
    closed = (t > hour(38)) & (t < hour(70))
    # No woman plans to deliver at the township while it is closed; some do before and after.
    assert (booked[closed] == TOWN).sum() > 10 and not (rec.first[closed] == TOWN).any()
    assert (rec.first[t < hour(38)] == TOWN).any() and (rec.first[t > hour(70)] == TOWN).any()
    # Yellow women booked at the township: referred for their risk under the first rule (before
    # the closure), planned there once it reopens under the rule of day 55.
    at_town = (booked == TOWN) & (risk == yellow)
    assert at_town[t < hour(38)].any() and not (rec.first[at_town & (t < hour(38))] == TOWN).any()
    assert (rec.first[at_town & (t > hour(70))] == TOWN).any()
    # Red women booked at the MCH hospital (no critical care): planned there before day 90,
    # referred to the county hospital after.
    at_mch = (booked == MCH) & (risk == red)
    assert (rec.first[at_mch & (t < hour(90))] == MCH).any()
    assert at_mch[t > hour(90)].any() and (rec.first[at_mch & (t > hour(90))] == COUNTY).all()
    # The county hospital has critical care, so it sends women on in an emergency only when it
    # cannot operate: without theatres, from day 60 to day 75.
    sent_on = sum(n for (_, src, _, why), n in rec.flows.items()
                  if src == COUNTY and why == EMERGENCY_TRANSFER)
    assert sent_on > 0
    caesarean_at_county = (rec.facility == COUNTY) & np.isin(rec.mode, [PLANNED_CS, EMERGENCY_CS])
    born = rec.delivered_h[caesarean_at_county]
    # (an operation begun before day 60 may end in a birth just after)
    assert not ((born > hour(60) + 1) & (born < hour(75))).any()


# --- random small regions ----------------------------------------------------------------

LEVELS = tuple(LEVEL_RANK)
CAPABILITIES = ("caesarean", "critical_maternal_care")


@st.composite
def small_regions(draw) -> dict:
    """A valid scenario mapping of 1-4 facilities with few beds, midwives and theatres (0 where
    valid), some with delivery beds apart from ward beds and some with their own roster by
    shift, a random risk mix and booking, the queue or the ratio midwife rule, dated policy
    steps and referral-rule changes, over 20-60 days: a few hundred women at most."""
    n = draw(st.integers(1, 4))
    facilities = []
    for i in range(n):
        delivers = i == 0 or draw(st.booleans())
        obstetricians, theatres = draw(st.integers(0, 3)), draw(st.integers(0, 2))
        caps = [c for c in CAPABILITIES if draw(st.booleans())
                and (c != "caesarean" or obstetricians * theatres > 0)]
        beds = draw(st.integers(1 if delivers else 0, 4))
        midwives = draw(st.integers(1 if delivers else 0, 3))
        facility = {
            "id": f"f{i}", "name": f"facility {i}", "level": draw(st.sampled_from(LEVELS)),
            "delivers": delivers, "beds": beds, "midwives": midwives,
            "obstetricians": obstetricians, "theatres": theatres, "capabilities": caps,
            "initial_census": draw(st.integers(0, beds)),
        }
        if delivers and draw(st.booleans()):  # delivery beds apart from ward beds
            facility["ward_beds"] = facility.pop("beds")
            facility["delivery_beds"] = draw(st.integers(1, 3))
        if delivers and draw(st.booleans()):  # its own roster, by shift
            starts = sorted(draw(st.lists(st.integers(0, 23), min_size=1, max_size=3,
                                          unique=True)))
            with_obs = draw(st.booleans())
            facility["roster"] = {"shifts": [
                {"start": h, "midwives": draw(st.integers(1, midwives)),
                 **({"obstetricians": draw(st.integers(0, obstetricians))} if with_obs else {})}
                for h in starts]}
        facilities.append(facility)
    delivering = [f for f in facilities if f["delivers"]]

    def rule():
        """An eligibility rule that some delivering facility satisfies."""
        f = draw(st.sampled_from(delivering))
        rank = LEVEL_RANK[f["level"]]
        return {"min_level": draw(st.sampled_from([x for x in LEVELS if LEVEL_RANK[x] <= rank])),
                "capabilities": draw(st.lists(st.sampled_from(f["capabilities"]), unique=True))
                if f["capabilities"] else []}

    def shares(keys) -> dict:
        weights = draw(st.lists(st.integers(0, 3), min_size=len(keys), max_size=len(keys))
                       .filter(any))
        return {k: w / sum(weights) for k, w in zip(keys, weights, strict=True)}

    days, warmup = draw(st.integers(20, 60)), draw(st.integers(0, 10))
    start = date(2020, 12, 1) + timedelta(days=draw(st.integers(0, 40)))  # may cross a year
    total = days + warmup
    first = start - timedelta(days=warmup)
    steps = []
    for _ in range(draw(st.integers(0, 5))):
        steps.append({"date": first + timedelta(days=draw(st.integers(0, total))),
                      "facility": f"f{draw(st.integers(0, n - 1))}",
                      "beds": draw(st.integers(-3, 3)), "midwives": draw(st.integers(-2, 2)),
                      "obstetricians": draw(st.integers(-2, 2)),
                      "theatres": draw(st.integers(-1, 1)),
                      "delivers": draw(st.sampled_from([None, None, True, False]))})
    steps.sort(key=lambda s: s["date"])
    running = {f["id"]: {"beds": f.get("beds", f.get("ward_beds")),
                         "delivery_beds": f.get("delivery_beds", 0), **f}
               for f in facilities}
    for step in steps:  # never below zero, as the validator requires
        have = running[step["facility"]]
        if "roster" in have:  # its own roster fixes its staff on duty
            step.update(midwives=0, obstetricians=0, theatres=0)
        if "ward_beds" in have:
            step["delivery_beds"] = draw(st.integers(-2, 2))
        for key in ("beds", "midwives", "obstetricians", "theatres", "delivery_beds"):
            step[key] = max(step.get(key, 0), -have[key])
            have[key] += step[key]
        # A facility left with no bed or no midwife must stop its deliveries (a closure).
        delivers = have["delivers"] if step["delivers"] is None else step["delivers"]
        if delivers and (have["beds"] <= 0 or have["midwives"] <= 0
                         or ("ward_beds" in have and have["delivery_beds"] <= 0)):
            step["delivers"] = delivers = False
        have["delivers"] = delivers
    changes = [{"date": first + timedelta(days=draw(st.integers(0, total))),
                "eligibility": {c: rule() for c in draw(st.lists(st.sampled_from(COLOURS),
                                                                 min_size=1, unique=True))}}
               for _ in range(draw(st.integers(0, 2)))]
    ids = [f["id"] for f in facilities]
    rates = st.sampled_from([0.0, 0.1, 0.3])
    return {
        "name": "random region",
        "horizon": {"start": str(start), "days": days, "warmup_days": warmup},
        "run": {"replications": 1, "seed": draw(st.integers(0, 10_000))},
        "facilities": facilities,
        "demand": {
            "deliveries": draw(st.sampled_from([600, 1500, 4000])),
            "risk_mix": shares(COLOURS),
            "planned_caesarean_rate": {c: draw(rates) for c in COLOURS},
            "emergency_caesarean_rate": {c: draw(rates) for c in COLOURS},
            "planned_caesarean_hours": draw(st.lists(st.integers(0, 23), min_size=1,
                                                     max_size=3)),
            "booking": shares(ids),
        },
        "pathway": {
            "intrapartum_complication": {c: draw(rates) for c in COLOURS},
            "antenatal": {c: {"probability": draw(rates)} for c in COLOURS},
            "postnatal_los": {"vaginal": {"dist": "lognormal", "mean": 1.5, "sd": 0.8},
                              "caesarean": {"dist": "lognormal", "mean": 3.0, "sd": 1.0}},
            "one_to_one_midwife": draw(st.booleans()),
            "midwife_rule": draw(st.sampled_from(["queue", "ratio"])),
            "recovery_hours": draw(st.sampled_from([0.5, 2.0, 30.0])),
            "roster": {"shifts_per_day": draw(st.integers(1, 3)),
                       "availability": draw(st.sampled_from([1.0, 0.65]))},
            "obstetricians_per_caesarean": draw(st.integers(1, 2)),
        },
        "referral": {
            "eligibility": {c: rule() for c in COLOURS},
            "default_transfer_minutes": draw(st.sampled_from([20, 60, 150])),
            "order": {i: draw(st.permutations([j for j in ids if j != i]))
                      for i in ids if draw(st.booleans())},
            "split": {i: {j: draw(st.integers(1, 3)) for j in ids if j != i}
                      for i in ids if n > 1 and draw(st.booleans())},
            "changes": changes,
        },
        "policy": steps,
    }


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=small_regions())
def test_random_small_regions_give_the_same_women_in_both_models(data):
    scenario = validate_scenario(data)
    assert_same(scenario, replications=1, seed=scenario.run.seed)


# --- choosing the engine ---------------------------------------------------------------------

def short() -> dict:
    """The two-facility region over two months."""
    return base_dict(horizon={"start": "2020-01-01", "days": 60, "warmup_days": 10})


def test_the_engine_is_chosen_by_name_and_recorded_even_on_worker_processes():
    scenario = validate_scenario(short())
    compiled = capsim.simulate(scenario, replications=2, seed=3, workers=1)
    simpy = capsim.simulate(scenario, replications=2, seed=3, workers=2, engine="simpy")
    assert_conserved(simpy)
    assert [r.engine for r in compiled.replications] == ["compiled", "compiled"]
    assert [r.engine for r in simpy.replications] == ["simpy", "simpy"]
    assert simpy.engine == "simpy"
    pd.testing.assert_frame_equal(compiled.metrics, simpy.metrics, rtol=TOLERANCE, atol=RESIDUE)
    one = capsim.run_replication(scenario, 1, seed=3, engine="simpy")
    assert one.engine == "simpy"
    pd.testing.assert_frame_equal(one.metrics, simpy.replications[1].metrics)


@pytest.mark.parametrize("call", [capsim.simulate, capsim.run_replication])
def test_an_unknown_engine_is_refused_naming_the_choices(call):
    scenario = validate_scenario(short())
    args = (scenario,) if call is capsim.simulate else (scenario, 0)
    with pytest.raises(CapsimError, match="unknown engine 'numba'.*'compiled', 'simpy'"):
        call(*args, engine="numba")


def test_capsim_run_with_the_simpy_engine_writes_the_same_summary(tmp_path, capsys):
    scenario = str(SCENARIOS / "jizhou-alliance.yaml")
    common = ["run", scenario, "-n", "2", "--seed", "4", "--workers", "1"]
    assert cli_main([*common, "--out", str(tmp_path / "compiled")]) == 0
    assert cli_main([*common, "--out", str(tmp_path / "simpy"), "--engine", "simpy"]) == 0
    assert "simpy engine" in capsys.readouterr().out
    compiled = pd.read_csv(tmp_path / "compiled" / "summary.csv")
    simpy = pd.read_csv(tmp_path / "simpy" / "summary.csv")
    assert len(compiled) > 100
    pd.testing.assert_frame_equal(compiled, simpy, rtol=TOLERANCE, atol=RESIDUE)
    for engine in ("compiled", "simpy"):
        runs = pd.read_csv(tmp_path / engine / "replications.csv")
        assert runs["engine"].tolist() == [engine, engine]
        assert runs["seed"].tolist() == [4, 4]


def test_dated_changes_of_cots_and_paediatric_beds_keep_both_models_equal():
    """Newborns and children follow the births of each model through the same dated changes
    of cots and paediatric beds (cots added, cots cut below those in use, a paediatric ward
    opened, beds cut to none): both models agree in every summary, the care rows included,
    and each change shows in the beds in force the results read."""
    d = stressed()
    d["horizon"] = {"start": "2020-01-01", "days": 120, "warmup_days": 20}
    d["newborn"] = {"cots": {"county": {"special": 3, "intensive": 1}, "mch": {"special": 2}}}
    d["paediatric"] = {
        "groups": [{"id": "respiratory", "admissions": 1500,
                    "severity": {"mild": 0.7, "moderate": 0.3},
                    "stay": {"dist": "lognormal", "mean": 4, "sd": 2}}],
        "beds": {"county": 4, "town": 2}, "presentation": {"county": 0.5, "town": 0.5},
        "severity_level": {"mild": "township", "moderate": "county", "severe": "county"}}
    d["policy"] = [
        {"date": "2020-02-01", "facility": "county", "cots": {"special": 2, "intensive": 1}},
        {"date": "2020-03-01", "facility": "county", "cots": {"special": -4}},
        {"date": "2020-02-15", "facility": "mch", "paediatric_beds": 3},
        {"date": "2020-03-15", "facility": "town", "paediatric_beds": -2, "beds": 1}]
    scenario = validate_scenario(d)
    assert_same(scenario, 2, 9)
    _, (fast, _) = both(scenario, 1, 9)
    beds = fast.metrics.set_index(["year", "facility", "metric"])["value"]
    # 120 days from 2020-01-01: 3+1 cots for 31 days, 5+2 for 29, 1+2 for 60.
    assert beds[("2020", "county", "cots")] == pytest.approx((4 * 31 + 7 * 29 + 3 * 60) / 120)
    assert beds[("2020", "town", "paediatric_beds")] == pytest.approx(2 * 74 / 120)
