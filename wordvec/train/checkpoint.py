"""Checkpoints: the whole state of a training run, saved atomically, and resuming from it.

A checkpoint is a folder (docs/FORMAT.md): meta.json (format, version, trainer, config, the
corpus and vocabulary fingerprints, the position reached, history, per-array shape, dtype and
CRC-32), vocab.txt (row order), and one .npy file per state array (word2vec: w_in, w_out,
rng; GloVe: w, c, bw, bc and their AdaGrad sums, rng-free). Trainers save between steps only
(Runner.safe_point), where every array is consistent, so a resumed run with one thread and a
seed repeats the uninterrupted run bit for bit.
"""

from __future__ import annotations

import json
import shlex
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import FormatError, Interrupted, WordvecError
from ..util.progress import log

FORMAT_NAME = "wordvec-checkpoint"
FORMAT_VERSION = 1
OUTPUT_ONLY = ("vectors", "users", "recency")  # config fields that change only what is written, not training


@dataclass
class Checkpoint:
    """One saved state. position: where the run stands (trainer-specific: epoch, chunk or
    step, units done, partial sums); arrays: every array the trainer updates."""

    trainer: str
    config: dict[str, Any]
    corpus: dict[str, Any]
    vocab: Any                                   # wordvec.text.vocab.Vocab
    position: dict[str, Any]
    arrays: dict[str, np.ndarray]
    history: list[dict] = field(default_factory=list)
    trace: list[dict] = field(default_factory=list)
    path: Path | None = None


