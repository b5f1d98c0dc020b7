"""wordvec.util.atomic.check_output through the real commands: an output never replaces or
lands inside one of the command's own inputs, and the input is left as it was; without --force
it replaces only an output of its own kind; a wordvec output is never read as a corpus."""

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


def test_convert_and_vocab_never_write_into_their_input(corpus, tmp_path):
    vectors = tmp_path / "v.wv"
    assert run_wordvec("convert", _royal(tmp_path), vectors).code == 0
    _refused(run_wordvec("convert", vectors, vectors / "inside.txt"), "inside", "vectors")
    _refused(run_wordvec("convert", vectors / "meta.json", vectors / "inside.txt"), "inside", "vectors")
    assert not (vectors / "inside.txt").exists()
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(corpus, folder / "c.txt")
    _refused(run_wordvec("vocab", folder, "-o", folder / "vocab.txt"), "inside", "corpus")
    assert sorted(p.name for p in folder.iterdir()) == ["c.txt"]


def _royal(tmp_path):
    import numpy as np

    from tests.reference import vectors as ref
    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    matrix, words = ref.royal_vectors()
    path = tmp_path / "royal.txt"
    save(KeyedVectors(matrix, words, counts=np.arange(9, 0, -1)), path, format="word2vec")
    return path


def test_an_output_replaces_only_an_output_of_its_kind_without_force(corpus, tmp_path):
    royal = _royal(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not vectors\n")
    _refused(run_wordvec("convert", royal, notes), "neither word vectors nor a vocabulary", "--force")
    _refused(run_wordvec("vocab", corpus, "-o", notes), "neither word vectors nor a vocabulary", "--force")
    assert notes.read_text() == "my notes, not vectors\n"
    vocab = tmp_path / "vocab.txt"
    assert run_wordvec("vocab", corpus, "-o", vocab).code == 0
    assert run_wordvec("vocab", corpus, "-o", vocab, "--min-count", "10").code == 0  # same kind: replaced
    _refused(run_wordvec("convert", royal, vocab), "a vocabulary file", "writes word vectors")
    _refused(run_wordvec("vocab", corpus, "-o", royal), "word vectors", "writes a vocabulary file")
    copy = tmp_path / "copy.txt"
    assert run_wordvec("convert", royal, copy).code == 0 and run_wordvec("convert", royal, copy).code == 0
    # a folder output never replaces a file, a file output never replaces a folder
    _refused(run_wordvec("convert", royal, copy, "--to", "native"), "writes a folder", "--force")
    folder = tmp_path / "v.wv"
    assert run_wordvec("convert", royal, folder).code == 0 and folder.is_dir()
    _refused(run_wordvec("convert", royal, folder, "--to", "word2vec"), "writes a file", "--force")
    _refused(run_wordvec("train", "glove", corpus, "-o", folder, "--format", "glove", "--epochs", "1"), "--force")
    assert folder.is_dir()
    # --force replaces them, but never an input
    assert run_wordvec("convert", royal, notes, "--force").code == 0
    assert run_wordvec("convert", royal, folder, "--to", "word2vec", "--force").code == 0 and folder.is_file()
    assert run_wordvec("convert", royal, copy, "--to", "native", "--force").code == 0 and copy.is_dir()
    _refused(run_wordvec("convert", royal, royal, "--force"), "vectors")


def test_a_wordvec_output_is_not_a_corpus(corpus, tmp_path):
    folder = tmp_path / "v.wv"
    assert run_wordvec("convert", _royal(tmp_path), folder).code == 0
    _refused(run_wordvec("train", "skipgram", folder, "-o", tmp_path / "x.wv"), "wordvec output", "not a corpus")
    _refused(run_wordvec("vocab", folder / "vocab.txt", "-o", tmp_path / "x.txt"), "inside a wordvec output")
    texts = tmp_path / "texts"  # a wordvec output inside a corpus folder is skipped, with a warning
    texts.mkdir()
    shutil.copy(corpus, texts / "c.txt")
    shutil.copytree(folder, texts / "model.wv")
    result = run_wordvec("vocab", texts, "-o", tmp_path / "t.txt", "--json")
    alone = run_wordvec("vocab", corpus, "-o", tmp_path / "alone.txt", "--json")
    assert result.code == 0 and alone.code == 0 and "skipped wordvec output folder" in result.stderr
    assert (tmp_path / "t.txt").read_text() == (tmp_path / "alone.txt").read_text()
