"""Co-occurrence kernels: emit (pair, distance) keys, radix-sort them, sum runs, merge runs.

A co-occurrence is packed into one uint64 key so that sorting needs no payload array:

    key = (row * V + col) * n_dist + (distance - 1)      (n_dist = window when weighted, else 1)

Sorting the keys puts every occurrence of a pair next to each other, grouped by distance, so
the weight is recomputed while summing. Sums are kept in units of 1/scale, where scale is the
least common multiple of 1..window: every weight scale/d is then a whole number, the float64
sums are exact integers, and the result does not depend on how pairs were split into runs
(so a run under a small --memory equals an unbounded one bit for bit). Arrays in, counts out.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def emit_pairs(ids, offsets, first_sentence, end_sentence, window, symmetric, weighted,
               vocab_size, keys):
    """Write the keys of sentences [first_sentence, end_sentence) into keys; return how many.

    For each word and each of the `window` words before it in the same sentence, the pair
    (left word, right word) is emitted, and with `symmetric` also (right word, left word),
    as GloVe's cooccur does. The caller sizes the sentence range so that keys is big enough.
    """
    n = 0
    n_vocab = np.uint64(vocab_size)
    n_dist = np.uint64(window) if weighted else np.uint64(1)
    for s in range(first_sentence, end_sentence):
        start = offsets[s]
        stop = offsets[s + 1]
        for j in range(start + 1, stop):
            right = np.uint64(ids[j])
            for k in range(max(start, j - window), j):
                left = np.uint64(ids[k])
                code = np.uint64(j - k - 1) if weighted else np.uint64(0)
                keys[n] = (left * n_vocab + right) * n_dist + code
                n += 1
                if symmetric:
                    keys[n] = (right * n_vocab + left) * n_dist + code
                    n += 1
    return n


@njit(cache=True, nogil=True)
def radix_sort(keys, scratch, n, key_bits):
    """LSD radix sort of keys[:n] using scratch; returns True if the result is in scratch.

    Digits of at most 12 bits keep the bucket counters in L1; only key_bits bits are sorted,
    so a 70k-word vocabulary with window 10 needs three passes.
    """
    passes = max(1, (key_bits + 11) // 12)
    digit_bits = (key_bits + passes - 1) // passes
    n_buckets = 1 << digit_bits
    mask = np.uint64(n_buckets - 1)
    counts = np.empty(n_buckets, np.int64)
    src = keys
    dst = scratch
    in_scratch = False
    for p in range(passes):
        shift = np.uint64(p * digit_bits)
        counts[:] = 0
        for i in range(n):
            counts[(src[i] >> shift) & mask] += 1
        # exclusive prefix sum: where each bucket starts in dst
        total = 0
        for b in range(n_buckets):
            c = counts[b]
            counts[b] = total
            total += c
        for i in range(n):
            b = (src[i] >> shift) & mask
            dst[counts[b]] = src[i]
            counts[b] += 1
        src, dst = dst, src
        in_scratch = not in_scratch
    return in_scratch


@njit(cache=True, nogil=True)
def sum_sorted(keys, n, n_dist, weighted, scale, out_pairs, out_vals):
    """Collapse sorted keys[:n] into unique pair keys (row * V + col) with float64 sums.

    A pair at distance d adds scale / d (weighted) or scale (unweighted).
    out_pairs may be keys itself: the write position never passes the read position.
    Returns the number of unique pairs.
    """
    dist = np.uint64(n_dist)
    m = 0
    i = 0
    while i < n:
        pair = keys[i] // dist
        total = 0.0
        while i < n and keys[i] // dist == pair:
            key = keys[i]
            repeats = 0
            while i < n and keys[i] == key:
                repeats += 1
                i += 1
            # every occurrence at distance d weighs 1/d, that is scale / d units
            unit = scale / (np.float64(key % dist) + 1.0) if weighted else scale
            total += repeats * unit
        out_pairs[m] = pair
        out_vals[m] = total
        m += 1
    return m


@njit(inline="always", nogil=True, cache=True)
def _sift_down(head_keys, head_runs, size, slot):
    """Restore the min-heap of (head key, run) pairs below `slot`."""
    key = head_keys[slot]
    run = head_runs[slot]
    while True:
        child = 2 * slot + 1
        if child >= size:
            break
        if child + 1 < size and head_keys[child + 1] < head_keys[child]:
            child += 1
        if head_keys[child] >= key:
            break
        head_keys[slot] = head_keys[child]
        head_runs[slot] = head_runs[child]
        slot = child
    head_keys[slot] = key
    head_runs[slot] = run


@njit(cache=True, nogil=True)
def merge_runs(keys, vals, run_ends, run_pos, vocab_size, scale, limit, out_rows, out_cols, out_vals):
    """k-way merge of sorted runs, summing equal pairs in float64, into the out arrays (/ scale;
    a float64 out_vals with scale 1 keeps the exact sums in units).

    Run r is keys[run_pos[r]:run_ends[r]]; run_pos advances in place, so calling again with
    fresh out arrays continues where the last call stopped. Pairs above `limit` (uint64) are
    left for a later call. Returns the entries written.
    """
    k = run_pos.shape[0]
    head_keys = np.empty(k, np.uint64)  # min-heap of each run's next key, with its run id
    head_runs = np.empty(k, np.int64)
    size = 0
    for r in range(k):
        if run_pos[r] < run_ends[r]:
            head_keys[size] = keys[run_pos[r]]
            head_runs[size] = r
            size += 1
    for slot in range(size // 2 - 1, -1, -1):
        _sift_down(head_keys, head_runs, size, slot)
    n_vocab = np.uint64(vocab_size)
    m = 0
    capacity = out_rows.shape[0]
    while size > 0 and m < capacity:
        pair = head_keys[0]
        if pair > limit:
            break
        total = 0.0
        # pop the head of every run that starts with this pair
        while size > 0 and head_keys[0] == pair:
            r = head_runs[0]
            total += vals[run_pos[r]]
            run_pos[r] += 1
            if run_pos[r] < run_ends[r]:
                head_keys[0] = keys[run_pos[r]]
            else:
                size -= 1
                head_keys[0] = head_keys[size]
                head_runs[0] = head_runs[size]
            _sift_down(head_keys, head_runs, size, 0)
        out_rows[m] = np.int32(pair // n_vocab)
        out_cols[m] = np.int32(pair % n_vocab)
        out_vals[m] = total / scale   # rounded to out_vals' type (float32; float64 keeps units)
        m += 1
    return m
