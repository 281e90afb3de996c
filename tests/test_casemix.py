"""A facility's own casemix (facilities[].casemix): its women get its figures, the other
facilities' women keep theirs to the last bit, and the model shows the difference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from capsim import validate_scenario
from capsim.demand import build_cohort
from capsim.errors import ScenarioError
from capsim.results import ALL_YEARS
from tests.conftest import COLOURS, base_dict, run_checked

COHORT_FIELDS = ("admit_h", "event_h", "risk", "booked", "planned_cs", "emergency_cs",
                 "complication", "labour_h", "los_vaginal_h", "los_caesarean_h", "theatre_h",
                 "preparation_h")


def _with_casemix(casemix: dict, facility: int = 1, **overrides) -> dict:
    data = base_dict(**overrides)
    data["facilities"][facility]["casemix"] = casemix
    return data


def _cohort(data: dict, replication: int = 0):
    return build_cohort(validate_scenario(data), replication)


def test_an_empty_casemix_draws_the_same_women():
    before, after = _cohort(base_dict()), _cohort(_with_casemix({}))
    for name in COHORT_FIELDS:
        np.testing.assert_array_equal(getattr(before, name), getattr(after, name), err_msg=name)


def test_women_booked_elsewhere_keep_every_figure():
    casemix = {
        "risk_mix": {"green": 0.9, "yellow": 0.1, "orange": 0, "red": 0, "purple": 0},
        "planned_caesarean_rate": {"green": 0.4},
        "emergency_caesarean_rate": {"green": 0.3, "yellow": 0.3},
        "intrapartum_complication": {"green": 0.2},
        "postnatal_vaginal": {"dist": "lognormal", "mean": 1.0, "sd": 0.3},
        "postnatal_caesarean": {"dist": "fixed", "mean": 3.0},
        "labour": {"dist": "fixed", "mean": 4.0},
    }
    before, after = _cohort(base_dict()), _cohort(_with_casemix(casemix))
    # Women are sorted by their first need of a bed, which her own figures may move: the women
    # booked elsewhere keep theirs, and so their order among themselves.
    was, now = before.booked != 1, after.booked != 1
    changed = []
    for name in COHORT_FIELDS:
        a, b = getattr(before, name), getattr(after, name)
        np.testing.assert_array_equal(a[was], b[now], err_msg=name)
        if not np.array_equal(np.sort(a[~was]), np.sort(b[~now])):
            changed.append(name)
    # Every overridden figure moved for the facility's own women (not their times or theatre).
    assert set(changed) == {"risk", "planned_cs", "emergency_cs", "complication", "labour_h",
                            "los_vaginal_h", "los_caesarean_h", "event_h", "admit_h"}


def test_a_facilitys_figures_reach_its_women():
    casemix = {
        "risk_mix": {"green": 0.7, "yellow": 0.2, "orange": 0.1, "red": 0, "purple": 0},
        "postnatal_caesarean": {"dist": "fixed", "mean": 3.0},
        "labour_by_colour": {"green": {"dist": "fixed", "mean": 5.0}},
        "labour_with_complication": {"dist": "fixed", "mean": 11.0},
        "intrapartum_complication": {"green": 0.3},
    }
    c = _cohort(_with_casemix(casemix, demand={"deliveries": 20000}))
    own = c.booked == 1
    n = int(own.sum())
    for k, colour in enumerate(COLOURS):
        share = np.mean(c.risk[own] == k)
        p = casemix["risk_mix"][colour]
        assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12, colour
    assert np.all(c.los_caesarean_h[own] == 72.0)
    assert not np.any(c.los_caesarean_h[~own] == 72.0)
    green = own & (c.risk == 0)
    assert np.all(c.labour_h[green & ~c.complication] == 5.0)
    assert np.all(c.labour_h[own & c.complication] == 11.0)
    share = np.mean(c.complication[green])
    assert abs(share - 0.3) <= 4 * math.sqrt(0.3 * 0.7 / green.sum())
    # Colours without a labour of their own keep the region's lognormal labour.
    yellow = own & (c.risk == 1) & ~c.complication
    assert np.unique(c.labour_h[yellow]).shape[0] == yellow.sum()


def test_caesarean_share_of_each_facility_follows_its_own_rates():
    """Two hospitals with room to spare: the observed caesarean share of each is its rates'
    planned + (1 - planned) x emergency, within four binomial standard errors; the one with a
    casemix of its own at 0.30 / 0.10 (0.37), the other at the region's 0.10 / 0.15 (0.235)."""
    data = base_dict(demand={"deliveries": 3000})
    data["facilities"][1].update(level="county", beds=40, midwives=30, obstetricians=8,
                                 theatres=2, capabilities=["caesarean"])
    data["facilities"][0]["beds"] = 80
    data["demand"]["booking"] = {"county": 0.5, "town": 0.5}
    data["facilities"][1]["casemix"] = {
        "planned_caesarean_rate": dict.fromkeys(COLOURS, 0.30),
        "emergency_caesarean_rate": dict.fromkeys(COLOURS, 0.10)}
    results = run_checked(data, replications=4, workers=1)
    m = results.metrics
    rows = m[(m.metric == "caesarean_share") & (m.year == ALL_YEARS)]
    births = m[(m.metric == "deliveries") & (m.year == ALL_YEARS)]
    for facility, expected in (("town", 0.30 + 0.70 * 0.10), ("county", 0.10 + 0.90 * 0.15)):
        share = rows[rows.facility == facility].value.mean()
        n = births[births.facility == facility].value.sum()
        assert abs(share - expected) <= 4 * math.sqrt(expected * (1 - expected) / n), facility


@pytest.mark.parametrize("casemix, words", [
    ({"risk_mix": {"green": 0.5, "yellow": 0.4, "orange": 0, "red": 0, "purple": 0}},
     "sum to 1"),
    ({"risk_mix": {"green": 1.0}}, "missing the risk colour"),
    ({"planned_caesarean_rate": {"green": 1.5}}, "probability"),
    ({"caesarean_rate": 0.3}, "caesarean_rate"),
])
def test_a_bad_casemix_is_refused_with_its_field(casemix, words):
    with pytest.raises(ScenarioError) as err:
        validate_scenario(_with_casemix(casemix))
    assert "facilities[town].casemix" in str(err.value)
    assert words in str(err.value)
