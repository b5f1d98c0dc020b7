"""GloVe (Pennington et al. 2014): AdaGrad on the non-zero co-occurrences, Hogwild threads.

Python owns the state and the loop: initialisation as glove.c (every weight and bias drawn
uniformly from [-0.5, 0.5) / dim, AdaGrad sums at 1), the per-epoch permutation keys, the
threads, the progress bar and the divergence check; the update itself is the kernel in
wordvec/_kernels/glove.py. Output is W + W~ (GloVe's -model 2) or W alone (--vectors in).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from ..config import GloVeConfig
from ..errors import FormatError, WordvecError
from ..util.progress import log, plural
from .result import TrainResult, build_result
from .runner import Runner, ensure_finite, load_kernels

GRAD_CLIP = 100.0  # glove.c's grad_clip_value: each gradient component is clipped to +-100
STEP_ENTRIES = 1 << 20  # entries per thread per runner step (about half a second at dim 100)
UNIT = "entry"          # what the progress bar and the per-step trace count


@dataclass
class GloVeState:
    """Everything AdaGrad updates: vectors, biases and their sums of squared steps."""

    w: np.ndarray
    c: np.ndarray
    bw: np.ndarray
    bc: np.ndarray
    gw: np.ndarray
    gc: np.ndarray
    gbw: np.ndarray
    gbc: np.ndarray

    @classmethod
    def initial(cls, vocab_size: int, dim: int, seed: int) -> "GloVeState":
        """glove.c's start: uniform(-0.5, 0.5) / dim for vectors and biases; sums of squares 1."""
        rng = np.random.default_rng(seed)

        def uniform(*shape: int) -> np.ndarray:
            return ((rng.random(shape, dtype=np.float32) - np.float32(0.5)) / np.float32(dim))

        w, c = uniform(vocab_size, dim), uniform(vocab_size, dim)
        bw, bc = uniform(vocab_size), uniform(vocab_size)
        ones = [np.ones(shape, np.float32) for shape in ((vocab_size, dim),) * 2 + ((vocab_size,),) * 2]
        return cls(w, c, bw, bc, *ones)

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.w, self.c, self.bw, self.bc, self.gw, self.gc, self.gbw, self.gbc)


def model_bytes(vocab_size: int, dim: int) -> int:
    """Bytes of the training state: W, W~ and their AdaGrad sums (float32), biases likewise."""
    return 4 * 4 * vocab_size * (dim + 1)


def entry_bytes(nnz: int) -> int:
    """Bytes of the training entries: row, col and log X (f(X) is recomputed from log X)."""
    return 12 * nnz


def _check_cooc(cooc, vocab) -> None:
    where = str(cooc.path or "the co-occurrence data")
    vocab.check_fingerprint(cooc.meta.get("vocab_fingerprint"), where,
                            "recount it with `wordvec cooccur` or pass its --vocab")
    if cooc.nnz == 0:
        raise WordvecError(f"{where} holds no co-occurrences: the corpus is too small or --min-count too high")
    high = max(int(np.max(cooc.rows)), int(np.max(cooc.cols)))
    if high >= len(vocab) or min(int(np.min(cooc.rows)), int(np.min(cooc.cols))) < 0:
        raise FormatError(f"{where}: word id {high} outside the vocabulary of {len(vocab):,} words")
    if not float(np.min(cooc.vals)) > 0:  # also catches NaN
        raise FormatError(f"{where}: co-occurrence values must be positive (GloVe fits their logarithm)")


