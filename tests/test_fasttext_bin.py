"""Reading fastText .bin models: equal to the `fasttext` package's own vectors, damage refused.

Models are trained in seconds on the bundled corpus slice by the `fasttext` package and by
gensim (saved with save_facebook_model); hand-written files (tests/reference/fasttext_bin.py)
cover the layouts fastText cannot be asked to produce (damage, quantization, versions).
"""

from __future__ import annotations

import mmap
import struct

import numpy as np
import pytest

from tests.reference.fasttext_bin import fasttext_bin_bytes, small_model
from wordvec.errors import FormatError
from wordvec.vectors.formats import load, save, sniff

UNSEEN = ["goverment", "unbelievabley", "qzxv", "café", "naïveté", "中文", "😀", "x-y"]


@pytest.fixture(scope="module", params=["skipgram", "cbow"])
def fasttext_model(request, brown_small, tmp_path_factory):
    """(a model trained by the fasttext package on ~100k tokens, the path of its .bin)."""
    fasttext = pytest.importorskip("fasttext")
    model = fasttext.train_unsupervised(str(brown_small), model=request.param, dim=10, epoch=1, minCount=5,
                                        minn=3, maxn=6, bucket=20000, thread=1, verbose=0)
    path = tmp_path_factory.mktemp("ft") / f"{request.param}.bin"
    model.save_model(str(path))
    return model, path


def test_vectors_equal_fasttext_get_word_vector(fasttext_model):
    model, path = fasttext_model
    assert sniff(path) == "fasttext-bin"
    kv = load(path)
    words, counts = model.get_words(include_freq=True)
    assert kv.words == list(words) and kv.counts.tolist() == list(counts)
    expected = np.array([model.get_word_vector(w) for w in words])
    np.testing.assert_allclose(kv.vectors, expected, atol=1e-5, rtol=0)
    for word in UNSEEN:
        assert word not in kv
        np.testing.assert_allclose(kv[word], model.get_word_vector(word), atol=1e-5, rtol=0, err_msg=word)
    assert kv.meta["subwords"] == [3, 6] and kv.meta["buckets"] == 20000
    assert kv.meta["trainer"] == f"fasttext-{path.stem}" and kv.meta["config"]["dim"] == 10


def test_ngram_matrix_is_memory_mapped_not_copied(fasttext_model):
    _, path = fasttext_model
    kv = load(path)
    ngrams = kv.subwords.ngrams
    assert not ngrams.flags.owndata and not ngrams.flags.writeable
    base = ngrams
    while isinstance(base, np.ndarray):
        base = base.base
    assert isinstance(base.obj if isinstance(base, memoryview) else base, mmap.mmap)


def test_limit_and_round_trips(fasttext_model, tmp_path):
    model, path = fasttext_model
    kv = load(path, limit=100)
    assert len(kv) == 100 and kv.words == model.words[:100]
    np.testing.assert_allclose(kv["goverment"], model.get_word_vector("goverment"), atol=1e-5)
    # native keeps the n-grams (memory-mapped again); word2vec text holds the composed vectors, like .vec
    save(kv, tmp_path / "m.wv")
    back = load(tmp_path / "m.wv")
    assert back.subwords.ngrams.shape == (20000, 10) and isinstance(back.subwords.ngrams, np.memmap)
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    np.testing.assert_array_equal(back["goverment"], kv["goverment"])
    save(kv, tmp_path / "m.vec", format="word2vec")
    vec = load(tmp_path / "m.vec")
    assert vec.subwords is None and vec.words == kv.words
    np.testing.assert_allclose(vec.vectors, [model.get_word_vector(w) for w in kv.words], atol=1e-5)
    with pytest.raises(Exception, match="does not write"):
        save(kv, tmp_path / "m.bin", format="fasttext-bin")


