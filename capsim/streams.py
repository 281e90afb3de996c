"""Named random streams.

Every source of randomness has its own :class:`numpy.random.Generator`, derived from
(scenario seed, replication, stream name, and optionally a year) with
:class:`numpy.random.SeedSequence`. A stream never depends on how many numbers another stream
used, so two scenarios run with the same seed see the same women (common random numbers),
and a replication gives the same result whichever worker runs it.
"""

from __future__ import annotations

import zlib

import numpy as np

#: The streams the model draws from; one per source of randomness.
STREAM_NAMES: tuple[str, ...] = (
    "arrivals",      # number of labour onsets per day and their times
    "risk",          # risk colour
    "booking",       # facility where the woman books
    "mode",          # planned caesarean or not
    "emergency",     # emergency caesarean in labour
    "complication",  # intrapartum complication needing critical care
    "labour",        # duration of active labour
    "antenatal",     # admission before labour and its length
    "postnatal",     # postnatal length of stay
    "theatre",       # caesarean duration and emergency preparation time
    "initial",       # women in beds at the start
    "province",      # layout of a generated province (capsim.province)
)


def stream_key(seed: int, replication: int, name: str, *extra: int) -> list[int]:
    """Return the entropy words that identify one stream (a list of non-negative ints)."""
    if seed is None or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if name not in STREAM_NAMES:
        raise ValueError(f"unknown random stream {name!r}")
    return [int(seed), int(replication), zlib.crc32(name.encode("utf-8")), *map(int, extra)]


def stream(seed: int, replication: int, name: str, *extra: int) -> np.random.Generator:
    """Return the generator of stream ``name`` for (seed, replication, *extra)."""
    return np.random.default_rng(np.random.SeedSequence(stream_key(seed, replication, name, *extra)))
