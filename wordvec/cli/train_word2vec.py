"""`wordvec train skipgram` and `wordvec train cbow`: prepare the corpus, train, save, report."""

from __future__ import annotations

import time
from typing import Any

import click

from ..config import TokenizerConfig, Word2VecConfig
from .options import (cache_option, checkpoint_options, config_options, corpus_argument, dask_options, force_option,
                      format_option, json_option, output_option, phrases_option, vocab_file_option)
from .outputs import check_checkpoint_of, check_output_of, vectors_output
from .reports import report
from .training import checkpointing, interrupt_notes, prepare, timing_line, timings

save_context_option = click.option("--save-context", is_flag=True,
                                   help="Also store the output (context) vectors as context.npy (native format).")
init_option = click.option("--init", "init", type=click.Path(exists=True), default=None,
                           help="Continue training from these vectors (any vectors file, a native folder saved with "
                                "--save-context, or a checkpoint): their words keep their vectors, new words of "
                                "CORPUS are added; the learning rate starts again from --lr.")


def _train(arch: str, options: dict[str, Any]) -> None:
    import dataclasses

    from ..config import build, canonical_format
    from ..errors import WordvecError
    from ..train.checkpoint import check_data, corpus_identity
    from ..train.continued import initial_weights
    from ..train.word2vec import train_word2vec
    from ..util.progress import plural
    from ..vectors.formats import save

    config = build(Word2VecConfig, options, arch=arch)
    fmt = canonical_format(options["format"])
    if options["save_context"] and fmt != "native":
        raise WordvecError(f"--save-context needs --format native (the {fmt} format has no place for "
                           "context vectors)")
    if options["save_context"] and config.loss == "hs":
        raise WordvecError("--save-context needs --loss ns (hierarchical softmax's output vectors belong to "
                           "the inner nodes of its tree, not to words)")
    if options["init"] is not None and (config.subwords is not None or config.loss == "hs"):
        raise WordvecError("--init continues plain negative-sampling models only (not --subwords or --loss hs): "
                           "their n-gram rows and tree nodes have no counterpart in a vectors file")
    initial = _initial(options)
    if initial is not None and click.get_current_context().get_parameter_source("dim").name == "DEFAULT":
        config = dataclasses.replace(config, dim=initial.dim)   # --dim follows the --init vectors
    resolved = dataclasses.replace(config, lr=config.effective_lr, threads=config.effective_threads,
                                   ns_exponent=config.effective_ns_exponent)
    checkpointer, resume, _ = checkpointing(options, "word2vec-" + arch, resolved)
    check_output_of(options, vectors_output(fmt))
    check_checkpoint_of(options)

    with interrupt_notes(checkpointer):
        started = time.perf_counter()
        vocab, encoded = prepare(options, extend=initial.vocab() if initial is not None else None)
        if resume is not None:
            check_data(resume, vocab, corpus_identity(encoded))
        weights = None
        if initial is not None and resume is None:
            weights = initial_weights(initial, vocab, config.dim, config.seed, config.init_width)
        prepared = time.perf_counter()
        result = train_word2vec(encoded, vocab, config, checkpointer=checkpointer, resume=resume, initial=weights)
        if initial is not None:
            result.kv.meta["init"] = dict(initial.describe(), new_words=len(vocab) - len(initial.words))
        result.kv.meta["stages"] = stages = {"prepare_seconds": round(prepared - started, 3), **result.stages}
        output = options["output"]
        saving = time.perf_counter()
        save(result.kv, output, format=fmt, context=result.context if options["save_context"] else None)
        times = timings({**stages, "save_seconds": time.perf_counter() - saving}, started)

    words = config.epochs * encoded.n_tokens
    summary = {"trainer": "word2vec-" + arch, "output": str(output), "format": fmt,
               "vocab_size": len(vocab), "kept_tokens": int(encoded.n_tokens), "epochs": config.epochs,
               "threads": config.effective_threads, **times,
               "words_per_second": round(words / max(times["train_seconds"], 1e-9)),
               "final_loss": result.history[-1]["loss"] if result.history else None,
               "checkpoint_seconds": checkpointer.saves if checkpointer is not None else None}
    report(summary, [f"vocabulary: {plural(len(vocab), 'word')}; corpus: {encoded.n_tokens:,} kept tokens in "
                     f"{plural(encoded.n_sentences, 'sentence')}",
                     f"trained {arch} in {times['train_seconds']:.1f} s ({summary['words_per_second']:,} words/s, "
                     f"{plural(config.epochs, 'epoch')}, {plural(config.effective_threads, 'thread')}); "
                     f"final loss {summary['final_loss']:.4f}",
                     f"wrote {output} ({fmt})", timing_line(times)], options["json"])


def _initial(options: dict[str, Any]):
    """The --init vectors, loaded (None without --init)."""
    if options["init"] is None:
        return None
    from ..errors import WordvecError
    from ..train.continued import load_initial

    if options["vocab"] is not None:
        raise WordvecError("--init and --vocab cannot be combined: with --init the vocabulary is the --init "
                           "vectors' words followed by the new words of CORPUS")
    return load_initial(options["init"])


def _command(arch: str, doc: str, exclude: tuple[str, ...] = ()) -> click.Command:
    """One word2vec command: its options come from Word2VecConfig and TokenizerConfig."""

    @click.command(name=arch, help=doc)
    @corpus_argument
    @output_option
    @config_options(Word2VecConfig, TokenizerConfig, exclude=exclude)
    @vocab_file_option
    @phrases_option
    @cache_option
    @dask_options
    @save_context_option
    @init_option
    @checkpoint_options
    @format_option
    @force_option
    @json_option
    def command(**options: Any) -> None:
        _train(arch, options)

    return _skipgram_only(command) if "exact" in exclude else command


def _refuse_exact(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        raise click.UsageError("--exact applies to skip-gram only (wordvec train skipgram --exact); CBOW has one "
                               "update per center word already", ctx)


# CBOW has no --exact; a hidden option names the reason instead of click's bare "no such option"
_skipgram_only = click.option("--exact", is_flag=True, hidden=True, expose_value=False, callback=_refuse_exact)


_CORPUS_HELP = "CORPUS: files, folders, .gz/.bz2/.xz, or - for stdin; one sentence per line. "
_LOSS_HELP = ("--loss hs trains hierarchical softmax instead of negative sampling; --subwords 3-6 adds fastText's "
              "character n-grams, so any word, seen or not, gets a vector. ")
skipgram = _command("skipgram", "Train skip-gram word2vec vectors (negative sampling) on CORPUS and write them "
                    "to -o.\n\n" + _CORPUS_HELP + _LOSS_HELP + "For items (sessions, baskets, playlists, purchase "
                    "tables), `wordvec train item2vec` has the defaults items need.")
cbow = _command("cbow", "Train CBOW word2vec vectors (negative sampling; the mean of the context vectors predicts "
                "the word) on CORPUS and write them to -o.\n\n" + _CORPUS_HELP + _LOSS_HELP + "For items, see "
                "`wordvec train item2vec`.", exclude=("exact",))
