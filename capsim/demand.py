"""Demand: every woman of one replication, drawn up front with numpy.

Labour onsets follow a non-homogeneous Poisson process whose daily intensity follows the
year's expected deliveries, the month and weekday profiles and the demand events, and whose
hourly intensity follows the hour-of-day profile. Onsets are drawn by inverting the
cumulative intensity, one calendar year per random stream, so a change of demand in one year
leaves the women of the other years untouched (common random numbers).

Each attribute of a woman comes from its own named stream, as a row of uniform numbers per
woman: the k-th woman of a year keeps her numbers whatever other parameters are changed.
Times are hours since the start of the simulation (the first warm-up day at 00:00).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import wraps
from typing import TypeVar

import numpy as np
from scipy import special

from capsim.distributions import Distribution
from capsim.kept import KeptByIdentity
from capsim.scenario.calendar import horizon_years
from capsim.scenario.casemix import FacilityCasemix
from capsim.scenario.models import RISK_COLOURS, RiskColour, Scenario
from capsim.streams import stream, streams

HOURS_PER_DAY = 24.0
T = TypeVar("T")


@dataclass(frozen=True)
class Cohort:
    """The women of one replication, sorted by the time they first need a bed.

    Every array has one entry per woman. Times are in hours since the simulation start.
    """

    admit_h: np.ndarray       # first need of a bed: labour onset, planned caesarean or antenatal admission
    event_h: np.ndarray       # labour onset, or start of a planned caesarean
    risk: np.ndarray          # index into RISK_COLOURS
    booked: np.ndarray        # index of the facility where she booked
    planned_cs: np.ndarray    # bool: planned caesarean
    emergency_cs: np.ndarray  # bool: needs an emergency caesarean if she labours
    complication: np.ndarray  # bool: intrapartum complication needing critical maternal care
    labour_h: np.ndarray      # hours of midwife care in active labour
    los_vaginal_h: np.ndarray   # postnatal hours after a vaginal birth
    los_caesarean_h: np.ndarray  # postnatal hours after a caesarean
    theatre_h: np.ndarray     # hours a caesarean occupies the theatre
    preparation_h: np.ndarray  # hours from theatre free to delivery (emergency caesarean)
    initial_facility: np.ndarray  # facility of each woman already in a bed at the start
    initial_release_h: np.ndarray  # when she leaves
    # A uniform number per woman for a weighted referral split (referral.split); empty when
    # the scenario has none.
    referral_u: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return int(self.admit_h.shape[0])

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (bytes)."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def day_dates(start: date, end: date) -> np.ndarray:
    """Return the dates from ``start`` (included) to ``end`` (excluded) as datetime64[D]."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))


def expected_daily_deliveries(scenario: Scenario) -> np.ndarray:
    """Expected labour onsets per simulated day (deliveries/day), warm-up included.

    Each calendar year's expected deliveries are spread over its days in proportion to the
    month and weekday profiles; demand events multiply the days from their date on.
    """
    horizon, demand = scenario.horizon, scenario.demand
    dates = day_dates(horizon.sim_start, horizon.end)
    lam = np.empty(dates.shape[0])
    month_w = np.asarray(demand.month_profile, dtype=float)
    dow_w = np.asarray(demand.weekday_profile, dtype=float)
    years = horizon_years(horizon, warmup=True)
    # The weights of every day of the calendar years touched, worked out once; the simulated
    # days start ``skip`` days into them.
    first = date(years[0], 1, 1)
    weights = _day_weights(day_dates(first, date(years[-1] + 1, 1, 1)), month_w, dow_w)
    skip = (horizon.sim_start - first).days
    for year in years:
        start, stop = (date(year, 1, 1) - first).days, (date(year + 1, 1, 1) - first).days
        scale = demand.deliveries_in(year, horizon.start.year) / weights[start:stop].sum()
        lo, hi = max(start, skip), min(stop, skip + lam.shape[0])
        lam[lo - skip:hi - skip] = weights[lo:hi] * scale
    for ev in demand.events:
        lam[dates >= np.datetime64(ev.date, "D")] *= ev.multiplier
    return lam