def train_glove(corpus, vocab, config: GloVeConfig, cooc=None, *, tmp_dir=None, checkpointer=None,
                resume=None) -> TrainResult:
    """Count co-occurrences (unless `cooc` is given: a Cooccurrence or a folder) and train GloVe.

    `corpus` is an EncodedCorpus (only needed when counting; may be None with `cooc`).
    checkpointer / resume: save the run between steps / continue a saved run (train/checkpoint.py;
    a resumed run counts the co-occurrences again, which gives the same ones).
    Raises TrainingDiverged, before anything is written, if the cost becomes NaN or infinite.
    """
    from .cooccur import Cooccurrence, count_cooccurrences, load_cooccurrence

    config = config.validate()
    start = time.perf_counter()
    owned = cooc is None
    if cooc is None:
        if corpus is None:
            raise WordvecError("train_glove needs a corpus or a co-occurrence folder")
        cooc = count_cooccurrences(corpus, vocab, config.cooccur, tmp_dir=tmp_dir)
    elif not isinstance(cooc, Cooccurrence):
        cooc = load_cooccurrence(cooc)
    _check_cooc(cooc, vocab)
    from ..util.memory import check_fits

    check_fits(model_bytes(len(vocab), config.dim) + entry_bytes(cooc.nnz),
               f"GloVe training ({len(vocab):,} words x {config.dim} dims, {cooc.nnz:,} co-occurrences)",
               "lower --max-vocab, raise --min-count or lower --dim")
    counted = time.perf_counter()
    snapshot = None
    if checkpointer is not None or resume is not None:
        identity = data_identity(corpus, cooc)
        if resume is not None and resume.corpus.get("cooccurrence") != identity["cooccurrence"]:
            raise WordvecError(f"{resume.path}: the checkpoint was trained on other co-occurrences "
                               f"({resume.corpus.get('nnz', 0):,} non-zeros; these have {cooc.nnz:,}, or differ "
                               "in content): resume with the same corpus, --cooc folder and counting settings")
    if checkpointer is not None:
        from .checkpoint import Checkpoint

        resolved = dataclasses.replace(config, threads=config.effective_threads).to_dict()

        def snapshot(position: dict, state: GloVeState, history: list, trace: list) -> Checkpoint:
            arrays = dict(zip(("w", "c", "bw", "bc", "gw", "gc", "gbw", "gbc"), state.arrays()))
            return Checkpoint("glove", resolved, identity, vocab, position, arrays, history, trace)

    state, history, trace, seconds = fit(cooc, len(vocab), config, release_vals=owned, checkpointer=checkpointer,
                                         resume=resume, snapshot=snapshot)
    return _result(state, vocab, corpus, cooc, config, history, trace,
                   stages={"cooccur_seconds": counted - start, **seconds})


def data_identity(corpus, cooc) -> dict:
    """What a GloVe checkpoint records of its data: the corpus (when counted from one) and the
    co-occurrences themselves (CRC-32 of every entry)."""
    from ..util.npyfile import crc32_of
    from .checkpoint import corpus_identity

    identity = corpus_identity(corpus) if corpus is not None else {}
    sums = "".join(f"{crc32_of(a):08x}" for a in (cooc.rows, cooc.cols, cooc.vals))
    return dict(identity, cooccurrence=f"{cooc.nnz}:{sums}", nnz=cooc.nnz)


