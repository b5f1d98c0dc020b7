"""Phrases: learning and joining against the Python twin and gensim, lines, long lines, pruning."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from tests.conftest import brown_lines
from tests.reference import phrases as twin
from wordvec.config import ENGLISH_CONNECTOR_WORDS, PhraseConfig, TokenizerConfig
from wordvec.text import tokenize
from wordvec.util import handoff
from wordvec.text.phrase_table import PhraseTable
from wordvec.text.phrases import join_phrases, learn_phrases
from wordvec.text.tokenize import iter_sentences

RAW = TokenizerConfig(tokens="raw", lowercase=False)


def _lines(path) -> list[list[str]]:
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _as_dict(rnd) -> dict:
    return {tokens: (int(c), float(s)) for tokens, c, s in zip(rnd.phrases, rnd.counts, rnd.scores)}


@pytest.fixture(scope="module")
def brown_text(tmp_path_factory):
    path = tmp_path_factory.mktemp("phrases") / "brown-3k.txt"
    path.write_text("\n".join(brown_lines(3000)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("scoring, threshold, connectors, passes", [
    ("npmi", 0.3, (), 1),
    ("npmi", 0.25, ENGLISH_CONNECTOR_WORDS, 2),
    ("word2phrase", 20.0, ("of", "the"), 2),
])
def test_learning_and_joining_match_the_twin(brown_text, tmp_path, scoring, threshold, connectors, passes):
    config = PhraseConfig(scoring=scoring, threshold=threshold, min_count=3, passes=passes,
                          connector_words=",".join(connectors))
    out = tmp_path / "joined.txt"
    report = learn_phrases([brown_text], config, output=out)
    sentences = list(iter_sentences(brown_text.read_bytes()))
    rounds, joined = twin.learn(sentences, frozenset(connectors), 3, threshold, scoring, passes)
    assert len(report.table.rounds) == passes
    for mine, theirs in zip(report.table.rounds, rounds):
        assert _as_dict(mine) == theirs
    assert sum(len(r) for r in rounds) > 50                     # the corpus really has phrases
    assert _lines(out) == joined


def test_scores_against_the_numpy_twin():
    from wordvec._kernels.pairs import pair_key, score_pairs

    rng = np.random.default_rng(3)
    unigram = rng.integers(1, 5000, size=50).astype(np.int64)
    pairs = np.zeros((256, 2), dtype=np.uint64)
    expected = {}
    total = int(unigram.sum()) * 3
    for row, (a, b) in enumerate(rng.integers(0, 50, size=(100, 2))):
        n = int(rng.integers(1, min(unigram[a], unigram[b]) + 1))
        pairs[row] = (int(pair_key(a, b)), n)           # one row each (never probed here)
        expected[row] = (int(unigram[a]), int(unigram[b]), n)
    for scoring, threshold in (("npmi", -1.0), ("npmi", 0.4), ("word2phrase", 0.0), ("word2phrase", 15.0)):
        rows, scores = np.empty(256, np.int64), np.empty(256)
        kept = score_pairs(pairs, unigram, total, 3, scoring == "npmi", threshold, rows, scores)
        want = {}
        for row, (ca, cb, n) in expected.items():
            value = twin.score(ca, cb, n, total, 3, scoring)
            if value is not None and value > threshold:
                want[row] = value
        assert dict(zip(rows[:kept].tolist(), scores[:kept].tolist())) == want
        assert scoring != "npmi" or all(-1 <= s <= 1 for s in want.values())


def test_matches_gensim_phrases(brown_text, tmp_path):
    gensim_phrases = pytest.importorskip("gensim.models.phrases")
    sentences = list(iter_sentences(brown_text.read_bytes()))
    connectors = frozenset(ENGLISH_CONNECTOR_WORDS)
    theirs = gensim_phrases.Phrases(sentences, min_count=3, threshold=0.3, scoring="npmi",
                                    connector_words=connectors)
    out = tmp_path / "joined.txt"
    report = learn_phrases([brown_text], PhraseConfig(scoring="npmi", threshold=0.3, min_count=3,
                                                      connector_words="english"), output=out)
    exported = theirs.export_phrases()
    mine = dict(zip(report.table.rounds[0].joined(), report.table.rounds[0].scores.tolist()))
    assert len(mine) > 100 and mine.keys() == exported.keys()
    assert all(mine[k] == pytest.approx(exported[k], abs=1e-12) for k in mine)
    assert _lines(out) == [theirs[s] for s in sentences]


def test_no_phrase_across_a_line_end(tmp_path):
    text = ("alpha new\nyork beta\n" * 50) + ("gamma delta\n" * 50)
    corpus = tmp_path / "c.txt"
    corpus.write_text(text)
    out = tmp_path / "out.txt"
    report = learn_phrases([corpus], PhraseConfig(scoring="npmi", threshold=0.1, min_count=2), RAW, output=out)
    found = set(report.table.rounds[0].joined())
    assert "new_york" not in found and "gamma_delta" in found
    assert out.read_text() == ("alpha_new\nyork_beta\n" * 50) + ("gamma_delta\n" * 50)


def test_lines_and_files_are_kept(tmp_path):
    """One output line per input line, blank lines too; a missing final newline is added once."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("new york is big\n\n!!!\nnew york\n")
    second.write_text("in new york")
    out = tmp_path / "out.txt"
    learn_phrases([first, second], PhraseConfig(scoring="npmi", threshold=0.1, min_count=2), output=out)
    assert out.read_text() == "new_york is big\n\n\nnew_york\nin new_york\n"


