"""util/rss: the peak follows a large allocation and starts again after a reset."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.util import rss


def test_peak_sees_an_allocation_and_resets():
    if rss.current_bytes() is None or not rss.reset_peak():
        pytest.skip("no /proc/self/status or clear_refs here")
    before = rss.peak_bytes()
    block = np.ones(64 << 20, dtype=np.uint8)  # 64 MiB, touched
    del block
    assert rss.peak_bytes() >= before + (60 << 20)
    assert rss.reset_peak()
    assert rss.peak_bytes() < before + (32 << 20)  # the freed block no longer counts
    assert rss.current_bytes() <= rss.peak_bytes()
