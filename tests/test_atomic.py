"""wordvec.util.atomic.check_output through the real commands: an output never replaces or
lands inside one of the command's own inputs, and the input is left as it was."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import run_wordvec


@pytest.fixture
def corpus(tmp_path, brown_small):
    path = tmp_path / "c.txt"
    shutil.copy(brown_small, path)
    return path


def _refused(result, *needles):
    assert result.code == 1, result.stderr
    assert len(result.errors) == 1 and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.errors[0], result.errors[0]


def test_training_output_that_is_the_corpus_is_refused(corpus):
    before = corpus.read_bytes()
    for trainer in ("skipgram", "glove"):
        result = run_wordvec("train", trainer, corpus, "-o", corpus, "--format", "word2vec", "--epochs", "1")
        _refused(result, str(corpus), "corpus")
    assert corpus.read_bytes() == before


def test_output_that_is_the_vocab_file_or_inside_the_corpus_folder_is_refused(corpus, tmp_path):
    vocab = tmp_path / "v.txt"
    assert run_wordvec("vocab", corpus, "-o", vocab).code == 0
    before = vocab.read_bytes()
    _refused(run_wordvec("train", "cbow", corpus, "--vocab", vocab, "-o", vocab, "--format", "glove"), "--vocab")
    assert vocab.read_bytes() == before
    _refused(run_wordvec("vocab", corpus, "-o", corpus), "corpus")
    _refused(run_wordvec("train", "skipgram", tmp_path, "-o", tmp_path / "inside.bin"), "inside")
    assert not (tmp_path / "inside.bin").exists()


def test_convert_onto_its_source_and_a_folder_holding_it_are_refused(corpus, tmp_path):
    vectors = tmp_path / "v.wv"
    assert run_wordvec("train", "skipgram", corpus, "-o", vectors, "--dim", "8", "--epochs", "1").code == 0
    _refused(run_wordvec("convert", vectors, vectors, "--to", "native"), "vectors")
    text = tmp_path / "v.txt"
    assert run_wordvec("convert", vectors, text, "--to", "word2vec").code == 0
    _refused(run_wordvec("convert", text, text, "--to", "word2vec"), "vectors")
    assert run_wordvec("convert", vectors, tmp_path / "copy.bin", "--to", "bin").code == 0
