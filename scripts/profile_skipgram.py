#!/usr/bin/env python3
"""Where skip-gram's time goes per word, by difference of kernel runs on one thread.

    scripts/profile_skipgram.py [--corpus FILE] [--tokens N] [--repeats 3]

The default kernel (shared negatives per center, 2 x 2 blocked window update) is called
directly on an encoded corpus, one thread, one epoch's worth of sentences, in variants that
remove one cost at a time:

  full          the real run: dim 100, the corpus's own ids, sample 1e-4
  no-subsample  sample 0: every token is a center (costs per kept word below are from here)
  dim 4         the same with 4-dimensional rows: what is left is the per-word bookkeeping
                (random draws for windows and negatives, the loops, sentence handling)
  hot rows      dim 100 with every id folded onto 512 words (tables rebuilt from the folded
                counts): the same arithmetic with every row in cache, so no row traffic

Per kept word: bookkeeping = dim 4; vector arithmetic = hot rows - dim 4; row traffic (cache
and memory misses) = no-subsample - hot rows. Subsampling's own cost is full minus the kept
share of no-subsample. The arithmetic floor comes from counting the multiply-adds a center
needs and this core's peak (2 FMA units x 8 float32 lanes a cycle), at the clock measured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wordvec._kernels import word2vec as kernels  # noqa: E402
from wordvec._kernels.rng import thread_seeds  # noqa: E402
from wordvec.config import TokenizerConfig  # noqa: E402
from wordvec.text.corpus import prepare_corpus  # noqa: E402
from wordvec.train.tables import keep_probabilities, negative_table  # noqa: E402

WINDOW, NEGATIVE = 5, 5


def run(ids: np.ndarray, offsets: np.ndarray, counts: np.ndarray, dim: int, sample: float, repeats: int) -> dict:
    """Best of `repeats` one-thread passes: seconds, and the centers the kernel trained."""
    keep = keep_probabilities(counts, sample)
    neg_cum, neg_guide = negative_table(counts, 0.75)
    best = float("inf")
    stats = np.zeros((1, 3))
    for _ in range(repeats):
        rng = np.random.default_rng(1)
        w_in = ((rng.random((len(counts), dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
        w_out = np.zeros_like(w_in)
        state = thread_seeds(1, 1)
        stats[:] = 0
        kernels.train_slice(kernels.SKIPGRAM, w_in, w_out, ids, offsets, 0, 0, keep, neg_cum, neg_guide, WINDOW,
                            NEGATIVE, 0.025, 0.025, state, 0, stats)  # loads the kernel
        started = time.perf_counter()
        kernels.train_slice(kernels.SKIPGRAM, w_in, w_out, ids, offsets, 0, len(offsets) - 1, keep, neg_cum,
                            neg_guide, WINDOW, NEGATIVE, 0.025, 0.0001, state, 0, stats)
        best = min(best, time.perf_counter() - started)
    kept = float(np.dot(keep, counts) / counts.sum())
    return {"seconds": best, "raw_words": int(offsets[-1]), "kept_share": kept}


def cpu_mhz() -> float:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("cpu MHz"):
                return float(line.split(":")[1])
    except OSError:
        pass
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="/tmp/benchdata/bench-en.t8.10000000.txt")
    parser.add_argument("--tokens", type=int, default=2_000_000, help="raw tokens used (a prefix of sentences)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    vocab, corpus = prepare_corpus([args.corpus], TokenizerConfig(tokens="raw", lowercase=False), min_count=5)
    offsets = np.asarray(corpus.offsets, dtype=np.int64)
    last = int(np.searchsorted(offsets, args.tokens))
    offsets = np.ascontiguousarray(offsets[:last + 1])
    ids = np.ascontiguousarray(corpus.ids[:offsets[-1]], dtype=np.int32)
    counts = np.asarray(vocab.counts, dtype=np.int64)
    folded = (ids % 512).astype(np.int32)
    folded_counts = np.bincount(folded, minlength=512).astype(np.int64) + 1

    runs = {"full": run(ids, offsets, counts, 100, 1e-4, args.repeats),
            "no-subsample": run(ids, offsets, counts, 100, 0.0, args.repeats),
            "dim 4": run(ids, offsets, counts, 4, 0.0, args.repeats),
            "hot rows": run(folded, offsets, folded_counts, 100, 0.0, args.repeats)}
    words = runs["full"]["raw_words"]
    ns = {k: 1e9 * v["seconds"] / words for k, v in runs.items()}
    kept = runs["full"]["kept_share"]
    mhz = cpu_mhz()
    # a center with window b (uniform 1..WINDOW) has 2b contexts on average 2 * 3 = 6 (fewer at
    # sentence edges), each against NEGATIVE + 1 targets: per pair one dot product and two
    # gradient updates of dim multiply-adds each (the 2 x 2 blocks change loads, not arithmetic)
    fmas = 2 * (WINDOW + 1) / 2 * (NEGATIVE + 1) * 3 * 100
    floor_ns = fmas / 16 / (mhz / 1000)
    breakdown = {"bookkeeping (draws, loops)": ns["dim 4"], "vector arithmetic": ns["hot rows"] - ns["dim 4"],
                 "row traffic (cache misses)": ns["no-subsample"] - ns["hot rows"],
                 "subsampling (per raw word)": ns["full"] - kept * ns["no-subsample"]}
    print(json.dumps({"raw_words": words, "kept_share": kept, "ns_per_raw_word": ns, "per_kept_word": breakdown,
                      "cpu_mhz": mhz, "fma_per_center": fmas, "arithmetic_floor_ns_per_center": floor_ns},
                     indent=2))


if __name__ == "__main__":
    main()
