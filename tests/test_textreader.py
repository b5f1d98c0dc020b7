"""The parallel text-vectors reader: its kernel against the slow twin, and block/thread cuts.

The kernel (wordvec._kernels.textvectors) is checked number by number and row by row against
tests/reference/textvectors.py; the reader (wordvec.vectors.textreader) is run with tiny
blocks and several threads so that every cut of a file into blocks and parts is exercised,
and must give the same result as reading it whole.
"""

from __future__ import annotations

import gzip
import logging

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tests.reference import textvectors as ref
from wordvec._kernels import textvectors as kernels
from wordvec.errors import FormatError
from wordvec.vectors import textreader
from wordvec.vectors.formats import load


def kernel_number(token: bytes):
    buf = np.frombuffer(token + b" 1", dtype=np.uint8)  # a token is read up to the whitespace after it
    value, after, ok = kernels.parse_number(buf, 0, len(buf))
    return value if ok and after == len(token) else None


def assert_same_float32(token: bytes, ulps: int = 0):
    got, want = kernel_number(token), ref.to_float32(token)
    assert (got is None) == (want is None), token
    if want is None:
        return
    if np.isnan(want):
        assert np.isnan(got), token
    elif ulps == 0:
        assert np.float32(got).tobytes() == np.float32(want).tobytes(), (token, got, want)
    else:
        assert abs(int(np.float32(got).view(np.int32)) - int(np.float32(want).view(np.int32))) <= ulps, token


SPELLINGS = [b"0", b"-0", b"+0", b"1", b"-1", b"0.5", b".5", b"5.", b"-.5e-3", b"1e5", b"1E5", b"1e+05", b"1e-05",
             b"3.4028235e38", b"3.4028236e38", b"3.5e38", b"1e39", b"1e999", b"-1e999", b"1e-45", b"1e-46",
             b"7e-46", b"1.4e-45", b"1.17549435e-38", b"99999999999", b"12345678901234567890123",
             b"0.000000000000000000000000123", b"nan", b"NaN", b"-nan", b"inf", b"-Inf", b"+INFINITY",
             b"infinity", b"0.418000", b"-0.123456", b"0.1234567", b"1.23456789012345678901",
             b"", b"-", b"+", b".", b"e5", b"1e", b"1e+", b"1e-x", b"1.2.3", b"--1", b"1-", b"0x10", b"1_000",
             b"nana", b"in", b"infinit", b"1,5", b"\xff", b"\x00", b"1e100000000000000000000", b"1e-99999999999"]


@pytest.mark.parametrize("token", SPELLINGS, ids=repr)
def test_number_spellings_match_strtod(token):
    if token == b"":
        return  # the kernel never sees an empty token
    with np.errstate(over="ignore"):
        assert_same_float32(token)


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False, width=32), spelling=st.sampled_from(
    ["%.9g", "%.7g", "%.6f", "%.4f", "%e", "%.15g", "%.3e", "%r"]))
def test_written_numbers_read_back_exactly(x, spelling):
    token = (repr(x) if spelling == "%r" else spelling % x).encode()
    with np.errstate(over="ignore"):
        assert_same_float32(token)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False), spelling=st.sampled_from(["%.17g", "%.18e", "%.25f"]))
def test_long_mantissas_within_one_ulp(x, spelling):
    """Beyond 19 digits or 1e±22 the value is rounded twice: at most one float32 ulp off."""
    with np.errstate(over="ignore"):
        assert_same_float32((spelling % x).encode(), ulps=1)