def _day_weights(dates: np.ndarray, month_w: np.ndarray, dow_w: np.ndarray) -> np.ndarray:
    months = dates.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return month_w[months] * dow_w[weekday]


def build_cohort(scenario: Scenario, replication: int, seed: int | None = None) -> Cohort:
    """Draw every woman of one replication; return them as a `Cohort`.

    ``seed`` defaults to the scenario's seed. The result depends only on (scenario, seed,
    replication).
    """
    if seed is None:
        seed = scenario.run.seed
    intensity = _year_intensities(scenario)
    years = list(intensity)
    # The referral stream only when some facility splits its referrals by weight.
    generators = YearStreams.seeded(seed, replication, years,
                                    skip=() if scenario.referral.split else ("referral",))
    onsets = [_onsets(rng, *intensity[year])
              for rng, year in zip(generators.pop("arrivals"), years, strict=True)]
    draws = YearStreams(generators, [o.shape[0] for o in onsets])
    women = _women(scenario, np.concatenate(onsets), draws)
    del onsets
    # One attribute at a time, letting go of each unsorted array as it is replaced: a five-year
    # province holds millions of women, and two copies of them at once would double the peak.
    order = np.argsort(women["admit_h"], kind="stable")
    for k in women:
        if women[k].shape[0] == order.shape[0]:
            women[k] = women[k][order]
    init_fac, init_rel = _initial_census(scenario, seed, replication)
    return Cohort(initial_facility=init_fac, initial_release_h=init_rel, **women)


@dataclass(frozen=True)
class YearStreams:
    """The named streams of one replication's women, a generator per calendar year
    (``generators[name][i]`` for the ``sizes[i]`` women of the i-th year, who come after those
    of the earlier years)."""

    #: The streams each woman draws from, besides her labour onset's ("arrivals").
    NAMES = ("risk", "booking", "mode", "emergency", "complication", "antenatal", "postnatal",
             "theatre", "labour", "referral")

    generators: dict[str, list[np.random.Generator]]
    sizes: list[int]

    @classmethod
    def seeded(cls, seed: int, replication: int, years: list[int],
               skip: tuple[str, ...] = ()) -> dict[str, list[np.random.Generator]]:
        """The generators of "arrivals" and of `NAMES` but those in ``skip`` (streams not
        drawn from), one per year of ``years``, seeded together (see
        `capsim.streams.streams`)."""
        names = tuple(n for n in ("arrivals", *cls.NAMES) if n not in skip)
        made = iter(streams(seed, replication, [(name, year) for name in names
                                                for year in years]))
        return {name: [next(made) for _ in years] for name in names}

    def uniforms(self, name: str, k: int) -> np.ndarray:
        """Array [woman, k] of uniform numbers in [0, 1) from stream ``name``: each year's
        women take theirs from that year's stream, so the k-th woman of a year keeps her
        numbers whatever the other years hold."""
        out = np.empty((sum(self.sizes), k))
        at = 0
        for rng, size in zip(self.generators[name], self.sizes, strict=True):
            rng.random((size, k), out=out[at:at + size])
            at += size
        return out


#: How many scenarios `per_scenario` keeps the values of.
SCENARIOS_KEPT = 8


#: The content keys of the scenario objects seen last (`capsim.kept`).
_KEYS: KeptByIdentity[str] = KeptByIdentity(SCENARIOS_KEPT)


def _content_key(scenario: Scenario) -> str:
    """The scenario's JSON form, worked out once per scenario object."""
    return _KEYS.get((scenario,), scenario.model_dump_json)


def per_scenario(fn: Callable[[Scenario], T]) -> Callable[[Scenario], T]:
    """``fn(scenario)`` worked out once per scenario: the replications of a scenario draw
    different women from the same figures. Values are kept by the scenario's content (its
    JSON form), so that copies of one scenario share them (a worker process unpickles its own
    copy for each replication), for the last `SCENARIOS_KEPT` scenarios."""
    values: OrderedDict[str, T] = OrderedDict()

    @wraps(fn)
    def cached(scenario: Scenario) -> T:
        key = _content_key(scenario)
        value = values.get(key)
        if value is None:
            value = values[key] = fn(scenario)
            while len(values) > SCENARIOS_KEPT:
                values.popitem(last=False)
        return value

    return cached


