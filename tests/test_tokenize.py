"""Tokenizer: normalisation rules, the byte-block kernel against the slow Python twin, inputs."""

from __future__ import annotations

import bz2
import codecs
import gzip
import logging
import lzma
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec.text import blocks, inputs, tokenize
from wordvec.config import TokenizerConfig
from wordvec.text.corpus import encode_corpus
from wordvec.errors import CorpusError
from wordvec.text.tokenize import iter_sentences, type_normalizer
from wordvec.text.vocab import Vocab, build_vocab

WORDS = TokenizerConfig()
RAW = TokenizerConfig(tokens="raw")


@pytest.mark.parametrize("raw, expected", [
    (b'"Hello,', ["hello"]),
    (b"don't", ["don't"]),
    (b"'quoted'", ["quoted"]),
    (b"well-known", ["well-known"]),
    (b"--", []),
    (b"...", []),
    (b"(U.S.)", ["u.s"]),
    ("\u201cword\u201d".encode(), ["word"]),
    ("\u00c9COLE".encode(), ["\u00e9cole"]),
    (b"a\xc2\xa0b", ["a", "b"]),           # a no-break space inside one raw token
    (b"caf\xe9", ["caf\ufffd"]),             # Latin-1 byte: replaced, never a crash
    (b"$100", ["100"]),
])
def test_words_mode_normalisation(raw, expected):
    assert type_normalizer(WORDS)(raw) == expected


def test_raw_mode_keeps_punctuation_and_case_option():
    assert type_normalizer(RAW)(b'"Item-42,') == ['"item-42,']
    assert type_normalizer(TokenizerConfig(tokens="raw", lowercase=False))(b"SKU-9") == ["SKU-9"]
    assert type_normalizer(TokenizerConfig(lowercase=False))(b"Paris.") == ["Paris"]


def _encode_sentences(tmp_path, data: bytes, config: TokenizerConfig, block: int, monkeypatch,
                      threads: int = 1):
    """Run the real pipeline (kernel, block carry-over, encoding) and decode sentences back to words."""
    path = tmp_path / "corpus.txt"
    path.write_bytes(data)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", block)
    words = sorted({w for s in iter_sentences(data, config) for w in s})
    vocab = Vocab(words, [1] * len(words))
    corpus = encode_corpus([path], vocab, config, cache=False, threads=threads)
    ids, offsets = np.asarray(corpus.ids), np.asarray(corpus.offsets)
    out = [[vocab.words[i] for i in ids[a:b]] for a, b in zip(offsets[:-1], offsets[1:])]
    corpus.close()
    return out


def _expected(data: bytes, config: TokenizerConfig) -> list[list[str]]:
    cap = config.max_sentence_length
    result = []
    for sentence in iter_sentences(data, config):
        result.extend(sentence[i:i + cap] for i in range(0, len(sentence), cap))
    return result


PIECES = ["the", "The", "caf\u00e9", "na\u00efve", "\u65e5\u672c\u8a9e", "\U0001f600x", "don't", "--",
          "(a)", "well-known", "U.S.", ",", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "x" * 30,
          "\u00e9" * 20, "end."]


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=60),
       block=st.integers(min_value=1, max_value=17), raw_mode=st.booleans(), lowercase=st.booleans(),
       threads=st.integers(min_value=1, max_value=3))
def test_kernel_matches_python_twin_at_every_block_boundary(tmp_path_factory, pieces, block, raw_mode,
                                                             lowercase, threads):
    """Counting and encoding, on 1 to 3 threads, with blocks cut anywhere, equal the Python twin."""
    config = TokenizerConfig(tokens="raw" if raw_mode else "words", lowercase=lowercase,
                             max_token_bytes=24, max_sentence_length=7)
    data = "".join(pieces).encode("utf-8")
    if not _expected(data, config):
        return
    folder = tmp_path_factory.mktemp("t")
    with pytest.MonkeyPatch.context() as mp:
        got = _encode_sentences(folder, data, config, block, mp, threads)
        counted = build_vocab([folder / "corpus.txt"], config, min_count=1, threads=threads)
    assert got == _expected(data, config)
    expected_counts = Counter(w for s in iter_sentences(data, config) for w in s)
    assert dict(zip(counted.vocab.words, counted.vocab.counts.tolist())) == expected_counts
    assert counted.vocab.words == Vocab.from_counts(expected_counts).words  # canonical order


