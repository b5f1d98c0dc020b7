"""Continued training with --init: the old vectors are the start, new words are added, counts merge."""

from __future__ import annotations

import numpy as np

from tests.conftest import brown_lines, run_wordvec
from wordvec.text.vocab import build_vocab
from wordvec.vectors.formats import load, load_context, save
from wordvec.vectors.keyedvectors import KeyedVectors

TINY_LR = ["--lr", "1e-12", "--epochs", "1", "--threads", "1", "--min-count", "3"]


def _corpora(tmp_path):
    lines = brown_lines(3000)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("\n".join(lines[:1500]) + "\n")
    new.write_text("\n".join(lines[1500:]) + "\n")
    return old, new


def test_init_starts_from_the_old_vectors_and_adds_new_words(tmp_path):
    old_corpus, new_corpus = _corpora(tmp_path)
    old = tmp_path / "old.wv"
    assert run_wordvec("train", "skipgram", old_corpus, "-o", old, "--dim", "16", "--epochs", "1", "--min-count", "3",
                       "--save-context", "--vectors", "in+out").code == 0
    before, context = load(old), load_context(old)
    out = tmp_path / "new.wv"
    code, _, stderr = run_wordvec("train", "skipgram", new_corpus, "-o", out, "--init", old, *TINY_LR,
                                  "--save-context")
    assert code == 0, stderr
    after = load(out)
    n = len(before)
    assert after.words[:n] == before.words and len(after) > n          # old rows first, new words after
    seen = build_vocab([new_corpus], min_count=1).vocab                      # counts merge: old + new
    assert after.counts[:n].tolist() == [c + (seen.counts[seen.index[w]] if w in seen else 0)
                                         for w, c in zip(before.words, before.counts.tolist())]
    assert all(seen.counts[seen.index[w]] >= 3 and w not in before for w in after.words[n:])
    # a learning rate of 1e-12 leaves the start in place: w_in (in+out minus context) and w_out
    assert np.allclose(np.asarray(after.vectors[:n]), np.asarray(before.vectors) - np.asarray(context), atol=1e-6)
    assert np.allclose(np.asarray(load_context(out)[:n]), np.asarray(context), atol=1e-6)
    assert after.meta["init"]["context"] and after.meta["init"]["new_words"] == len(after) - n


def test_init_from_a_text_file_and_from_a_checkpoint(tmp_path):
    old_corpus, new_corpus = _corpora(tmp_path)
    rng = np.random.default_rng(0)
    words = ["the", "of", "and", "zzz-unseen"]
    text = tmp_path / "glove.txt"
    save(KeyedVectors(rng.standard_normal((4, 8)).astype(np.float32), words), text, format="glove")
    out = tmp_path / "a.wv"
    code, _, stderr = run_wordvec("train", "cbow", new_corpus, "-o", out, "--init", text, *TINY_LR)
    assert code == 0, stderr
    kv = load(out)
    assert kv.words[:4] == words and kv.vectors.shape[1] == 8                 # --dim follows the file
    assert np.allclose(np.asarray(kv.vectors[:4]), load(text).vectors, atol=1e-6)
    code, _, stderr = run_wordvec("train", "cbow", new_corpus, "-o", out, "--init", text, "--dim", "10")
    assert code == 1 and "--dim 10 differs from the --init vectors' 8 dimensions" in stderr
    code, _, stderr = run_wordvec("train", "cbow", new_corpus, "-o", out, "--init", text, "--vocab", text)
    assert code == 1 and "--init and --vocab cannot be combined" in stderr
    ck = tmp_path / "run.ck"
    assert run_wordvec("train", "skipgram", old_corpus, "-o", tmp_path / "o.wv", "--dim", "8", "--epochs", "1",
                       "--min-count", "3", "--checkpoint", ck, "--checkpoint-every", "0").code == 0
    code, _, stderr = run_wordvec("train", "skipgram", new_corpus, "-o", out, "--init", ck, *TINY_LR)
    assert code == 0, stderr
    assert load(out).meta["init"]["context"] and load(out).words[:5] == load(tmp_path / "o.wv").words[:5]


def test_a_continued_run_resumes_like_any_other(tmp_path, monkeypatch):
    """--init with --checkpoint: interrupted and resumed (the same command) gives the vectors of
    the uninterrupted continued run, bit for bit."""
    import signal

    from tests.test_checkpoint import interrupt_at
    from wordvec.train import word2vec as word2vec_module

    old_corpus, new_corpus = _corpora(tmp_path)
    old = tmp_path / "old.wv"
    assert run_wordvec("train", "skipgram", old_corpus, "-o", old, "--dim", "8", "--epochs", "1", "--min-count", "3",
                       "--save-context").code == 0
    real = word2vec_module.chunk_bounds
    monkeypatch.setattr(word2vec_module, "chunk_bounds", lambda offsets, chunk: real(offsets, 5000))
    args = ["train", "skipgram", new_corpus, "--init", old, "--epochs", "2", "--threads", "1", "--min-count", "3"]
    assert run_wordvec(*args, "-o", tmp_path / "whole.wv").code == 0
    ck, out = tmp_path / "run.ck", tmp_path / "resumed.wv"
    with monkeypatch.context() as mp:
        interrupt_at(mp, 3, signum=signal.SIGTERM)
        assert run_wordvec(*args, "-o", out, "--checkpoint", ck).code == 143
    assert run_wordvec(*args, "-o", out, "--resume", ck).code == 0
    assert np.array_equal(np.asarray(load(out).vectors), np.asarray(load(tmp_path / "whole.wv").vectors))


def test_init_is_refused_with_subwords_or_hierarchical_softmax(tmp_path):
    """n-gram rows and tree nodes have no counterpart in a vectors file: one line, before any work."""
    old_corpus, new_corpus = _corpora(tmp_path)
    old = tmp_path / "old.wv"
    assert run_wordvec("train", "skipgram", old_corpus, "-o", old, "--dim", "8", "--epochs", "1").code == 0
    for extra in (["--subwords", "3-6"], ["--loss", "hs"]):
        code, _, stderr = run_wordvec("train", "skipgram", new_corpus, "-o", tmp_path / "new.wv", "--init", old, *extra)
        assert code != 0 and "--init continues plain negative-sampling models only" in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1 and not (tmp_path / "new.wv").exists()