@per_scenario
def _year_intensities(scenario: Scenario) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """For each calendar year of the simulation (warm-up included), in order: the cumulative
    expected labour onsets at each hour of its simulated days from the first (women), and
    those hours (hours since the simulation start); read-only arrays."""
    horizon = scenario.horizon
    dates = day_dates(horizon.sim_start, horizon.end)
    lam_day = expected_daily_deliveries(scenario)
    hour_w = np.asarray(scenario.demand.hour_profile, dtype=float)
    hour_w = hour_w / hour_w.sum()
    day_years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    out = {}
    for year in np.unique(day_years):
        days = np.flatnonzero(day_years == year)
        hourly = (lam_day[days][:, None] * hour_w[None, :]).ravel()
        cum = np.concatenate([[0.0], np.cumsum(hourly)])
        edges = days[0] * HOURS_PER_DAY + np.arange(cum.shape[0], dtype=float)
        cum.setflags(write=False)
        edges.setflags(write=False)
        out[int(year)] = (cum, edges)
    return out


@per_scenario
def _caesarean_tables(scenario: Scenario) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For "planned" and "emergency" caesareans: the rates [period, risk colour]
    (probabilities) and the hours at which each period after the first starts."""
    day0 = scenario.horizon.sim_start
    out = {}
    for kind in ("planned", "emergency"):
        schedule = scenario.demand.caesarean_schedule(kind)
        table = np.asarray([[rates[c] for c in RISK_COLOURS] for _, rates in schedule])
        # Only the first entry is undated (the rates from the start).
        change_h = np.asarray([(when - day0).days * HOURS_PER_DAY for when, _ in schedule
                               if when is not None], dtype=float)
        table.setflags(write=False)
        change_h.setflags(write=False)
        out[kind] = (table, change_h)
    return out


def _onsets(rng: np.random.Generator, cum: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Onset times (hours) of a Poisson process with the cumulative intensity ``cum`` at the
    hours ``edges``, by inversion."""
    total = cum[-1]
    chunk = int(total + 6 * np.sqrt(total) + 16)
    gaps = rng.standard_exponential(chunk)
    unit_times = np.cumsum(gaps)
    while unit_times[-1] < total:
        more = np.cumsum(rng.standard_exponential(chunk)) + unit_times[-1]
        unit_times = np.concatenate([unit_times, more])
    # The times below the total are the first ones (a running sum only rises).
    unit_times = unit_times[:np.searchsorted(unit_times, total, side="left")]
    return np.interp(unit_times, cum, edges)


#: Up to this many categories `category` compares each number with every boundary (a pass
#: of a small integer type each), quicker than a binary search per number.
COMPARED_CATEGORIES = 64


def category(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The category (index) of each uniform number ``u`` given the cumulative shares ``cum``
    (the number of shares up to it, at most the last category):
    ``np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)``; int8 for up to
    `COMPARED_CATEGORIES` categories, else intp."""
    if cum.shape[0] > COMPARED_CATEGORIES:
        return np.minimum(np.searchsorted(cum, u, side="right"), cum.shape[0] - 1)
    out = np.zeros(u.shape, dtype=np.int8)
    for bound in cum[:-1]:
        out += u >= bound
    return out


@dataclass(frozen=True)
class _WomenTables:
    """What the women of every replication of a scenario share, worked out once: the
    cumulative booking shares and the facility of each (index), the cumulative risk mix, by
    risk colour the probabilities of an intrapartum complication and of an antenatal
    admission, the antenatal stays (each distinct length of stay with the colours that have
    it, bool by colour) and the planned caesareans' hours of the day."""

    book_cum: np.ndarray
    book_facility: np.ndarray
    risk_cum: np.ndarray
    complication: np.ndarray
    antenatal: np.ndarray
    antenatal_days: tuple[tuple[Distribution, np.ndarray], ...]
    planned_hours: np.ndarray

    def __post_init__(self) -> None:
        # Shared by every replication: read-only.
        arrays = [getattr(self, f.name) for f in fields(self) if f.name != "antenatal_days"]
        for array in [*arrays, *(colours for _, colours in self.antenatal_days)]:
            array.setflags(write=False)


