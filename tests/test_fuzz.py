"""Property tests over random and mutated bytes: the tokenizer and every vectors reader.

The property: whatever the bytes, a reader returns a result or raises one of the documented
error types (wordvec.errors.WordvecError and its subclasses; KeyError for unknown words),
never a crash, a numpy error or a stray ValueError/IndexError/UnicodeError. Results that are
returned must be consistent (as many words as rows, float32, finite unless allowed).

The suite runs a modest number of examples per property; WORDVEC_FUZZ_EXAMPLES=10000 runs a
long campaign (see docs/ERRORS.md for what it found).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wordvec.errors import WordvecError

EXAMPLES = int(os.environ.get("WORDVEC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ALLOWED = (WordvecError, KeyError)
CALLS: dict[str, int] = {}  # examples actually run per property, printed after a long campaign


@pytest.fixture(scope="module", autouse=True)
def _report_campaign():
    yield
    if "WORDVEC_FUZZ_EXAMPLES" in os.environ:
        print("\nfuzz examples run: " + ", ".join(f"{k} {v:,}" for k, v in sorted(CALLS.items())))


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1


# --------------------------------------------------------------------------- byte strategies

def _seed_files() -> dict[str, bytes]:
    """Small valid files of every format, the starting points of mutation."""
    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    rng = np.random.default_rng(7)
    words = ["the", "of", "caf\u00e9", "\u4e2d\u6587", "a\u00a0b", "x", "naïve", "end"]
    kv = KeyedVectors(rng.standard_normal((len(words), 3)).astype(np.float32), words,
                      counts=np.arange(len(words), 0, -1) * 10)
    folder = Path(tempfile.mkdtemp(prefix="wordvec-fuzz-seeds-"))
    try:
        seeds = {}
        for fmt, name in (("word2vec", "v.txt"), ("word2vec-binary", "v.bin"), ("glove", "v.glove")):
            save(kv, folder / name, format=fmt)
            seeds[fmt] = (folder / name).read_bytes()
        save(kv, folder / "v.wv")
        for name in ("meta.json", "vectors.npy", "vocab.txt", "norms.npy", "vocab.index.npy"):
            seeds["native/" + name] = (folder / "v.wv" / name).read_bytes()
        from tests.reference.fasttext_bin import fasttext_bin_bytes, small_model

        ft_words, ft_counts, ft_matrix = small_model(dim=2, bucket=6)
        seeds["fasttext-bin"] = fasttext_bin_bytes(ft_words, ft_counts, ft_matrix, minn=2, maxn=3, bucket=6)
        return seeds
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SEEDS = _seed_files()

# tokens a vectors text file is made of, so random lines often look almost right
_TOKENS = st.sampled_from(["the", "8", "3", "0", "-1", "1e999", "nan", "inf", "-0.5", "0.25", "1e-45",
                           "\u00e9", "\xff", "\t", " ", "  ", "\r", "\x00", "99999999999", "3.4e38", "",
                           "\ufeff", "-", "+", ".", "e5"])
_TEXT_LINES = st.lists(st.lists(_TOKENS, max_size=6).map(" ".join), max_size=8).map(
    lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """`seed` after a few random edits: flips, deletions, insertions, truncation, duplication."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate", "set"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif op == "insert":
            data[at:at] = draw(st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(
                [b"\n", b" ", b"\x00", b"nan", b"-", b"9999999999", b"\r\n", b"\xef\xbb\xbf"])))
        elif op == "truncate":
            del data[at:]
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
        elif op == "set" and data:
            data[at] = draw(st.sampled_from(b" \n\t0123456789.-e\x00\xff"))
    return bytes(data)


def any_bytes(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated(seed), st.binary(max_size=600), _TEXT_LINES)


# --------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _load_or_refuse(path: Path, fmt: str | None, **kwargs) -> None:
    """Load; a returned result must be consistent, an error must be a documented type."""
    from wordvec.vectors.formats import load

    try:
        kv = load(path, format=fmt, **kwargs)
    except ALLOWED:
        return
    assert kv.vectors.dtype == np.float32 and kv.vectors.ndim == 2
    assert len(kv.words) == kv.vectors.shape[0] > 0 and kv.vectors.shape[1] > 0
    if not kwargs.get("allow_nonfinite"):
        assert np.isfinite(kv.vectors).all()
    if kwargs.get("limit"):
        assert len(kv) <= kwargs["limit"]
    assert kv.word(len(kv) - 1) in kv  # the last word is found (through a native folder's index)
    kv.most_similar(kv.words[0], topn=2)  # a loaded file can be queried


# --------------------------------------------------------------------------- vectors readers

@pytest.mark.parametrize("fmt", ["word2vec", "word2vec-binary", "glove", None], ids=str)
def test_vectors_reader_never_crashes(fmt, scratch):
    seed = SEEDS[fmt or "word2vec"]
    path = scratch / f"fuzz-{fmt}.vec"

    @FUZZ
    @given(data=any_bytes(seed) if fmt is not None else st.one_of(*(any_bytes(s) for s in (
        SEEDS["word2vec"], SEEDS["word2vec-binary"], SEEDS["glove"]))), limit=st.sampled_from([None, None, 1, 3]),
        allow=st.booleans())
    def check(data: bytes, limit, allow):
        _count(f"vectors[{fmt}]")
        path.write_bytes(data)
        _load_or_refuse(path, fmt, limit=limit, allow_nonfinite=allow)

    check()


