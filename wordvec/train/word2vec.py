"""word2vec driver: skip-gram and CBOW with negative sampling or hierarchical softmax, with or
without fastText's subwords.

Python prepares everything the kernels need (weights, subsampling and negative-sampling
tables, per-thread RNG states), then walks the corpus in chunks of about `chunk_tokens`
whole sentences. Each chunk is split into `threads` contiguous slices trained concurrently by
nogil numba kernels (Hogwild on the shared weights). Between chunks Python moves the
learning-rate schedule, updates the progress bar, checks the loss for NaN and lets Ctrl-C through.
Plain negative sampling runs on _kernels/word2vec.py; subwords or hierarchical softmax run on
_kernels/subwords.py, whose inputs are composed from rows that train/subwords.py lists.
"""

from __future__ import annotations

import dataclasses
import mmap
import time

import numpy as np

from ..config import Word2VecConfig
from ..errors import CorpusError
from ..util.progress import log, plural
from .result import TrainResult, build_result
from .runner import Runner, ensure_finite, load_kernels
from .subwords import composed_model
from .tables import keep_probabilities, linear_lr, negative_table, subsampling_total


def chunk_bounds(offsets: np.ndarray, chunk_tokens: int) -> np.ndarray:
    """Sentence indices cutting the corpus into runs of about chunk_tokens tokens (whole sentences)."""
    n_sentences = len(offsets) - 1
    n_tokens = int(offsets[-1])
    cuts = np.searchsorted(offsets, np.arange(chunk_tokens, n_tokens, chunk_tokens, dtype=np.int64))
    return np.unique(np.concatenate(([0], cuts, [n_sentences]))).astype(np.int64)


def split_slices(offsets: np.ndarray, s_begin: int, s_end: int, parts: int) -> np.ndarray:
    """parts+1 sentence indices splitting [s_begin, s_end) into slices of about equal token counts."""
    start, stop = int(offsets[s_begin]), int(offsets[s_end])
    targets = start + (stop - start) * np.arange(1, parts, dtype=np.int64) // parts
    cuts = np.searchsorted(offsets[s_begin:s_end + 1], targets) + s_begin
    return np.concatenate(([s_begin], np.clip(cuts, s_begin, s_end), [s_end])).astype(np.int64)


