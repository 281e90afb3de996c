"""The women in bed at the start: a unit started at its steady-state census stays there.

A woman found in bed is found in proportion to the length of her stay; drawing her remaining
stay from an unbiased stay (the mistake this guards against) empties a unit started at its
steady-state census of 40 to about 30 within a day when stays are exponential.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import COLOURS, deep_update, loss_system, run_checked

from capsim import validate_scenario
from capsim.demand import build_cohort

CENSUS = 40
VAGINAL_DAYS, CAESAREAN_DAYS, CAESAREAN_SHARE = 2.0, 5.0, 0.4


def steady_unit(vaginal: dict, caesarean: dict) -> dict:
    """An uncapped unit whose steady-state census is CENSUS women, started there, with a mix of
    vaginal and caesarean stays; no warm-up."""
    mean_days = (1 - CAESAREAN_SHARE) * vaginal["mean"] + CAESAREAN_SHARE * caesarean["mean"]
    d = loss_system(beds=400, deliveries=CENSUS / mean_days * 365, los=vaginal, days=6,
                    warmup=0)
    return deep_update(d, {
        "run": {"replications": 40, "seed": 3},
        "facilities": [{"id": "unit", "name": "unit", "level": "county", "beds": 400,
                        "midwives": 10_000, "obstetricians": 10_000, "theatres": 400,
                        "capabilities": ["caesarean"], "initial_census": CENSUS}],
        "demand": {"emergency_caesarean_rate": {c: CAESAREAN_SHARE for c in COLOURS}},
        "pathway": {"postnatal_los": {"vaginal": vaginal, "caesarean": caesarean},
                    "emergency_preparation": {"dist": "fixed", "mean": 0.01},
                    "caesarean_duration": {"dist": "fixed", "mean": 1.0}},
    })


@pytest.mark.parametrize("family", ["exponential", "lognormal"])
def test_census_stays_flat_from_a_steady_state_start(family):
    def stay(mean: float) -> dict:
        return ({"dist": "exponential", "mean": mean} if family == "exponential"
                else {"dist": "lognormal", "mean": mean, "sd": mean * 0.8})

    res = run_checked(steady_unit(stay(VAGINAL_DAYS), stay(CAESAREAN_DAYS)))
    daily = res.daily_census[:, 0, :].mean(axis=0)  # mean over replications, women
    # 40 replications: a day's mean census has a standard error of about one woman.
    assert np.all(np.abs(daily - CENSUS) < 3.5), daily


def test_remaining_stays_are_length_biased_from_the_mix_of_modes():
    # Exponential stays: the remaining stay of a woman found in bed has the stay's own mean,
    # here the mix weighted by share x mean stay (women in bed after each mode).
    days = {"dist": "exponential", "mean": VAGINAL_DAYS}
    scen = validate_scenario(steady_unit(days, {"dist": "exponential", "mean": CAESAREAN_DAYS}))
    rel = np.concatenate([build_cohort(scen, r).initial_release_h for r in range(200)]) / 24
    cs_in_bed = CAESAREAN_SHARE * CAESAREAN_DAYS / (
        CAESAREAN_SHARE * CAESAREAN_DAYS + (1 - CAESAREAN_SHARE) * VAGINAL_DAYS)
    expected = cs_in_bed * CAESAREAN_DAYS + (1 - cs_in_bed) * VAGINAL_DAYS
    assert rel.shape[0] == 200 * CENSUS
    assert abs(rel.mean() - expected) < 4 * rel.std() / np.sqrt(rel.shape[0])


@pytest.mark.parametrize("family", ["exponential", "lognormal"])
def test_a_unit_with_its_own_long_stays_stays_flat_from_its_steady_state(family):
    # The region's women stay 2 or 5 days; the unit's own casemix keeps them 6 or 10 days, with
    # half of them by caesarean. Its census of 40 is the steady state of its own casemix: the
    # women found in bed must have its stays, or the unit empties by a fifth within three days.
    def stay(mean: float) -> dict:
        return ({"dist": "exponential", "mean": mean} if family == "exponential"
                else {"dist": "lognormal", "mean": mean, "sd": mean * 0.8})

    own_vaginal, own_caesarean, own_share = 6.0, 10.0, 0.5
    d = steady_unit(stay(VAGINAL_DAYS), stay(CAESAREAN_DAYS))
    d["facilities"][0]["casemix"] = {
        "postnatal_vaginal": stay(own_vaginal), "postnatal_caesarean": stay(own_caesarean),
        "emergency_caesarean_rate": {c: own_share for c in COLOURS}}
    mean_days = (1 - own_share) * own_vaginal + own_share * own_caesarean
    d["demand"]["deliveries"] = CENSUS / mean_days * 365
    res = run_checked(d)
    daily = res.daily_census[:, 0, :].mean(axis=0)  # mean over replications, women
    assert np.all(np.abs(daily - CENSUS) < 3.5), daily
