"""item2vec: the kernel against its numpy twin, the trainer, tuning and the command end to end."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import item2vec as reference
from wordvec.train.tables import keep_probabilities, negative_table


def item_sequences(seed, n_items=40, n_sequences=30, longest=60):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_items + 1)
    p /= p.sum()
    lengths = rng.integers(1, 12, size=n_sequences)
    lengths[5] = longest                                  # one sequence past the cap
    ids = np.concatenate([rng.choice(n_items, size=n, p=p) for n in lengths]).astype(np.int32)
    return ids, np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)


@pytest.mark.parametrize("exact,window,cap,group", [(True, 0, 20, 4), (False, 0, 20, 4), (False, 0, 1000, 3),
                                                    (True, 3, 20, 4), (False, 2, 20, 2)])
def test_kernel_matches_reference(exact, window, cap, group):
    from wordvec._kernels.item2vec import train_items
    from wordvec._kernels.rng import thread_seeds
    from wordvec.train.word2vec import init_weights

    ids, offsets = item_sequences(3)
    counts = np.maximum(np.bincount(ids, minlength=40), 1)
    keep = keep_probabilities(counts, 0.01)
    assert (keep < 1).sum() >= 3                          # the subsampling coin is exercised
    cum, guide = negative_table(counts, 0.5)
    w_in, w_out = init_weights(40, 12, seed=5)
    w_out += (np.random.default_rng(1).random(w_out.shape, dtype=np.float32) - 0.5) * 0.2
    state = thread_seeds(11, 2)
    ref_in, ref_out, ref_loss, ref_preds, ref_items, ref_state = reference.train_items(
        exact, w_in, w_out, ids, offsets, 2, 28, keep, cum, guide, window, cap, group, 4, 0.1, 0.02, int(state[1]))
    stats = np.zeros((2, 3))
    start_in = w_in.copy()
    train_items(exact, w_in, w_out, ids, offsets, 2, 28, keep, cum, guide, window, cap, group, 4, 0.1, 0.02,
                state, 1, stats)
    assert int(state[1]) == ref_state
    assert stats[1].tolist() == [pytest.approx(ref_loss, rel=1e-4), ref_preds, ref_items]
    assert np.all(stats[0] == 0)
    assert np.abs(ref_in - start_in).max() > 1e-2
    np.testing.assert_allclose(w_in, ref_in, atol=3e-5)
    np.testing.assert_allclose(w_out, ref_out, atol=3e-5)
    if window == 0 and cap == 20:                         # the long sequence's centers got 20 contexts each
        assert ref_preds < int(np.sum(np.diff(offsets)[2:28] * (np.diff(offsets)[2:28] - 1)))
