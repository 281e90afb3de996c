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
    if name not in STREAM_NAMES:
        raise ValueError(f"unknown random stream {name!r}")
    return [int(seed), int(replication), zlib.crc32(name.encode("utf-8")), *map(int, extra)]


def stream(seed: int, replication: int, name: str, *extra: int) -> np.random.Generator:
    """Return the generator of stream ``name`` for (seed, replication, *extra)."""
    return np.random.default_rng(np.random.SeedSequence(stream_key(seed, replication, name, *extra)))


def streams(seed: int, replication: int,
            keys: Sequence[tuple[str, int]] | Sequence[tuple[str]]) -> list[np.random.Generator]:
    """Return the generators of several streams of (seed, replication), one per key (the
    stream's name, then its extra numbers, as `stream` takes them), in the keys' order:
    the same generators as ``stream(seed, replication, *key)``, seeded together. numpy's
    SeedSequence hashes one key at a time, at some ten microseconds each; here the hashing
    runs as array operations over all the keys at once."""
    entropy = [stream_key(seed, replication, *key) for key in keys]
    words = [np.asarray(e, dtype=np.uint32) if max(e) <= 0xFFFFFFFF
             else np.concatenate([_uint32_words(v) for v in e]) for e in entropy]
    out: list[np.random.Generator | None] = [None] * len(words)
    for length in {w.shape[0] for w in words}:  # keys of equal length hash together
        same = [i for i, w in enumerate(words) if w.shape[0] == length]
        pools = _mixed_pools(np.stack([words[i] for i in same]))
        states = _seed_words(pools)
        for row, i in enumerate(same):
            seeded = _SeededSequence(entropy[i], pools[row], states[row])
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
    key takes the same steps, each one an array operation over all keys."""
    hash_const = [_INIT_A]

    def hashmix(value: np.ndarray) -> np.ndarray:
        value = np.bitwise_xor(value, hash_const[0])
        hash_const[0] = hash_const[0] * _MULT_A
        value = np.multiply(value, hash_const[0])
        return np.bitwise_xor(value, np.right_shift(value, _XSHIFT))

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result = np.subtract(np.multiply(_MIX_MULT_L, x), np.multiply(_MIX_MULT_R, y))
        return np.bitwise_xor(result, np.right_shift(result, _XSHIFT))

    keys, length = entropy.shape
    with np.errstate(over="ignore"):  # the arithmetic is modulo 2**32 on purpose
        pool = [hashmix(entropy[:, i] if i < length else np.zeros(keys, np.uint32))
                for i in range(_POOL_SIZE)]
        for src in range(_POOL_SIZE):
            for dst in range(_POOL_SIZE):
                if src != dst:
                    pool[dst] = mix(pool[dst], hashmix(pool[src]))
        for src in range(_POOL_SIZE, length):
            for dst in range(_POOL_SIZE):
                pool[dst] = mix(pool[dst], hashmix(entropy[:, src]))
    return np.stack(pool, axis=1)


def _seed_words(pools: np.ndarray, words32: int = 2 * _PCG64_WORDS) -> np.ndarray:
    """SeedSequence.generate_state of each pool (row of ``pools``): ``words32`` uint32
    words per key, array [key, words32]."""
    hash_const = _INIT_B
    out = np.empty((pools.shape[0], words32), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for i in range(words32):
            value = pools[:, i % _POOL_SIZE] ^ hash_const
            hash_const = hash_const * _MULT_B
            value = value * hash_const
            out[:, i] = value ^ (value >> _XSHIFT)
    return out


class _SeededSequence(ISeedSequence):
    """A SeedSequence whose pool and first state words were worked out beforehand (by
    `streams`); it gives a bit generator the same words numpy's would."""

    def __init__(self, entropy: list[int], pool: np.ndarray, words: np.ndarray):
        self.entropy, self.pool, self._words = entropy, pool, words

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        """The first ``n_words`` words of the state (uint32, or uint64 from pairs of them)."""
        wide = np.dtype(dtype) == np.dtype(np.uint64)
        if not wide and np.dtype(dtype) != np.dtype(np.uint32):
            raise ValueError("only support uint32 or uint64")
        count = n_words * (2 if wide else 1)
        words = (self._words[:count] if count <= self._words.shape[0]
                 else _seed_words(self.pool[None, :], count)[0])
        if wide:  # pairs read little-endian, whatever the machine's byte order
            return words.astype("<u4").view("<u8").astype(np.uint64)
        return words.copy()
