"""What every trainer returns, and the one place its metadata is put together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class TrainResult:
    """The word vectors, the context vectors and the per-epoch history of one training run."""

    kv: Any                          # wordvec.vectors.keyedvectors.KeyedVectors (what gets saved)
    context: np.ndarray | None       # float32 [V, D] context vectors: word2vec's w_out, GloVe's W~
    history: list[dict] = field(default_factory=list)  # one dict per epoch (trainer-specific keys)
    trace: list[dict] = field(default_factory=list)    # one dict per runner step (Runner.record)
    stages: dict = field(default_factory=dict)         # seconds per stage: kernel_load_seconds, train_seconds...


TRACE_LIMIT = 2000  # per-step records kept in meta.json; longer runs keep every k-th and the last


def thin(trace: list[dict], limit: int = TRACE_LIMIT) -> list[dict]:
    """At most `limit` records, evenly spaced, always with the last (a curve's end matters most)."""
    if len(trace) <= limit:
        return list(trace)
    step = -(-len(trace) // limit)
    kept = trace[step - 1::step]
    return kept if kept[-1] is trace[-1] else kept[:limit - 1] + [trace[-1]]


def build_result(trainer: str, vectors: np.ndarray, context: np.ndarray | None, vocab, config,
                 corpus_info: dict, history: list[dict], trace: list[dict], trace_unit: str, subwords: Any = None,
                 **meta: Any) -> TrainResult:
    """A TrainResult whose KeyedVectors carry the metadata saved beside every trained model.

    config: the run's config with its defaults resolved (the learning rate and thread count
    actually used); trace and trace_unit: the runner's per-step records and what their ``done``
    counts ("word", "entry"), kept as meta.json's ``trace`` for training curves; subwords: the
    n-gram half of a subword model (wordvec.vectors.subwords.Subwords); meta: trainer-specific
    extra keys (GloVe's co-occurrence settings) and ``stages``, the seconds of each stage (also
    meta.json's "stages", one timing per run).
    """
    from ..vectors.keyedvectors import KeyedVectors

    stages = {k: round(v, 3) for k, v in meta.pop("stages", {}).items()}
    info = {"trainer": trainer, "config": config.to_dict(), "corpus": dict(corpus_info or {}), **meta,
            "history": history, "trace": {"unit": trace_unit, "steps": thin(trace)}, "stages": stages}
    if subwords is not None:
        info.update(subwords.settings())
    kv = KeyedVectors(vectors, list(vocab.words), counts=np.asarray(vocab.counts), meta=info, subwords=subwords)
    return TrainResult(kv=kv, context=context, history=history, trace=trace, stages=info["stages"])
