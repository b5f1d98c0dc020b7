"""Formats: round trips, sniffing, tolerant readers on literal bytes, atomic writes, gensim interop."""

from __future__ import annotations

import bz2
import gzip
import json
import logging
import lzma
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

from wordvec.util.wordcounts import read_word_counts
from wordvec.vectors import formats
from wordvec.errors import FormatError, WordvecError
from wordvec.vectors.formats import load, save, sniff
from wordvec.vectors.keyedvectors import KeyedVectors

EXTENSIONS = {"native": "wv", "word2vec": "txt", "word2vec-binary": "bin", "glove": "glove.txt"}


@pytest.fixture
def kv():
    rng = np.random.default_rng(5)
    words = ["the", "naïve", "日本", "x-ray", "can't", "Zürich"] + [f"w{i}" for i in range(44)]
    vectors = rng.standard_normal((50, 7)).astype(np.float32)
    vectors[3] *= 1e-5  # small magnitudes must survive text formats with relative precision
    return KeyedVectors(vectors, words, counts=np.arange(50, 0, -1) * 3, meta={"trainer": "test", "config": {"dim": 7}})


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_round_trip(kv, tmp_path, fmt):
    path = tmp_path / f"vectors.{EXTENSIONS[fmt]}"
    save(kv, path, format=fmt)
    assert sniff(path) == fmt
    back = load(path)
    assert back.words == kv.words
    if fmt in ("native", "word2vec-binary"):
        np.testing.assert_array_equal(back.vectors, kv.vectors)
    else:
        np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6, atol=0)
    if fmt == "native":
        np.testing.assert_array_equal(back.counts, kv.counts)
        assert back.meta["trainer"] == "test" and back.meta["config"] == {"dim": 7}
    else:
        assert back.counts is None
    assert back.source == {"path": str(path), "format": fmt}


def test_native_folder_layout_and_meta(kv, tmp_path):
    path = tmp_path / "any-name"
    save(kv, path, context=kv.vectors * 2)
    assert sorted(os.listdir(path)) == ["context.npy", "meta.json", "norms.npy", "vectors.npy", "vocab.index.npy",
                                       "vocab.txt"]
    meta = json.loads((path / "meta.json").read_text())
    assert meta["format"] == "wordvec-vectors" and meta["version"] == 1
    assert (meta["dim"], meta["count"], meta["trainer"]) == (7, 50, "test")
    assert "wordvec_version" in meta and "corpus" in meta
    assert (path / "vocab.txt").read_text(encoding="utf-8").splitlines()[1] == "naïve 147"
    np.testing.assert_array_equal(formats.load_context(path), kv.vectors * 2)
    assert load(path / "meta.json").words == kv.words  # pointing at meta.json works too


def test_context_is_ignored_by_other_formats(kv, tmp_path):
    save(kv, tmp_path / "v.bin", format="word2vec-binary", context=kv.vectors)
    assert load(tmp_path / "v.bin").words == kv.words
    save(kv, tmp_path / "plain.wv")
    assert formats.load_context(tmp_path / "plain.wv") is None


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_limit_reads_leading_rows(kv, tmp_path, fmt):
    path = tmp_path / f"v.{EXTENSIONS[fmt]}"
    save(kv, path, format=fmt)
    part = load(path, limit=4)
    assert part.words == kv.words[:4]
    np.testing.assert_allclose(part.vectors, kv.vectors[:4], rtol=1e-6)
    assert len(load(path, limit=1000)) == 50


def test_format_override_and_aliases(kv, tmp_path):
    save(kv, tmp_path / "v.vec", format="fasttext")
    assert load(tmp_path / "v.vec", format="word2vec").words == kv.words
    with pytest.raises(WordvecError, match="unknown vectors format"):
        load(tmp_path / "v.vec", format="pickle")
    # forcing GloVe on a file with a header skips the header line, as the error message promises
    assert load(tmp_path / "v.vec", format="glove").words == kv.words


