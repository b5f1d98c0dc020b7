"""Blocks: where files are cut, and the ordered thread runner."""

from __future__ import annotations

import random
import threading
import time

import pytest

from tests.reference.texts import hostile_bytes
from wordvec.config import TokenizerConfig
from wordvec.text.blocks import BufferPool, buffer_bytes, read_blocks, run_in_order
from wordvec.text.tokenize import ScanStats

WHITESPACE = b" \t\n\x0b\x0c\r\x00"


def _blocks(path, config, block_bytes):
    pool = BufferPool(buffer_bytes(config, block_bytes))
    stats = ScanStats()
    out = []
    for block in read_blocks([str(path)], config, pool, stats, block_bytes):
        out.append((block.buffer[: block.length].tobytes(), block.skipping, block.file_end))
        pool.give(block.buffer)
    return out, stats


@pytest.mark.parametrize("block_bytes", [1, 7, 64, 4096])
def test_blocks_cover_the_file_and_cut_between_tokens(tmp_path, block_bytes):
    config = TokenizerConfig(max_token_bytes=24)
    data = hostile_bytes(1, 1500)
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    blocks, stats = _blocks(path, config, block_bytes)
    assert b"".join(b for b, _, _ in blocks) == data and stats.bytes == len(data)
    assert [end for _, _, end in blocks] == [False] * (len(blocks) - 1) + [True]
    _check_cuts(blocks, config.max_token_bytes)


def _check_cuts(blocks, cap):
    """Each block ends after its last newline if it holds one, else after whitespace; only a
    stretch without whitespace longer than the cap is cut inside a token, and then the next
    block starts by skipping."""
    assert not blocks[0][1]
    for (text, skipping, _), (_, next_skipping, _) in zip(blocks, blocks[1:]):
        if text[-1] in WHITESPACE:
            assert not next_skipping
            assert b"\n" not in text or text.endswith(b"\n")
        else:
            assert next_skipping and not any(c in WHITESPACE for c in text)
            assert skipping or len(text) > cap


def test_a_long_line_is_cut_at_spaces_and_a_line_without_spaces_inside_a_token(tmp_path):
    config = TokenizerConfig(max_token_bytes=10)
    path = tmp_path / "line.txt"
    path.write_bytes(b"word " * 2000)            # 10 kB, no newline
    blocks, _ = _blocks(path, config, 256)
    assert len(blocks) > 30 and all(b.endswith(b" ") for b, _, _ in blocks[:-1])
    path.write_bytes(b"y" * 3000 + b" tail")     # one 3 kB token: cut inside it, the rest skipped
    blocks, _ = _blocks(path, config, 256)
    _check_cuts(blocks, 10)
    assert len(blocks) > 10 and all(skipping for _, skipping, _ in blocks[1:-1])


@pytest.mark.parametrize("threads", [1, 3])
def test_run_in_order_returns_results_in_block_order(threads):
    seen = []
    rng = random.Random(3)
    delays = [rng.random() * 0.002 for _ in range(60)]

    def work(i):
        time.sleep(delays[i])
        return i * i, threading.get_ident()

    run_in_order(iter(range(60)), work, lambda i, result: seen.append((i, result[0])), threads)
    assert seen == [(i, i * i) for i in range(60)]


def test_run_in_order_stops_on_an_error_in_a_worker():
    consumed = []

    def work(i):
        if i == 7:
            raise ValueError("block 7 is broken")
        return i

    with pytest.raises(ValueError, match="block 7"):
        run_in_order(iter(range(100)), work, lambda i, r: consumed.append(r), 2)
    assert consumed == list(range(7))


def test_byte_kernels_fall_back_to_ordinary_compilation_without_the_private_option(monkeypatch):
    """The byte kernels skip numba's reference counting through a private option; a numba that
    no longer has it must get the ordinary decorator, not an error at the first call."""
    from numba.core import cpu

    from wordvec._kernels import jit

    assert jit._without_nrt() == {"_nrt": False}       # this numba has it
    monkeypatch.setattr(cpu, "CPUTargetOptions", type("OptionsWithoutNrt", (), {}))
    assert jit._without_nrt() == {}
