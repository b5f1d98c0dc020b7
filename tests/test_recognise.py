"""Sniffing says what a file is when it is not vectors wordvec reads: a vocabulary file is not
1-dimensional GloVe, a gensim pickle and a fastText model are named by their magic bytes."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from tests.conftest import run_wordvec
from wordvec.vectors.recognise import FASTTEXT_MAGIC, VOCABULARY, foreign


def _refused(path, *needles):
    result = run_wordvec("similar", path, "man")
    assert result.code == 1 and result.stdout == "" and len(result.errors) == 1, result.stderr
    for needle in needles:
        assert needle in result.errors[0], result.errors[0]
    return result.errors[0]


def test_a_vocabulary_file_is_refused_as_one(tmp_path, brown_small):
    vocab = tmp_path / "vocab.txt"
    assert run_wordvec("vocab", brown_small, "-o", vocab).code == 0
    _refused(vocab, str(vocab), "a vocabulary file: word count lines", "--format")
    packed = tmp_path / "vocab.txt.gz"
    packed.write_bytes(gzip.compress(vocab.read_bytes()))
    _refused(packed, VOCABULARY)
    ids = tmp_path / "items.txt"  # item IDs: every field an integer, the first line looks like a header
    ids.write_text("1024 88\n2048 71\n4096 70\n")
    _refused(ids, VOCABULARY)
    forced = run_wordvec("similar", vocab, "the", "--format", "glove", "--topn", "1")  # --format still reads it
    assert forced.code == 0, forced.stderr


def test_real_vectors_are_not_taken_for_a_vocabulary(tmp_path):
    for text in ("2 1\nthe 0.5\nof -1.25\n", "the 0.5 1\nof 2 3\n", "the 1.0\nof 2.5\n"):
        assert foreign(text.encode()) is None, text


def test_gensim_pickles_are_named(tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    kv = gensim_models.KeyedVectors(vector_size=4)
    kv.add_vectors(["man", "woman"], np.ones((2, 4), np.float32))
    kv.save(str(tmp_path / "vectors.kv"))
    _refused(tmp_path / "vectors.kv", "gensim", "no pickles", "save_word2vec_format")
    other = tmp_path / "other.pkl"
    import pickle

    other.write_bytes(pickle.dumps({"a": 1}, protocol=4))
    _refused(other, "a Python pickle")


def test_fasttext_models_are_named_by_their_magic_bytes(tmp_path):
    from wordvec.vectors import recognise

    if recognise._fasttext_reader():
        pytest.skip("this wordvec reads fastText models: sniffing hands them to the reader")
    model = tmp_path / "model.bin"  # the header fastText writes: magic, version, then its arguments
    model.write_bytes(FASTTEXT_MAGIC + (12).to_bytes(4, "little") + bytes(64))
    _refused(model, "a fastText model (.bin)", "subword support", ".vec")


def test_a_numpy_array_is_not_a_vectors_file(tmp_path):
    np.save(tmp_path / "vectors.npy", np.ones((3, 2), np.float32))
    _refused(tmp_path / "vectors.npy", "numpy array", "folder")


def test_unrecognised_text_names_the_cli_flag_not_the_python_argument(tmp_path):
    prose = tmp_path / "notes.txt"
    prose.write_text("These are notes about word vectors.\nNothing here is a number.\n")
    message = _refused(prose, "not a recognised vectors format", "--format")
    assert "format=" not in message