# --- tolerant readers, on literal bytes -------------------------------------------------------
def _write(tmp_path, data: bytes, name="v.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_crlf_trailing_spaces_and_no_final_newline(tmp_path):
    path = _write(tmp_path, b"2 3\r\nfoo 1 2 3 \r\nbar 4.5 -5e-1 6   \r\n\r\n")
    kv = load(path)
    assert kv.words == ["foo", "bar"]
    np.testing.assert_array_equal(kv.vectors, [[1, 2, 3], [4.5, -0.5, 6]])
    glove = load(_write(tmp_path, b"foo 1 2 3\nbar 4 5 6", "g.txt"))
    assert glove.words == ["foo", "bar"] and sniff(tmp_path / "g.txt") == "glove"


def test_byte_order_mark_is_ignored(tmp_path):
    assert load(_write(tmp_path, b"\xef\xbb\xbfthe 1 2\nof 3 4\n")).words == ["the", "of"]
    assert load(_write(tmp_path, b"\xef\xbb\xbf2 2\nthe 1 2\nof 3 4\n", "h.txt")).words == ["the", "of"]


def test_tabs_and_double_spaces_are_tolerated(tmp_path):
    kv = load(_write(tmp_path, b"foo\t1  2 3\nbar 4 5\t6\n"))
    np.testing.assert_array_equal(kv.vectors, [[1, 2, 3], [4, 5, 6]])


def test_undecodable_bytes_in_a_word_are_replaced(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        kv = load(_write(tmp_path, b"2 2\ncaf\xe9 1 2\nok 3 4\n"))
    assert kv.words == ["caf\ufffd", "ok"]
    assert "UTF-8" in caplog.text


def test_header_that_disagrees_with_rows_is_a_clear_error(tmp_path):
    with pytest.raises(FormatError, match="header says 3 rows but the file has 2"):
        load(_write(tmp_path, b"3 2\na 1 2\nb 3 4\n"))
    with pytest.raises(FormatError, match="header says 1 rows"):
        load(_write(tmp_path, b"1 2\na 1 2\nb 3 4\n"))
    assert load(_write(tmp_path, b"3 2\na 1 2\nb 3 4\nc 5 6\nd 7 8\n"), limit=2).words == ["a", "b"]


def test_row_of_wrong_length_or_bad_number_names_the_line(tmp_path):
    with pytest.raises(FormatError, match="line 3 has 1 numbers, expected 2"):
        load(_write(tmp_path, b"2 2\na 1 2\nb 3\n"))
    with pytest.raises(FormatError, match="line 2.*'x1' is not a number"):
        load(_write(tmp_path, b"a 1 2\nb x1 4\n"), format="glove")


def test_empty_and_unrecognised_files(tmp_path):
    with pytest.raises(FormatError, match="empty"):
        load(_write(tmp_path, b""))
    with pytest.raises(FormatError, match="not a recognised"):
        load(_write(tmp_path, b"just some prose here\n"))
    with pytest.raises(FormatError, match="no such file"):
        load(tmp_path / "missing.txt")
    (tmp_path / "folder").mkdir()
    with pytest.raises(FormatError, match="without meta.json"):
        load(tmp_path / "folder")


def _binary_record(word: bytes, values, newline=True) -> bytes:
    return word + b" " + struct.pack(f"<{len(values)}f", *values) + (b"\n" if newline else b"")


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_writers_stream_in_small_blocks(kv, tmp_path, monkeypatch, fmt):
    """Writers format a bounded number of rows at a time (a save must not add a model's size
    to the trainer's peak memory); a block boundary inside the rows changes nothing."""
    whole = tmp_path / f"whole.{EXTENSIONS[fmt]}"
    save(kv, whole, format=fmt)
    from wordvec.vectors import native

    monkeypatch.setattr(native, "_WRITE_BLOCK_BYTES", 3 * 4 * kv.dim + 5)  # three rows per block
    assert formats.write_rows(kv.dim) == 3
    blocks = tmp_path / f"blocks.{EXTENSIONS[fmt]}"
    save(kv, blocks, format=fmt)
    if fmt == "native":
        for name in ("vectors.npy", "vocab.txt"):
            assert (blocks / name).read_bytes() == (whole / name).read_bytes()
    else:
        assert blocks.read_bytes() == whole.read_bytes()


def test_binary_with_and_without_newlines(tmp_path):
    data = b"3 2\n" + _binary_record(b"a", [1, 2]) + _binary_record(b"b\xff", [3, 4], newline=False) \
        + _binary_record(b"c", [0.5, 32.0], newline=False)
    kv = load(_write(tmp_path, data, "v.bin"))
    assert sniff(tmp_path / "v.bin") == "word2vec-binary"
    assert kv.words == ["a", "b\ufffd", "c"]
    np.testing.assert_array_equal(kv.vectors, [[1, 2], [3, 4], [0.5, 32]])


def test_truncated_binary_and_extra_rows_are_errors(tmp_path):
    full = b"2 3\n" + _binary_record(b"a", [1, 2, 3]) + _binary_record(b"b", [4, 5, 6])
    with pytest.raises(FormatError, match="truncated"):
        load(_write(tmp_path, full[:-6], "t.bin"))
    with pytest.raises(FormatError, match="more data follows"):
        load(_write(tmp_path, full.replace(b"2 3\n", b"1 3\n", 1), "x.bin"), format="word2vec-binary")


@pytest.mark.parametrize("fmt", ["word2vec", "word2vec-binary", "glove"])
@pytest.mark.parametrize("compress,name", [(gzip.compress, "v.gz"), (gzip.compress, "v.txt"),
                                           (bz2.compress, "v.bin"), (lzma.compress, "v.xz"),
                                           (lambda data: data, "plain.gz")])
def test_compressed_files_load_by_content_not_name(kv, tmp_path, fmt, compress, name):
    save(kv, tmp_path / "v", format=fmt)
    (tmp_path / name).write_bytes(compress((tmp_path / "v").read_bytes()))
    assert sniff(tmp_path / name) == fmt
    for limit in (30, None):
        back = load(tmp_path / name, limit=limit)
        assert back.words == kv.words[:limit]
        np.testing.assert_allclose(back.vectors, kv.vectors[:limit], rtol=1e-6)


def test_nonfinite_rows_refused_unless_allowed(kv, tmp_path, caplog):
    bad = KeyedVectors(np.array(kv.vectors), kv.words)
    bad.vectors[7, 2] = np.nan
    bad.vectors[9, 0] = np.inf
    for fmt in ("native", "word2vec", "word2vec-binary"):
        path = tmp_path / f"bad.{EXTENSIONS[fmt]}"
        save(bad, path, format=fmt)
        with pytest.raises(FormatError, match=r"2 rows contain NaN or infinity \(first: row 8, 'w1'\).*--allow-nonfinite"):
            load(path)
        with caplog.at_level(logging.WARNING, logger="wordvec"):
            loaded = load(path, allow_nonfinite=True)
        assert np.isnan(loaded.vectors[7, 2]) and "allow-nonfinite" in caplog.text


# --- native checks ----------------------------------------------------------------------------
def test_native_version_and_damage_are_reported(kv, tmp_path):
    path = tmp_path / "v.wv"
    save(kv, path)
    meta = json.loads((path / "meta.json").read_text())
    (path / "meta.json").write_text(json.dumps({**meta, "version": 2}))
    with pytest.raises(FormatError, match="version 2 is not supported.*upgrade"):
        load(path)
    (path / "meta.json").write_text(json.dumps({**meta, "format": "something-else"}))
    with pytest.raises(FormatError, match="not a wordvec vectors folder"):
        load(path)
    (path / "meta.json").write_text(json.dumps({**meta, "count": 49}))
    with pytest.raises(FormatError, match="damaged"):
        load(path)
    (path / "meta.json").write_text(json.dumps(meta))
    (path / "vocab.txt").write_text("a 1\nb 2\n")
    with pytest.raises(FormatError, match="2 words for 50"):
        load(path)


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_words_with_unicode_spaces_survive(tmp_path, fmt):
    words = ["\xa0", "a\x85b", "\u2028", "x\x1cy", "\u3000z", "plain"]
    path = tmp_path / f"v.{EXTENSIONS[fmt]}"
    save(KeyedVectors(np.ones((6, 2), np.float32), words), path, format=fmt)
    assert load(path).words == words


def test_vocab_without_counts_and_odd_spacing(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_bytes(b"the 10\r\nof  7\nlonely\n")
    words, counts = read_word_counts(path)
    assert words == ["the", "of", "lonely"] and counts.tolist() == [10, 7, 0]


# --- atomic writes ----------------------------------------------------------------------------
def test_failed_save_leaves_old_output_untouched(kv, tmp_path):
    for fmt in ("native", "word2vec"):
        path = tmp_path / f"out.{EXTENSIONS[fmt]}"
        save(kv, path, format=fmt)
        before = sorted(p.name for p in tmp_path.iterdir())
        spaced = KeyedVectors(kv.vectors, ["two words"] + kv.words[1:])
        with pytest.raises(FormatError, match="whitespace"):
            save(spaced, path, format=fmt)
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        assert load(path).words == kv.words


def test_save_into_missing_folder_is_a_clear_error(kv, tmp_path):
    with pytest.raises(WordvecError, match="does not exist"):
        save(kv, tmp_path / "nope" / "v.txt", format="word2vec")


# --- interop with gensim ----------------------------------------------------------------------
@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_ours_and_we_read_gensims(kv, tmp_path, binary):
    gensim_models = pytest.importorskip("gensim.models")
    ours = tmp_path / ("ours.bin" if binary else "ours.txt")
    save(kv, ours, format="word2vec-binary" if binary else "word2vec")
    g = gensim_models.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
    assert g.index_to_key == kv.words
    np.testing.assert_allclose(g.vectors, kv.vectors, rtol=1e-6)

    theirs = tmp_path / ("theirs.bin" if binary else "theirs.txt")
    g.save_word2vec_format(str(theirs), binary=binary)
    back = load(theirs)
    assert back.words == kv.words
    np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6)


def test_gensim_reads_our_glove_text(kv, tmp_path):
    gensim_models = pytest.importorskip("gensim.models")
    save(kv, tmp_path / "v.glove.txt", format="glove")
    g = gensim_models.KeyedVectors.load_word2vec_format(str(tmp_path / "v.glove.txt"), no_header=True)
    assert g.index_to_key == kv.words
    np.testing.assert_allclose(g.vectors, kv.vectors, rtol=1e-6)


# --- property: any word without ASCII whitespace survives every format ------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

_word = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=" \t\n\r\x0b\x0c"),
                min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(_word, min_size=1, max_size=8), fmt=st.sampled_from(list(EXTENSIONS)))
