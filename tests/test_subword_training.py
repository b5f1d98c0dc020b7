"""Training with subwords and hierarchical softmax: the driver, a calibrated check of what
the vectors learn, and the command line end to end (unseen words included)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import brown_lines, run_wordvec
from tests.test_word2vec import encode
from wordvec.config import Word2VecConfig
from wordvec.errors import CorpusError, WordvecError
from wordvec.train.word2vec import train_word2vec
from wordvec.vectors.formats import load

MISSPELLINGS = {"goverment": "government", "presidnet": "president", "administation": "administration",
                "committe": "committee", "legislatre": "legislature", "electon": "election",
                "departmnet": "department", "amendmnet": "amendment", "candidte": "candidate",
                "republcan": "republican"}


@pytest.fixture(scope="module")
def brown_20k():
    return encode([line.lower() for line in brown_lines(20_000)], min_count=5)  # 393k tokens, 7.6k words


def rank(kv, query: str, answer: str, topn: int = 50) -> int:
    found = [w for w, _ in kv.most_similar(query, topn=topn)]
    return found.index(answer) + 1 if answer in found else topn + 1


# Calibration (20k Brown sentences, subwords 3-6 in 100k buckets, dim 50, 3 epochs, 2 threads,
# seeds 1-3, about 3 s each on this 2-core machine). Misspellings, never seen in training, whose
# correct spelling ranked 1st: 7, 6, 6 of the 10 with --loss hs, within the top 10: 9, 9, 9.
# With negative sampling so little text leaves every vector sharing one dominant direction
# (fastText's do too at these settings: 2 of the 10 first), and only 2, 0, 2 ranked 1st and 4,
# 4, 4 within the top 10; the test asks that of hs, and of negative sampling only the top-10
# figure. Spelling alone explains part of this (an untrained matrix ranks several of them 1st),
# so the test also asks for what only training gives: "three" among the nearest words of "two"
# (no n-gram in common) ranked 1, 1, 1 (hs) and 1, 3, 5 (ns). The thresholds sit one or two
# below the worst calibrated seed; a model that does not learn puts "three" at a random rank
# among 7.6k words.
@pytest.mark.parametrize("loss, first, top10, three_within", [("hs", 5, 7, 3), ("ns", None, 3, 10)])
def test_misspellings_find_their_correct_spelling(brown_20k, loss, first, top10, three_within):
    vocab, corpus = brown_20k
    assert not any(m in vocab.index for m in MISSPELLINGS) and all(w in vocab.index for w in MISSPELLINGS.values())
    config = Word2VecConfig(subwords="3-6", buckets=100_000, loss=loss, dim=50, epochs=3, threads=2, seed=1)
    kv = train_word2vec(corpus, vocab, config).kv
    ranks = [rank(kv, wrong, right) for wrong, right in MISSPELLINGS.items()]
    if first is not None:
        assert sum(r == 1 for r in ranks) >= first, ranks
    assert sum(r <= 10 for r in ranks) >= top10, ranks
    assert rank(kv, "two", "three") <= three_within


@pytest.mark.parametrize("subwords", ["3-6", None])
def test_subwords_subsample_against_every_token_read_as_fasttext(tmp_path, monkeypatch, subwords):
    """With subwords the frequency of a word is its count over every token read plus one
    end-of-line token per sentence (fastText's ntokens); plain word2vec keeps the kept tokens."""
    import wordvec.train.word2vec as driver
    from wordvec.text.corpus import prepare_corpus

    text = tmp_path / "brown.txt"
    lines = brown_lines(2_000)
    text.write_text("\n".join(lines) + "\n")
    vocab, corpus = prepare_corpus([str(text)], min_count=5, cache=False)
    totals = []
    real = driver.keep_probabilities
    monkeypatch.setattr(driver, "keep_probabilities", lambda counts, sample, total=None: totals.append(total)
                        or real(counts, sample, total))
    config = Word2VecConfig(subwords=subwords, buckets=1_000, loss="hs", dim=8, epochs=1, threads=1, seed=1)
    train_word2vec(corpus, vocab, config)
    read = sum(len(line.split()) for line in lines) + corpus.n_sentences
    assert corpus.info["raw_tokens"] + corpus.info["sentences"] == read > vocab.total_tokens  # words under 5
    assert totals == ([read] if subwords else [None])


def test_vectors_are_the_mean_of_their_rows_and_ngram_rows_trained(brown_20k, tmp_path):
    """The saved vector of a word is its own row and its n-gram rows averaged (fastText's
    get_word_vector); only buckets some word uses get a row, the others read (and save) as zeros."""
    from wordvec.train.subwords import input_rows
    from wordvec.train.word2vec import init_weights
    from wordvec.vectors.subwords import ngram_table

    vocab, corpus = brown_20k
    config = Word2VecConfig(subwords="2-4", buckets=50_000, dim=16, epochs=1, threads=1, seed=3)
    result = train_word2vec(corpus, vocab, config)
    kv = result.kv
    offsets, rows, bucket_rows = input_rows(vocab.words, 2, 4, 50_000)
    used = np.nonzero(bucket_rows >= 0)[0]
    assert kv.subwords.buckets == 50_000 and kv.subwords.ngrams.shape == (len(used), 16) and len(used) < 40_000
    start, _ = init_weights(len(vocab) + len(used), 16, 3, config.init_width)
    assert (np.abs(kv.subwords.ngrams - start[len(vocab):]).max(axis=1) > 0).mean() > 0.99   # n-gram rows trained
    for word in ("the", "government", "three"):
        w = vocab.index[word]
        own = rows[offsets[w]:offsets[w + 1]]
        word_row = kv.vectors[w] * len(own) - kv.subwords.ngrams[own[1:] - len(vocab)].sum(axis=0)
        assert np.abs(word_row - start[w]).max() > 0.01                 # the word's own row trained too
    # an unseen word: the mean over its buckets, unused ones counting as zero rows
    buckets = ngram_table(["qzxw"], 2, 4, 50_000)[1]
    expected = sum(kv.subwords.ngrams[bucket_rows[b]] if bucket_rows[b] >= 0 else 0 for b in buckets) / len(buckets)
    np.testing.assert_allclose(kv["qzxw"], expected, rtol=1e-5, atol=1e-7)
    kv.save(tmp_path / "m.wv")
    back = load(tmp_path / "m.wv")
    assert back.subwords.ngrams.shape == (50_000, 16) and not back.subwords.ngrams[bucket_rows < 0].any()
    np.testing.assert_array_equal(back.subwords.ngrams[used], kv.subwords.ngrams)
    np.testing.assert_allclose(back["qzxw"], kv["qzxw"], rtol=1e-6)
    assert result.context is not None and result.context.shape == kv.vectors.shape
    assert kv.meta["subwords"] == [2, 4] and kv.meta["config"]["subwords"] == "2-4"


def test_one_thread_and_a_seed_repeat_exactly(brown_20k):
    vocab, corpus = brown_20k
    for extra in ({"subwords": "3-5", "buckets": 30_000}, {"loss": "hs"},
                  {"subwords": "3-5", "buckets": 30_000, "loss": "hs", "arch": "cbow"}):
        config = Word2VecConfig(dim=12, epochs=1, threads=1, seed=9, chunk_tokens=100_000, **extra)
        first, second = (train_word2vec(corpus, vocab, config).kv for _ in range(2))
        assert np.array_equal(first.vectors, second.vectors), extra
        if first.subwords is not None:
            assert np.array_equal(first.subwords.ngrams, second.subwords.ngrams)


def test_hierarchical_softmax_needs_two_words():
    vocab, corpus = encode(["only only only"], min_count=1)
    with pytest.raises(CorpusError, match="at least two words"):
        train_word2vec(corpus, vocab, Word2VecConfig(loss="hs", dim=4, epochs=1, threads=1))


@pytest.mark.parametrize("value", ["three", "3-", "-6", "6-3", "0-4", "3-40", "3 6"])
def test_bad_subword_ranges_are_refused(value):
    with pytest.raises(WordvecError, match="--subwords"):
        Word2VecConfig(subwords=value).validate()
    assert Word2VecConfig(subwords="4").validate().ngram_lengths == (4, 4)


# ---------------------------------------------------------------- the command line end to end

def test_cli_subword_skipgram_answers_for_unseen_words(tmp_path, brown_small):
    out = tmp_path / "sub.wv"
    args = ["train", "skipgram", brown_small, "-o", out, "--subwords", "3-6", "--buckets", "50000", "--dim", "24",
            "--epochs", "2", "--threads", "1", "--seed", "4", "--json"]
    result = run_wordvec(*args)
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["trainer"] == "word2vec-skipgram" and summary["words_per_second"] > 0
    kv = load(out)
    assert kv.subwords.ngrams.shape == (50_000, 24) and (out / "ngrams.npy").is_file()
    assert json.loads((out / "meta.json").read_text())["buckets"] == 50_000
    again = tmp_path / "again.wv"
    assert run_wordvec(*[again if a == out else a for a in args]).code == 0
    assert np.array_equal(load(again).vectors, kv.vectors)            # --seed with one thread

    code, stdout, stderr = run_wordvec("similar", out, "goverment", "--topn", "3")
    assert code == 0 and stdout.splitlines()[0] == "goverment" and len(stdout.splitlines()) == 4
    assert "'goverment' is not in the vocabulary: its vector was composed" in stderr
    code, stdout, _ = run_wordvec("similarity", out, "goverment", "government", "--json")
    assert code == 0 and json.loads(stdout)["results"][0]["score"] == pytest.approx(
        kv.similarity("goverment", "government"), abs=1e-5)
    code, stdout, _ = run_wordvec("analogy", out, "man", "goverment", "woman", "--topn", "1")
    assert code == 0 and len(stdout.splitlines()) == 2
    code, stdout, stderr = run_wordvec("evaluate", out, "--no-analogies")
    assert code == 0 and "all pairs" in stdout and "composed from their character n-grams" in stderr
    # word2vec text holds the vocabulary's composed vectors, as fastText's .vec
    assert run_wordvec("convert", out, tmp_path / "sub.vec", "--to", "vec").code == 0
    np.testing.assert_allclose(load(tmp_path / "sub.vec").vectors, kv.vectors, rtol=1e-5, atol=1e-6)


def test_cli_hierarchical_softmax_cbow_and_plain(tmp_path, brown_small):
    code, stdout, stderr = run_wordvec("train", "cbow", brown_small, "-o", tmp_path / "hs.wv", "--loss", "hs",
                                       "--subwords", "3-6", "--buckets", "20000", "--dim", "16", "--epochs", "1",
                                       "--threads", "2", "--negative", "3")
    assert code == 0, stderr
    assert "hierarchical softmax (--negative 3 ignored)" in stderr and "subwords 3-6" in stderr
    assert load(tmp_path / "hs.wv").subwords is not None
    code, _, stderr = run_wordvec("train", "skipgram", brown_small, "-o", tmp_path / "plain.wv", "--loss", "hs",
                                  "--dim", "16", "--epochs", "1", "--threads", "2")
    assert code == 0, stderr
    plain = load(tmp_path / "plain.wv")
    assert plain.subwords is None and not (tmp_path / "plain.wv" / "ngrams.npy").exists()
    assert plain.meta["config"]["loss"] == "hs"
    code, _, stderr = run_wordvec("similar", tmp_path / "plain.wv", "goverment")
    assert code == 1 and "unknown word: 'goverment'" in stderr