def test_fasttext_bin_reader_never_crashes(scratch):
    """Mutated fastText models, read as sniffed and as forced, then queried with an unseen word."""
    path = scratch / "fuzz-model.bin"

    @FUZZ
    @given(data=st.one_of(mutated(SEEDS["fasttext-bin"]), mutated(SEEDS["fasttext-bin"][:90])),
           fmt=st.sampled_from([None, "fasttext-bin"]), limit=st.sampled_from([None, 2]))
    def check(data: bytes, fmt, limit):
        _count("fasttext-bin")
        path.write_bytes(data)
        _load_or_refuse(path, fmt, limit=limit, allow_nonfinite=True)
        try:
            from wordvec.vectors.formats import load

            load(path, format=fmt)["unseenword"]
        except ALLOWED:
            pass

    check()


def test_native_reader_never_crashes(scratch):
    folder = scratch / "fuzz.wv"
    names = ("meta.json", "vectors.npy", "vocab.txt", "norms.npy", "vocab.index.npy")

    @FUZZ
    @given(which=st.sampled_from(names), data=st.data(), limit=st.sampled_from([None, 2]))
    def check(which: str, data, limit):
        _count("native")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name in names:
            (folder / name).write_bytes(SEEDS["native/" + name])
        (folder / which).write_bytes(data.draw(any_bytes(SEEDS["native/" + which])))
        _load_or_refuse(folder, None, limit=limit)
        _load_or_refuse(folder, "native", limit=limit, mmap=False)

    check()


def test_native_meta_with_wrong_types_is_refused(scratch):
    """meta.json values of every JSON type where numbers or strings belong."""
    folder = scratch / "meta.wv"
    values = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(), st.text(max_size=5),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(),
                                                                            max_size=2))

    @FUZZ
    @given(key=st.sampled_from(["format", "version", "dim", "count"]), value=values, drop=st.booleans())
    def check(key, value, drop):
        _count("native-meta")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name in ("vectors.npy", "vocab.txt", "norms.npy", "vocab.index.npy"):
            (folder / name).write_bytes(SEEDS["native/" + name])
        meta = json.loads(SEEDS["native/meta.json"])
        if drop:
            meta.pop(key)
        else:
            meta[key] = value
        (folder / "meta.json").write_text(json.dumps(meta))
        _load_or_refuse(folder, None)

    check()


def test_vocab_file_reader_never_crashes(scratch):
    from wordvec.text.vocab import Vocab

    path = scratch / "fuzz-vocab.txt"

    @FUZZ
    @given(data=any_bytes(SEEDS["native/vocab.txt"]), min_count=st.integers(1, 30))
    def check(data: bytes, min_count: int):
        _count("vocab.txt")
        path.write_bytes(data)
        try:
            vocab = Vocab.load(path, min_count=min_count)
        except ALLOWED:
            return
        assert len(vocab) > 0 and (vocab.counts >= min_count).all()
        assert list(vocab.counts) == sorted(vocab.counts, reverse=True)

    check()


# --------------------------------------------------------------------------- the tokenizer

_CORPUS_SEED = ("The cat sat on the mat.\nCaf\u00e9 na\u00efve \u4e2d\u6587 \u2014 \"quoted\" (words)\n"
                "a\u00a0b\tc\r\nend of text\n").encode("utf-8")
_CORPUS_BYTES = st.one_of(mutated(_CORPUS_SEED), st.binary(max_size=400),
                          st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                          st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x1f\x8b", b"BZh",
                                           b"\xfd7zXZ\x00"]).flatmap(lambda magic: mutated(magic + _CORPUS_SEED)))


def test_tokenizer_never_crashes(scratch):
    """Random and mutated bytes through the counting pass and the encoding pass."""
    from wordvec.config import TokenizerConfig
    from wordvec.text.corpus import encode_corpus
    from wordvec.text.vocab import build_vocab

    path = scratch / "fuzz-corpus.txt"

    @FUZZ
    @given(data=_CORPUS_BYTES, tokens=st.sampled_from(["words", "raw"]), lowercase=st.booleans(),
           cap=st.sampled_from([4, 7, 100]))
    def check(data: bytes, tokens: str, lowercase: bool, cap: int):
        _count("tokenizer")
        path.write_bytes(data)
        config = TokenizerConfig(tokens=tokens, lowercase=lowercase, max_token_bytes=cap, max_sentence_length=3)
        try:
            report = build_vocab([path], config, min_count=1)
        except ALLOWED:
            return
        vocab = report.vocab
        assert len(vocab) > 0 and all(w and not any(c in w for c in " \t\n\r") for w in vocab.words)
        # raw tokens are cut at `cap` bytes; replacing bad bytes by U+FFFD (3 bytes) or
        # lowercasing may lengthen the word, at most threefold
        assert all(len(w.encode("utf-8", "surrogatepass")) <= 3 * cap for w in vocab.words)
        try:
            corpus = encode_corpus([path], vocab, config, cache=False)
        except ALLOWED:
            return
        try:
            assert corpus.n_tokens == vocab.total_tokens  # the two passes agree on every token
            assert 0 <= corpus.ids.min() and corpus.ids.max() < len(vocab)
            lengths = np.diff(corpus.offsets)
            assert (lengths >= 1).all() and (lengths <= 3).all()
        finally:
            corpus.close()

    check()
