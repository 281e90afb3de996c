"""The calendar: horizon years and the capacity of every facility over time, each worked out
in one place and read the same way by validation, the network, the results and sizing."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from conftest import base_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim import validate_scenario
from capsim.model import compile_network
from capsim.scenario.calendar import (
    CAPACITY_FIELDS,
    capacity_schedule,
    horizon_years,
    year_spans,
)
from capsim.scenario.models import Horizon
from capsim.sizing.capacity import delivering_facilities, delivering_years, reported_days
from capsim.timeline import capacity_by_year, capacity_on

horizons = st.builds(
    lambda start, length, warmup: Horizon(start=start, warmup_days=warmup, **length),
    st.dates(date(2018, 1, 1), date(2030, 12, 31)),
    st.one_of(st.builds(lambda y: {"years": y}, st.integers(1, 4)),
              st.builds(lambda d: {"days": d}, st.integers(1, 900))),
    st.integers(0, 400))


@given(horizons)
def test_horizon_years_are_the_years_of_its_days(h):
    days = [h.start + timedelta(days=k) for k in range(h.length_days)]
    assert horizon_years(h) == sorted({d.year for d in days})
    simulated = [h.sim_start + timedelta(days=k) for k in range((h.end - h.sim_start).days)]
    assert horizon_years(h, warmup=True) == sorted({d.year for d in simulated})
    # The spans cut the reported days into calendar years, in order and without a gap.
    spans = year_spans(h)
    assert spans[0][1] == h.start and spans[-1][2] == h.end
    assert all(a[2] == b[1] and b[1] == date(b[0], 1, 1) for a, b in zip(spans, spans[1:]))
    assert sum((stop - first).days for _, first, stop in spans) == h.length_days


def _region(start: str, years: int, policy: list[dict]) -> dict:
    """The two-facility region over ``years`` years from ``start`` with ``policy``."""
    data = base_dict(policy=policy)
    data["horizon"] = {"start": start, "years": years, "warmup_days": 30}
    return data


@st.composite
def policies(draw) -> dict:
    changes = []
    for _ in range(draw(st.integers(0, 6))):
        changes.append({
            "date": (date(2020, 1, 1) + timedelta(days=draw(st.integers(-60, 800)))).isoformat(),
            "facility": draw(st.sampled_from(["county", "town"])),
            "beds": draw(st.integers(0, 3)), "midwives": draw(st.integers(0, 3)),
            "obstetricians": draw(st.integers(0, 2)), "theatres": draw(st.integers(0, 1)),
            "delivers": draw(st.sampled_from([None, None, True, False]))})
    return _region("2020-03-01", 2, changes)


@settings(max_examples=40, deadline=None)
@given(policies())
def test_capacity_on_each_day_adds_up_the_changes_dated_up_to_it(data):
    scenario = validate_scenario(data)
    schedule = capacity_schedule(scenario)
    net = compile_network(scenario)
    h = scenario.horizon
    by_day = {name: schedule.by_day(name) for name in CAPACITY_FIELDS}
    for name in CAPACITY_FIELDS:
        assert by_day[name].shape == (2, h.length_days)
        assert np.array_equal(net.capacity.by_day(name), by_day[name])
    for d in range(0, h.length_days, 29):
        day = h.start + timedelta(days=d)
        frame = capacity_on(scenario, day).set_index("facility")
        for i, f in enumerate(scenario.facilities):
            for name in CAPACITY_FIELDS:
                written = getattr(f, name) + sum(getattr(ev, name) for ev in scenario.policy
                                                 if ev.facility == f.id and ev.date <= day)
                assert by_day[name][i, d] == written == getattr(schedule.on(day)[i], name)
                assert frame.loc[f.id, name] == written
    # Capacity by year is the one in force on the year's last reported day.
    table = capacity_by_year(scenario).set_index(["year", "facility"])
    for year, _, stop in year_spans(h):
        last = schedule.on(stop - timedelta(days=1))
        for i, fid in enumerate(schedule.ids):
            assert table.loc[(year, fid), "beds"] == last[i].beds
            assert table.loc[(year, fid), "delivers"] == last[i].delivers
    assert reported_days(scenario) == {2020: 306, 2021: 365, 2022: 59}


def test_delivering_years_count_only_reported_days():
    # The township centre stops before the reported period starts in 2020 and starts again
    # after it ends in 2022: it delivers on reported days of 2021 only.
    scenario = validate_scenario(_region("2020-03-01", 2, [
        {"date": "2020-02-01", "facility": "town", "delivers": False},
        {"date": "2021-06-01", "facility": "town", "delivers": True},
        {"date": "2021-09-01", "facility": "town", "delivers": False},
        {"date": "2022-05-01", "facility": "town", "delivers": True}]))
    assert {y for f, y in delivering_years(scenario) if f == "town"} == {2021}
    assert {y for f, y in delivering_years(scenario) if f == "county"} == {2020, 2021, 2022}
    assert delivering_facilities(scenario) == ["county", "town"]
    never = validate_scenario(_region("2020-03-01", 1, [
        {"date": "2020-02-01", "facility": "town", "delivers": False}]))
    assert delivering_facilities(never) == ["county"]