def test_long_line_across_blocks_and_buffers(tmp_path, monkeypatch):
    """A line longer than every buffer: tiny read blocks, kernel buffers and spool chunks."""
    rng = np.random.default_rng(0)
    fillers = [f"w{i}" for i in range(40)]
    words = []
    for _ in range(6000):
        words += ["new", "york"] if rng.random() < 0.2 else [fillers[rng.integers(40)], "of", "the"][: rng.integers(1, 4)]
    corpus = tmp_path / "line.txt"
    corpus.write_text(" ".join(words))                      # one line, no newline at all
    monkeypatch.setattr(tokenize, "BLOCK_BYTES", 1000)
    monkeypatch.setattr(handoff, "SINK_TOKENS", 64)
    monkeypatch.setattr("wordvec.text.phrases.STREAM_CHUNK", 100)
    config = PhraseConfig(scoring="npmi", threshold=0.2, min_count=3, passes=2, connector_words="of the")
    out = tmp_path / "out.txt"
    report = learn_phrases([corpus], config, RAW, output=out)
    rounds, joined = twin.learn([words], frozenset(("of", "the")), 3, 0.2, "npmi", 2)
    assert [_as_dict(r) for r in report.table.rounds] == rounds
    assert out.read_text().count("\n") == 1 and _lines(out) == joined
    assert "new_york" in out.read_text()
    again = tmp_path / "again.txt"
    join_phrases(report.table, [corpus], again)
    assert again.read_text() == out.read_text()


def test_saved_table_joins_other_text(brown_text, tmp_path):
    config = PhraseConfig(scoring="npmi", threshold=0.3, min_count=3, passes=2, connector_words="Of")
    report = learn_phrases([brown_text], config)
    saved = tmp_path / "table.txt"
    report.table.save(saved)
    table = PhraseTable.load(saved)
    assert [_as_dict(r) for r in table.rounds] == [_as_dict(r) for r in report.table.rounds]
    assert table.config == PhraseConfig(scoring="npmi", threshold=0.3, min_count=3, passes=2, connector_words="of")
    assert table.tokenizer == TokenizerConfig()
    other = tmp_path / "other.txt"
    lines = brown_lines(3600)[3000:] + ["Unseen WORDS, and more of them!"]
    other.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.txt"
    result = join_phrases(table, [other], out)
    phrases = [{t: 0 for t in r.phrases} for r in report.table.rounds]
    expected = list(iter_sentences(other.read_bytes()))
    for found in phrases:
        expected = [twin.apply(s, found, frozenset(("of",)), 14) for s in expected]
    assert _lines(out) == expected
    assert sum(result["joined"]) > 0 and _lines(out)[-1] == ["unseen", "words", "and", "more", "of", "them"]


