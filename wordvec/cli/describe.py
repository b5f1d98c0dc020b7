"""meta.json for people (`wordvec info`): what trained the vectors, with which settings (as the
flags that give them), on what corpus, how training went. --json prints meta.json as it is."""

from __future__ import annotations

from typing import Any, Iterator

from .options import as_flags

_SHOWN_ELSEWHERE = {"trainer", "config", "corpus", "history", "stages", "trace", "wordvec_version"}
_STAGES = {"prepare_seconds": "preparing the corpus", "cooccur_seconds": "counting co-occurrences",
           "kernel_load_seconds": "loading kernels", "train_seconds": "training"}


def _config_class(trainer: str | None) -> type | None:
    from ..config import GloVeConfig, Word2VecConfig

    if not trainer:
        return None
    return GloVeConfig if trainer == "glove" else Word2VecConfig if trainer.startswith("word2vec") else None


def _value(value: Any) -> str:
    """A metadata value in one short phrase: counts with separators, no raw JSON."""
    from ..util.progress import plural

    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "none"}[value]
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return plural(len(value), "entry").replace("entrys", "entries")
    return str(value)


def _corpus(corpus: dict) -> str:
    files = corpus.get("files") or []
    where = ", ".join(files[:3]) + (f" and {len(files) - 3:,} more" if len(files) > 3 else "")
    counts = [f"{corpus[k]:,} {label}" for k, label in (("bytes", "bytes"), ("raw_tokens", "raw tokens"),
                                                         ("kept_tokens", "kept tokens"), ("sentences", "sentences"))
              if isinstance(corpus.get(k), int)]
    return "; ".join(p for p in (where, ", ".join(counts)) if p)


def _training(history: list, stages: dict) -> str:
    from ..util.progress import plural

    parts = [plural(len(history), "epoch")]
    last = history[-1] if history and isinstance(history[-1], dict) else {}
    for key in ("loss", "cost"):
        if isinstance(last.get(key), (int, float)):
            parts.append(f"final {key} {last[key]:.4f}")
    parts += [f"{name} {stages[k]:.1f} s" for k, name in _STAGES.items() if isinstance(stages.get(k), (int, float))]
    return ", ".join(parts)


def describe_meta(meta: dict) -> Iterator[tuple[str, str]]:
    """(label, text) lines describing a vectors file's metadata (nothing for a bare file)."""
    from ..config import TokenizerConfig

    trainer = meta.get("trainer")
    if trainer:
        version = meta.get("wordvec_version")
        yield "trained by", f"{trainer}" + (f" (wordvec {version})" if version else "")
    config_class = _config_class(trainer)
    if isinstance(meta.get("config"), dict):
        yield "settings", (as_flags(config_class, meta["config"]) if config_class else _value(meta["config"]))
    corpus = meta.get("corpus")
    if isinstance(corpus, dict) and corpus:
        yield "corpus", _corpus(corpus)
        if isinstance(corpus.get("tokenizer"), dict):
            yield "tokenizer", as_flags(TokenizerConfig, corpus["tokenizer"])
        vocabulary = {k: corpus[k] for k in ("vocab_size", "min_count", "max_vocab", "vocab_file", "distinct_words")
                      if corpus.get(k) is not None}
        if vocabulary:
            yield "vocabulary", _value(vocabulary)
    if isinstance(meta.get("history"), list) and meta["history"]:
        yield "training", _training(meta["history"], meta.get("stages") or {})
    for key, value in meta.items():
        if key not in _SHOWN_ELSEWHERE and value is not None:
            yield key.replace("_", " "), _value(value)