# --- rows ----------------------------------------------------------------------------------
def kernel_rows(data: bytes, dim: int):
    buf = np.frombuffer(data, dtype=np.uint8)
    vectors = np.full((len(buf) // (2 * dim) + 1, dim), -7, np.float32)
    words = np.empty(len(buf) + 1, np.uint8)
    rows, used, lines, status, where, found = kernels.parse_rows(buf, 0, len(buf), dim, vectors, words)
    detail = found if status != kernels.NOT_A_NUMBER else data[where:found]
    blob = words[:used].tobytes()
    return vectors[:rows], (blob[:-1].split(b"\n") if used else []), lines, status, detail


_token = st.sampled_from([b"1", b"-2.5", b"3e-2", b"0.125", b"nan", b"-inf", b"x", b"1e", b"7"])
_space = st.sampled_from([b" ", b"  ", b"\t", b" \t", b"\r", b"\x0b", b"\x0c"])
_word = st.sampled_from([b"the", b"caf\xc3\xa9", b"a\xffb", b"", b"x\ry", b"\xc2\xa0", b"w1"])


@st.composite
def _line(draw, dim: int) -> bytes:
    n = draw(st.sampled_from([dim, dim, dim, dim - 1, dim + 1, 0]))
    parts = [draw(_word)]
    for _ in range(n):
        parts += [draw(_space), draw(_token)]
    tail = draw(st.sampled_from([b"", b" ", b"\r", b" \r", b"\t"]))
    return b"".join(parts) + tail if draw(st.integers(0, 9)) else draw(_space)  # sometimes a blank line


@settings(max_examples=300, deadline=None)
@given(data=st.data(), dim=st.integers(1, 4), final_newline=st.booleans())
def test_rows_match_the_reference(data, dim, final_newline):
    lines = data.draw(st.lists(_line(dim), max_size=8))
    text = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    got, want = kernel_rows(text, dim), ref.parse_rows(text, dim)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1:] == want[1:]


# --- the reader: block and thread cuts -----------------------------------------------------
def glove_text(rows: int, dim: int, seed: int = 1, crlf_every: int = 0) -> tuple[bytes, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((rows, dim)).astype(np.float32)
    words = [f"w{i}" + ("é" if i % 7 == 0 else "") for i in range(rows)]
    lines = []
    for i, (w, v) in enumerate(zip(words, vectors)):
        end = "\r\n" if crlf_every and i % crlf_every == 0 else "\n"
        blank = "\n" if i % 11 == 5 else ""
        lines.append(f"{w} " + " ".join("%.9g" % x for x in v) + end + blank)
    return "".join(lines).encode(), vectors, words


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Parts of a few lines and three threads: every file is cut in many places."""
    monkeypatch.setattr(textreader, "PART_BYTES", 97)
    monkeypatch.setattr(textreader, "_threads", lambda: 3)


@pytest.mark.parametrize("header", [False, True])
def test_tiny_blocks_give_the_whole_read(tmp_path, tiny_blocks, header):
    body, vectors, words = glove_text(60, 5, crlf_every=4)
    data = (b"\xef\xbb\xbf60 5\r\n" if header else b"\xef\xbb\xbf") + body[:-1]  # no final newline
    path = tmp_path / "v.txt"
    path.write_bytes(data)
    kv = load(path)
    assert kv.words == words
    np.testing.assert_array_equal(kv.vectors, vectors)
    for limit in (1, 2, 17, 59, 60, 61):
        part = load(path, limit=limit)
        assert part.words == words[:limit]
        np.testing.assert_array_equal(part.vectors, vectors[:limit])


def test_gzip_read_in_tiny_blocks(tmp_path, tiny_blocks):
    body, vectors, words = glove_text(40, 3)
    (tmp_path / "v.gz").write_bytes(gzip.compress(body))
    kv = load(tmp_path / "v.gz")
    assert kv.words == words and np.array_equal(kv.vectors, vectors)


def test_a_line_longer_than_the_buffer(tmp_path, tiny_blocks):
    body, vectors, words = glove_text(5, 400)
    (tmp_path / "v.txt").write_bytes(body)
    kv = load(tmp_path / "v.txt")
    assert kv.words == words and np.array_equal(kv.vectors, vectors)


@pytest.mark.parametrize("damage, message", [
    (lambda lines: lines.__setitem__(44, lines[44] + b" 1.5"), "line 45 has 6 numbers, expected 5"),
    (lambda lines: lines.__setitem__(44, b" ".join(lines[44].split()[:2] + [b"1.2.3"] + lines[44].split()[3:])),
     "line 45: b'1.2.3' is not a number"),
])
def test_errors_name_the_line_in_a_later_block(tmp_path, tiny_blocks, damage, message):
    body, _, _ = glove_text(60, 5)
    lines = body.split(b"\n")
    damage(lines)
    (tmp_path / "v.txt").write_bytes(b"\n".join(lines))
    with pytest.raises(FormatError, match=message):
        load(tmp_path / "v.txt")
    lines_before = sum(1 for line in lines[:44] if line.strip())
    assert len(load(tmp_path / "v.txt", limit=lines_before)) == lines_before  # the limit stops before it


def test_header_counts_every_row_past_the_announced_ones(tmp_path, tiny_blocks):
    body, _, _ = glove_text(50, 4)
    (tmp_path / "v.txt").write_bytes(b"30 4\n" + body)
    with pytest.raises(FormatError, match="header says 30 rows but the file has 50"):
        load(tmp_path / "v.txt")
    assert len(load(tmp_path / "v.txt", limit=30)) == 30


def test_undecodable_words_warn_once(tmp_path, tiny_blocks, caplog):
    (tmp_path / "v.txt").write_bytes(b"".join(b"caf\xe9%d 1 2\n" % i for i in range(40)))
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        kv = load(tmp_path / "v.txt")
    assert kv.words[39] == "caf\ufffd39" and caplog.text.count("UTF-8") == 1


def test_rows_much_shorter_than_the_first_get_more_scratch(tmp_path):
    """Scratch rows are guessed from the first row's length; a part holding many more rows
    than guessed is parsed again with more (the kernel reports FULL instead of overrunning)."""
    first = "long" + "x" * 20000 + " 1 2\n"
    rest = "".join(f"w{i} {i} -{i}\n" for i in range(60000))
    (tmp_path / "v.txt").write_text(first + rest)
    kv = load(tmp_path / "v.txt")
    assert len(kv) == 60001 and kv.words[60000] == "w59999"
    np.testing.assert_array_equal(kv.vectors[1:, 0], np.arange(60000, dtype=np.float32))


@pytest.mark.parametrize("undecodable", [False, True])
def test_word_offsets_widen_past_32_bits(tmp_path, tiny_blocks, monkeypatch, undecodable):
    """Word offsets are 32-bit until the words pass OFFSETS32_BYTES (4 GiB), then 64-bit; here the
    limit is lowered to 100 bytes so a small file crosses it mid-read (or after U+FFFD doubles it)."""
    body, vectors, words = glove_text(60, 3)
    if undecodable:
        body = body.replace(words[0].encode(), b"\xe9" * 60, 1)
        words[0] = "\ufffd" * 60
        monkeypatch.setattr(textreader, "OFFSETS32_BYTES", len(b"".join(w.encode() + b"\n" for w in words[1:])) + 70)
    else:
        monkeypatch.setattr(textreader, "OFFSETS32_BYTES", 100)
    (tmp_path / "v.txt").write_bytes(body)
    _, packed, offsets = textreader.load_text(tmp_path / "v.txt", None, False)
    assert offsets.dtype == np.int64
    kv = load(tmp_path / "v.txt")
    assert kv.words == words and np.array_equal(kv.vectors, vectors)
    assert kv.words.index(words[45]) == 45 and words[45] in kv and kv[words[45]].tolist() == vectors[45].tolist()


def test_word_offsets_stay_32_bit_for_ordinary_files(tmp_path):
    body, _, _ = glove_text(60, 3)
    (tmp_path / "v.txt").write_bytes(body)
    assert textreader.load_text(tmp_path / "v.txt", None, False)[2].dtype == np.uint32