@per_scenario
def _women_tables(scenario: Scenario) -> _WomenTables:
    """The scenario's `_WomenTables`."""
    demand, pathway = scenario.demand, scenario.pathway
    ids = [f.id for f in scenario.facilities]
    lengths: dict[Distribution, list[str]] = {}
    for colour in RISK_COLOURS:
        lengths.setdefault(pathway.antenatal[colour].days, []).append(colour)
    return _WomenTables(
        book_cum=np.cumsum([demand.booking[i] for i in demand.booking]),
        book_facility=np.asarray([ids.index(i) for i in demand.booking], dtype=np.int32),
        risk_cum=np.cumsum([demand.risk_mix[c] for c in RISK_COLOURS]),
        complication=np.asarray([pathway.intrapartum_complication[c] for c in RISK_COLOURS]),
        antenatal=np.asarray([pathway.antenatal[c].probability for c in RISK_COLOURS]),
        antenatal_days=tuple((days, np.asarray([c in colours for c in RISK_COLOURS]))
                             for days, colours in lengths.items()),
        planned_hours=np.asarray(demand.planned_caesarean_hours, dtype=float))


def _women(scenario: Scenario, onset: np.ndarray, draws: YearStreams) -> dict[str, np.ndarray]:
    """The attributes of the women with labour onsets ``onset`` (hours, in year order), each
    computed in one pass over all of them from its own stream; arrays in ``onset`` order.

    Every step is element by element, so a woman's values are those she would have if her
    year were drawn alone."""
    pathway = scenario.pathway

    def one(name: str) -> np.ndarray:
        return draws.uniforms(name, 1)[:, 0]

    tables = _women_tables(scenario)
    booked = tables.book_facility[category(tables.book_cum, one("booking"))]
    # Facilities with their own casemix: the women booked at each (cohort indices, found with
    # one sort, not a mask per facility), whose figures replace the region's.
    casemix = {k: f.casemix for k, f in enumerate(scenario.facilities) if f.casemix is not None}
    members = _members(booked, list(casemix))

    u_risk = one("risk")
    risk = category(tables.risk_cum, u_risk).astype(np.int8, copy=False)
    for k, mix in casemix.items():
        if mix.risk_mix:
            own_cum = np.cumsum([mix.risk_mix[c] for c in RISK_COLOURS])
            risk[members[k]] = category(own_cum, u_risk[members[k]])
    del u_risk

    def own(rate: np.ndarray, field: str) -> np.ndarray:
        """``rate`` (a probability per woman) with the casemix ``field`` of the facilities
        that give one put in for their women of the colours listed."""
        rate = rate.copy() if casemix else rate
        for k, mix in casemix.items():
            women = members[k]
            for colour, p in getattr(mix, field).items():
                rate[women[risk[women] == RISK_COLOURS.index(colour)]] = p
        return rate

    u_mode = draws.uniforms("mode", 3)
    planned = u_mode[:, 0] < own(caesarean_rate(scenario, "planned", risk, onset),
                                 "planned_caesarean_rate")
    emergency = (one("emergency") < own(caesarean_rate(scenario, "emergency", risk, onset),
                                        "emergency_caesarean_rate")) & ~planned
    complication = one("complication") < own(tables.complication[risk],
                                             "intrapartum_complication")

    event = onset.copy()
    at = np.flatnonzero(planned)  # the planned caesareans, worked on by index
    if at.shape[0]:
        day = np.floor(onset[at] / HOURS_PER_DAY)
        weekday = (day + _weekday_of_day0(scenario)) % 7
        day -= np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0))
        hours = tables.planned_hours
        pick_h = np.minimum((u_mode[at, 1] * hours.size).astype(int), hours.size - 1)
        event[at] = np.maximum(0.0, day * HOURS_PER_DAY + hours[pick_h] + u_mode[at, 2])
    del u_mode

    u_ante = draws.uniforms("antenatal", 2)
    admit = event.copy()
    # The women admitted before labour; the others are admitted at their event.
    at = np.flatnonzero(u_ante[:, 0] < tables.antenatal[risk])
    if at.shape[0]:
        ante_days = np.zeros(at.shape[0])
        their_risk = risk[at]
        # Colours with the same length of stay drawn together (the draw is woman by woman).
        for days, colours in tables.antenatal_days:
            mine = colours[their_risk]
            if mine.any():
                ante_days[mine] = days.ppf(u_ante[at[mine], 1])
        admit[at] = np.maximum(0.0, event[at] - ante_days * HOURS_PER_DAY)
    del u_ante

    u_post = draws.uniforms("postnatal", 2)
    los_vaginal = pathway.postnatal_los.vaginal.ppf(u_post[:, 0])
    los_vaginal *= HOURS_PER_DAY
    los_caesarean = pathway.postnatal_los.caesarean.ppf(u_post[:, 1])
    los_caesarean *= HOURS_PER_DAY
    for k, mix in casemix.items():
        at = members[k]
        if mix.postnatal_vaginal is not None:
            los_vaginal[at] = mix.postnatal_vaginal.ppf(u_post[at, 0]) * HOURS_PER_DAY
        if mix.postnatal_caesarean is not None:
            los_caesarean[at] = mix.postnatal_caesarean.ppf(u_post[at, 1]) * HOURS_PER_DAY
    del u_post
    u_labour = one("labour")
    labour = pathway.labour.ppf(u_labour)
    for k, mix in casemix.items():
        women = members[k]
        for c, colour in enumerate(RISK_COLOURS):
            for complicated in (False, True):
                dist = mix.labour_for(colour, complicated)
                if dist is not None:
                    at = women[(risk[women] == c) & (complication[women] == complicated)]
                    labour[at] = dist.ppf(u_labour[at])
    del u_labour
    u_theatre = draws.uniforms("theatre", 2)
    theatre = pathway.caesarean_duration.ppf(u_theatre[:, 0])
    theatre /= 60.0
    preparation = pathway.emergency_preparation.ppf(u_theatre[:, 1])
    preparation /= 60.0
    del u_theatre
    return {
        "admit_h": admit,
        "event_h": event,
        "risk": risk,
        "booked": booked,
        "planned_cs": planned,
        "emergency_cs": emergency,
        "complication": complication,
        "labour_h": labour,
        "los_vaginal_h": los_vaginal,
        "los_caesarean_h": los_caesarean,
        "theatre_h": theatre,
        "preparation_h": preparation,
        # Drawn only when some facility splits its referrals by weight (its own stream).
        "referral_u": one("referral") if scenario.referral.split else np.zeros(0),
    }


