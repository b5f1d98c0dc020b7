"""The Huffman tree of hierarchical softmax, built from word counts as word2vec builds it.

Hierarchical softmax (Morin & Bengio 2005; word2vec's -hs 1) replaces the V-way softmax by a
walk from the root of a binary tree to the word's leaf: at each inner node n on the way, a
logistic unit with output vector w_out[n] predicts which child comes next. Frequent words get
short codes, so the expected walk is short. There are V - 1 inner nodes, numbered 0..V-2
(the root is V-2), and w_out has V - 1 rows.

The construction is word2vec's (CreateBinaryTree): leaves sorted by descending count, two
queues (leaves from the rarest up, inner nodes in creation order), and at each step the two
smallest nodes merged, a leaf winning only when strictly smaller than the next inner node;
the second of the two gets bit 1. The same counts give the same tree as the C tool.
numpy only (a Python loop of V - 1 steps to merge, vectorised code assignment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HuffmanTree:
    """Codes and paths of every word, CSR by word id.

    Word w's path has ``offsets[w+1] - offsets[w]`` steps; step k is the inner node
    ``points[offsets[w] + k]`` (step 0 is the root) and the bit ``codes[offsets[w] + k]`` says
    which child to take (word2vec trains sigmoid(w_in · w_out[point]) towards 1 - code).
    """

    offsets: np.ndarray  # int64 [V + 1]
    codes: np.ndarray    # uint8 [N]: 0 or 1
    points: np.ndarray   # int32 [N]: inner node ids, 0 .. V-2

    @property
    def inner_nodes(self) -> int:
        return len(self.offsets) - 2

    def code(self, word: int) -> tuple[list[int], list[int]]:
        """(codes, points) of one word, root first: for reading and tests."""
        a, b = self.offsets[word], self.offsets[word + 1]
        return self.codes[a:b].tolist(), self.points[a:b].tolist()


def huffman_tree(counts: np.ndarray) -> HuffmanTree:
    """word2vec's Huffman tree over ``counts`` (int [V], V >= 2), returned per word id.

    Words are taken in order of descending count, ties in id order (a vocabulary sorted by
    descending count, as ours always is, is used as it is).
    """
    counts = np.asarray(counts, dtype=np.int64)
    vocab = len(counts)
    if vocab < 2:
        raise ValueError("hierarchical softmax needs at least two words in the vocabulary")
    if (counts < 0).any():
        raise ValueError("word counts must not be negative")
    order = np.argsort(-counts, kind="stable")      # leaf j (0-based) is word order[j]
    # nodes 0..V-1 are leaves by descending count, V..2V-2 inner nodes in creation order; an
    # inner node not made yet weighs infinity (word2vec's 1e15), so a leaf is taken before it
    weight = counts[order].tolist() + [float("inf")] * (vocab - 1)
    parent = [0] * (2 * vocab - 1)
    bit = [0] * (2 * vocab - 1)
    leaf, inner = vocab - 1, vocab                  # next smallest leaf; next unmerged inner node
    for new in range(vocab, 2 * vocab - 1):
        # the two lightest nodes; a leaf wins only when strictly lighter (word2vec's rule)
        if leaf >= 0 and weight[leaf] < weight[inner]:
            first, leaf = leaf, leaf - 1
        else:
            first, inner = inner, inner + 1
        if leaf >= 0 and weight[leaf] < weight[inner]:
            second, leaf = leaf, leaf - 1
        else:
            second, inner = inner, inner + 1
        weight[new] = weight[first] + weight[second]
        parent[first] = parent[second] = new
        bit[second] = 1                             # the second of the pair is the 1 branch
    return _paths(np.array(parent, dtype=np.int64), np.array(bit, dtype=np.uint8), order)


def _paths(parent: np.ndarray, bit: np.ndarray, order: np.ndarray) -> HuffmanTree:
    """Walk every leaf up to the root at once (one numpy step per level) and lay the paths
    out root first, by word id."""
    vocab = len(order)
    root = 2 * vocab - 2
    depth = np.zeros(vocab, dtype=np.int64)
    node = np.arange(vocab)
    while (active := node != root).any():
        depth += active
        node = np.where(active, parent[node], root)
    lengths = np.empty(vocab, dtype=np.int64)
    lengths[order] = depth                          # leaf j belongs to word order[j]
    offsets = np.zeros(vocab + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    codes = np.empty(offsets[-1], dtype=np.uint8)
    points = np.empty(offsets[-1], dtype=np.int32)
    # step s from leaf j: node b_s (b_0 = the leaf) fills position depth - 1 - s of j's path
    # with its bit and its parent's inner-node id
    node = np.arange(vocab)
    start = offsets[order]
    for step in range(int(depth.max())):
        active = np.nonzero(depth > step)[0]
        at = start[active] + depth[active] - 1 - step
        codes[at] = bit[node[active]]
        points[at] = parent[node[active]] - vocab
        node[active] = parent[node[active]]
    return HuffmanTree(offsets, codes, points)
