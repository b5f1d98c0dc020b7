"""`wordvec train skipgram` and `wordvec train cbow`: prepare the corpus, train, save, report."""

from __future__ import annotations

import time
from typing import Any

import click

from ..config import TokenizerConfig, Word2VecConfig
from .options import (cache_option, config_options, corpus_argument, format_option, json_option, output_option,
                      vocab_file_option)
from .training import check_output_of, prepare, report

save_context_option = click.option("--save-context", is_flag=True,
                                   help="Also store the output (context) vectors as context.npy (native format).")


def _train(arch: str, options: dict[str, Any]) -> None:
    from ..config import build, canonical_format
    from ..errors import WordvecError
    from ..train.word2vec import train_word2vec
    from ..vectors.formats import save

    config = build(Word2VecConfig, options, arch=arch)
    fmt = canonical_format(options["format"])
    if options["save_context"] and fmt != "native":
        raise WordvecError(f"--save-context needs --format native (the {fmt} format has no place for "
                           "context vectors)")
    if options["save_context"] and config.loss == "hs":
        raise WordvecError("--save-context needs --loss ns (hierarchical softmax's output vectors belong to "
                           "the inner nodes of its tree, not to words)")
    check_output_of(options)

    started = time.perf_counter()
    vocab, encoded = prepare(options)
    prepared = time.perf_counter()
    result = train_word2vec(encoded, vocab, config)
    trained = time.perf_counter()
    output = options["output"]
    save(result.kv, output, format=fmt, context=result.context if options["save_context"] else None)
    finished = time.perf_counter()

    words = config.epochs * encoded.n_tokens
    summary = {"trainer": "word2vec-" + arch, "output": str(output), "format": fmt,
               "vocab_size": len(vocab), "tokens": int(encoded.n_tokens), "epochs": config.epochs,
               "threads": config.effective_threads, "prepare_seconds": round(prepared - started, 3),
               "train_seconds": round(trained - prepared, 3), "save_seconds": round(finished - trained, 3),
               "words_per_second": round(words / max(trained - prepared, 1e-9)),
               "final_loss": result.history[-1]["loss"] if result.history else None}
    report(summary, [f"vocabulary: {len(vocab):,} words; corpus: {encoded.n_tokens:,} tokens",
                     f"trained {arch} in {summary['train_seconds']:.1f} s "
                     f"({summary['words_per_second']:,} words/s, {config.epochs} epochs, "
                     f"{config.effective_threads} threads); final loss {summary['final_loss']:.4f}",
                     f"wrote {output} ({fmt})"], options["json"])


def _command(arch: str, doc: str, exclude: tuple[str, ...] = ()) -> click.Command:
    """One word2vec command: its options come from Word2VecConfig and TokenizerConfig."""

    @click.command(name=arch, help=doc)
    @corpus_argument
    @output_option
    @config_options(Word2VecConfig, TokenizerConfig, exclude=exclude)
    @vocab_file_option
    @cache_option
    @save_context_option
    @format_option
    @json_option
    def command(**options: Any) -> None:
        _train(arch, options)

    return command


_CORPUS_HELP = "CORPUS: files, folders, .gz/.bz2/.xz, or - for stdin; one sentence per line. "
_LOSS_HELP = ("--loss hs trains hierarchical softmax instead of negative sampling; --subwords 3-6 adds fastText's "
              "character n-grams, so any word, seen or not, gets a vector. ")
skipgram = _command("skipgram", "Train skip-gram word2vec vectors (negative sampling) on CORPUS and write them "
                    "to -o.\n\n" + _CORPUS_HELP + _LOSS_HELP + "For items (sessions, baskets, playlists), use --tokens raw and "
                    "--window 0 (the whole line is the context of each item).")
cbow = _command("cbow", "Train CBOW word2vec vectors (negative sampling; the mean of the context vectors predicts "
                "the word) on CORPUS and write them to -o.\n\n" + _CORPUS_HELP + _LOSS_HELP + "For items, use --tokens raw and "
                "--window 0.", exclude=("exact",))