def test_long_token_cut_at_character_boundary(tmp_path, monkeypatch):
    config = TokenizerConfig(max_token_bytes=10)
    data = ("\u00e9" * 40 + " ok\n").encode()   # 2-byte characters: 10 bytes = 5 characters
    got = _encode_sentences(tmp_path, data, config, 7, monkeypatch)
    assert got == [["\u00e9" * 5, "ok"]]
    data = ("a" + "\u65e5" * 10 + " ok").encode()  # 1 + 3k bytes: cut to 'a' + 3 characters
    assert _encode_sentences(tmp_path, data, config, 5, monkeypatch) == [["a" + "\u65e5" * 3, "ok"]]


def test_long_lines_are_cut_and_sentences_follow_newlines(tmp_path, monkeypatch):
    line = " ".join(f"w{i % 50}" for i in range(2500))
    data = (line + "\nlast line\r\nno final newline").encode()
    got = _encode_sentences(tmp_path, data, TokenizerConfig(), 4096, monkeypatch)
    assert [len(s) for s in got] == [1000, 1000, 500, 2, 3]
    assert got[-1] == ["no", "final", "newline"]


def test_single_line_without_newline_streams(tmp_path, monkeypatch):
    data = " ".join(["alpha", "beta", "gamma"] * 20000).encode()   # 340 kB, no newline
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 1 << 12)
    path = tmp_path / "one-line.txt"
    path.write_bytes(data)
    report = build_vocab([path], min_count=1)
    assert dict(zip(report.vocab.words, report.vocab.counts.tolist())) == {
        "alpha": 20000, "beta": 20000, "gamma": 20000}


def _counts(path, config=WORDS):
    report = build_vocab([path], config, min_count=1)
    return dict(zip(report.vocab.words, report.vocab.counts.tolist()))


def test_compressed_inputs_equal_plain(tmp_path, brown_small):
    data = brown_small.read_bytes()
    plain = _counts(brown_small)
    for name, compress in (("c.gz", gzip.compress), ("c.bz2", bz2.compress), ("c.xz", lzma.compress),
                           ("no-suffix", gzip.compress)):
        path = tmp_path / name
        path.write_bytes(compress(data))
        assert _counts(path) == plain, name


def test_folder_is_read_recursively_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two words\n")
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / ".hidden").write_text("secret\n")
    assert inputs.input_files([tmp_path]) == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt")]
    assert _counts(tmp_path) == {"one": 1, "two": 1, "words": 1}


def test_binary_files_in_a_folder_are_skipped_with_one_warning(tmp_path, caplog):
    """A stray image or a gzipped model among text files: skipped (named in one warning), while
    UTF-16 text with a BOM and gzipped text are read. A binary file named directly still fails."""
    (tmp_path / "a.txt").write_text("one two\n")
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(b"three\n"))
    (tmp_path / "c.utf16").write_bytes(codecs.BOM_UTF16_LE + "four\n".encode("utf-16-le"))
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "model.gz").write_bytes(gzip.compress(b"\x00\x01binary\x00" * 100))
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        files = inputs.input_files([tmp_path])
        assert inputs.input_files([tmp_path]) == files  # expanded again (count, encode): one warning
    assert files == [str(tmp_path / n) for n in ("a.txt", "b.txt.gz", "c.utf16")]
    skipped = [r.getMessage() for r in caplog.records if "binary" in r.getMessage()]
    assert len(skipped) == 1 and "image.png and 1 more" in skipped[0] and "2 binary" in skipped[0]
    assert not any("UTF-16" in r.getMessage() for r in caplog.records)  # the sniff is silent
    assert _counts(tmp_path) == {"one": 1, "two": 1, "three": 1, "four": 1}
    with pytest.raises(CorpusError, match="image.png.*binary"):
        _counts(tmp_path / "image.png")
    only = tmp_path / "only"
    only.mkdir()
    (only / "x.bin").write_bytes(b"\x00" * 10)
    with pytest.raises(CorpusError, match="only binary files.*x.bin"):
        inputs.input_files([only])


def test_byte_order_marks_are_decoded(tmp_path, caplog):
    text = "Grüße aus Köln\n"
    for name, data in (("utf8", codecs.BOM_UTF8 + text.encode()),
                       ("utf16", codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
                       ("utf16be", codecs.BOM_UTF16_BE + text.encode("utf-16-be"))):
        path = tmp_path / name
        path.write_bytes(data)
        assert _counts(path) == {"grüße": 1, "aus": 1, "köln": 1}, name


def test_invalid_utf8_is_replaced_and_reported_once(tmp_path, caplog):
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\u00e9 na\u00efve caf\u00e9\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        counts = _counts(path)
    assert counts == {"caf\ufffd": 2, "na\ufffdve": 1}
    warnings = [r.getMessage() for r in caplog.records if "UTF-8" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith("3 tokens")


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "no words found"),
    ("punct.txt", b" ... -- !!\n\n , ;\n", "no words found"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("trunc.gz", gzip.compress(b"some words here\n" * 1000)[:60], "truncated"),
    ("corrupt.xz", lzma.compress(b"some words here\n" * 1000)[:40] + b"\x00garbage" * 10, "cannot read"),
])
def test_unreadable_corpora_fail_with_a_clear_error(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError, match=message) as info:
        build_vocab([path], min_count=1)
    assert name in str(info.value)


