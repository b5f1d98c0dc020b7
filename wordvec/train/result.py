"""What every trainer returns, so callers treat word2vec and GloVe alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class TrainResult:
    """The word vectors, the context vectors and the per-epoch history of one training run."""

    kv: Any                          # wordvec.keyedvectors.KeyedVectors (what gets saved)
    context: np.ndarray | None       # float32 [V, D] context vectors: word2vec's syn1neg, GloVe's W~
    history: list[dict] = field(default_factory=list)  # one dict per epoch (trainer-specific keys)