def test_pruning_is_reported_and_keeps_frequent_phrases(brown_text, caplog):
    config = PhraseConfig(scoring="npmi", threshold=0.3, min_count=3)
    full = learn_phrases([brown_text], config)
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        pruned = learn_phrases([brown_text], PhraseConfig(**{**vars(config), "max_pairs": 1000}))
    assert pruned.rounds[0].prune_threshold > 0 and pruned.rounds[0].distinct_pairs <= 1000 + 70_000
    assert any("--max-pairs" in r.message for r in caplog.records)
    frequent = {p for p, c in zip(full.table.rounds[0].phrases, full.table.rounds[0].counts) if c >= 20}
    assert frequent and frequent <= set(pruned.table.rounds[0].phrases)


@pytest.mark.parametrize("changes, message", [
    ({"scoring": "pmi"}, "--scoring"),
    ({"scoring": "npmi", "threshold": 2.0}, "between -1 and 1"),
    ({"min_count": 0}, "--min-count"),
    ({"passes": 0}, "--passes"),
])
def test_config_errors_name_the_option(changes, message):
    with pytest.raises(ValueError, match=message):
        PhraseConfig(**changes).validate()


def _table_text(tmp_path) -> list[str]:
    from wordvec.text.phrase_table import PhraseRound

    good = tmp_path / "good.txt"
    PhraseTable(PhraseConfig(), TokenizerConfig(),
                [PhraseRound([("new", "york")], np.array([5]), np.array([1.0]), 100)]).save(good)
    return good.read_text().splitlines()


@pytest.mark.parametrize("lines, message", [
    (["hello"], "not a wordvec phrase table"),
    (["#wordvec-phrases 9", "#{}"], "version '9' is not supported"),
    (["#wordvec-phrases 1", "{oops"], ":2: damaged phrase table settings"),
    ([None, "new york 5 1.0"], ":3: expected 'round<TAB>tokens<TAB>count<TAB>score'"),
    ([None, "3\tnew york\t5\t1.0"], ":3: round 3 outside 1..1"),
    ([None, "1\tnew\t5\t1.0"], ":3: a phrase needs two or more tokens"),
    ([None, "1\tnew york\tmany\t1.0"], ":3: round, count or score is not a number"),
])
def test_damaged_tables_are_refused(tmp_path, lines, message):
    if lines[0] is None:
        lines = _table_text(tmp_path)[:2] + lines[1:]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        PhraseTable.load(path)
    assert str(path) in str(pytest.raises(ValueError, PhraseTable.load, path).value)


RAW_TOKENS = [b"The", b"the", b"cat,", b'"Hello!"', b"--", b"...", b"York", b"caf\xc3\xa9", b"Caf\xc3\xa9s,",
              b"a\xc2\xa0b", b"\xc3\x89T\xc3\x89", b"of", b"Of", b"x", b"\xff\xfebad", b"e-mail", b"U.S."]