def _members(booked: np.ndarray, facilities: list[int]) -> dict[int, np.ndarray]:
    """The women booked at each of ``facilities`` (cohort indices, in cohort order), from one
    stable sort of the bookings."""
    if not facilities:
        return {}
    order = np.argsort(booked, kind="stable")
    ranked = booked[order]
    return {k: order[np.searchsorted(ranked, k, "left"):np.searchsorted(ranked, k, "right")]
            for k in facilities}


def caesarean_rate(scenario: Scenario, kind: str, risk: np.ndarray,
                   onset_h: np.ndarray) -> np.ndarray:
    """The ``kind`` ("planned" or "emergency") caesarean rate of each woman (probability): the
    rate of her risk colour in force on the day of her labour onset, after the scenario's
    dated caesarean-rate changes. ``onset_h`` is in hours since the simulation start."""
    table, change_h = _caesarean_tables(scenario)[kind]
    if not change_h.shape[0]:  # one set of rates throughout
        return table[0][risk]
    period = np.searchsorted(change_h, onset_h, side="right")
    return table[period, risk]


def _weekday_of_day0(scenario: Scenario) -> int:
    return scenario.horizon.sim_start.weekday()


def _initial_census(scenario: Scenario, seed: int, rep: int) -> tuple[np.ndarray, np.ndarray]:
    """The women in bed at the start: their facilities (int32) and the hours each stays on.

    A woman found in bed is not a woman picked at random: a long stay is in bed on more days,
    so it is found in proportion to its length (the inspection paradox). Her stay is drawn from
    the length-biased mix of postnatal stays (vaginal and caesarean, weighted by their shares
    at the start and their mean lengths), and what remains of it is a uniform share of that
    stay: the stationary remaining stay, whose mean is E[S^2] / (2 E[S]). A unit started at its
    steady-state census then stays there instead of emptying at once. The women in bed at a
    facility with its own casemix were booked there: its risk mix, caesarean rates and stays
    give theirs."""
    counts = [f.initial_census for f in scenario.facilities]
    total = sum(counts)
    fac = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    if total == 0:
        return fac, np.zeros(0)
    u = stream(seed, rep, "initial").random((total, 3))
    stay = np.empty(total)
    own = {k for k, f in enumerate(scenario.facilities) if f.casemix is not None and counts[k]}
    # The facilities with the region's casemix are drawn together, as they always were.
    groups = [(np.isin(fac, list(own), invert=True), None),
              *((fac == k, scenario.facilities[k].casemix) for k in sorted(own))]
    for rows, casemix in groups:
        if rows.any():
            stay[rows] = _census_stays(scenario, casemix, u[rows])
    return fac, stay * HOURS_PER_DAY * u[:, 1]