def test_gensim_save_facebook_model_is_read(brown_small, tmp_path):
    gensim_ft = pytest.importorskip("gensim.models.fasttext")
    sentences = [line.split() for line in brown_small.read_text().splitlines()[:2000]]
    model = gensim_ft.FastText(sentences, vector_size=8, min_count=5, epochs=1, bucket=3000, workers=1,
                               min_n=3, max_n=5, seed=1)
    gensim_ft.save_facebook_model(model, str(tmp_path / "g.bin"))
    kv = load(tmp_path / "g.bin")
    assert kv.words == list(model.wv.index_to_key)
    np.testing.assert_allclose(kv.vectors, model.wv.vectors, atol=1e-5)
    for word in UNSEEN:
        np.testing.assert_allclose(kv[word], model.wv[word], atol=1e-5, err_msg=word)


def test_hand_written_file_agrees_with_fasttext(tmp_path):
    """The test writer produces what fastText reads; "</s>" has no n-grams; non-ASCII words."""
    fasttext = pytest.importorskip("fasttext")
    words, counts, matrix = small_model()
    path = tmp_path / "small.bin"
    path.write_bytes(fasttext_bin_bytes(words, counts, matrix, minn=2, maxn=4, bucket=50))
    model = fasttext.load_model(str(path))
    kv = load(path)
    assert kv.words == model.words == words
    for word in words + UNSEEN:
        np.testing.assert_allclose(kv[word], model.get_word_vector(word), atol=1e-6, err_msg=word)
    np.testing.assert_array_equal(kv["</s>"], matrix[0])


def test_model_without_subwords(tmp_path):
    words, counts, matrix = small_model(bucket=0)
    path = tmp_path / "plain.bin"
    path.write_bytes(fasttext_bin_bytes(words, counts, matrix, minn=0, maxn=0, bucket=0))
    kv = load(path)
    assert kv.subwords is None and "subwords" not in kv.meta
    np.testing.assert_array_equal(kv.vectors, matrix)
    with pytest.raises(KeyError):
        kv["goverment"]


def _damaged() -> dict[str, tuple[bytes, str]]:
    """Hostile variants of a small valid file, each with a phrase its error must contain."""
    words, counts, matrix = small_model()
    good = fasttext_bin_bytes(words, counts, matrix, minn=2, maxn=4, bucket=50)
    header_end = 8 + 56
    cases = {f"truncated-at-{n}": (good[:n], "truncated") for n in (6, 30, header_end + 10, 150, len(good) - 9)}
    cases["bad-version"] = (good[:4] + struct.pack("<i", 13) + good[8:], "version 13")
    cases["huge-dim"] = (good[:8] + struct.pack("<i", 1 << 30) + good[12:], "dim")
    cases["negative-bucket"] = (good[:8] + struct.pack("<12i", 4, 5, 5, 1, 5, 1, 2, 2, -5, 2, 4, 100) + good[56:],
                                "bucket")
    cases["absurd-word-count"] = (good[:header_end] + struct.pack("<3i", 2**31 - 1, 2**31 - 1, 0)
                                  + good[header_end + 12:], "dictionary sizes")
    cases["trailing-data"] = (good + b"\0" * 12, "output matrix")
    cases["quantized"] = (fasttext_bin_bytes(words, counts, matrix, minn=2, maxn=4, bucket=50, quantized=True),
                          "quantized")
    cases["pruned"] = (fasttext_bin_bytes(words, counts, matrix, minn=2, maxn=4, bucket=50, pruneidx_size=0),
                       "pruned")
    cases["rows-disagree"] = (fasttext_bin_bytes(words, counts, matrix[:-1], minn=2, maxn=4, bucket=50), "matrix")
    return cases


@pytest.mark.parametrize("name", list(_damaged()))
def test_damaged_files_refused_in_one_line(name, tmp_path):
    data, phrase = _damaged()[name]
    path = tmp_path / f"{name}.bin"
    path.write_bytes(data)
    with pytest.raises(FormatError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and phrase in message, message


def test_wrong_magic_when_forced(tmp_path):
    path = tmp_path / "not.bin"
    path.write_bytes(b"2 3\nab " + b"\0" * 12)
    with pytest.raises(FormatError, match="wrong magic"):
        load(path, format="fasttext-bin")
