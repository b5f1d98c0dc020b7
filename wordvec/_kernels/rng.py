"""A tiny per-thread random generator for kernels: splitmix64 on one uint64 word of state.

Each thread owns `state[t]` (seeded from numpy's SeedSequence in Python), so threads never
share a stream and one seeded thread reproduces exactly. All arithmetic stays in uint64:
mixing a signed integer into it would make numba promote to float64.
"""

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# splitmix64's multipliers: odd 64-bit constants with good avalanche (also GloVe's permutation)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2 ** -53


@njit(inline="always", nogil=True, cache=True)
def next_u64(state, slot):
    """Advance state[slot] and return 64 random bits (splitmix64)."""
    s = state[slot] + _GOLDEN
    state[slot] = s
    z = (s ^ (s >> _S30)) * MIX1
    z = (z ^ (z >> _S27)) * MIX2
    return z ^ (z >> _S31)


@njit(inline="always", nogil=True, cache=True)
def next_float(state, slot):
    """Uniform float64 in [0, 1) with 53 random bits."""
    return (next_u64(state, slot) >> _S11) * _TO_UNIT


@njit(inline="always", nogil=True, cache=True)
def next_below(state, slot, n):
    """Uniform integer in [0, n) for n >= 1 (Lemire's multiply-shift, bias below 2**-32 for n < 2**32)."""
    return np.int64(((next_u64(state, slot) >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


def thread_seeds(seed: int, n_threads: int) -> np.ndarray:
    """One independent uint64 RNG state per thread, from numpy's SeedSequence(seed).spawn."""
    children = np.random.SeedSequence(seed).spawn(n_threads)
    return np.array([c.generate_state(1, dtype=np.uint64)[0] for c in children], dtype=np.uint64)
