"""`wordvec train glove` and `wordvec cooccur`: parse, call wordvec.cooccur / wordvec.glove, print."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import click

from . import cli
from .options import (cache_option, corpus_argument, json_option, output_option, tokenizer_options,
                      training_options, vocab_options)
from .train_commands import train

FORMATS = ("native", "word2vec", "word2vec-binary", "glove")


def cooccur_options(func: Callable) -> Callable:
    """--memory, --asymmetric, --no-distance-weighting: how co-occurrences are counted."""
    for decorator in reversed((
        click.option("--memory", type=float, default=None,
                     help="GiB for co-occurrence counting; runs beyond it spill to temporary files. "
                          "[default: a quarter of RAM]"),
        click.option("--asymmetric", is_flag=True,
                     help="Count left context only (GloVe's -symmetric 0)."),
        click.option("--no-distance-weighting", is_flag=True,
                     help="Count every pair as 1 instead of 1/distance."),
    )):
        func = decorator(func)
    return func


def _gib(n: int | None) -> str:
    """Bytes for people (memory.human_bytes), or why the figure is not known yet."""
    from ..util.memory import human_bytes

    return "unknown until counted" if n is None else human_bytes(n)


def _check_output(output: str) -> Path:
    """Fail before any work if the output cannot be written; its folder is also where spills go."""
    from ..util.atomic import check_output

    check_output(output)
    return Path(output).parent


def _prepare(corpus, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache):
    from ..config import TokenizerConfig
    from ..text.corpus import prepare_corpus

    tokenizer = TokenizerConfig(tokens=tokens, lowercase=lowercase).validate()
    return prepare_corpus(list(corpus), tokenizer, min_count=min_count, max_vocab=max_vocab,
                          vocab_path=vocab_path, cache=not no_cache)


@cli.command()
@corpus_argument
@output_option
@click.option("--window", type=int, default=10, show_default=True, help="Context words on each side.")
@cooccur_options
@click.option("--threads", type=int, default=None, help="Worker threads.  [default: all cores]")
@vocab_options
@tokenizer_options
@cache_option
@json_option
def cooccur(corpus, output, window, memory, asymmetric, no_distance_weighting, threads, min_count, max_vocab,
            vocab_path, tokens, lowercase, no_cache, as_json):
    """Count the co-occurrences of CORPUS into a folder (rows/cols/vals .npy, vocab.txt, meta.json)."""
    from ..config import GloVeConfig
    from ..train.cooccur import budget_bytes, count_cooccurrences
    from ..util.progress import log

    GloVeConfig(window=window, memory=memory, threads=threads, min_count=min_count,
                max_vocab=max_vocab).validate()
    spill_dir = _check_output(output)
    log.info("co-occurrence budget: %s", _gib(budget_bytes(memory)))
    start = time.perf_counter()
    vocab, encoded = _prepare(corpus, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache)
    result = count_cooccurrences(encoded, vocab, window=window, symmetric=not asymmetric,
                                 distance_weighting=not no_distance_weighting, memory=memory,
                                 threads=threads, output=output, tmp_dir=spill_dir)
    seconds = time.perf_counter() - start
    summary = {"output": str(output), "nnz": result.nnz, "vocab_size": len(vocab),
               "tokens": encoded.n_tokens, "window": window, "seconds": round(seconds, 3)}
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(f"{result.nnz:,} non-zero co-occurrences of {len(vocab):,} words "
                   f"({encoded.n_tokens:,} tokens) in {seconds:.1f} s: wrote {output}")


@train.command()
@click.argument("corpus", nargs=-1, type=click.Path(allow_dash=True))
@output_option
@training_options(window=10, epochs=25, lr=0.05, lr_help="AdaGrad learning rate (GloVe's -eta).")
@click.option("--x-max", type=float, default=100.0, show_default=True,
              help="Weighting cutoff: f(x) = min(1, (x / x_max) ** alpha); GloVe's demo uses 10 on small corpora.")
@click.option("--alpha", type=float, default=0.75, show_default=True, help="Weighting exponent.")
@click.option("--vectors", type=click.Choice(["in+out", "in"]), default="in+out", show_default=True,
              help="in+out: word + context vectors (GloVe's -model 2); in: word vectors only.")
@cooccur_options
@click.option("--cooc", "cooc_dir", type=click.Path(file_okay=False), default=None,
              help="Reuse a folder made by `wordvec cooccur` (CORPUS is then optional).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="native", show_default=True,
              help="Output format.")
@click.option("--dry-run", is_flag=True, help="Print the memory estimate and stop.")
@vocab_options
@tokenizer_options
@cache_option
@json_option
def glove(corpus, output, dim, window, epochs, lr, threads, seed, x_max, alpha, vectors, memory, asymmetric,
          no_distance_weighting, cooc_dir, fmt, dry_run, min_count, max_vocab, vocab_path, tokens, lowercase,
          no_cache, as_json):
    """Train GloVe on CORPUS (or on a --cooc folder): vocabulary, co-occurrences, AdaGrad, in one go."""
    from ..config import GloVeConfig
    from ..errors import WordvecError
    from ..util.progress import log

    config = GloVeConfig(dim=dim, window=window, symmetric=not asymmetric,
                         distance_weighting=not no_distance_weighting, min_count=min_count,
                         max_vocab=max_vocab, epochs=epochs, lr=lr, x_max=x_max, alpha=alpha, threads=threads,
                         seed=seed, memory=memory, vectors=vectors).validate()
    if not corpus and cooc_dir is None:
        raise click.UsageError("give a CORPUS to train on, or --cooc DIR")
    spill_dir = _check_output(output)
    start = time.perf_counter()
    cooc = encoded = None
    if cooc_dir is not None:
        from ..train.cooccur import load_cooccurrence
        from ..text.vocab import Vocab

        cooc = load_cooccurrence(cooc_dir)
        if not corpus and vocab_path is None:
            vocab_path = Path(cooc_dir) / "vocab.txt"
        if not corpus:
            vocab = Vocab.load(vocab_path)
        else:
            vocab, encoded = _prepare(corpus, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache)
        if cooc.meta.get("vocab_fingerprint") != vocab.fingerprint():
            raise WordvecError(f"{cooc_dir} was counted with another vocabulary ({cooc.meta.get('vocab_size')} "
                               f"words, not these {len(vocab)}): recount with `wordvec cooccur` or drop --cooc")
    else:
        vocab, encoded = _prepare(corpus, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache)
    from ..train.glove import estimate, train_glove

    prepared = time.perf_counter()

    needs = estimate(len(vocab), config, cooc.nnz if cooc is not None else None)
    if dry_run:
        click.echo(json.dumps(needs) if as_json else
                   f"model {_gib(needs['model_bytes'])} for {len(vocab):,} words x {dim}; "
                   f"co-occurrence counting budget {_gib(needs['cooccurrence_budget_bytes'])}; "
                   f"training entries {_gib(needs['entries_bytes'])}")
        return
    log.info("memory: model %s, co-occurrence budget %s, training entries %s", _gib(needs["model_bytes"]),
             _gib(None if cooc is not None else needs["cooccurrence_budget_bytes"]),
             _gib(needs["entries_bytes"]))
    result = train_glove(encoded, vocab, config, cooc=cooc, tmp_dir=spill_dir)
    stages = {"prepare_seconds": round(prepared - start, 3), **result.kv.meta.get("stages", {})}
    result.kv.meta["stages"] = stages
    from ..vectors.formats import save

    save(result.kv, output, format=fmt)
    seconds = time.perf_counter() - start
    if as_json:
        nnz = result.kv.meta["cooccurrence"]["nnz"]
        click.echo(json.dumps({"output": str(output), "format": fmt, "words": len(vocab), "dim": dim,
                               "seconds": round(seconds, 3), "stages": stages, "nnz": nnz,
                               "cooccurrence_bytes": 12 * nnz, "history": result.history}))
    else:
        click.echo(f"trained GloVe on {len(vocab):,} words, {epochs} epochs, final cost "
                   f"{result.history[-1]['cost']:.4f}, in {seconds:.1f} s: wrote {output}")
