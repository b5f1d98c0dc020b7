"""Sinks: what the producer fills arrives whole and in order, on the worker thread too."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from wordvec.util.handoff import Sink, ThreadedSink


@pytest.mark.parametrize("kind", [Sink, ThreadedSink])
def test_pieces_arrive_in_order_and_intact(kind):
    received, threads = [], set()

    def consume(piece):
        time.sleep(0.001)                     # a slow consumer: buffers must not be refilled under it
        received.append(piece.copy())
        threads.add(threading.get_ident())

    sink = kind(consume, np.int32, 16)
    for start in range(0, 400, 10):
        out = sink.buffer()
        out[:10] = np.arange(start, start + 10)
        sink.send(out[:10])
        sink.send(out[:0])                    # nothing to hand on: no call
    sink.close()
    assert np.array_equal(np.concatenate(received), np.arange(400)) and len(received) == 40
    assert (threading.get_ident() in threads) == (kind is Sink)


def test_a_failing_consumer_fails_the_producer():
    def consume(piece):
        raise ValueError("disk full")

    sink = ThreadedSink(consume, np.uint8, 8)
    with pytest.raises(ValueError, match="disk full"):
        for _ in range(10):
            out = sink.buffer()
            out[:4] = 1
            sink.send(out[:4])
        sink.close()
