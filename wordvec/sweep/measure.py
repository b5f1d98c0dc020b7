"""One run of a sweep, inside its own process: load the shared inputs, train, measure, save.

Only training is measured: the peak resident size is reset just before the trainer is called
and read just after it returns (wordvec.util.rss), so imports, loading the shared corpus and
saving do not count, while everything training holds at its peak (the model, the mapped
corpus pages it reads, the trainer's tables, a GloVe run's in-memory co-occurrence entries)
does. Before that, the trainer runs once on the first sentences of the corpus: a fresh process
loads its compiled kernels on first use (0.5 s or more), a fixed cost that is not training and
would otherwise weigh most on the shortest runs.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import time

import numpy as np


def train_one(job: dict) -> dict:
    """Train the config of `job` on the shared corpus, save the model, return the measurements.

    job: {"trainer", "config", "vocab", "ids", "offsets", "corpus_info", "cooc" (or None), "output"}.
    """
    from ..text.corpus import EncodedCorpus
    from ..text.vocab import Vocab
    from ..util import rss
    from ..vectors.formats import save
    from .quality import MEASURES
    from .trainers import TRAINERS

    trainer = TRAINERS[job["trainer"]]
    measure = MEASURES[trainer.quality]
    config = trainer.config(**job["config"]).validate()
    vocab = Vocab.load(job["vocab"])
    corpus = EncodedCorpus(np.load(job["ids"], mmap_mode="r"), np.load(job["offsets"], mmap_mode="r"),
                           dict(job["corpus_info"]))
    module, name = trainer.train.split(":")
    train = getattr(importlib.import_module(module), name)
    shared = {"cooc": job["cooc"]} if job.get("cooc") else {}

    _warm_up(train, corpus, vocab, config)
    baseline = rss.current_bytes()
    exact_peak = rss.reset_peak()
    started = time.perf_counter()
    result = train(corpus, vocab, config, **shared)
    seconds = time.perf_counter() - started
    peak = rss.peak_bytes()
    save(result.kv, job["output"], context=result.context if measure.context else None)
    last = result.history[-1] if result.history else {}
    done = sum(h.get(measure.unit, 0) for h in result.history)  # words (items) read; GloVe reads none
    return {"train_seconds": round(seconds, 3), f"{measure.unit}_per_second": round(done / seconds) if done else None,
            "peak_rss_bytes": peak, "baseline_rss_bytes": baseline, "peak_is_training_only": exact_peak,
            "final_loss": last.get("loss", last.get("cost")), "stages": result.kv.meta.get("stages")}


WARM_UP_TOKENS = 2000


def _warm_up(train, corpus, vocab, config) -> None:
    """One quiet epoch on the corpus's first ~2,000 tokens, so the kernels are loaded before timing
    (its warnings too: the run itself gives any that matter)."""
    from ..text.corpus import EncodedCorpus
    from ..util.memory import release_free_memory

    sentences = max(1, int(np.searchsorted(corpus.offsets, WARM_UP_TOKENS)))
    sentences = min(sentences, len(corpus.offsets) - 1)
    offsets = np.array(corpus.offsets[:sentences + 1])
    ids = np.array(corpus.ids[:offsets[-1]])
    for copy, source in ((ids, corpus.ids), (offsets, corpus.offsets)):
        copy.flags.writeable = source.flags.writeable  # numba compiles read-only arrays apart: load that one
    small = EncodedCorpus.from_arrays(ids, offsets)
    logger = logging.getLogger("wordvec")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        train(small, vocab, dataclasses.replace(config, epochs=1))
    finally:
        logger.setLevel(level)
    release_free_memory()
