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
from functools import cache, lru_cache

import numpy as np
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
    """Return the generator of stream ``name`` for (seed, replication, *extra)."""
    key = stream_key(seed, replication, name, *extra)
    return np.random.default_rng(np.random.SeedSequence(key))


def streams(seed: int, replication: int,
            keys: Sequence[tuple[str, int]] | Sequence[tuple[str]]) -> list[np.random.Generator]:
    """Return the generators of several streams of (seed, replication), one per key (the
    stream's name, then its extra numbers, as `stream` takes them), in the keys' order:
    the same generators as ``stream(seed, replication, *key)``, seeded together. numpy's
    SeedSequence hashes one key at a time, at some ten microseconds each; here the hashing
    runs as array operations over all the keys at once."""
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
        pools = _mixed_pools(stacked)
        states = _seed_words(pools)
        # The state words a PCG64 asks for, as 64-bit words: pairs read little-endian.
        wide = np.ascontiguousarray(states, dtype="<u4").view("<u8").astype(np.uint64)
        for row, i in enumerate(same):
            seeded = _SeededSequence(entropy[i], pools[row], states[row], wide[row])
            # numpy takes any ISeedSequence; its type stubs name SeedSequence only.
            out[i] = np.random.Generator(np.random.PCG64(seeded))  # type: ignore[arg-type]
    return out  # type: ignore[return-value]


# SeedSequence's constants (numpy/random/bit_generator.pyx, after O'Neill's seed_seq).
_POOL_SIZE = 4
_INIT_A, _MULT_A = np.uint32(0x43B0D7E5), np.uint32(0x931E8875)
_INIT_B, _MULT_B = np.uint32(0x8B51F9DD), np.uint32(0x58F38DED)
_MIX_MULT_L, _MIX_MULT_R = np.uint32(0xCA01F9DD), np.uint32(0x4973F715)
_XSHIFT = np.uint32(16)
#: The words a PCG64 generator asks its seed sequence for: 4 of 64 bits.
_PCG64_WORDS = 4


def _uint32_words(value: int) -> np.ndarray:
    """``value`` as SeedSequence reads an integer: 32-bit words, lowest first ([0] for 0)."""
    words = [0] if value == 0 else []
    while value > 0:
        words.append(value & 0xFFFFFFFF)
        value >>= 32
    return np.asarray(words, dtype=np.uint32)


def _mixed_pools(entropy: np.ndarray) -> np.ndarray:
    """SeedSequence's entropy pools of the keys, one per row of ``entropy`` (uint32 words):
    array [key, 4] of uint32. The multiplier sequence does not depend on the data, so every
    key takes the same steps; the steps that do not depend on one another (the first hash of
    each word of the pool, the mixes of one word into each of the others, of one more word
    into the whole pool) run as one array operation over all keys and words."""
    keys, length = entropy.shape
    consts = _hash_consts(_INIT_A, _MULT_A, _POOL_SIZE * max(length, _POOL_SIZE))
    first = np.zeros((keys, _POOL_SIZE), dtype=np.uint32)
    first[:, :min(length, _POOL_SIZE)] = entropy[:, :_POOL_SIZE]
    with np.errstate(over="ignore"):  # the arithmetic is modulo 2**32 on purpose
        pool = _hashmix(first, consts, 0)
        at = _POOL_SIZE
        for src in range(_POOL_SIZE):
            # The other words, in order, each mixed with its own hash of this one.
            others = [dst for dst in range(_POOL_SIZE) if dst != src]
            hashed = _hashmix(pool[:, src:src + 1], consts, at, len(others))
            pool[:, others] = _mix(pool[:, others], hashed)
            at += len(others)
        for src in range(_POOL_SIZE, length):
            pool = _mix(pool, _hashmix(entropy[:, src:src + 1], consts, at, _POOL_SIZE))
            at += _POOL_SIZE
    return pool


def _hashmix(value: np.ndarray, consts: np.ndarray, at: int, count: int = 0) -> np.ndarray:
    """SeedSequence's hashmix of ``value`` [key, words] (or of one word [key, 1] for ``count``
    words) with its ``at``-th hash constants on: the k-th word takes the (at + k)-th constant
    and multiplies by the next, as calls one after the other do."""
    width = count or value.shape[1]
    value = value ^ consts[at:at + width]
    value *= consts[at + 1:at + width + 1]
    value ^= value >> _XSHIFT
    return value


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """SeedSequence's mix of words ``x`` with hashed words ``y`` (uint32 arrays)."""
    result = _MIX_MULT_L * x
    result -= _MIX_MULT_R * y
    result ^= result >> _XSHIFT
    return result


@lru_cache(maxsize=8)
def _hash_consts(init: np.uint32, mult: np.uint32, count: int) -> np.ndarray:
    """The hash constants of SeedSequence's hashes one after the other: ``init``, then each
    the last times ``mult`` (modulo 2**32), ``count + 1`` of them (uint32, read-only)."""
    out = np.empty(count + 1, dtype=np.uint32)
    value = int(init)
    for k in range(count + 1):
        out[k] = value
        value = value * int(mult) & 0xFFFFFFFF
    out.setflags(write=False)
    return out


def _seed_words(pools: np.ndarray, words32: int = 2 * _PCG64_WORDS) -> np.ndarray:
    """SeedSequence.generate_state of each pool (row of ``pools``): ``words32`` uint32
    words per key, array [key, words32]; the i-th word hashes the pool's (i mod 4)-th word
    with the i-th constant, all words in one array operation."""
    consts = _hash_consts(_INIT_B, _MULT_B, words32)
    with np.errstate(over="ignore"):
        return _hashmix(pools[:, np.arange(words32) % _POOL_SIZE], consts, 0)


class _SeededSequence(ISeedSequence):
    """A SeedSequence whose pool and first state words were worked out beforehand (by
    `streams`); it gives a bit generator the same words numpy's would."""

    def __init__(self, entropy: list[int], pool: np.ndarray, words: np.ndarray,
                 wide: np.ndarray | None = None):
        self.entropy, self.pool, self._words, self._wide = entropy, pool, words, wide

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        """The first ``n_words`` words of the state (uint32, or uint64 from pairs of them)."""
        wide = np.dtype(dtype) == np.dtype(np.uint64)
        if not wide and np.dtype(dtype) != np.dtype(np.uint32):
            raise ValueError("only support uint32 or uint64")
        if wide and self._wide is not None and n_words <= self._wide.shape[0]:
            return self._wide[:n_words].copy()
        count = n_words * (2 if wide else 1)
        words = (self._words[:count] if count <= self._words.shape[0]
                 else _seed_words(self.pool[None, :], count)[0])
        if wide:  # pairs read little-endian, whatever the machine's byte order
            return words.astype("<u4").view("<u8").astype(np.uint64)
        return words.copy()