@pytest.mark.parametrize("tokens", ["raw", "words"])
@pytest.mark.parametrize("lowercase", [False, True])
def test_raw_types_resolve_as_the_python_rules_say(tokens, lowercase):
    """The kernel path (ASCII types) and the Python path (the others) of RawMapper.resolve give
    every raw type the words tokenize.type_normalizer gives it, as ids of the token space; a
    mapper without add_words keeps the text of words the space lacks (OOV values)."""
    from wordvec._kernels.tokenize import intern_token
    from wordvec.text.phrase_stream import RawMapper, TokenSpace

    config = TokenizerConfig(tokens=tokens, lowercase=lowercase)
    normalize = tokenize.type_normalizer(config)
    raw = tokenize.RawTypeTable()
    buf = np.frombuffer(b" ".join(RAW_TOKENS), dtype=np.uint8)
    at = 0
    for token in RAW_TOKENS:
        intern_token(buf, at, len(token), *raw.arrays())
        at += len(token) + 1
    assert len(raw) == len(RAW_TOKENS)
    space = TokenSpace(("of",))
    learner = RawMapper(space, config, add_words=True)
    learner.resolve(raw)
    for t, token in enumerate(RAW_TOKENS):
        ids = learner.map_ids[learner.map_start[t]:learner.map_start[t + 1]].tolist()
        assert [space.text(i) for i in ids] == normalize(token), token
    assert space.is_connector[: len(space)].tolist() == [space.text(i) == "of" for i in range(len(space))]
    assert len(set(space.texts)) == len(space)                       # each text once
    known = len(space)
    reader = RawMapper(TokenSpace(("of",)), config, add_words=False)
    reader.space.add_all(["York", "york"])
    reader.resolve(raw)
    for t, token in enumerate(RAW_TOKENS):
        values = reader.map_ids[reader.map_start[t]:reader.map_start[t + 1]].tolist()
        texts = [reader.space.text(v) if v >= 0 else reader.oov_words[-3 - v] for v in values]
        assert texts == normalize(token), token
        assert all((v >= 0) == (w in ("of", "York", "york")) for v, w in zip(values, texts))
    assert known > 8


@pytest.mark.parametrize("out_size", [96, 97, 113, 1 << 12])   # at least TextWriter.bytes_needed
def test_write_text_matches_a_plain_join(out_size):
    """Tokens of 0 to 40 bytes (the kernel copies up to 16 bytes at a time, past a token's end
    when there is room), OOV words, line and file ends, an output buffer cut small, and the last
    token ending at the very end of its arena."""
    from wordvec._kernels.phrases import FILE_END, write_text

    rng = np.random.default_rng(7)
    texts = [bytes(rng.integers(97, 123, size=n, dtype=np.uint8)) for n in list(range(41)) + [16, 15, 17, 33]]
    oov = [b"\xc3\xa9t\xc3\xa9", b"x" * 39, b"q"]
    bounds = np.cumsum([0] + [len(t) for t in texts]).astype(np.int64)
    arena = np.frombuffer(b"".join(texts), dtype=np.uint8).copy()
    oov_starts = np.cumsum([0] + [len(t) for t in oov]).astype(np.int64)
    oov_arena = np.frombuffer(b"".join(oov), dtype=np.uint8).copy()
    stream = []
    for _ in range(400):
        r = rng.random()
        stream.append(-1 if r < 0.1 else FILE_END if r < 0.13 else -3 - int(rng.integers(3)) if r < 0.2
                      else int(rng.integers(len(texts))))
    stream.append(len(texts) - 1)                     # ends exactly where the arena ends
    stream = np.array(stream, dtype=np.int32)

    expected, line = [], []
    for t in stream.tolist():
        if t in (-1, FILE_END):
            if t == -1 or line:
                expected.append(b" ".join(line) + b"\n")
            line = []
        else:
            line.append(texts[t] if t >= 0 else oov[-3 - t])
    expected = b"".join(expected) + b" ".join(line)

    state, out, written, pos = np.zeros(1, dtype=np.int64), np.zeros(out_size, dtype=np.uint8), [], 0
    while pos < stream.shape[0]:
        pos, used = write_text(stream, pos, stream.shape[0], arena, bounds, oov_arena, oov_starts, state, out)
        written.append(out[:used].tobytes())
        out[:] = 0xFF                                  # stale bytes must never show through
    assert b"".join(written) == expected