def fit(cooc, vocab_size: int, config: GloVeConfig, release_vals: bool = False, *, checkpointer=None,
        resume=None, snapshot=None):
    """The epoch loop over a Cooccurrence; returns (trained state, per-epoch history, runner trace,
    seconds: kernel_load_seconds and train_seconds, the epochs' own time).

    Each thread owns a contiguous share of every epoch's positions and walks it in steps of
    STEP_ENTRIES, so progress, Ctrl-C and the divergence check act within an epoch; one thread
    visits the positions in the same order however the steps fall, so a seed repeats exactly.
    Entries take 12 bytes: row, col and log X. With release_vals, log X is written over
    cooc.vals (a co-occurrence the caller does not keep) and cooc.vals is dropped; otherwise
    it is computed into a copy. snapshot(position, state, history, trace) makes the Checkpoint
    the checkpointer saves between steps.
    """
    importing = time.perf_counter()  # importing numba and the kernels counts as loading them
    from .._kernels.glove import glove_slice, log_values

    import_seconds = time.perf_counter() - importing

    threads = config.effective_threads
    n = cooc.nnz
    rows, cols = _in_memory(cooc.rows, np.int32), _in_memory(cooc.cols, np.int32)
    log_x = _in_memory(cooc.vals, np.float32)
    if log_x is cooc.vals and not (release_vals and log_x.flags.writeable):
        log_x = log_x.copy()
    # empty work (no entries, positions 0..0) loads each kernel and changes nothing
    load_seconds = import_seconds + load_kernels(lambda: log_values(log_x[:0]))
    log_values(log_x)
    if release_vals:
        cooc.vals = None
    if resume is None:
        state = GloVeState.initial(vocab_size, config.dim, config.seed)
        position, history = {"epoch": 0, "step": 0, "cost": 0.0, "done": 0}, []
    else:
        state = GloVeState(*(resume.arrays[k] for k in ("w", "c", "bw", "bc", "gw", "gc", "gbw", "gbc")))
        position, history = resume.position, list(resume.history)
    log_x_max = float(np.log(config.x_max))
    load_seconds += load_kernels(lambda: glove_slice(rows, cols, log_x, 0, 0, 1, 0, 0, *state.arrays(), config.lr,
                                                     GRAD_CLIP, log_x_max, float(config.alpha)))
    bits = max(1, (n - 1).bit_length())
    # one independent pair of permutation keys per epoch, from the seed
    epoch_keys = np.random.default_rng([config.seed, 0x61_0E]).integers(0, 2**63, size=(config.epochs, 2),
                                                                        dtype=np.uint64)
    shares = [n * t // threads for t in range(threads + 1)]
    steps = max(1, -(-max(np.diff(shares)) // STEP_ENTRIES))
    log.info("training GloVe: %s entries, %s words, dim %d, %s, %s", f"{n:,}", f"{vocab_size:,}", config.dim,
             plural(config.epochs, "epoch"), plural(threads, "thread"))
    with Runner(threads, "glove", UNIT, config.epochs * n, checkpointer=checkpointer, done=position["done"],
                trace=resume.trace if resume is not None else None) as runner:
        cost = position["cost"]
        for epoch in range(position["epoch"], config.epochs):
            key1, key2 = (int(k) for k in epoch_keys[epoch])
            epoch_started = time.perf_counter()
            for step in range(position["step"] if epoch == position["epoch"] else 0, steps):
                def run(t: int, step: int = step) -> float:
                    size = shares[t + 1] - shares[t]
                    first = shares[t] + size * step // steps
                    last = shares[t] + size * (step + 1) // steps
                    return glove_slice(rows, cols, log_x, first, last, bits, key1, key2, *state.arrays(),
                                       config.lr, GRAD_CLIP, log_x_max, float(config.alpha))

                step_cost = sum(runner.step(run, n * (step + 1) // steps - n * step // steps))
                ensure_finite(step_cost, f"GloVe diverged at epoch {epoch + 1} (cost {step_cost}): "
                                         f"try a lower --lr than {config.lr}; nothing was written")
                cost += step_cost
                runner.record(cost=cost / max(1, n * (step + 1) // steps))
                at = {"epoch": epoch, "step": step + 1, "cost": cost, "done": runner.done}
                if step == steps - 1:
                    seconds = time.perf_counter() - epoch_started
                    # the cost as glove.c reports it: mean of 0.5 * f * diff^2
                    history.append({"epoch": epoch + 1, "cost": cost / n, "seconds": round(seconds, 3)})
                    log.debug("epoch %d: cost %.6f, %.1f s", epoch + 1, cost / n, seconds)
                    at, cost = {"epoch": epoch + 1, "step": 0, "cost": 0.0, "done": runner.done}, 0.0
                if snapshot is not None:
                    runner.safe_point(lambda: snapshot(at, state, history, runner.trace))
    return state, history, runner.trace, {"kernel_load_seconds": load_seconds, "train_seconds": runner.seconds}


def _in_memory(array: np.ndarray, dtype) -> np.ndarray:
    """A C-contiguous in-memory array: training reads entries in random order, so no mmap."""
    if isinstance(array, np.memmap) or not array.flags.c_contiguous or array.dtype != dtype:
        return np.array(array, dtype=dtype, order="C")
    return np.asarray(array)


def _result(state: GloVeState, vocab, corpus, cooc, config: GloVeConfig, history: list[dict],
            trace: list[dict], stages: dict) -> TrainResult:
    vectors = state.w + state.c if config.vectors == "in+out" else state.w
    resolved = dataclasses.replace(config, threads=config.effective_threads)
    corpus_info = getattr(corpus, "info", None) or cooc.meta.get("corpus") or {}
    counting = {k: cooc.meta.get(k) for k in ("nnz", "window", "symmetric", "distance_weighting")}
    return build_result("glove", vectors, state.c, vocab, resolved, corpus_info, history, trace,
                        trace_unit=UNIT, cooccurrence=counting, stages=stages)


def estimate(vocab_size: int, config: GloVeConfig, nnz: int | None = None) -> dict[str, int | None]:
    """Bytes up front: the model, the co-occurrence budget, and the training entries if known."""
    from .cooccur import budget_bytes

    return {"model_bytes": model_bytes(vocab_size, config.dim),
            "cooccurrence_budget_bytes": budget_bytes(config.memory),
            "entries_bytes": entry_bytes(nnz) if nnz is not None else None,
            "vocab_size": vocab_size}
