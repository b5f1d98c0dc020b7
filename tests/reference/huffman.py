"""word2vec's CreateBinaryTree transcribed step by step (arrays of 2V nodes, the 1e15
sentinel for inner nodes not yet made), as the twin of wordvec/train/huffman.py."""

from __future__ import annotations

import numpy as np


def word2vec_tree(counts: list[int]) -> list[tuple[list[int], list[int]]]:
    """(codes, points) per word, root first; counts must be sorted in descending order."""
    vocab = len(counts)
    count = list(counts) + [10**15] * vocab
    binary = [0] * (2 * vocab)
    parent_node = [0] * (2 * vocab)
    pos1, pos2 = vocab - 1, vocab
    for a in range(vocab - 1):
        picked = []
        for _ in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                picked.append(pos1)
                pos1 -= 1
            else:
                picked.append(pos2)
                pos2 += 1
        count[vocab + a] = count[picked[0]] + count[picked[1]]
        parent_node[picked[0]] = parent_node[picked[1]] = vocab + a
        binary[picked[1]] = 1
    paths = []
    for a in range(vocab):
        code, point, b = [], [], a
        while True:
            code.append(binary[b])
            point.append(b)
            b = parent_node[b]
            if b == 2 * vocab - 2:
                break
        length = len(code)
        codes = [code[length - 1 - i] for i in range(length)]
        points = [vocab - 2] + [point[length - i] - vocab for i in range(1, length)]
        paths.append((codes, points))
    return paths


def weighted_path_length(counts: np.ndarray) -> int:
    """sum(count × code length) of an optimal prefix code (heapq Huffman): the bound any Huffman tree meets."""
    import heapq

    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    total = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        total += merged
        heapq.heappush(heap, merged)
    return total
