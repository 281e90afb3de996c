"""The largest values and files capsim accepts, with the reason for each.

Each bound is far above what a planner of a region's maternity services needs, and low enough
that a run, a sweep or the reading of a file finishes, instead of exhausting the memory, the
calendar or the patience of whoever waits for it. The bounds are stated in the fields'
descriptions (and so in the JSON Schema and the scenario reference).
"""

from __future__ import annotations

# --- Scenario files ---------------------------------------------------------------------

#: Bytes of a scenario or sweep file. A province of 200 facilities with its transfers is
#: about 100 kB; a file 100 times that size is not a scenario.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Values (mappings, lists and scalars) in a file once its YAML aliases are expanded. A
#: scenario holds a few thousand; an alias that expands further ("billion laughs") is refused
#: before anything reads the values.
MAX_VALUES = 1_000_000
#: YAML merge keys (``<<: *base``) in a file: each copies the entries it merges, again at each
#: level of a chain of merges, so that a few thousand take minutes.
MAX_MERGE_KEYS = 100
#: Levels of nesting of mappings and lists. The deepest scenario field is about 6 levels down.
MAX_DEPTH = 100
#: Files in a chain of ``extends`` (the file itself included). A plan on a plan on a baseline
#: is 3.
MAX_EXTENDS = 20

# --- Sizes of a region ------------------------------------------------------------------

#: Deliveries a year in the region. China's largest province has about 1.1 million births a
#: year; every woman is simulated, so this also bounds the memory of a replication.
MAX_DELIVERIES = 5_000_000
#: Beds, midwives, obstetricians or theatres of one facility, and the change of one of them
#: by one policy event. The largest maternity hospitals have a few hundred obstetric beds.
MAX_CAPACITY = 10_000
#: Facilities of a scenario: a province has a few hundred that deliver.
MAX_FACILITIES = 5_000
#: Travel times listed between pairs of facilities.
MAX_TRANSFERS = 100_000
#: Women one midwife cares for at once, or obstetricians one caesarean needs.
MAX_PER_PERSON = 100
#: Characters of an identifier (a facility, a target), of a name, and of a description or
#: note. A hostile 50 MB identifier would otherwise be copied into every message and table.
MAX_ID_CHARS = 64
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 100_000
#: Dated events of one list (policy changes, demand events, rate or rule changes).
MAX_EVENTS = 10_000
#: A demand multiplier or a fertility policy multiplier (factor).
MAX_MULTIPLIER = 100.0
#: Yearly growth of deliveries (rate per year): +100% a year is far beyond any projection.
MAX_GROWTH = 1.0
#: Women of one five-year age group of a region in one year (persons).
MAX_WOMEN = 100_000_000
#: Age-specific fertility rate (births per 1,000 women a year); the highest ever observed
#: are below 400.
MAX_FERTILITY = 1_000.0
#: Share of births of the region's women that are delivered in the region (share).
MAX_DELIVERED_SHARE = 10.0

# --- Time ---------------------------------------------------------------------------------

#: First and last calendar year of a horizon's start: planning is about the recent past and
#: the next decades; the bound also keeps every date of a run inside the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: Length of a horizon (years, and days for a horizon given in days): 30 years is longer than
#: any plan (a five-year plan, or a projection to 2050).
MAX_HORIZON_YEARS = 30
MAX_HORIZON_DAYS = 30 * 366
#: Warm-up before the start (days): a year is far more than the longest stay.
MAX_WARMUP_DAYS = 3_660
#: A duration of the pathway, or a travel time (minutes, hours or days): a year in minutes.
MAX_DURATION = 525_600.0
#: A relative weight (month, weekday and hour profiles) or an index value by year (any unit).
MAX_INDEX = 1e12

# --- Runs and sweeps ----------------------------------------------------------------------

#: Replications of a run or per sweep point: 10,000 gives intervals far narrower than any
#: input is known.
MAX_REPLICATIONS = 10_000
#: A seed: numpy's SeedSequence takes any size, but a seed above 2^63 is no more random.
MAX_SEED = 2**63 - 1
#: Sobol base sample or Morris trajectories of a sweep (count): Sobol indices are stable from
#: a few thousand.
MAX_SAMPLES = 65_536
#: Levels of a Morris grid, or values per parameter of a one-at-a-time or grid sweep (count).
MAX_LEVELS = 1_000
#: Values of a parameter listed in a sweep, and parameters and outputs of a sweep.
MAX_LIST = 10_000
#: Bootstrap resamples of a sweep's index intervals (count).
MAX_RESAMPLES = 100_000
#: Points of a sweep: every point is a validated scenario held in memory before the sweep
#: starts, and a Sobol study of 20 parameters at N = 2,048 has 45,056.
MAX_POINTS = 100_000
#: Simulations of a sweep (points x replications).
MAX_RUNS = 1_000_000
#: Work of a run or a sweep before it starts: women simulated in all (deliveries a year x
#: years x replications x points). 10^10 women take days on a workstation.
MAX_WOMEN_SIMULATED = 10_000_000_000

#: Rows of a table read from CSV or Excel (a facility table, monthly statistics as reported):
#: a month of every facility of a large province over a few years.
MAX_TABLE_ROWS = 100_000


def bound(limit: float, unit: str = "") -> str:
    """The sentence a field's description ends with to state its bound (text)."""
    figure = f"{limit:,}" if isinstance(limit, int) else f"{limit:,g}"
    return f" At most {figure}{' ' + unit if unit else ''}."
