"""item2vec driver: skip-gram with negative sampling on item sequences, and user vectors.

Python prepares the kernel's arrays (weights, subsampling and negative-sampling tables, RNG
states) as word2vec does, then walks the sequences in steps of about `chunk_pairs` training
pairs on the shared Runner. Steps and the threads' slices are cut by pairs, not by items:
with the whole sequence as context a sequence of n items costs n * min(n - 1, max_context)
pairs, so a slice of one long sequence can weigh as much as thousands of short ones. The
learning rate decays linearly over the items of all epochs, as in word2vec.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from ..config import Item2VecConfig
from ..errors import CorpusError
from ..util.progress import log, plural
from .result import TrainResult, build_result
from .runner import Runner, load_kernels
from .word2vec import chunk_bounds, drop_mapped_pages, model_arrays, train_epochs


def pair_offsets(offsets: np.ndarray, window: int, max_context: int) -> np.ndarray:
    """Cumulative training pairs before each sequence (int64 [S+1]): what a step or a slice costs.

    Window 0: n * min(n - 1, max_context) for a sequence of n items; window w: about n * w
    (the dynamic window averages (w + 1) / 2 on each side). Subsampling makes both upper bounds.
    """
    lengths = np.diff(np.asarray(offsets, dtype=np.int64))
    per_item = np.minimum(lengths - 1, max_context) if window == 0 else np.minimum(lengths - 1, window + 1)
    return np.concatenate(([0], np.cumsum(lengths * np.maximum(per_item, 1)))).astype(np.int64)


def train_item2vec(interactions, config: Item2VecConfig, *, checkpointer=None, resume=None) -> TrainResult:
    """Train item vectors on Interactions (wordvec.text.interactions); with config.users the
    result's KeyedVectors carry user vectors too (kv.users). checkpointer / resume: save the
    run between steps / continue a saved run, as train_word2vec does."""
    importing = time.perf_counter()  # importing numba and the kernel counts as loading it
    from .._kernels.item2vec import train_items

    import_seconds = time.perf_counter() - importing
    config = config.validate()
    vocab, corpus = interactions.items, interactions.corpus
    if len(vocab) == 0 or corpus.n_tokens == 0:
        raise CorpusError("no interactions to train on")
    from .checkpoint import Checkpoint, corpus_identity

    threads = config.effective_threads
    identity = corpus_identity(corpus) if checkpointer is not None else {}
    ids = np.ascontiguousarray(corpus.ids, dtype=np.int32)
    offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
    w_in, w_out, keep, neg_cum, neg_guide, rng, stats = model_arrays(
        vocab.counts, config, f"the item2vec model ({len(vocab):,} items x {config.dim} dims)",
        (resume.arrays["w_in"], resume.arrays["w_out"]) if resume is not None else None,
        resume.arrays["rng"] if resume is not None else None)
    resolved = dataclasses.replace(config, threads=threads)
    kept = float(np.dot(keep, vocab.counts) / max(int(vocab.counts.sum()), 1))
    if kept < 0.5:   # the threshold is a share of all interactions: small data loses most of them
        log.warning(f"--sample {config.sample:g} keeps only {kept:.0%} of the interactions an epoch (the data is "
                    "small for it); --sample 0 keeps them all")
    pairs = pair_offsets(offsets, config.window, config.max_context)
    bounds = chunk_bounds(pairs, config.chunk_pairs)
    n_items = int(offsets[-1])
    total = config.epochs * n_items

    def run_slice(t: int, slices: np.ndarray, lr_a: float, lr_b: float) -> None:
        s0, s1 = int(slices[t]), int(slices[t + 1])
        if s0 < s1:
            train_items(config.exact, w_in, w_out, ids, offsets, s0, s1, keep, neg_cum, neg_guide, config.window,
                        config.max_context, config.group, config.negative, lr_a, lr_b, rng, t, stats)

    log.info("training item2vec: %s items, %s users, %s interactions (%s pairs an epoch at most), dim %d, %s, %s",
             f"{len(vocab):,}", f"{corpus.n_sentences:,}", f"{n_items:,}", f"{int(pairs[-1]):,}", config.dim,
             plural(config.epochs, "epoch"), plural(threads, "thread"))
    # an empty slice (sequences 0..0) loads the kernel and changes nothing, not even the random state
    load_seconds = import_seconds + load_kernels(lambda: train_items(
        config.exact, w_in, w_out, ids, offsets, 0, 0, keep, neg_cum, neg_guide, config.window, config.max_context,
        config.group, config.negative, 0.0, 0.0, rng, 0, stats))
    def snapshot(position: dict, history: list) -> Checkpoint:
        return Checkpoint("item2vec", resolved.to_dict(), identity, vocab, position,
                          {"w_in": w_in, "w_out": w_out, "rng": rng}, history, runner.trace)

    with Runner(threads, "item2vec", "item", total, checkpointer=checkpointer,
                done=resume.position["done"] if resume is not None else 0,
                trace=resume.trace if resume is not None else None) as runner:
        history = train_epochs(runner, config, offsets, pairs, bounds, run_slice, stats, "items", resume=resume,
                               snapshot=snapshot if checkpointer is not None else None)
    drop_mapped_pages(corpus.ids)
    vectors = w_in + w_out if config.vectors == "in+out" else w_in
    result = build_result("item2vec", vectors, w_out, vocab, resolved, getattr(corpus, "info", {}), history,
                          runner.trace, trace_unit=runner.unit,
                          stages={"kernel_load_seconds": load_seconds, "train_seconds": runner.seconds})
    if config.users:
        from ..vectors.users import build_user_vectors

        result.kv.users = build_user_vectors(result.kv, interactions.users, ids, offsets, config.recency)
    return result


def train_item_sequences(corpus, vocab, config: Item2VecConfig) -> TrainResult:
    """item2vec on sequences already encoded as rows of `vocab`: the signature of the word
    trainers, through which `wordvec sweep item2vec` runs it. The users are not named there,
    so no user vectors (config.users is refused)."""
    from ..text.interactions import Interactions

    if config.users:
        raise ValueError("user vectors need the users' names: train with train_item2vec(interactions, config)")
    return train_item2vec(Interactions(items=vocab, corpus=corpus, users=[]), config)
