"""wordvec: train word embeddings (word2vec, GloVe) and item embeddings (item2vec) fast and query them.

Query names import eagerly (numpy only); trainers import lazily, so `import wordvec`
never imports numba.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import (GloVeConfig, InteractionsConfig, Item2VecConfig, TokenizerConfig, VocabConfig,  # noqa: E402
                     Word2VecConfig)
from .errors import WordvecError  # noqa: E402

_LAZY = {
    "train_word2vec": ("wordvec.train.word2vec", "train_word2vec"),
    "train_glove": ("wordvec.train.glove", "train_glove"),
    "count_cooccurrences": ("wordvec.train.cooccur", "count_cooccurrences"),
    "load_cooccurrence": ("wordvec.train.cooccur", "load_cooccurrence"),
    "Vocab": ("wordvec.text.vocab", "Vocab"),
    "build_vocab": ("wordvec.text.vocab", "build_vocab"),
    "encode_corpus": ("wordvec.text.corpus", "encode_corpus"),
    "prepare_corpus": ("wordvec.text.corpus", "prepare_corpus"),
    "KeyedVectors": ("wordvec.vectors.keyedvectors", "KeyedVectors"),
    "load": ("wordvec.vectors.formats", "load"),
    "read_interactions": ("wordvec.text.interactions", "read_interactions"),
    "train_item2vec": ("wordvec.train.item2vec", "train_item2vec"),
    "Recommender": ("wordvec.vectors.recommend", "Recommender"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'wordvec' has no attribute {name!r}")


__all__ = ["__version__", "GloVeConfig", "InteractionsConfig", "Item2VecConfig", "TokenizerConfig", "VocabConfig",
           "Word2VecConfig",
           "WordvecError", *_LAZY]
