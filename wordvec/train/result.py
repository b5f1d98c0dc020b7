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


def build_result(trainer: str, vectors: np.ndarray, context: np.ndarray | None, vocab, config,
                 corpus_info: dict, history: list[dict], trace: list[dict], subwords: Any = None,
                 **meta: Any) -> TrainResult:
    """A TrainResult whose KeyedVectors carry the metadata saved beside every trained model.

    config: the run's config with its defaults resolved (the learning rate and thread count
    actually used); subwords: the n-gram half of a subword model (wordvec.vectors.subwords.Subwords);
    meta: trainer-specific extra keys (GloVe's co-occurrence settings).
    """
    from ..vectors.keyedvectors import KeyedVectors

    info = {"trainer": trainer, "config": config.to_dict(), "corpus": dict(corpus_info or {}), **meta,
            "history": history}
    if subwords is not None:
        info.update(subwords.settings())
    kv = KeyedVectors(vectors, list(vocab.words), counts=np.asarray(vocab.counts), meta=info, subwords=subwords)
    return TrainResult(kv=kv, context=context, history=history, trace=trace)
