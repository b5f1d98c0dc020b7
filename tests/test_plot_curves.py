"""Training curves: histories of every trainer read from meta.json and drawn, several runs overlaid."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from tests.conftest import brown_lines  # noqa: E402
from tests.plotting import png_ink, png_size, svg_texts  # noqa: E402
from wordvec.errors import FormatError, WordvecError  # noqa: E402
from wordvec.plot.curves import plot_history, read_curve  # noqa: E402
from wordvec.vectors.keyedvectors import KeyedVectors  # noqa: E402

W2V_EPOCHS = [{"epoch": 1, "words": 1000, "loss": 3.0, "seconds": 0.5, "lr": 0.02},
              {"epoch": 2, "words": 1000, "loss": 2.5, "seconds": 0.25, "lr": 0.01},
              {"epoch": 3, "words": 1000, "loss": 2.4, "seconds": 0.25, "lr": 0.0}]
GLOVE_EPOCHS = [{"epoch": 1, "cost": 0.2, "seconds": 1.0}, {"epoch": 2, "cost": 0.1, "seconds": 1.0}]
STEPS = {"unit": "word", "steps": [{"done": 500, "seconds": 0.5, "loss": 3.1, "lr": 0.02},
         {"done": 1500, "seconds": 1.0, "loss": 2.8, "lr": 0.015},
         {"done": 2000, "seconds": 1.5, "loss": 2.6, "lr": 0.01}]}


def _folder(path, trainer, **meta):
    kv = KeyedVectors(np.eye(3, dtype=np.float32), ["a", "b", "c"],
                      meta={"trainer": trainer, "config": {"epochs": 2}, **meta})
    kv.save(path)
    return path


def test_word2vec_epochs_run_against_cumulative_words(tmp_path):
    curve = read_curve(_folder(tmp_path / "w.wv", "word2vec-skipgram", history=W2V_EPOCHS))
    assert (curve.unit, curve.per, curve.name) == ("words", "epoch", "w.wv")
    np.testing.assert_array_equal(curve.x, [1000, 2000, 3000])
    np.testing.assert_array_equal(curve.metrics["loss"], [3.0, 2.5, 2.4])
    np.testing.assert_array_equal(curve.metrics["speed"], [2000, 4000, 4000])  # words / seconds
    assert set(curve.metrics) == {"loss", "lr", "speed"}


def test_glove_epochs_run_against_epochs(tmp_path):
    curve = read_curve(_folder(tmp_path / "g.wv", "glove", history=GLOVE_EPOCHS))
    assert (curve.unit, curve.per) == ("epochs", "epoch")
    np.testing.assert_array_equal(curve.x, [1, 2])
    assert set(curve.metrics) == {"cost"}


def test_per_step_records_are_preferred_and_give_speed_per_step(tmp_path):
    curve = read_curve(_folder(tmp_path / "s.wv", "word2vec-cbow", history=W2V_EPOCHS, trace=STEPS))
    assert (curve.unit, curve.per) == ("words", "step")
    np.testing.assert_array_equal(curve.x, [500, 1500, 2000])
    np.testing.assert_allclose(curve.metrics["speed"], [1000, 2000, 1000])  # Δdone / Δseconds
    np.testing.assert_allclose(curve.epochs, [0.5, 1.5, 2.0])                # config epochs = 2


def test_several_runs_overlaid_in_one_svg(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _folder(tmp_path / "a" / "run.wv", "word2vec-skipgram", history=W2V_EPOCHS)
    b = _folder(tmp_path / "b" / "run.wv", "glove", history=GLOVE_EPOCHS)
    out = tmp_path / "curves.svg"
    drawn = plot_history([a, b], out, size=(900, 700))
    assert drawn["x"] == "epochs"  # words and GloVe's epochs do not share a unit
    root, texts = svg_texts(out)
    assert root.get("width") == "648pt"
    labels = " ".join(texts)
    assert str(a) in labels and str(b) in labels  # same folder names: whole paths tell them apart
    assert "loss (word2vec)" in texts and "cost (GloVe)" in texts and "learning rate" in texts
    assert "speed (words/s)" in texts  # only the word2vec run has a speed, in words


def test_history_of_a_real_run_of_every_trainer_is_stored_and_drawn(tmp_path, monkeypatch):
    from wordvec.config import GloVeConfig, Word2VecConfig
    from wordvec.text.corpus import EncodedCorpus
    from wordvec.text.vocab import Vocab
    from wordvec.train.glove import train_glove
    from wordvec.train.word2vec import train_word2vec

    monkeypatch.setattr("wordvec.train.glove.STEP_ENTRIES", 4096)  # several GloVe steps per epoch
    sentences = [line.lower().split() for line in brown_lines(300)]
    vocab = Vocab.from_counts(Counter(w for s in sentences for w in s), min_count=2)
    corpus = EncodedCorpus.from_sentences(sentences, vocab)
    runs = {"sg.wv": train_word2vec(corpus, vocab, Word2VecConfig(dim=8, epochs=2, threads=1, min_count=2)),
            "cbow.wv": train_word2vec(corpus, vocab, Word2VecConfig(arch="cbow", dim=8, epochs=2, threads=1,
                                                                    min_count=2)),
            "glove.wv": train_glove(corpus, vocab, GloVeConfig(dim=8, window=3, epochs=2, threads=1, min_count=2))}
    for name, result in runs.items():
        result.kv.save(tmp_path / name)
        trace = json.loads((tmp_path / name / "meta.json").read_text())["trace"]
        assert all(isinstance(step["done"], int) for step in trace["steps"])  # numbers, not strings
        curve = read_curve(tmp_path / name)
        assert curve.per == "step" and curve.unit == ("entries" if name == "glove.wv" else "words")
        assert len(curve.x) > (2 if name == "glove.wv" else 1)
        assert len(curve.x) >= 2 and ("loss" in curve.metrics or "cost" in curve.metrics)
        assert np.isfinite(curve.metrics.get("loss", curve.metrics.get("cost"))).all()
    out = tmp_path / "all.png"
    drawn = plot_history([tmp_path / n for n in runs], out, size=(800, 900))
    assert [r["trainer"] for r in drawn["runs"]] == ["word2vec-skipgram", "word2vec-cbow", "glove"]
    assert png_size(out) == (800, 900)
    assert png_ink(out)[0] > 0.01


def test_files_without_history_are_refused_in_one_line(tmp_path):
    kv = KeyedVectors(np.eye(3, dtype=np.float32), ["a", "b", "c"])
    kv.save(tmp_path / "v.txt", format="word2vec")
    with pytest.raises(FormatError, match="only the native format"):
        read_curve(tmp_path / "v.txt")
    kv.save(tmp_path / "bare.wv")
    with pytest.raises(FormatError, match="keeps no training history"):
        read_curve(tmp_path / "bare.wv")
    with pytest.raises(WordvecError, match="at least one"):
        plot_history([], tmp_path / "c.png")
    assert not (tmp_path / "c.png").exists()


def test_long_traces_are_thinned_to_the_limit_keeping_the_last_step():
    from wordvec.train.result import thin

    trace = [{"done": i} for i in range(1, 4500)]
    kept = thin(trace, limit=2000)
    assert len(kept) <= 2000 and kept[-1] == trace[-1]
    dones = [r["done"] for r in kept]
    assert dones == sorted(dones) and max(b - a for a, b in zip(dones, dones[1:])) <= 3
    assert thin(trace[:10], limit=2000) == trace[:10]
