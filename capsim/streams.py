"""Named random streams.

Every source of randomness has its own `numpy.random.Generator`, derived from
(scenario seed, replication, stream name, and optionally a year) with
`numpy.random.SeedSequence`. A stream never depends on how many numbers another stream
used, so two scenarios run with the same seed see the same women (common random numbers),
and a replication gives the same result whichever worker runs it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache
from typing import cast

import numpy as np
from numba import njit
from numpy.random.bit_generator import ISeedSequence

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
    "referral",      # the first choice of a weighted referral split (referral.split)
    "province",      # layout of a generated province (capsim.province)
    "newborn",       # a newborn's need of a cot, its stay, and whether the mother goes along
    "paediatric",    # children's admissions: counts, times, groups, severity, where, stays
)


def stream_key(seed: int, replication: int, name: str, *extra: int) -> list[int]:
    """Return the entropy words that identify one stream (a list of non-negative ints)."""
    if seed is None or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return [int(seed), int(replication), _name_word(name), *map(int, extra)]


@cache
def _name_word(name: str) -> int:
    """The entropy word of the stream ``name`` (its CRC-32); ValueError for a name not in
    `STREAM_NAMES`."""
    if name not in STREAM_NAMES:
        raise ValueError(f"unknown random stream {name!r}")
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, replication: int, name: str, *extra: int) -> np.random.Generator:
    """Return the generator of stream ``name`` for (seed, replication, *extra): numpy's
    ``default_rng(SeedSequence(stream_key(seed, replication, name, *extra)))``, seeded as
    `streams` seeds it."""
    key = cast("tuple[str, int]", (name, *extra))  # its name and numbers, as streams takes them
    return streams(seed, replication, [key])[0]


def streams(seed: int, replication: int,
            keys: Sequence[tuple[str, int]] | Sequence[tuple[str]]) -> list[np.random.Generator]:
    """Return the generators of several streams of (seed, replication), one per key (the
    stream's name, then its extra numbers, as `stream` takes them), in the keys' order:
    the generators numpy's ``SeedSequence`` of each `stream_key` would seed. numpy's
    SeedSequence hashes one key at a time, at some ten microseconds each; here one compiled
    loop hashes all the keys."""
    entropy = [stream_key(seed, replication, *key) for key in keys]
    if len({len(e) for e in entropy}) == 1 and max(max(e) for e in entropy) <= 0xFFFFFFFF:
        groups = [(list(range(len(entropy))), np.asarray(entropy, dtype=np.uint32))]
    else:   # keys of equal length hash together
        words = [np.asarray(e, dtype=np.uint32) if max(e) <= 0xFFFFFFFF
                 else np.concatenate([_uint32_words(v) for v in e]) for e in entropy]
        groups = []
        for length in {w.shape[0] for w in words}:
            same = [i for i, w in enumerate(words) if w.shape[0] == length]
            groups.append((same, np.stack([words[i] for i in same])))
    out: list[np.random.Generator | None] = [None] * len(entropy)
    for same, stacked in groups:
        seeded_states = _seed_states(stacked, 2 * _PCG64_WORDS)
        pools, states = seeded_states[:, :_POOL_SIZE], seeded_states[:, _POOL_SIZE:]
        # The state words a PCG64 asks for, as 64-bit words: pairs read little-endian.
        wide = np.ascontiguousarray(states, dtype="<u4").view("<u8").astype(np.uint64)
        for row, i in enumerate(same):
            seeded = _SeededSequence(entropy[i], stacked[row], pools[row], states[row],
                                     wide[row])
            # numpy takes any ISeedSequence; its type stubs name SeedSequence only.
            out[i] = np.random.Generator(np.random.PCG64(seeded))  # type: ignore[arg-type]
    return out  # type: ignore[return-value]


# SeedSequence's constants (numpy/random/bit_generator.pyx, after O'Neill's seed_seq).
_POOL_SIZE = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R = 0xCA01F9DD, 0x4973F715
_XSHIFT = 16
_WORD = 0xFFFFFFFF
#: The words a PCG64 generator asks its seed sequence for: 4 of 64 bits.
_PCG64_WORDS = 4


def _uint32_words(value: int) -> np.ndarray:
    """``value`` as SeedSequence reads an integer: 32-bit words, lowest first ([0] for 0)."""
    words = [0] if value == 0 else []
    while value > 0:
        words.append(value & 0xFFFFFFFF)
        value >>= 32
    return np.asarray(words, dtype=np.uint32)


@njit(cache=True)
def _seed_states(entropy: np.ndarray, words32: int) -> np.ndarray:
    """For each key (row of ``entropy``, uint32 words): SeedSequence's entropy pool (4
    words), then the first ``words32`` words of its state (``generate_state``), as numpy
    works them out step by step (``mix_entropy``, ``hashmix``, ``mix``), here in 64-bit
    integers cut to their 32 lowest bits: array [key, 4 + words32] of uint32."""
    keys, length = entropy.shape
    out = np.empty((keys, _POOL_SIZE + words32), dtype=np.uint32)
    pool = np.zeros(_POOL_SIZE, dtype=np.int64)
    for k in range(keys):
        const = _INIT_A
        # Each pool word the hash of one entropy word (0 past the last).
        for i in range(_POOL_SIZE):
            value = (int(entropy[k, i]) if i < length else 0) ^ const
            const = (const * _MULT_A) & _WORD
            value = (value * const) & _WORD
            pool[i] = value ^ (value >> _XSHIFT)
        # Each pool word mixed with the hash of every other (in order), then with the hash
        # of each entropy word past the fourth.
        for src in range(max(length, _POOL_SIZE)):
            for dst in range(_POOL_SIZE):
                if src == dst:
                    continue
                value = (int(pool[src]) if src < _POOL_SIZE else int(entropy[k, src])) ^ const
                const = (const * _MULT_A) & _WORD
                value = (value * const) & _WORD
                value ^= value >> _XSHIFT
                mixed = (_MIX_MULT_L * int(pool[dst]) - _MIX_MULT_R * value) & _WORD
                pool[dst] = mixed ^ (mixed >> _XSHIFT)
        out[k, :_POOL_SIZE] = pool
        const = _INIT_B
        for i in range(words32):
            value = int(pool[i % _POOL_SIZE]) ^ const
            const = (const * _MULT_B) & _WORD
            value = (value * const) & _WORD
            out[k, _POOL_SIZE + i] = value ^ (value >> _XSHIFT)
    return out


class _SeededSequence(ISeedSequence):
    """A SeedSequence whose pool and first state words were worked out beforehand (by
    `streams`); it gives a bit generator the same words numpy's would."""

    def __init__(self, entropy: list[int], key: np.ndarray, pool: np.ndarray,
                 words: np.ndarray, wide: np.ndarray | None = None):
        # ``key``: the entropy as the uint32 words that were hashed.
        self.entropy, self.pool, self._key = entropy, pool, key
        self._words, self._wide = words, wide

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        """The first ``n_words`` words of the state (uint32, or uint64 from pairs of them)."""
        wide = np.dtype(dtype) == np.dtype(np.uint64)
        if not wide and np.dtype(dtype) != np.dtype(np.uint32):
            raise ValueError("only support uint32 or uint64")
        if wide and self._wide is not None and n_words <= self._wide.shape[0]:
            return self._wide[:n_words].copy()
        count = n_words * (2 if wide else 1)
        words = (self._words[:count] if count <= self._words.shape[0]
                 else _seed_states(self._key[None, :], count)[0, _POOL_SIZE:])
        if wide:  # pairs read little-endian, whatever the machine's byte order
            return words.astype("<u4").view("<u8").astype(np.uint64)
        return words.copy()