def init_weights(n_words: int, dim: int, seed: int, width: float = 0.5,
                 out_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Input vectors uniform in (-width/dim, width/dim), output vectors zero (out_rows of them:
    n_words unless given; hierarchical softmax has one per inner node of its tree).

    word2vec's C tool uses width 0.5 and gensim 1.0. CBOW especially learns faster from a wider
    start (its hidden layer is a mean, which shrinks the initial signal), so the config default is
    wider: see Word2VecConfig.init_width.
    """
    rng = np.random.default_rng(seed)
    w_in = rng.random((n_words, dim), dtype=np.float32)
    w_in -= np.float32(0.5)  # in place: temporaries the size of the model would raise the peak
    w_in *= np.float32(2.0 * width / dim)
    return w_in, np.zeros((n_words if out_rows is None else out_rows, dim), dtype=np.float32)


def drop_mapped_pages(array: np.ndarray) -> None:
    """Unmap the pages a read-only memory-mapped corpus has used so far (they stay in the page cache).

    Between chunks this keeps the corpus's share of resident memory at about one chunk instead
    of the whole file (40 MB per 10M tokens); the next read maps pages back from the cache.
    """
    mapping = getattr(array, "_mmap", None)
    if mapping is None or getattr(array, "mode", None) != "r" or not hasattr(mmap, "MADV_DONTNEED"):
        return
    try:
        mapping.madvise(mmap.MADV_DONTNEED)
    except (AttributeError, OSError, ValueError):
        pass


def _check_inputs(corpus, vocab) -> None:
    if len(vocab) == 0:
        raise CorpusError("the vocabulary is empty: lower --min-count or check the corpus")
    if corpus.n_tokens == 0:
        raise CorpusError("the corpus has no tokens in the vocabulary: lower --min-count or check the corpus")
    vocab.check_fingerprint((getattr(corpus, "info", None) or {}).get("vocab_fingerprint"), "the encoded corpus",
                            "re-encode it with this vocabulary (or pass --no-cache)")
    if int(corpus.ids.max()) >= len(vocab) or int(corpus.ids.min()) < 0:
        raise CorpusError("the encoded corpus has ids outside the vocabulary: re-encode it with this vocabulary "
                          "(or pass --no-cache)")


def model_arrays(counts: np.ndarray, config, what: str, weights: tuple | None = None,
                 rng: np.ndarray | None = None, in_rows: int | None = None, out_rows: int | None = None,
                 hint: str = "lower --max-vocab, raise --min-count or lower --dim",
                 sample_total: int | None = None) -> tuple:
    """What a skip-gram-family kernel reads and writes, from the counts and a config with dim,
    seed, init_width, sample, ns_exponent and threads: (w_in, w_out, keep probabilities,
    negative table and guide, per-thread RNG states, per-thread stats [loss, predictions, units]).
    `what` names the model in the memory guard's message and `hint` the options that shrink it;
    w_in and w_out have one row per word unless in_rows / out_rows say otherwise (n-gram rows,
    the inner nodes of hierarchical softmax). sample_total: the subsampling denominator
    (tables.keep_probabilities; the counts' sum by default). weights: (w_in, w_out) to start from instead of a
    fresh start (continued training, a resumed run); rng: a resumed run's states."""
    from .._kernels.rng import thread_seeds
    from ..util.memory import check_fits

    counts = np.asarray(counts, dtype=np.int64)
    if weights is None:
        in_rows = len(counts) if in_rows is None else in_rows
        out_rows = len(counts) if out_rows is None else out_rows
        check_fits((in_rows + out_rows) * config.dim * 4, what, hint)
        w_in, w_out = init_weights(in_rows, config.dim, config.seed, config.init_width, out_rows=out_rows)
    else:
        w_in, w_out = weights
    keep = keep_probabilities(counts, config.sample, sample_total)
    neg_cum, neg_guide = negative_table(counts, getattr(config, "effective_ns_exponent", config.ns_exponent))
    threads = config.effective_threads
    rng = thread_seeds(config.seed, threads) if rng is None else rng
    return w_in, w_out, keep, neg_cum, neg_guide, rng, np.zeros((threads, 3))


def train_epochs(runner: Runner, config, offsets: np.ndarray, costs: np.ndarray, bounds: np.ndarray,
                 run_slice, stats: np.ndarray, unit: str, after_step=None, *, resume=None,
                 snapshot=None) -> list[dict]:
    """The epoch and step loop of the skip-gram-family trainers; returns the per-epoch history.

    Step c trains sequences [bounds[c], bounds[c+1]), cut into one slice per thread of about
    equal cost (`costs`: cumulative cost before each sequence; the offsets themselves when
    every item costs the same). The learning rate decays linearly over the items of all epochs
    (`offsets`); run_slice(t, slices, lr_a, lr_b) runs thread t's kernel call, which adds
    (loss, predictions, items) to stats[t]. resume: a Checkpoint whose position and history the
    loop goes on from (its Runner starts at the units done); snapshot(position, history): the
    Checkpoint of the run after a step, saved by runner.safe_point when due.
    """
    total = config.epochs * int(offsets[-1])
    lr0, threads = config.effective_lr, runner.threads
    n_steps = len(bounds) - 1
    position = resume.position if resume is not None else {"epoch": 0, "chunk": 0, "epoch_stats": [0.0] * 3}
    history: list[dict] = list(resume.history) if resume is not None else []
    epoch_stats = np.array(position["epoch_stats"], dtype=np.float64)
    for epoch in range(position["epoch"], config.epochs):
        epoch_start = time.perf_counter()
        for c in range(position["chunk"] if epoch == position["epoch"] else 0, n_steps):
            s0, s1 = int(bounds[c]), int(bounds[c + 1])
            units = int(offsets[s1] - offsets[s0])
            lr_a = linear_lr(lr0, config.min_lr_ratio, runner.done / total)
            lr_b = linear_lr(lr0, config.min_lr_ratio, (runner.done + units) / total)
            stats[:] = 0.0
            slices = split_slices(costs, s0, s1, threads)
            runner.step(lambda t: run_slice(t, slices, lr_a, lr_b), units)
            if after_step is not None:
                after_step()
            step = stats.sum(axis=0)
            epoch_stats += step
            loss = step[0] / max(step[1], 1.0)
            ensure_finite(loss, f"training diverged (loss is {loss}) in epoch {epoch + 1}: lower --lr (now {lr0})")
            runner.record(loss=loss, lr=lr_b)
            at = {"epoch": epoch, "chunk": c + 1, "done": runner.done, "epoch_stats": epoch_stats.tolist()}
            if c == n_steps - 1:
                seconds = time.perf_counter() - epoch_start
                history.append({"epoch": epoch + 1, unit: int(epoch_stats[2]), "predictions": int(epoch_stats[1]),
                                "loss": float(epoch_stats[0] / max(epoch_stats[1], 1.0)),
                                "seconds": round(seconds, 3),
                                "lr": linear_lr(lr0, config.min_lr_ratio, runner.done / total)})
                log.debug("epoch %d: loss %.4f, %.1f s", epoch + 1, history[-1]["loss"], seconds)
                epoch_stats = np.zeros(3)
                at = {"epoch": epoch + 1, "chunk": 0, "done": runner.done, "epoch_stats": [0.0] * 3}
            if snapshot is not None:
                runner.safe_point(lambda: snapshot(at, history))
    return history


def train_word2vec(corpus, vocab, config: Word2VecConfig, *, checkpointer=None, resume=None,
                   initial: tuple[np.ndarray, np.ndarray] | None = None) -> TrainResult:
    """Train skip-gram or CBOW (config.arch) on an encoded corpus; returns a TrainResult.

    checkpointer: a train.checkpoint.Checkpointer that saves the run between chunks (and on
    SIGINT/SIGTERM); resume: a Checkpoint of this run to continue from (checked by the caller);
    initial: (w_in, w_out) to start from instead of a fresh start (continued training, see
    train/continued.py); the learning rate schedule starts again from config.lr.
    """
    importing = time.perf_counter()  # importing numba and the kernels counts as loading them
    from .._kernels import word2vec as kernels

    import_seconds = time.perf_counter() - importing
    from .checkpoint import Checkpoint, corpus_identity

    config = config.validate()
    _check_inputs(corpus, vocab)
    identity = corpus_identity(corpus) if checkpointer is not None else {}   # reads every id too
    drop_mapped_pages(corpus.ids)  # the range check read every id
    threads = config.effective_threads
    lr0 = config.effective_lr
    ids = corpus.ids
    offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
    composed = composed_model(vocab, config)   # None for plain negative sampling
    weights = (resume.arrays["w_in"], resume.arrays["w_out"]) if resume is not None else initial
    what, in_rows, out_rows, hint = _model_size(vocab, config, composed)
    w_in, w_out, keep, neg_cum, neg_guide, rng, stats = model_arrays(
        vocab.counts, config, what, weights, resume.arrays["rng"] if resume is not None else None,
        in_rows, out_rows, hint, _sample_total(corpus, vocab, config))
    bounds = chunk_bounds(offsets, config.chunk_tokens)
    n_tokens = int(offsets[-1])
    total_words = config.epochs * n_tokens
    resolved = dataclasses.replace(config, lr=lr0, threads=threads, ns_exponent=config.effective_ns_exponent)

    mode = kernels.CBOW if config.arch == "cbow" else kernels.SKIPGRAM_EXACT if config.exact else kernels.SKIPGRAM

    def kernel_call(t: int, s0: int, s1: int, lr_a: float, lr_b: float) -> None:
        if composed is None:
            kernels.train_slice(mode, w_in, w_out, ids, offsets, s0, s1, keep, neg_cum, neg_guide, config.window,
                                config.negative, lr_a, lr_b, rng, t, stats)
        else:
            composed.kernel(mode, w_in, w_out, *composed.inputs, ids, offsets, s0, s1, keep, neg_cum, neg_guide,
                            *composed.tree, config.window, config.negative, lr_a, lr_b, rng, t, stats)

    def run_slice(t: int, slices: np.ndarray, lr_a: float, lr_b: float) -> None:
        s0, s1 = int(slices[t]), int(slices[t + 1])
        if s0 < s1:
            kernel_call(t, s0, s1, lr_a, lr_b)

    def snapshot(position: dict, history: list) -> Checkpoint:
        return Checkpoint("word2vec-" + config.arch, resolved.to_dict(), identity, vocab, position,
                          {"w_in": w_in, "w_out": w_out, "rng": rng}, history, runner.trace)

    log.info("training %s: %s words, %s kept tokens, dim %d, %s, %s%s%s",
             config.arch, f"{len(vocab):,}", f"{n_tokens:,}", config.dim, plural(config.epochs, "epoch"),
             plural(threads, "thread"), ", exact per-pair updates" if config.exact else "",
             composed.description if composed is not None else "")
    # an empty slice (sentences 0..0) loads the kernel and changes nothing, not even the random state
    load_seconds = import_seconds + load_kernels(lambda: kernel_call(0, 0, 0, 0.0, 0.0))
    with Runner(threads, config.arch, "word", total_words, checkpointer=checkpointer,
                done=resume.position["done"] if resume is not None else 0,
                trace=resume.trace if resume is not None else None) as runner:
        history = train_epochs(runner, config, offsets, offsets, bounds, run_slice, stats, "words",
                               after_step=lambda: drop_mapped_pages(ids), resume=resume,
                               snapshot=snapshot if checkpointer is not None else None)
    stages = {"kernel_load_seconds": load_seconds, "train_seconds": runner.seconds}
    if composed is not None:
        vectors, subwords = composed.word_vectors(w_in)
        context = None if config.loss == "hs" else w_out   # hs outputs are tree nodes, not words
        return build_result("word2vec-" + config.arch, vectors, context, vocab, resolved,
                            getattr(corpus, "info", {}), history, runner.trace, trace_unit=runner.unit,
                            subwords=subwords, stages=stages)
    vectors = w_in + w_out if config.vectors == "in+out" else w_in
    return build_result("word2vec-" + config.arch, vectors, w_out, vocab, resolved, getattr(corpus, "info", {}),
                        history, runner.trace, trace_unit=runner.unit, stages=stages)


def _sample_total(corpus, vocab, config: Word2VecConfig) -> int | None:
    """With subwords, fastText's subsampling denominator (tables.subsampling_total): the same
    frequent-word thinning as the peer the model copies. Plain word2vec keeps word2vec.c's."""
    if config.subwords is None:
        return None
    return subsampling_total(getattr(corpus, "info", None) or {}, vocab.total_tokens)


def _model_size(vocab, config: Word2VecConfig, composed) -> tuple[str, int, int, str]:
    """(what, input rows, output rows, hint) for model_arrays: the memory guard names the options
    that shrink this model."""
    words, dim = len(vocab), config.dim
    out_rows = words - 1 if config.loss == "hs" else words
    if composed is None or composed.lengths is None:
        return (f"the word2vec model ({words:,} words x {dim} dims)", words, out_rows,
                "lower --max-vocab, raise --min-count or lower --dim")
    rows = composed.ngram_rows
    return (f"the subword model ({words:,} words + {rows:,} n-gram rows of {config.buckets:,} buckets x {dim} dims)",
            words + rows, out_rows, "lower --buckets, --max-vocab or --dim")
