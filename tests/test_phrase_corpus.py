"""A phrase table applied on the fly while counting and encoding equals training on the joined text."""

from __future__ import annotations

import numpy as np

from tests.conftest import run_wordvec
from wordvec.config import PhraseConfig, TokenizerConfig
from wordvec.text.corpus import prepare_corpus
from wordvec.text.phrases import join_phrases, learn_phrases
from wordvec.vectors.formats import load


def test_on_the_fly_equals_the_joined_text(brown_small, tmp_path):
    table = learn_phrases([brown_small], PhraseConfig(scoring="npmi", threshold=0.3, min_count=3, passes=2,
                                                      connector_words="of,the")).table
    joined = tmp_path / "joined.txt"
    join_phrases(table, [brown_small], joined)
    # the joined text is already normalised: read it back token for token
    expected_vocab, expected = prepare_corpus([joined], TokenizerConfig(tokens="raw", lowercase=False),
                                              min_count=3, cache=False)
    vocab, corpus = prepare_corpus([brown_small], min_count=3, cache=False, phrases=table)
    assert vocab.words == expected_vocab.words and np.array_equal(vocab.counts, expected_vocab.counts)
    assert np.array_equal(corpus.ids, expected.ids) and np.array_equal(corpus.offsets, expected.offsets)
    assert any("_" in w for w in vocab.words[:2000])
    assert corpus.info["phrases"]["fingerprint"] == table.fingerprint()
    cached_vocab, cached = prepare_corpus([brown_small], min_count=3, phrases=table)   # fills the cache
    again_vocab, again = prepare_corpus([brown_small], min_count=3, phrases=table)     # reads it
    assert again_vocab.words == vocab.words and np.array_equal(again.ids, corpus.ids)
    plain_vocab, _ = prepare_corpus([brown_small], min_count=3)                        # never mixed up
    assert not any("_" in w for w in plain_vocab.words)


def test_train_with_phrases(brown_small, tmp_path):
    table = tmp_path / "table.txt"
    code, _, stderr = run_wordvec("phrases", brown_small, "--save-table", table, "--scoring", "npmi",
                                  "--threshold", "0.3", "--min-count", "3")
    assert code == 0, stderr
    out = tmp_path / "v.wv"
    code, _, stderr = run_wordvec("train", "cbow", brown_small, "-o", out, "--phrases", table, "--epochs", "1",
                                  "--dim", "16", "--threads", "1", "--min-count", "3", "--tokens", "raw")
    assert code == 0, stderr
    assert "learned with --tokens words" in stderr            # a different tokenizer is pointed out
    kv = load(out)
    assert any("_" in w for w in kv.words) and kv.meta["corpus"]["phrases"]["table"] == str(table)
