"""The encoding pass on many threads: the same ids and sentences as one thread and as the twin."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference.texts import hostile_bytes
from wordvec.config import TokenizerConfig
from wordvec.text import encoding
from wordvec.text.encoding import encode_files
from wordvec.text.tokenize import iter_sentences
from wordvec.text.vocab import Vocab, build_vocab


def _encode(tmp_path, files, vocab, config, threads, block_bytes, name):
    folder = tmp_path / name
    folder.mkdir()
    info = encode_files(folder, [str(f) for f in files], vocab, config, threads=threads, block_bytes=block_bytes)
    return np.load(folder / "ids.npy"), np.load(folder / "offsets.npy"), info


def _twin(datas: list[bytes], vocab: Vocab, config: TokenizerConfig) -> list[list[int]]:
    """Sentences of rows the slow way: lines → words → rows, cut every max_sentence_length."""
    cap = config.max_sentence_length
    out = []
    for data in datas:
        for words in iter_sentences(data, config):
            rows = [vocab.index[w] for w in words if w in vocab.index]
            out.extend(rows[i:i + cap] for i in range(0, len(rows), cap))
    return out


@pytest.mark.parametrize("config", [TokenizerConfig(max_sentence_length=50),
                                    TokenizerConfig(tokens="raw", lowercase=False, max_token_bytes=12)],
                         ids=["words", "raw"])
def test_threads_give_identical_ids_and_sentences_equal_to_the_twin(tmp_path, brown_small, config):
    hostile = tmp_path / "hostile.txt"
    hostile.write_bytes(hostile_bytes(11, 6000))
    files = [brown_small, hostile]
    vocab = build_vocab(files, config, min_count=2).vocab
    ids, offsets, info = _encode(tmp_path, files, vocab, config, 1, 1 << 12, "serial")
    got = [ids[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:])]
    assert got == _twin([f.read_bytes() for f in files], vocab, config)
    for threads, block_bytes in ((2, 1 << 12), (3, 333), (3, 1 << 20)):
        other_ids, other_offsets, other_info = _encode(tmp_path, files, vocab, config, threads, block_bytes,
                                                       f"t{threads}-{block_bytes}")
        assert np.array_equal(ids, other_ids) and np.array_equal(offsets, other_offsets)
        assert other_info == info


def test_a_line_longer_than_a_block_is_cut_like_one_piece(tmp_path):
    config = TokenizerConfig(max_sentence_length=1000)
    path = tmp_path / "line.txt"
    path.write_bytes(" ".join(f"w{i % 97}" for i in range(25000)).encode())   # no newline at all
    vocab = build_vocab([path], config, min_count=1).vocab
    ids, offsets, _ = _encode(tmp_path, [path], vocab, config, 3, 1000, "line")
    assert np.diff(offsets).tolist() == [1000] * 25
    assert [vocab.words[i] for i in ids[:3]] == ["w0", "w1", "w2"]


def test_raw_token_cache_reset_keeps_results(tmp_path, monkeypatch):
    config = TokenizerConfig()
    path = tmp_path / "unicode.txt"
    path.write_bytes(hostile_bytes(3, 3000))
    vocab = build_vocab([path], config, min_count=1).vocab
    ids, offsets, _ = _encode(tmp_path, [path], vocab, config, 2, 512, "normal")
    monkeypatch.setattr(encoding, "ENCODE_MAX_TYPES", 3)   # forget the raw tokens after nearly every block
    again_ids, again_offsets, _ = _encode(tmp_path, [path], vocab, config, 2, 512, "reset")
    assert np.array_equal(ids, again_ids) and np.array_equal(offsets, again_offsets)


def test_a_full_output_stream_is_grown_and_resumed_without_losing_a_row(tmp_path):
    """The kernel stops when its output is full (at a token or at a line end) and goes on from
    there once Python has grown the stream: tiny streams give the same rows and line ends."""
    from wordvec.text.blocks import BufferPool, buffer_bytes, read_blocks
    from wordvec.text.tokenize import ScanStats
    from wordvec.text.encoding import Encoder

    config = TokenizerConfig()
    path = tmp_path / "t.txt"
    path.write_bytes(hostile_bytes(9, 2000))
    vocab = build_vocab([path], config, min_count=1).vocab

    def streams(stream_size):
        encoder, pool = Encoder(vocab.words, config, stream_size), BufferPool(buffer_bytes(config, 512))
        out = []
        for block in read_blocks([str(path)], config, pool, ScanStats(), 512):
            stream, used, _ = encoder.encode(block)
            out.append(stream[:used].tolist())
            pool.give(block.buffer)
        return out

    assert streams(1) == streams(1 << 16)


@pytest.mark.parametrize("threads, block_bytes", [(1, 1 << 12), (3, 211)])
def test_keep_empty_lines_gives_one_sentence_per_line(tmp_path, threads, block_bytes):
    """Item sequences are named by line: every line, empty or not, is a sentence (cut every
    max_sentence_length ids), and the file's end ends one more."""
    config = TokenizerConfig(tokens="raw", lowercase=False, max_sentence_length=7)
    path = tmp_path / "lines.txt"
    path.write_bytes(b"a b\n\n\n   \n" + hostile_bytes(13, 1500) + b"\n\nz\n")
    vocab = build_vocab([path], config, min_count=1).vocab
    folder = tmp_path / "out"
    folder.mkdir()
    encode_files(folder, [str(path)], vocab, config, threads=threads, block_bytes=block_bytes, keep_empty_lines=True)
    ids, offsets = np.load(folder / "ids.npy"), np.load(folder / "offsets.npy")
    got = [ids[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:])]
    expected = []
    for line in path.read_bytes().split(b"\n"):
        rows = [vocab.index[w] for words in iter_sentences(line, config) for w in words if w in vocab.index]
        while len(rows) >= 7:
            expected.append(rows[:7])
            rows = rows[7:]
        expected.append(rows)
    assert got == expected
