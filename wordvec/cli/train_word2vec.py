"""`wordvec train skipgram` and `wordvec train cbow`: parse, prepare the corpus, train, save, report."""

from __future__ import annotations

import json
import time
from typing import Callable

import click

from .options import (cache_option, corpus_argument, json_option, output_option, tokenizer_options,
                      training_options, vocab_options)
from .train_commands import train

FORMAT_CHOICES = ("native", "word2vec", "word2vec-binary", "glove")


def word2vec_options(func: Callable) -> Callable:
    """Options of both word2vec commands beyond the shared ones, with word2vec's defaults."""
    for decorator in reversed([
        click.option("--negative", type=int, default=5, show_default=True,
                     help="Negative samples per positive example."),
        click.option("--ns-exponent", type=float, default=0.75, show_default=True,
                     help="Negatives are drawn from count ** this (0: uniform; item data may want "
                          "other values)."),
        click.option("--sample", type=float, default=1e-3, show_default=True,
                     help="Subsampling threshold for frequent words (0: off); 1e-4 or 1e-5 for "
                          "large corpora."),
        click.option("--init-width", type=float, default=2.0, show_default=True,
                     help="Input vectors start uniform in (-W/dim, W/dim): 0.5 is the word2vec C tool's "
                          "start, 1.0 gensim's; the wider default learns more in few epochs."),
        click.option("--exact", is_flag=True,
                     help="Skip-gram: the C tool's per-pair updates instead of shared-negative window "
                          "batches (slower, same quality). CBOW always updates as the C tool does."),
        click.option("--vectors", type=click.Choice(["in", "in+out"]), default="in", show_default=True,
                     help="Write the input vectors, or input + output vectors (Levy et al. 2015)."),
        click.option("--save-context", is_flag=True,
                     help="Also store the output (context) vectors as context.npy (native format)."),
        click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="native",
                     show_default=True, help="Output format of the vectors."),
    ]):
        func = decorator(func)
    return func


def _train(arch: str, corpus, output, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache,
           dim, window, epochs, lr, threads, seed, negative, ns_exponent, sample, init_width, exact, vectors,
           save_context, fmt, as_json) -> None:
    from ..util.atomic import check_output
    from ..config import TokenizerConfig, Word2VecConfig
    from ..text.corpus import prepare_corpus
    from ..errors import WordvecError
    from ..vectors.formats import save
    from ..train.word2vec import train_word2vec

    config = Word2VecConfig(arch=arch, dim=dim, window=window, negative=negative, ns_exponent=ns_exponent,
                            sample=sample, min_count=min_count, max_vocab=max_vocab, epochs=epochs, lr=lr,
                            threads=threads, seed=seed, exact=exact, vectors=vectors,
                            init_width=init_width).validate()
    tokenizer = TokenizerConfig(tokens=tokens, lowercase=lowercase).validate()
    if save_context and fmt != "native":
        raise WordvecError(f"--save-context needs --format native (the {fmt} format has no place for "
                           "context vectors)")
    check_output(output)  # fail before training, not after: missing, read-only or foreign folder

    started = time.perf_counter()
    vocab, encoded = prepare_corpus(list(corpus), tokenizer, min_count=min_count, max_vocab=max_vocab,
                                    vocab_path=vocab_path, cache=not no_cache)
    prepared = time.perf_counter()
    result = train_word2vec(encoded, vocab, config)
    trained = time.perf_counter()
    save(result.kv, output, format=fmt, context=result.context if save_context else None)
    finished = time.perf_counter()

    words = config.epochs * encoded.n_tokens
    summary = {"trainer": "word2vec-" + arch, "output": str(output), "format": fmt,
               "vocab_size": len(vocab), "tokens": int(encoded.n_tokens), "epochs": config.epochs,
               "threads": config.effective_threads, "prepare_seconds": round(prepared - started, 3),
               "train_seconds": round(trained - prepared, 3), "save_seconds": round(finished - trained, 3),
               "words_per_second": round(words / max(trained - prepared, 1e-9)),
               "final_loss": result.history[-1]["loss"] if result.history else None}
    if as_json:
        click.echo(json.dumps(summary))
        return
    click.echo(f"vocabulary: {len(vocab):,} words; corpus: {encoded.n_tokens:,} tokens")
    click.echo(f"trained {arch} in {summary['train_seconds']:.1f} s "
               f"({summary['words_per_second']:,} words/s, {config.epochs} epochs, "
               f"{config.effective_threads} threads); final loss {summary['final_loss']:.4f}")
    click.echo(f"wrote {output} ({fmt})")


def _register(arch: str, lr_default: float, doc: str) -> None:
    @train.command(name=arch, help=doc)
    @corpus_argument
    @output_option
    @tokenizer_options
    @vocab_options
    @cache_option
    @training_options(window=5, epochs=5, lr=None,
                      lr_help=f"Starting learning rate, decayed linearly to lr * 1e-4.  "
                              f"[default: {lr_default}]")
    @word2vec_options
    @json_option
    def command(corpus, output, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache, dim,
                window, epochs, lr, threads, seed, negative, ns_exponent, sample, init_width, exact, vectors,
                save_context, fmt, as_json):
        _train(arch, corpus, output, tokens, lowercase, min_count, max_vocab, vocab_path, no_cache, dim,
               window, epochs, lr, threads, seed, negative, ns_exponent, sample, init_width, exact, vectors,
               save_context, fmt, as_json)


_register("skipgram", 0.025,
          "Train skip-gram word2vec vectors (negative sampling) on CORPUS and write them to -o.\n\n"
          "CORPUS: files, folders, .gz/.bz2/.xz, or - for stdin; one sentence per line. "
          "For items (sessions, baskets, playlists), use --tokens raw and --window 0 "
          "(the whole line is the context of each item).")
_register("cbow", 0.05,
          "Train CBOW word2vec vectors (negative sampling; the mean of the context vectors "
          "predicts the word) on CORPUS and write them to -o.\n\n"
          "CORPUS: files, folders, .gz/.bz2/.xz, or - for stdin; one sentence per line. "
          "For items, use --tokens raw and --window 0.")
