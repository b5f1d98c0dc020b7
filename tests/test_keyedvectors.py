"""KeyedVectors: lookups and queries on hand-built matrices with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.errors import WordvecError
from wordvec.vectors.formats import load, save
from wordvec.vectors.keyedvectors import KeyedVectors, UnknownWordError
from tests.reference import vectors as ref


@pytest.fixture
def kv():
    matrix, words = ref.royal_vectors()
    return KeyedVectors(matrix, words, counts=np.arange(len(words), 0, -1) * 10, meta={"trainer": "hand"})


def test_container_protocol(kv):
    assert len(kv) == 9 and kv.dim == 5
    assert "king" in kv and "emperor" not in kv
    np.testing.assert_array_equal(kv["king"], [1, 1, 0, 0, 0])
    kv["king"][0] = 99  # a copy: the table is not changed through it
    assert kv.vectors[kv.row("king"), 0] == 1
    np.testing.assert_allclose(np.linalg.norm(kv.get_vector("king", norm=True)), 1, rtol=1e-6)
    np.testing.assert_array_equal(kv[["king", "apple"]], kv.vectors[[2, 5]])


def test_king_minus_man_plus_woman_is_queen(kv):
    assert kv.analogy("man", "king", "woman", topn=1)[0][0] == "queen"
    assert kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    assert kv.analogy("man", "king", "woman", method="3cosmul", topn=1)[0][0] == "queen"
    assert kv.analogy("man", "boy", "woman", topn=1)[0][0] == "girl"
    (first, s1), (_, s2) = kv.analogy("man", "king", "woman", topn=2)
    assert s1 > s2 and s1 <= 1.0


def test_query_words_never_answer(kv):
    for topn in (1, 3, 20):
        answers = [w for w, _ in kv.analogy("man", "king", "woman", topn=topn)]
        assert not {"man", "king", "woman"} & set(answers)
        assert len(answers) == min(topn, len(kv) - 3)
    assert "apple" not in [w for w, _ in kv.most_similar("apple", topn=20)]
    assert kv.most_similar("apple", topn=1)[0][0] == "pear"


def test_most_similar_matches_reference_on_random_vectors():
    rng = np.random.default_rng(11)
    matrix = rng.standard_normal((200, 12)).astype(np.float32)
    kv = KeyedVectors(matrix, [f"w{i}" for i in range(200)])
    for method in ("3cosadd", "3cosmul"):
        got = kv.most_similar(["w3", "w17"], ["w40"], topn=7, method=method, restrict=150)
        expected = ref.most_similar(matrix, [3, 17], [40], topn=7, method=method, restrict=150)
        assert [w for w, _ in got] == [f"w{r}" for r, _ in expected]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-4, atol=1e-5)


def test_batch_of_words_equals_one_by_one(kv):
    many = kv.most_similar_many(["king", "apple", "girl"], topn=4)
    for word, answers in zip(["king", "apple", "girl"], many):
        assert answers == kv.similar_by_word(word, topn=4)
        assert [w for w, _ in answers] == [w for w, _ in kv.most_similar(word, topn=4)]


def test_restrict_limits_answers_to_leading_rows(kv):
    answers = kv.most_similar("queen", topn=10, restrict=4)
    assert kv.words[:4] == ["man", "woman", "king", "queen"]
    assert sorted(w for w, _ in answers) == ["king", "man", "woman"]  # the other leading rows, nothing beyond


def test_similar_by_vector_excludes_nothing(kv):
    assert kv.similar_by_vector(kv["pear"], topn=1)[0][0] == "pear"


def test_similarity_and_doesnt_match(kv):
    assert kv.similarity("apple", "pear") == pytest.approx(
        float(ref.unit(kv["apple"]) @ ref.unit(kv["pear"])), abs=1e-6)
    assert kv.similarity("king", "king") == pytest.approx(1.0, abs=1e-6)
    assert kv.doesnt_match(["king", "queen", "prince", "apple"]) == "apple"


def test_unknown_words_are_named_with_suggestions(kv):
    with pytest.raises(KeyError) as err:
        kv.most_similar("King")
    assert isinstance(err.value, UnknownWordError)
    assert "'King'" in str(err.value) and "king" in str(err.value)
    with pytest.raises(KeyError, match="quen.*queen"):
        kv["quen"]
    with pytest.raises(KeyError) as err:
        kv.analogy("man", "kingg", "zzzz")
    assert "kingg" in str(err.value) and "zzzz" in str(err.value)
    with pytest.raises(KeyError) as err:
        kv.analogy("mann", "kingg", "woman")
    assert str(err.value).startswith("unknown words: ") and "'mann'" in str(err.value) and "'kingg'" in str(err.value)


def test_unit_vectors_computed_once_and_never_written_back(kv):
    before = np.array(kv.vectors)
    unit = kv.unit_vectors
    assert kv.unit_vectors is unit
    kv.most_similar("king")
    np.testing.assert_array_equal(kv.vectors, before)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1, rtol=1e-5)


def test_read_only_mmap_gives_same_answers(kv, tmp_path):
    save(kv, tmp_path / "v.wv")
    mapped = load(tmp_path / "v.wv", mmap=True)
    in_memory = load(tmp_path / "v.wv", mmap=False)
    assert isinstance(mapped.vectors, np.memmap) and not mapped.vectors.flags.writeable
    for word in kv.words:
        assert mapped.most_similar(word, topn=5) == in_memory.most_similar(word, topn=5) \
            == kv.most_similar(word, topn=5)
    assert mapped.analogy("man", "king", "woman", topn=3) == kv.analogy("man", "king", "woman", topn=3)


def test_duplicate_words_first_row_wins():
    kv = KeyedVectors(np.eye(3, dtype=np.float32), ["a", "b", "a"])
    assert kv.row("a") == 0


def test_constructor_checks_shapes():
    with pytest.raises(WordvecError, match="2 words for 3"):
        KeyedVectors(np.zeros((3, 2), np.float32), ["a", "b"])
    with pytest.raises(WordvecError, match="2-D"):
        KeyedVectors(np.zeros(3, np.float32), ["a", "b", "c"])
    with pytest.raises(WordvecError, match="counts"):
        KeyedVectors(np.zeros((2, 2), np.float32), ["a", "b"], counts=[1, 2, 3])
    converted = KeyedVectors(np.eye(2), ["a", "b"])
    assert converted.vectors.dtype == np.float32


def test_bad_method_and_empty_query(kv):
    with pytest.raises(WordvecError, match="method"):
        kv.analogy("man", "king", "woman", method="cosine")
    with pytest.raises(WordvecError):
        kv.most_similar([])
    with pytest.raises(WordvecError, match="restrict"):
        kv.most_similar("king", restrict=0)


# --- subwords: words outside the vocabulary composed from character n-grams ----------------
@pytest.fixture
def sub_kv():
    """Vocabulary words whose vectors are composed from the same n-gram matrix, as a trained
    subword model's are, so a misspelling lands next to its correct spelling."""
    from wordvec.vectors.subwords import Subwords, compose_vocabulary, ngram_table

    rng = np.random.default_rng(5)
    words = ["government", "apple", "banana", "queen", "elephant", "orange"]
    ngram_rows = rng.standard_normal((2003, 64)).astype(np.float32)  # 64 dims: unrelated means stay near 0
    offsets, ids = ngram_table(words, 3, 5, 2003)
    vectors = compose_vocabulary(rng.standard_normal((6, 64)).astype(np.float32) * 0.1, ngram_rows, offsets, ids)
    return KeyedVectors(vectors, words, subwords=Subwords(ngram_rows, 3, 5))


