"""Checkpoints: an interrupted and resumed run equals an uninterrupted one bit for bit (one
thread, a seed), wherever the interrupt falls; foreign and damaged checkpoints are refused."""

from __future__ import annotations

import json
import os
import signal

import numpy as np
import pytest

from tests.conftest import brown_lines, run_wordvec
from wordvec.train import glove as glove_module
from wordvec.train import word2vec as word2vec_module
from wordvec.train.runner import Runner
from wordvec.vectors.formats import load

TRAIN = {"skipgram": ["--dim", "12", "--epochs", "2", "--min-count", "3", "--window", "3"],
         "cbow": ["--dim", "12", "--epochs", "2", "--min-count", "3", "--window", "3"],
         "glove": ["--dim", "12", "--epochs", "3", "--min-count", "3", "--window", "4", "--x-max", "10"],
         # the composed-input kernels: n-gram rows in w_in, the tree's inner nodes in w_out
         "cbow-subwords-hs": ["--dim", "12", "--epochs", "2", "--min-count", "3", "--window", "3",
                              "--subwords", "3-5", "--buckets", "5000", "--loss", "hs"]}


def command(trainer: str) -> str:
    return trainer.split("-")[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("checkpoint-corpus") / "brown.txt"
    path.write_text("\n".join(brown_lines(1500)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def small_steps(monkeypatch):
    """Several steps per epoch on a small corpus, so interrupts can fall inside an epoch."""
    real = word2vec_module.chunk_bounds
    monkeypatch.setattr(word2vec_module, "chunk_bounds", lambda offsets, chunk: real(offsets, 6000))
    monkeypatch.setattr(glove_module, "STEP_ENTRIES", 6000)


def interrupt_at(monkeypatch, step: int, training: bool = True, signum: int = signal.SIGINT) -> None:
    """Send `signum` to this process from a worker thread during the step-th step (1-based) of the
    training runner (or, with training=False, of a runner without a checkpointer: counting)."""
    real = Runner.step
    seen = {"steps": 0}

    def step_with_signal(self, work, units=0):
        if (self.checkpointer is not None) == training:
            seen["steps"] += 1
            if seen["steps"] == step:
                def work_then_signal(t):
                    if t == 0:
                        os.kill(os.getpid(), signum)
                    return work(t)

                return real(self, work_then_signal, units)
        return real(self, work, units)

    monkeypatch.setattr(Runner, "step", step_with_signal)


def train(trainer, corpus, out, *extra):
    args = ["train", command(trainer), corpus, "-o", out, "--threads", "1", "--seed", "7", *TRAIN[trainer], *extra]
    return run_wordvec(*args)


def vectors(path) -> np.ndarray:
    return np.asarray(load(path).vectors)


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory):
    """The reference run of each trainer (with checkpoints saved at every step along the way)."""
    folder = tmp_path_factory.mktemp("reference")
    runs = {}
    for trainer in TRAIN:
        with pytest.MonkeyPatch.context() as mp:
            real = word2vec_module.chunk_bounds
            mp.setattr(word2vec_module, "chunk_bounds", lambda offsets, chunk: real(offsets, 6000))
            mp.setattr(glove_module, "STEP_ENTRIES", 6000)
            plain = train(trainer, corpus, folder / f"{trainer}.wv")
            assert plain.code == 0, plain.stderr
            saving = train(trainer, corpus, folder / f"{trainer}-ck.wv", "--checkpoint", folder / f"{trainer}.ck",
                           "--checkpoint-every", "0", "--json")
            assert saving.code == 0, saving.stderr
        saves = json.loads(saving.stdout)["checkpoint_seconds"]   # one save after every training step
        runs[trainer] = (vectors(folder / f"{trainer}.wv"), len(saves))
        assert np.array_equal(runs[trainer][0], vectors(folder / f"{trainer}-ck.wv")), "saving changed the run"
        assert len(saves) >= 6
    return runs


def count_steps(monkeypatch) -> dict:
    """Count the steps of training runners from now on."""
    real, seen = Runner.step, {"steps": 0}

    def counted(self, work, units=0):
        seen["steps"] += self.checkpointer is not None
        return real(self, work, units)

    monkeypatch.setattr(Runner, "step", counted)
    return seen


@pytest.mark.parametrize("trainer, steps", [
    ("skipgram", [2]),          # inside the first epoch
    ("skipgram", [4, 2]),       # at the end of epoch 1 (the start of epoch 2), then again after resuming
    ("cbow", [3]),
    ("cbow-subwords-hs", [3]),
    ("glove", [2]),             # inside an epoch
    ("glove", [3, 1]),          # at an epoch's start, then again at the next step
])
def test_interrupted_and_resumed_equals_uninterrupted(trainer, steps, corpus, tmp_path, monkeypatch, uninterrupted):
    out, ck = tmp_path / "v.wv", tmp_path / "run.ck"
    for n, step in enumerate(steps):
        with monkeypatch.context() as mp:
            interrupt_at(mp, step)
            code, _, stderr = train(trainer, corpus, out, "--checkpoint", ck, *(["--resume", ck] if n else []))
        assert code == 130, stderr
        line = stderr.strip().splitlines()[-1]
        assert f"checkpoint saved to {ck}; resume with: wordvec train {command(trainer)}" in line and "--resume" in line
        assert not out.exists()
    steps_run = count_steps(monkeypatch)
    code, _, stderr = train(trainer, corpus, out, "--resume", ck)
    assert code == 0, stderr
    reference, total_steps = uninterrupted[trainer]
    assert steps_run["steps"] == total_steps - sum(steps)      # it went on from the checkpoint
    assert np.array_equal(vectors(out), reference)


@pytest.mark.parametrize("trainer", ["skipgram", "glove"])
def test_interrupted_while_counting(trainer, corpus, tmp_path, monkeypatch, uninterrupted):
    """Before training starts there is no state to save: the message says to run again, and a
    second interrupt while a resumed run recounts leaves its checkpoint as it was."""
    out, ck = tmp_path / "v.wv", tmp_path / "run.ck"
    if trainer == "glove":
        with monkeypatch.context() as mp:
            interrupt_at(mp, 1, training=False, signum=signal.SIGTERM)
            code, _, stderr = train(trainer, corpus, out, "--checkpoint", ck)
    else:
        from wordvec.text import corpus as corpus_module

        real = corpus_module.LocalPasses.count   # the counting pass of prepare_corpus

        def count_then_interrupt(self, *args, **kwargs):
            os.kill(os.getpid(), signal.SIGTERM)
            return real(self, *args, **kwargs)

        with monkeypatch.context() as mp:
            mp.setattr(corpus_module.LocalPasses, "count", count_then_interrupt)
            code, _, stderr = train(trainer, corpus, out, "--checkpoint", ck, "--no-cache")
    assert code == 143 and "training had not started, so there is no checkpoint yet" in stderr
    assert not ck.exists()
    with monkeypatch.context() as mp:
        interrupt_at(mp, 2)
        assert train(trainer, corpus, out, "--checkpoint", ck).code == 130
    saved = (ck / "meta.json").read_bytes()
    if trainer == "glove":
        with monkeypatch.context() as mp:
            interrupt_at(mp, 1, training=False)
            code, _, stderr = train(trainer, corpus, out, "--resume", ck)
        assert code == 130 and f"the checkpoint {ck} is unchanged; resume with:" in stderr
        assert (ck / "meta.json").read_bytes() == saved
    assert train(trainer, corpus, out, "--resume", ck).code == 0
    assert np.array_equal(vectors(out), uninterrupted[trainer][0])


@pytest.fixture
def checkpoint(corpus, tmp_path, monkeypatch):
    ck = tmp_path / "run.ck"
    with monkeypatch.context() as mp:
        interrupt_at(mp, 2)
        assert train("skipgram", corpus, tmp_path / "v.wv", "--checkpoint", ck).code == 130
    return ck


@pytest.mark.parametrize("change, message", [
    (["--dim", "16"], "the checkpoint was made with --dim 12, this run has --dim 16"),
    (["--min-count", "4"], "the checkpoint was made with --min-count 3, this run has --min-count 4"),
    (["--vocab", "VOCAB"], "the checkpoint's vocabulary (1,"),
    (["CORPUS"], "the checkpoint was made from another corpus"),
])
def test_foreign_checkpoints_are_refused(change, message, checkpoint, corpus, tmp_path):
    target = corpus
    if change == ["CORPUS"]:
        target = tmp_path / "other.txt"
        target.write_text("\n".join(reversed(corpus.read_text().splitlines())) + "\n")  # same words, other order
        change = []
    elif change[0] == "--vocab":
        vocab = tmp_path / "vocab.txt"
        vocab.write_text("".join(f"w{i} {100 - i}\n" for i in range(50)) + "the 3\n")
        change = ["--vocab", vocab]
    code, _, stderr = train("skipgram", target, tmp_path / "v.wv", "--resume", checkpoint, *change)
    assert code == 1 and len(stderr.strip().splitlines()) == 1 and message in stderr, stderr
    code, _, stderr = run_wordvec("train", "cbow", corpus, "-o", tmp_path / "v.wv", "--resume", checkpoint)
    assert code == 1 and "the checkpoint is of word2vec-skipgram, not word2vec-cbow" in stderr


@pytest.mark.parametrize("damage, message", [
    (lambda ck: (ck / "w_in.npy").write_bytes((ck / "w_in.npy").read_bytes()[:-100]), "w_in.npy cannot be read"),
    (lambda ck: _flip_byte(ck / "w_out.npy"), "w_out.npy does not match its checksum"),
    (lambda ck: (ck / "meta.json").unlink(), "not a wordvec checkpoint (no meta.json)"),
    (lambda ck: (ck / "meta.json").write_text("{"), "meta.json cannot be read"),
    (lambda ck: _edit_meta(ck, version=2), "checkpoint version 2 is not supported"),
    (lambda ck: (ck / "vocab.txt").write_text("the 5\n"), "vocab.txt does not match its fingerprint"),
])
def test_damaged_checkpoints_are_refused(damage, message, checkpoint, corpus, tmp_path):
    damage(checkpoint)
    code, _, stderr = train("skipgram", corpus, tmp_path / "v.wv", "--resume", checkpoint)
    assert code == 1 and len(stderr.strip().splitlines()) == 1 and message in stderr, stderr


def _flip_byte(path):
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x40
    path.write_bytes(bytes(data))


def _edit_meta(ck, **changes):
    meta = json.loads((ck / "meta.json").read_text())
    meta.update(changes)
    (ck / "meta.json").write_text(json.dumps(meta))


def test_a_failed_periodic_save_warns_and_training_goes_on(corpus, tmp_path, monkeypatch, uninterrupted):
    from wordvec.errors import ResourceError
    from wordvec.train import checkpoint as checkpoint_module

    def full_disk(*args, **kwargs):
        raise ResourceError("run.ck: cannot write: No space left on device")

    monkeypatch.setattr(checkpoint_module, "save_checkpoint", full_disk)
    out = tmp_path / "v.wv"
    code, _, stderr = train("skipgram", corpus, out, "--checkpoint", tmp_path / "run.ck", "--checkpoint-every", "0")
    assert code == 0 and "could not save the checkpoint (run.ck: cannot write: No space left" in stderr
    assert np.array_equal(vectors(out), uninterrupted["skipgram"][0])


def test_a_save_cut_short_leaves_the_previous_checkpoint(checkpoint, corpus, tmp_path):
    """A save renames the old checkpoint to DIR.previous and drops it once the new one is on
    disk; if the machine stopped in between, the damaged new one points to the intact old one."""
    import shutil

    previous = checkpoint.with_name(checkpoint.name + ".previous")
    assert not previous.exists()                       # the run's saves all reached the disk
    shutil.copytree(checkpoint, previous)
    _flip_byte(checkpoint / "w_in.npy")
    code, _, stderr = train("skipgram", corpus, tmp_path / "v.wv", "--resume", checkpoint)
    assert code == 1 and f"the checkpoint before it is in {previous}" in stderr
    assert train("skipgram", corpus, tmp_path / "v.wv", "--resume", previous, "--checkpoint", checkpoint,
                 "--checkpoint-every", "0").code == 0
    from wordvec.train.checkpoint import load_checkpoint

    assert load_checkpoint(checkpoint).position["epoch"] >= 1 and not previous.exists()


def test_item2vec_resumes_bit_for_bit(tmp_path, monkeypatch):
    from wordvec.train import item2vec as item2vec_module

    rng = np.random.default_rng(5)
    sessions = tmp_path / "sessions.txt"
    sessions.write_text("".join(" ".join(f"i{g}-{k}" for k in rng.choice(12, 5, replace=False)) + "\n"
                                for g in rng.integers(0, 6, size=600)))
    real = item2vec_module.chunk_bounds
    monkeypatch.setattr(item2vec_module, "chunk_bounds", lambda offsets, chunk: real(offsets, 4000))
    args = ["train", "item2vec", sessions, "--dim", "8", "--epochs", "3", "--threads", "1", "--seed", "3"]
    assert run_wordvec(*args, "-o", tmp_path / "whole.wv").code == 0
    ck, out = tmp_path / "run.ck", tmp_path / "resumed.wv"
    with monkeypatch.context() as mp:
        interrupt_at(mp, 4)
        code, _, stderr = run_wordvec(*args, "-o", out, "--checkpoint", ck)
    assert code == 130 and "wordvec train item2vec" in stderr and "--resume" in stderr
    assert run_wordvec(*args, "-o", out, "--resume", ck).code == 0
    assert np.array_equal(vectors(out), vectors(tmp_path / "whole.wv"))


def test_large_arrays_round_trip_through_direct_writes(tmp_path):
    """Arrays of 16 MiB and more are written past the page cache (O_DIRECT, 4096-byte headers):
    the checkpoint loads, verifies its CRCs and gives the same arrays back."""
    from wordvec.errors import FormatError
    from wordvec.text.vocab import Vocab
    from wordvec.train.checkpoint import Checkpoint, load_checkpoint, save_checkpoint

    rows, dim = 14_000, 301                               # 16.1 MiB a matrix, not a multiple of 4096
    rng = np.random.default_rng(3)
    arrays = {"w_in": rng.random((rows, dim), dtype=np.float32), "w_out": rng.random((rows, dim), dtype=np.float32),
              "rng": np.arange(2, dtype=np.uint64)}
    vocab = Vocab([f"w{i}" for i in range(rows)], np.arange(rows, 0, -1), unique=True)
    state = Checkpoint("word2vec-skipgram", {"dim": dim}, {"fingerprint": "test"}, vocab, {"epoch": 0}, arrays)
    save_checkpoint(tmp_path / "run.ck", state)
    again = load_checkpoint(tmp_path / "run.ck")
    assert set(again.arrays) == set(arrays)
    for name, array in arrays.items():
        assert again.arrays[name].dtype == array.dtype and np.array_equal(again.arrays[name], array)
    with open(tmp_path / "run.ck" / "w_in.npy", "r+b") as f:       # damage one byte of the data
        f.seek(4096 + 12345)
        byte = f.read(1)
        f.seek(4096 + 12345)
        f.write(bytes([byte[0] ^ 1]))
    with pytest.raises(FormatError, match="w_in"):
        load_checkpoint(tmp_path / "run.ck")


def test_a_periodic_save_copies_into_memory_made_ready_ahead(tmp_path, monkeypatch):
    """Shortly before a save is due, the copy's arrays are made (pages touched) on other
    threads; the save copies into them, so training waits for the copy alone."""
    import time

    from wordvec.text.vocab import Vocab
    from wordvec.train import checkpoint as ck
    from wordvec.util import prefault

    made, zeros_soon = [], prefault.zeros_soon

    def recorded(shape, dtype):
        get = zeros_soon(shape, dtype)

        def give():
            made.append(get())
            return made[-1]
        return give

    monkeypatch.setattr(prefault, "zeros_soon", recorded)
    arrays = {"w_in": np.arange(1 << 19, dtype=np.float32), "rng": np.arange(2, dtype=np.uint64)}
    state = ck.Checkpoint("word2vec-skipgram", {"dim": 1}, {"fingerprint": "t"}, Vocab(["a"], np.array([1])),
                          {"epoch": 0}, arrays)
    saver = ck.Checkpointer(tmp_path / "run.ck", every_minutes=1 / 60)    # a save every second
    written = []
    monkeypatch.setattr(saver, "_write_in_background", written.append)
    saver.last = time.monotonic() - 0.2                   # 0.8 s to go: more than half the interval
    saver.at_safe_point(lambda: state)
    assert saver._buffers is None and not written
    saver.last = time.monotonic() - 0.7                   # 0.3 s to go: make them ready
    saver.at_safe_point(lambda: state)
    assert set(saver._buffers) == {"w_in"} and not written  # small arrays are copied as they come
    saver.last = time.monotonic() - 1.1                   # due
    saver.at_safe_point(lambda: state)
    copy = written[0].arrays["w_in"]
    assert len(made) == 1 and copy is made[0] and np.array_equal(copy, arrays["w_in"])
    assert written[0].arrays["rng"] is not arrays["rng"] and saver._buffers is None
