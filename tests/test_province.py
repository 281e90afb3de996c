"""The generated province: a valid scenario of any size with the same load per facility, whose
referral orders send a township's women to its own county first."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import assert_conserved

from capsim import simulate
from capsim.model import compile_network
from capsim.province import COUNTY_SIZE, province_scenario


def per_county(scenario, county: int) -> list[tuple[str, int, int, int, float]]:
    """(role, beds, midwives, theatres, booking share) of the facilities of one county."""
    facs = scenario.facilities[county * COUNTY_SIZE:(county + 1) * COUNTY_SIZE]
    return [(f.id.split("-")[1], f.beds, f.midwives, f.theatres,
             round(scenario.demand.booking[f.id] * len(scenario.facilities), 9)) for f in facs]


def test_every_county_carries_the_same_load_whatever_the_size():
    small = province_scenario(10, 6_000)
    large = province_scenario(200, 120_000)
    assert large.demand.deliveries / len(large.facilities) == 600
    first = per_county(small, 0)
    for county in (0, 7, 19):
        assert per_county(large, county) == first


def test_level_mix_and_capabilities():
    scenario = province_scenario(200, 120_000)
    levels = Counter(f.level for f in scenario.facilities)
    assert levels == {"township": 160, "county": 18, "mch": 20, "city_tertiary": 2}
    for f in scenario.facilities:
        assert ("caesarean" in f.capabilities) == (f.level != "township")
        assert ("critical_maternal_care" in f.capabilities) == (f.level in ("county",
                                                                          "city_tertiary"))


def test_a_township_refers_to_its_own_county_hospital_first():
    scenario = province_scenario(30, 18_000)
    net = compile_network(scenario)
    for i in range(len(net.ids)):
        if net.levels[i] == "township":
            hospital = i - i % COUNTY_SIZE
            assert net.order[i][0] == hospital
            assert set(net.order[i][:COUNTY_SIZE - 1]) == set(range(hospital, hospital
                                                                   + COUNTY_SIZE)) - {i}


def test_layout_follows_the_seed():
    a, b, c = (province_scenario(20, 12_000, seed=s) for s in (1, 1, 2))
    assert a == b
    assert a.referral.transfers != c.referral.transfers


def test_a_small_province_runs_and_every_facility_delivers():
    res = simulate(province_scenario(20, 12_000, days=60), replications=2, seed=3, workers=1)
    assert_conserved(res)
    s = res.summary()
    deliveries = s[(s.metric == "deliveries") & (s.facility != "region")]
    assert (deliveries["mean"] > 0).all()
    occupancy = s[(s.metric == "occupancy_mean") & (s.facility == "region")]["mean"].iloc[0]
    assert 0.2 < occupancy < 0.9


@pytest.mark.parametrize("bad", [dict(n_facilities=0, deliveries_per_year=100),
                                 dict(n_facilities=5, deliveries_per_year=0)])
def test_bad_sizes_are_rejected(bad):
    with pytest.raises(ValueError):
        province_scenario(**bad)