def test_any_nonspace_word_round_trips(tmp_path_factory, words, fmt):
    folder = tmp_path_factory.mktemp("prop")
    vectors = np.arange(len(words) * 3, dtype=np.float32).reshape(-1, 3) / 7 + 1
    path = folder / f"v.{EXTENSIONS[fmt]}"
    save(KeyedVectors(vectors, words), path, format=fmt)
    back = load(path, format=fmt)
    assert back.words == words
    np.testing.assert_allclose(back.vectors, vectors, rtol=1e-6)


def test_glove_format_skips_a_header_line(tmp_path):
    """Stanford GloVe's -write-header 1 announces V rows but appends an <unk> row (V+1): refused as
    word2vec text (the header disagrees), read as GloVe text with the header line ignored."""
    from wordvec.errors import FormatError
    from wordvec.vectors.formats import load

    path = tmp_path / "glove-with-header.txt"
    path.write_bytes(b"2 2\na 1 2\nb 3 4\n<unk> 2 3\n")
    with pytest.raises(FormatError, match="--format glove"):
        load(path)
    kv = load(path, format="glove")
    assert kv.words == ["a", "b", "<unk>"] and kv.vectors.tolist() == [[1, 2], [3, 4], [2, 3]]


@pytest.mark.parametrize("fmt", ["word2vec", "word2vec-binary", "glove"])
def test_truncated_compressed_vectors_are_one_clear_error(kv, tmp_path, fmt):
    save(kv, tmp_path / "v", format=fmt)
    packed = gzip.compress((tmp_path / "v").read_bytes())
    for cut in (2, len(packed) // 2):
        (tmp_path / "v.gz").write_bytes(packed[:cut])
        with pytest.raises(FormatError, match="v.gz: compressed file is truncated"):
            load(tmp_path / "v.gz", format=fmt)


# --- subword models in the native folder --------------------------------------------------------
def _subword_kv():
    from wordvec.vectors.subwords import Subwords

    rng = np.random.default_rng(9)
    words = ["the", "of", "café", "中文"]
    return KeyedVectors(rng.standard_normal((4, 3)).astype(np.float32), words, counts=[9, 7, 5, 3],
                        meta={"trainer": "skipgram"},
                        subwords=Subwords(rng.standard_normal((23, 3)).astype(np.float32), 2, 4))


def test_native_subwords_round_trip_and_meta(tmp_path):
    kv = _subword_kv()
    save(kv, tmp_path / "s.wv")
    meta = json.loads((tmp_path / "s.wv" / "meta.json").read_text())
    assert meta["subwords"] == [2, 4] and meta["buckets"] == 23 and meta["version"] == 1
    for use_mmap in (True, False):
        back = load(tmp_path / "s.wv", mmap=use_mmap)
        assert isinstance(back.subwords.ngrams, np.memmap) == use_mmap
        np.testing.assert_array_equal(back.subwords.ngrams, kv.subwords.ngrams)
        np.testing.assert_array_equal(back["cafés"], kv["cafés"])
    # the other formats hold the vocabulary's vectors only; saving them again drops the keys
    save(kv, tmp_path / "s.txt", format="word2vec")
    plain = load(tmp_path / "s.txt")
    assert plain.subwords is None
    save(KeyedVectors(plain.vectors, plain.words, meta=meta), tmp_path / "p.wv")
    assert "subwords" not in json.loads((tmp_path / "p.wv" / "meta.json").read_text())


def test_native_subwords_damage(tmp_path, caplog):
    from wordvec.errors import FormatError

    save(_subword_kv(), tmp_path / "s.wv")
    folder = tmp_path / "s.wv"
    meta = json.loads((folder / "meta.json").read_text())
    for bad in ([4, 2], [0, 3], "3-6", [2]):
        (folder / "meta.json").write_text(json.dumps(dict(meta, subwords=bad)))
        with pytest.raises(FormatError, match="subwords"):
            load(folder)
    (folder / "meta.json").write_text(json.dumps(dict(meta, buckets=24)))
    with pytest.raises(FormatError, match="ngrams.npy is 23"):
        load(folder)
    (folder / "meta.json").write_text(json.dumps(meta))
    (folder / "ngrams.npy").unlink()   # as an older wordvec re-saving the folder would leave it
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        kv = load(folder)
    assert kv.subwords is None and "ngrams.npy is missing" in caplog.text
    with pytest.raises(KeyError):
        kv["cafés"]


def test_subword_queries_never_import_numba(tmp_path):
    save(_subword_kv(), tmp_path / "s.wv")
    code = ("import sys, wordvec\n"
            f"kv = wordvec.load({str(tmp_path / 's.wv')!r})\n"
            "kv.most_similar('cafés'); kv.similarity('thé', 'the')\n"
            "assert 'numba' not in sys.modules, 'numba was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