def test_unseen_word_is_composed_and_logged_once(sub_kv, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="wordvec")
    assert "goverment" not in sub_kv and len(sub_kv) == 6          # membership = vocabulary
    np.testing.assert_array_equal(sub_kv["goverment"], sub_kv.subwords.compose("goverment"))
    assert sub_kv.most_similar("goverment", topn=1)[0][0] == "government"
    assert sub_kv.similar_by_word("goverment", topn=6)[0][0] == "government"  # nothing excluded
    assert sub_kv.similarity("goverment", "government") > 0.5
    np.testing.assert_allclose(np.linalg.norm(sub_kv.get_vector("goverment", norm=True)), 1, rtol=1e-6)
    both = sub_kv[["apple", "goverment"]]
    np.testing.assert_array_equal(both[0], sub_kv.vectors[1])
    lines = [r.getMessage() for r in caplog.records if "goverment" in r.getMessage()]
    assert len(lines) == 1 and "composed" in lines[0]


def test_unseen_words_in_analogies_and_batches(sub_kv):
    answers = [w for w, _ in sub_kv.analogy("aple", "banana", "queen", topn=6)]
    assert "banana" not in answers and "queen" not in answers and "apple" in answers  # aple has no row to exclude
    many = sub_kv.most_similar_many(["orang", "banana"], topn=2)
    assert many[0][0][0] == "orange" and "banana" not in [w for w, _ in many[1]]
    assert sub_kv.doesnt_match(["aple", "apple", "elephant"]) == "elephant"


def test_word_without_ngrams_is_unknown(sub_kv):
    from wordvec.vectors.subwords import Subwords

    long_grams = KeyedVectors(sub_kv.vectors, sub_kv.words, subwords=Subwords(sub_kv.subwords.ngrams, 5, 5))
    with pytest.raises(UnknownWordError, match="'a'"):
        long_grams["a"]                      # "<a>" has no 5-gram
    with pytest.raises(WordvecError, match="columns"):
        KeyedVectors(np.zeros((6, 3), np.float32), sub_kv.words, subwords=sub_kv.subwords)
