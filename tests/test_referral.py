"""The referral rule: the compiled engine plans every woman's delivery where
`capsim.scenario.referral` says, on random small regions with dated rule and policy
changes; and the rule's own walks."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest
from conftest import COLOURS, assert_conserved, base_dict
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from capsim import ScenarioError, validate_scenario
from capsim.demand import build_cohort
from capsim.model import REASONS, compile_network, run_engine
from capsim.results import Results, reduce_replication
from capsim.scenario.calendar import horizon_years
from capsim.scenario.referral import OUT_OF_REGION, ReferralRule

LEVELS = ("township", "county", "mch", "city_tertiary")
CAPABILITIES = ("caesarean", "critical_maternal_care", "neonatal_intensive_care")
START = date(2020, 12, 10)  # the horizon crosses a new year
WARMUP, DAYS = 10, 40


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


@st.composite
def regions(draw) -> dict:
    """A valid-looking region of 1-5 facilities with random levels, capabilities, rules,
    referral orders, and dated referral and policy changes (some may fail validation)."""
    n = draw(st.integers(1, 5))
    facilities = []
    for i in range(n):
        caps = draw(st.lists(st.sampled_from(CAPABILITIES), unique=True, max_size=3))
        cs = "caesarean" in caps
        facilities.append({
            "id": f"f{i}", "name": f"f{i}", "level": draw(st.sampled_from(LEVELS)),
            "delivers": draw(st.booleans()) if i else True,
            "beds": draw(st.integers(1, 3)), "midwives": draw(st.integers(1, 3)),
            "obstetricians": draw(st.integers(1 if cs else 0, 4)),
            "theatres": draw(st.integers(1 if cs else 0, 2)), "capabilities": caps})
    ids = [f["id"] for f in facilities]

    def rule():
        return {"min_level": draw(st.sampled_from(LEVELS)),
                "capabilities": draw(st.lists(st.sampled_from(CAPABILITIES[:2]), unique=True,
                                              max_size=1))}

    changes = [{"date": _day(draw(st.integers(-WARMUP - 3, DAYS + 3))),
                "eligibility": {c: rule() for c in draw(st.lists(st.sampled_from(COLOURS),
                                                                 unique=True, min_size=1))}}
               for _ in range(draw(st.integers(0, 2)))]
    policy = []
    for _ in range(draw(st.integers(0, 4))):
        f = draw(st.integers(0, n - 1))
        policy.append({"date": _day(draw(st.integers(-WARMUP - 3, DAYS + 3))),
                       "facility": ids[f], "delivers": draw(st.sampled_from([None, True, False])),
                       "theatres": draw(st.integers(-facilities[f]["theatres"], 1)),
                       "obstetricians": draw(st.integers(-facilities[f]["obstetricians"], 1))})
    booked = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    order = {fid: draw(st.lists(st.sampled_from(ids), unique=True, max_size=n))
             for fid in draw(st.lists(st.sampled_from(ids), unique=True))}
    transfers = [{"between": pair, "minutes": draw(st.integers(5, 120))}
                 for pair in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids))
                                           .filter(lambda p: p[0] != p[1]), max_size=3))]
    data = base_dict(
        horizon={"start": START.isoformat(), "days": DAYS, "warmup_days": WARMUP},
        facilities=facilities,
        demand={"deliveries": 1500, "planned_caesarean_rate": {c: 0.3 for c in COLOURS},
                "risk_mix": {c: 0.2 for c in COLOURS}},
        referral={"eligibility": {c: rule() for c in COLOURS}, "order": order,
                  "transfers": transfers, "changes": changes},
        pathway={"obstetricians_per_caesarean": draw(st.integers(1, 2))},
        policy=policy)
    data["demand"]["booking"] = {fid: 1 / len(booked) for fid in booked}
    return data


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(regions(), st.integers(0, 2**16))
def test_engine_plans_every_woman_where_the_referral_rule_says(data, seed):
    try:
        scenario = validate_scenario(data)
    except ScenarioError:
        assume(False)
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0, seed)
    rec = run_engine(net, cohort)
    assert_conserved(Results(scenario, net, seed, [reduce_replication(net, rec, 0, seed)]))

    rule = ReferralRule(scenario)
    sim_start = scenario.horizon.sim_start
    years = horizon_years(scenario.horizon)
    arrived = int(np.searchsorted(cohort.admit_h, net.t_end_h, side="left"))
    day = [sim_start + timedelta(days=int(h // 24)) for h in cohort.admit_h[:arrived].tolist()]
    expected_flows: Counter = Counter()
    cases = {}
    for w in range(arrived):
        case = (int(cohort.booked[w]), COLOURS[cohort.risk[w]], bool(cohort.planned_cs[w]),
                day[w])
        if case not in cases:
            cases[case] = rule.destination(*case)
        to, why = cases[case].facility, cases[case].reason
        assert rec.first[w] == to, (w, case, cases[case])
        if w >= rec.first_counted and why != "none":
            expected_flows[(years.index(day[w].year), case[0], to, REASONS.index(why))] += 1
    referrals = {k: v for k, v in rec.flows.items()
                 if REASONS[k[3]] in ("planned_referral", "risk_referral")}
    assert referrals == dict(expected_flows)
    assert (rec.first[arrived:] == OUT_OF_REGION).all()


def _rule(**overrides) -> ReferralRule:
    return ReferralRule(validate_scenario(base_dict(**overrides)))


def test_planned_caesarean_goes_where_a_caesarean_can_run():
    # Every colour may deliver at the township centre, which has no theatre.
    rule = _rule(referral={"eligibility": {c: {"min_level": "township"} for c in COLOURS}},
                 policy=[{"date": "2020-06-01", "facility": "county", "theatres": -2}])
    town, county = 1, 0
    assert rule.destination(town, "red", False, date(2020, 3, 1)).facility == town
    assert rule.destination(town, "red", True, date(2020, 3, 1)).facility == county
    # Once the county hospital has no theatre a planned caesarean has nowhere to go.
    planned = rule.destination(town, "red", True, date(2020, 6, 1))
    assert planned.facility == OUT_OF_REGION and planned.reason == "planned_referral"


def test_risk_referral_and_diversion_follow_the_rules_in_force():
    rule = _rule(referral={"changes": [{"date": "2020-07-01",
                                        "eligibility": {"yellow": {"min_level": "township"}}}]},
                 policy=[{"date": "2020-09-01", "facility": "town", "delivers": False}])
    town, county = 1, 0
    before = rule.destination(town, "yellow", False, date(2020, 6, 30))
    assert (before.facility, before.reason) == (county, "risk_referral")
    assert rule.destination(town, "yellow", False, date(2020, 7, 1)).reason == "none"
    stopped = rule.destination(town, "green", False, date(2020, 9, 1))
    assert (stopped.facility, stopped.reason) == (county, "planned_referral")
    assert rule.diversion(county, "yellow", False, date(2020, 6, 30)) == []
    assert rule.diversion(county, "yellow", False, date(2020, 7, 1)) == [town]
    assert rule.diversion(county, "yellow", False, date(2020, 9, 1)) == []
    assert rule.transfer(town, True, False, date(2020, 3, 1)) == [county]
    assert rule.transfer(county, True, False, date(2020, 3, 1)) == []
    assert rule.change_dates() == [date(2020, 7, 1), date(2020, 9, 1)]


def test_a_facility_started_by_policy_refers_by_risk_once_it_delivers():
    # The township centre starts deliveries on 1 March. Before, a woman booked there is sent
    # on because it does not deliver (a planned referral); from then on, a yellow woman is
    # sent on because it may not take her colour (a risk referral), like at any facility
    # that delivers.
    town = 1
    rule = _rule(facilities=[*base_dict()["facilities"][:1],
                             {**base_dict()["facilities"][1], "delivers": False}],
                 policy=[{"date": "2020-03-01", "facility": "town", "delivers": True}])
    assert rule.destination(town, "green", False, date(2020, 2, 1)).reason == "planned_referral"
    assert rule.destination(town, "green", False, date(2020, 3, 1)).reason == "none"
    assert rule.destination(town, "yellow", False, date(2020, 2, 1)).reason == \
        "planned_referral"
    assert rule.destination(town, "yellow", False, date(2020, 3, 1)).reason == "risk_referral"


def test_a_colour_no_facility_may_take_is_rejected():
    with pytest.raises(ScenarioError, match="could deliver nowhere"):
        validate_scenario(base_dict(referral={"eligibility": {
            **{c: {"min_level": "county"} for c in COLOURS},
            "red": {"min_level": "city_tertiary"}}}))