def save_checkpoint(path: str | Path, checkpoint: Checkpoint, resume_command: str = "", *,
                    durable: bool = True) -> float:
    """Write the checkpoint folder; returns the seconds it took.

    The files go to a temporary folder beside PATH, renamed into place when complete; the
    checkpoint it replaces stays as PATH.previous until the new one is on disk (make_durable),
    so whatever happens (an interrupt, a full disk, a crash of the machine) one intact checkpoint
    remains. durable=False returns before the data is flushed to disk; the caller then runs
    make_durable(PATH).
    """
    import os
    import shutil
    import tempfile

    from .. import __version__
    from ..util.atomic import _no_space, _space_error
    from ..util.npyfile import save_npy

    path = Path(path)
    started = time.perf_counter()
    if path.exists() and not (path.is_dir() and (not any(path.iterdir()) or is_checkpoint(path))):
        raise WordvecError(f"{path}: exists and is not a wordvec checkpoint; refusing to replace it: choose "
                           "another --checkpoint folder")
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        arrays = {}
        for name, array in checkpoint.arrays.items():
            crc = save_npy(tmp / f"{name}.npy", array, fsync=False, direct=True)   # past the page cache
            arrays[name] = {"shape": list(array.shape), "dtype": str(array.dtype), "crc32": crc}
        checkpoint.vocab.save(tmp / "vocab.txt")
        meta = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "trainer": checkpoint.trainer,
                "config": checkpoint.config, "corpus": checkpoint.corpus,
                "vocab": {"fingerprint": checkpoint.vocab.fingerprint(), "size": len(checkpoint.vocab)},
                "position": checkpoint.position, "arrays": arrays, "history": checkpoint.history,
                "trace": checkpoint.trace, "resume": resume_command, "wordvec_version": __version__,
                "written": time.strftime("%Y-%m-%d %H:%M:%S")}
        (tmp / "meta.json").write_text(json.dumps(meta, default=_plain), encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        previous = _previous(path)
        if path.exists():
            shutil.rmtree(previous, ignore_errors=True)
            os.replace(path, previous)
        os.replace(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if _no_space(exc):
            raise _space_error(path, exc) from None
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if durable:
        make_durable(path)
    return time.perf_counter() - started


def make_durable(path: str | Path) -> None:
    """Flush a freshly written checkpoint's files and folder to disk, then drop PATH.previous."""
    import os
    import shutil

    path = Path(path)
    for entry in [*path.iterdir(), path, path.parent]:
        fd = os.open(entry, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    shutil.rmtree(_previous(path), ignore_errors=True)


def _previous(path: Path) -> Path:
    return path.with_name(path.name + ".previous")


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def _plain(value: Any) -> Any:
    """numpy scalars in positions and traces as JSON numbers."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} in a checkpoint's meta.json")


def load_checkpoint(path: str | Path) -> Checkpoint:
    """Read and verify a checkpoint folder; FormatError naming the damage otherwise (and the
    older checkpoint PATH.previous, left by a save that a crash cut short, if there is one)."""
    try:
        return _load(Path(path))
    except FormatError as exc:
        previous = _previous(Path(path))
        if (previous / "meta.json").is_file():
            raise FormatError(f"{exc}; the checkpoint before it is in {previous}") from None
        raise


def _load(path: Path) -> Checkpoint:
    from ..text.vocab import Vocab
    from ..util.npyfile import crc32_of
    from ..util.wordcounts import read_word_counts

    if not path.exists():
        raise WordvecError(f"{path}: no such checkpoint")
    meta = _meta(path)
    arrays = {}
    for name, spec in meta["arrays"].items():
        try:
            array = np.load(path / f"{name}.npy", allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise FormatError(f"{path}: damaged checkpoint: {name}.npy cannot be read ({exc})") from None
        if list(array.shape) != spec["shape"] or str(array.dtype) != spec["dtype"] or crc32_of(array) != spec["crc32"]:
            raise FormatError(f"{path}: damaged checkpoint: {name}.npy does not match its checksum or shape")
        arrays[name] = array
    words, counts = read_word_counts(path / "vocab.txt", strict=True)
    vocab = Vocab(words, counts)
    if vocab.fingerprint() != meta["vocab"]["fingerprint"]:
        raise FormatError(f"{path}: damaged checkpoint: vocab.txt does not match its fingerprint")
    return Checkpoint(meta["trainer"], meta["config"], meta["corpus"], vocab, meta["position"], arrays,
                      meta.get("history", []), meta.get("trace", []), path)


def is_checkpoint(path: Path) -> bool:
    """Whether `path` is a checkpoint folder (its meta.json says so)."""
    try:
        return json.loads((path / "meta.json").read_text(encoding="utf-8")).get("format") == FORMAT_NAME
    except (OSError, ValueError, AttributeError):
        return False


def _meta(path: Path) -> dict:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError(f"{path}: not a wordvec checkpoint (no meta.json)") from None
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path}: damaged checkpoint: meta.json cannot be read ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise FormatError(f"{path}: not a wordvec checkpoint (meta.json format is {meta.get('format')!r})"
                          if isinstance(meta, dict) else f"{path}: damaged checkpoint: meta.json is not an object")
    if meta.get("version") != FORMAT_VERSION:
        raise FormatError(f"{path}: checkpoint version {meta.get('version')!r} is not supported (this wordvec reads "
                          f"version {FORMAT_VERSION})")
    missing = [k for k in ("trainer", "config", "corpus", "vocab", "position", "arrays") if k not in meta]
    if missing:
        raise FormatError(f"{path}: damaged checkpoint: meta.json lacks {', '.join(missing)}")
    return meta


def check_settings(checkpoint: Checkpoint, trainer: str, config: dict[str, Any]) -> None:
    """Refuse, in one line naming the first difference, a checkpoint of another trainer or config."""
    where = checkpoint.path
    if checkpoint.trainer != trainer:
        raise WordvecError(f"{where}: the checkpoint is of {checkpoint.trainer}, not {trainer}: resume it with the "
                           "same train command")
    for name, value in config.items():
        saved = checkpoint.config.get(name)
        if name not in OUTPUT_ONLY and saved != value:
            flag = "--" + name.replace("_", "-")
            raise WordvecError(f"{where}: the checkpoint was made with {flag} {saved}, this run has {flag} {value}: "
                               "resume with the same settings (or start over without --resume)")


def check_data(checkpoint: Checkpoint, vocab, corpus: dict[str, Any]) -> None:
    """Refuse a checkpoint of another vocabulary or corpus, in one line."""
    where = checkpoint.path
    if vocab.fingerprint() != checkpoint.vocab.fingerprint():
        same = " with other words or counts" if len(vocab) == len(checkpoint.vocab) else ""
        raise WordvecError(f"{where}: the checkpoint's vocabulary ({len(checkpoint.vocab):,} words) differs from "
                           f"this run's ({len(vocab):,} words{same}): resume with the same corpus, --min-count, "
                           "--max-vocab and --vocab")
    if corpus.get("fingerprint") != checkpoint.corpus.get("fingerprint"):
        saved = checkpoint.corpus
        raise WordvecError(f"{where}: the checkpoint was made from another corpus ({saved.get('tokens', 0):,} "
                           f"tokens in {saved.get('sentences', 0):,} sentences; this one has "
                           f"{corpus.get('tokens', 0):,} in {corpus.get('sentences', 0):,}, or differs in content): "
                           "resume with the same corpus")


def corpus_identity(corpus) -> dict[str, Any]:
    """What a checkpoint records of the encoded corpus it trains on (see EncodedCorpus.fingerprint)."""
    return {"fingerprint": corpus.fingerprint(), "tokens": corpus.n_tokens, "sentences": corpus.n_sentences,
            "files": (corpus.info or {}).get("files")}


def _copy_fits(checkpoint: Checkpoint) -> bool:
    """Whether a copy of the state's arrays fits in the memory available now, with room to spare."""
    from ..util.memory import available_bytes

    needed = sum(a.nbytes for a in checkpoint.arrays.values())
    available = available_bytes()
    return available is None or needed * 1.5 + (256 << 20) < available


def _copied(checkpoint: Checkpoint, into: dict[str, np.ndarray] | None = None) -> Checkpoint:
    """The state with its arrays and lists copied, for a writer that runs while training goes on;
    arrays go into the buffers of `into` that have their shape and type."""
    import copy

    into = into or {}

    def copy_of(name: str, array: np.ndarray) -> np.ndarray:
        target = into.get(name)
        if target is None or target.shape != array.shape or target.dtype != array.dtype:
            return array.copy()
        np.copyto(target, array)
        return target

    return Checkpoint(checkpoint.trainer, checkpoint.config, copy.deepcopy(checkpoint.corpus), checkpoint.vocab,
                      copy.deepcopy(checkpoint.position), {k: copy_of(k, a) for k, a in checkpoint.arrays.items()},
                      copy.deepcopy(checkpoint.history), copy.deepcopy(checkpoint.trace), checkpoint.path)


BUFFER_LEAD = 60.0      # seconds before a periodic save when its copy's memory starts being made ready


def resume_command(argv: list[str], path: str | Path) -> str:
    """The command line `argv` (the run's arguments) with --resume PATH, for messages."""
    argv = [str(a) for a in argv]
    if "--resume" not in argv:
        argv += ["--resume", str(path)]
    return shlex.join(["wordvec", *argv])


class Checkpointer:
    """When and where a run saves itself: every `every_minutes` and when SIGINT or SIGTERM
    arrives. While active, those signals only set a flag: the step in progress finishes, the
    state is saved at the next safe point, then the run stops with Interrupted (exit 130/143)."""

    def __init__(self, path: str | Path, every_minutes: float = 10.0, command: str = ""):
        self.path = Path(path)
        self.command = command              # how to resume, for the messages and meta.json
        self.every = 60.0 * every_minutes
        self.last = time.monotonic()
        self.signal_number: int | None = None
        self.phase = "before"               # before, during, after the checkpointed loop
        self._previous: dict = {}
        self.saves: list[float] = []        # seconds each save held training up
        self._flushing = None               # the thread making the last save durable
        self._buffers: dict | None = None   # name -> a function giving the copy's buffer, made ahead

    def start(self) -> None:
        import threading

        self.last = time.monotonic()
        self.phase = "training"
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            handler = signal.getsignal(signum)
            if handler is not signal.SIG_IGN:
                self._previous[signum] = handler
                signal.signal(signum, self._note_signal)

    def stop(self) -> None:
        self._wait_for_disk()
        self.phase = "after"
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous = {}

    def _note_signal(self, signum, frame) -> None:  # noqa: ARG002
        self.signal_number = signum

    def _write_in_background(self, snapshot: Checkpoint) -> None:
        """Write (and flush) a copied state on a second thread; the previous checkpoint stays
        until the new one is on disk. A failure is a warning: training goes on."""
        import threading

        def write() -> None:
            try:
                seconds = save_checkpoint(self.path, snapshot, self.command)
                log.debug(f"checkpoint written to {self.path} in {seconds:.1f} s")
            except (WordvecError, OSError) as exc:
                log.warning(f"could not save the checkpoint ({exc}); training goes on")

        self._flushing = threading.Thread(target=write, name="wordvec-checkpoint", daemon=True)
        self._flushing.start()

    def _make_buffers(self, snapshot: Checkpoint) -> None:
        """Start making the next copy's arrays, their pages touched, on their own threads: the
        first write to 2.4 GB of fresh memory took 0.4-5.5 s on the bench machine, which
        training would otherwise wait for at the save. Only when the copy would fit anyway."""
        from ..util.prefault import zeros_soon

        self._buffers = {}
        if _copy_fits(snapshot):
            self._buffers = {name: zeros_soon(a.shape, a.dtype) for name, a in snapshot.arrays.items()
                             if a.nbytes >= 1 << 20}

    def _take_buffers(self) -> dict[str, np.ndarray]:
        made, self._buffers = self._buffers or {}, None
        try:
            return {name: get() for name, get in made.items()}
        except MemoryError:
            return {}

    def _wait_for_disk(self) -> None:
        if self._flushing is not None:
            self._flushing.join()
            self._flushing = None

    def at_safe_point(self, state: Callable[[], Checkpoint]) -> None:
        """Save if due or interrupted; after an interrupt, stop the run.

        A periodic save copies the arrays (when memory allows) and writes the copy on a second
        thread, so training waits only for the copy: a gigabyte-sized model takes seconds to
        reach the disk. After an interrupt the save is written before the run stops.
        """
        interrupted = self.signal_number is not None
        waited = time.monotonic() - self.last
        if not interrupted and waited < self.every:
            if self._buffers is None and self.every - waited <= min(BUFFER_LEAD, self.every / 2):
                self._make_buffers(state())
            return
        command = self.command
        try:
            self._wait_for_disk()
            started = time.perf_counter()
            snapshot = state()
            if not interrupted and _copy_fits(snapshot):
                self._write_in_background(_copied(snapshot, self._take_buffers()))
            else:
                save_checkpoint(self.path, snapshot, command)
            self.saves.append(time.perf_counter() - started)
            saved = f"checkpoint saved to {self.path}; resume with: {command}"
        except (WordvecError, OSError) as exc:     # a full disk: the previous checkpoint is intact
            if not interrupted:
                log.warning(f"could not save the checkpoint ({exc}); training goes on")
            saved = f"the checkpoint could not be saved ({exc})"
        self.last = time.monotonic()
        if interrupted:
            self.stop()
            raise Interrupted(signal.Signals(self.signal_number).name, self.signal_number, note=saved)