def _census_stays(scenario: Scenario, casemix: FacilityCasemix | None,
                  u: np.ndarray) -> np.ndarray:
    """The length-biased whole stays (days) of women found in bed, from their uniforms ``u``
    [woman, 3] (0: the stay's quantile, 2: its mode), under the region's casemix or a
    facility's own."""
    stays = scenario.pathway.postnatal_los
    vaginal, caesarean = stays.vaginal, stays.caesarean
    if casemix is not None:
        vaginal = casemix.postnatal_vaginal or vaginal
        caesarean = casemix.postnatal_caesarean or caesarean
    cs = _caesarean_share_at_start(scenario, casemix)
    # Women in bed after a caesarean, among those in bed: share x mean stay of each mode.
    in_bed_cs = cs * caesarean.mean / (cs * caesarean.mean + (1 - cs) * vaginal.mean)
    after_cs = u[:, 2] < in_bed_cs
    return np.where(after_cs, _length_biased_ppf(caesarean, u[:, 0]),
                    _length_biased_ppf(vaginal, u[:, 0]))


def _caesarean_share_at_start(scenario: Scenario,
                              casemix: FacilityCasemix | None = None) -> float:
    """Share of deliveries by caesarean, planned or emergency, under the rates in force at the
    start, of the region's women or of those booked at a facility with ``casemix``
    (probability)."""
    demand = scenario.demand
    planned: dict[str, float] = dict(demand.caesarean_schedule("planned")[0][1])
    emergency: dict[str, float] = dict(demand.caesarean_schedule("emergency")[0][1])
    mix: Mapping[RiskColour, float] = demand.risk_mix
    if casemix is not None:
        planned.update({str(c): p for c, p in casemix.planned_caesarean_rate.items()})
        emergency.update({str(c): p for c, p in casemix.emergency_caesarean_rate.items()})
        mix = casemix.risk_mix or mix
    return float(sum(mix[c] * (planned[c] + (1 - planned[c]) * emergency[c])
                     for c in RISK_COLOURS))


def _length_biased_ppf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Quantiles of ``u`` under the length-biased form of ``dist`` (density s f(s) / E[S]), in
    the distribution's unit: an exponential becomes a gamma of shape 2, a gamma of shape k one
    of shape k + 1, a lognormal (mu, sigma) one with mu + sigma^2; a fixed value stays."""
    u = np.asarray(u, dtype=float)
    if dist.dist == "fixed":
        return np.full_like(u, dist.mean)
    if dist.dist == "exponential":
        return special.gammaincinv(2.0, u) * dist.mean
    if dist.dist == "lognormal":
        sigma2 = math.log1p((dist.std / dist.mean) ** 2)
        mu = math.log(dist.mean) - sigma2 / 2
        return np.exp(mu + sigma2 + math.sqrt(sigma2) * special.ndtri(u))
    shape = (dist.mean / dist.std) ** 2
    return special.gammaincinv(shape + 1.0, u) * dist.std**2 / dist.mean
