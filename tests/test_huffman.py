"""The Huffman tree of hierarchical softmax against a hand-worked example and word2vec's rules."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference.huffman import weighted_path_length, word2vec_tree
from wordvec.train.huffman import huffman_tree


def test_hand_worked_example():
    # counts 5 3 2 1: merge 2+1 -> n4 (3); the leaf 3 is not strictly lighter than n4, so n4
    # goes first and the leaf second: n4+3 -> n5 (6); 5+n5 -> n6 (11), the root, inner id 2.
    # The second node of each merge gets bit 1; inner ids are node - 4.
    tree = huffman_tree(np.array([5, 3, 2, 1]))
    assert tree.inner_nodes == 3
    assert tree.code(0) == ([0], [2])
    assert tree.code(1) == ([1, 1], [2, 1])
    assert tree.code(2) == ([1, 0, 1], [2, 1, 0])
    assert tree.code(3) == ([1, 0, 0], [2, 1, 0])


@pytest.mark.parametrize("seed", range(6))
def test_equals_word2vec_construction(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 300))
    # Zipf-like counts with many ties, sorted as a vocabulary is
    counts = np.sort((1e4 / np.arange(1, size + 1) ** rng.uniform(0.5, 1.5)).astype(np.int64) + 1)[::-1]
    tree = huffman_tree(counts)
    expected = word2vec_tree(counts.tolist())
    for word, path in enumerate(expected):
        assert tree.code(word) == path, word
    lengths = np.diff(tree.offsets)
    # an optimal prefix code: Kraft's sum is exactly 1 and the weighted length is Huffman's
    assert np.sum(0.5 ** lengths) == pytest.approx(1.0)
    assert int(np.sum(lengths * counts)) == weighted_path_length(counts)
    # prefix-free: no word's code (with its path) starts another's
    codes = {tuple(tree.code(w)[0]) for w in range(size)}
    assert len(codes) == size
    assert not any(c[:k] in codes for c in codes for k in range(1, len(c)))
    assert tree.points.min() >= 0 and tree.points.max() == size - 2


def test_unsorted_counts_are_taken_by_descending_count():
    counts = np.array([2, 5, 1, 3])
    tree = huffman_tree(counts)
    by_count = huffman_tree(np.array([5, 3, 2, 1]))
    for word, rank in zip(range(4), [2, 0, 3, 1]):
        assert tree.code(word) == by_count.code(rank)


def test_two_words_and_refusals():
    tree = huffman_tree(np.array([1, 1]))
    assert tree.code(0) == ([1], [0]) and tree.code(1) == ([0], [0])
    with pytest.raises(ValueError):
        huffman_tree(np.array([7]))
    with pytest.raises(ValueError):
        huffman_tree(np.array([3, -1]))
