"""Partitions of a corpus for a Dask cluster: where large files are cut, what is read whole."""

from __future__ import annotations

import codecs
import gzip

import pytest

from wordvec.cluster.partitions import partition_bytes, plan_partitions
from wordvec.config import TokenizerConfig
from wordvec.errors import WordvecError

CONFIG = TokenizerConfig(max_token_bytes=16)


def _text(pieces, path):
    data = path.read_bytes()
    return [data[p.start:p.end] for p in pieces]


def test_cuts_follow_newlines_then_whitespace_then_cut_long_tokens(tmp_path, monkeypatch):
    import wordvec.cluster.partitions as partitions

    monkeypatch.setattr(partitions, "_SEARCH", 64)
    lines = tmp_path / "lines.txt"
    lines.write_bytes(b"".join(f"line {i} has some words\n".encode() for i in range(200)))
    pieces = plan_partitions([str(lines)], CONFIG, 500)
    texts = _text(pieces, lines)
    assert len(pieces) > 5 and b"".join(texts) == lines.read_bytes()
    assert all(t.endswith(b"\n") for t in texts) and not any(p.skipping for p in pieces)
    assert [p.file_start for p in pieces] == [True] + [False] * (len(pieces) - 1)
    assert [p.file_end for p in pieces] == [False] * (len(pieces) - 1) + [True]

    one_line = tmp_path / "one-line.txt"
    one_line.write_bytes(b"word " * 400)                     # no newline: cut after a space
    texts = _text(plan_partitions([str(one_line)], CONFIG, 300), one_line)
    assert len(texts) > 4 and all(t.endswith(b" ") for t in texts)

    token = tmp_path / "token.txt"
    token.write_bytes(b"a " + b"x" * 3000 + b" b")           # no whitespace for 3 kB: cut inside it
    pieces = plan_partitions([str(token)], CONFIG, 500)
    assert len(pieces) > 2 and all(p.skipping for p in pieces[1:-1]) and not pieces[0].skipping
    texts = _text(pieces, token)
    assert b"".join(texts) == token.read_bytes() and texts[-1] == b"b" and not pieces[-1].skipping


def test_small_compressed_and_utf16_files_are_whole_and_a_utf8_bom_is_skipped(tmp_path):
    small = tmp_path / "small.txt"
    small.write_bytes(b"a b c\n")
    packed = tmp_path / "big.gz"
    packed.write_bytes(gzip.compress(b"word\n" * 5000))
    wide = tmp_path / "wide.txt"
    wide.write_bytes(codecs.BOM_UTF16_LE + "word\n".encode("utf-16-le") * 2000)
    bom = tmp_path / "bom.txt"
    bom.write_bytes(codecs.BOM_UTF8 + b"word\n" * 2000)
    pieces = plan_partitions([str(p) for p in (small, packed, wide, bom)], CONFIG, 1000)
    assert [p.whole for p in pieces[:3]] == [True, True, True]
    assert pieces[3].start == 3 and pieces[3].file_start and pieces[-1].end == bom.stat().st_size


def test_stdin_is_refused_and_sizes_are_bounded():
    with pytest.raises(WordvecError, match="stdin"):
        plan_partitions(["-"], CONFIG, 1000)
    assert partition_bytes(10, 2) == 16 << 20 and partition_bytes(10**12, 2) == 256 << 20
    assert partition_bytes((64 << 20) * 8, 2) == 64 << 20