def test_missing_and_empty_inputs(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        inputs.input_files([tmp_path / "nope.txt"])
    (tmp_path / "empty-dir").mkdir()
    with pytest.raises(CorpusError, match="no files"):
        inputs.input_files([tmp_path / "empty-dir"])


# ----------------------------------------------------------------- the phrase scanner (scan_block)

def _utf8_cut_twin(token: bytes) -> bytes:
    """The kernel's rule for a token cut at max_token_bytes: drop a last character left incomplete."""
    k = len(token)
    while k > 0 and token[k - 1] & 0xC0 == 0x80:
        k -= 1
    if k > 0:
        lead = token[k - 1]
        need = 4 if lead >= 0xF0 else 3 if lead >= 0xE0 else 2 if lead >= 0xC0 else 1
        if len(token) - (k - 1) < need:
            return token[: k - 1] or token
    return token


def _scan_twin(data: bytes, cap: int) -> tuple[list, int]:
    """(stream of raw tokens and "\\n" markers, tokens cut) the slow way: split on the kernel's
    separators (ASCII whitespace and NUL), cut over-long tokens."""
    stream, cut = [], 0
    for line_no, line in enumerate(data.split(b"\n")):
        if line_no:
            stream.append("\n")
        for token in line.replace(b"\x00", b" ").split():
            if len(token) > cap:
                token, cut = _utf8_cut_twin(token[:cap]), cut + 1
            stream.append(token)
    return stream, cut


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(st.sampled_from([b"the", b"The", b"cat", b" ", b"  ", b"\n", b"\r\n", b"\t", b"\x00",
                                        "caf\u00e9".encode(), "\u65e5\u672c\u8a9e".encode(), b"x" * 9,
                                        "\u00e9".encode() * 5, b"of", b"a", b"zz",
                                        # separators and their neighbours, for the 8-byte search
                                        b"\x0b", b"\x0c", b"\x08", b"\x0e", b"\x1f", b"!", b"\x7f", b"\xa0",
                                        b"abcdefgh", b"abcdefghijklmnopq", b"0123456"]), max_size=120),
       cap=st.sampled_from([4, 8, 100]), out_size=st.sampled_from([3, 7, 1000]),
       block=st.sampled_from([5, 16, 4096]))
def test_scan_block_matches_the_twin(pieces, cap, out_size, block):
    """Tokens found a batch at a time, then looked up, give the stream a plain split gives,
    whatever the cuts: blocks ending mid-token (carried over), an `out` that fills up mid-batch,
    tables too small that grow mid-batch, over-long tokens cut at a character boundary."""
    from wordvec._kernels import tokenize as k

    data = b"".join(pieces)
    table = tokenize.RawTypeTable(types=2, arena=4)
    buf = np.frombuffer(data, dtype=np.uint8).copy()
    out = np.empty(out_size, dtype=np.int32)
    stream, tokens, cut = [], 0, 0
    skipping, start, end = False, 0, 0
    while True:
        end = min(len(buf), max(start, end) + block)   # a token longer than a block: read more
        final = end == len(buf)
        pos = start
        while True:
            pos, status, skipping, used, n, c = k.scan_block(buf, pos, end, final, skipping, cap,
                                                             *table.arrays(), True, out, 0, k.batch_records())
            tokens, cut = tokens + n, cut + c
            stream.extend(out[:used].tolist())
            if status != k.OK:
                table.grow(status)
                continue
            if used == out.shape[0]:
                continue
            break
        if final:
            assert pos == len(buf)
            break
        start = pos
    want, want_cut = _scan_twin(data, cap)
    texts = [bytes(table.arena[table.starts[t]: table.starts[t] + table.lengths[t]]) for t in range(len(table))]
    assert ["\n" if t == k.NEWLINE else texts[t] for t in stream] == want
    assert (tokens, cut) == (sum(1 for w in want if w != "\n"), want_cut)
    found = Counter(w for w in want if w != "\n")
    assert {texts[t]: int(table.counts[t]) for t in range(len(table))} == found
