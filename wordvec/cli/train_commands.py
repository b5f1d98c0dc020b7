"""`wordvec train ...`: the group; the trainers' commands live in their own modules."""

from __future__ import annotations

from . import cli


@cli.group()
def train() -> None:
    """Train vectors: skipgram, cbow or glove."""


from . import train_word2vec  # noqa: E402,F401
from . import train_glove  # noqa: E402,F401
