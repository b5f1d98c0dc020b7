"""The output rule of the command line (wordvec.cli.reports): `wordvec -q` silences the report of
a command whose product is a file, and keeps its results (answers, --json, data on stdout with
`-o -`) and its errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import brown_lines, run_wordvec
from wordvec.vectors.formats import load

TRAIN = ("--dim", "10", "--epochs", "1", "--min-count", "2", "--threads", "1", "--seed", "1")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """About 20k tokens of the bundled corpus."""
    path = tmp_path_factory.mktemp("quiet") / "brown-1k.txt"
    path.write_text("\n".join(brown_lines(1000)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(corpus):
    """(vectors, what `train skipgram` printed without -q)."""
    vectors = corpus.parent / "loud.wv"
    result = run_wordvec("train", "skipgram", corpus, "-o", vectors, *TRAIN)
    assert result.code == 0, result.stderr
    return vectors, result


def test_without_q_train_prints_its_summary(trained):
    vectors, result = trained
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["vocabulary:", "trained", "wrote", lines[3].split()[0]]
    assert lines[1].startswith("trained skipgram in ") and lines[2] == f"wrote {vectors} (native)"
    assert " s in all: " in lines[3]


def test_q_train_prints_nothing_and_writes_the_vectors(corpus, trained, tmp_path):
    out = tmp_path / "quiet.wv"
    result = run_wordvec("-q", "train", "skipgram", corpus, "-o", out, *TRAIN)
    assert (result.code, result.stdout, result.stderr) == (0, "", "")
    quiet, loud = load(out), load(trained[0])
    assert quiet.words == loud.words and quiet.dim == 10
    assert (quiet.vectors == loud.vectors).all()  # one thread, one seed: the same run


def test_q_keeps_the_json_asked_for(corpus, tmp_path):
    out = tmp_path / "json.wv"
    result = run_wordvec("-q", "train", "skipgram", corpus, "-o", out, "--json", *TRAIN)
    assert result.code == 0 and result.stderr == ""
    summary = json.loads(result.stdout)
    assert summary["trainer"] == "word2vec-skipgram" and summary["output"] == str(out) and summary["epochs"] == 1
    assert summary["vocab_size"] == len(load(out))


def test_q_phrases_keeps_the_joined_text_on_stdout(corpus, tmp_path):
    learn = ("--min-count", "3", "--threshold", "5")
    joined = tmp_path / "joined.txt"
    loud = run_wordvec("phrases", corpus, "-o", joined, *learn)
    assert loud.code == 0, loud.stderr
    assert loud.stdout.splitlines()[0].startswith("read ") and "round 1: " in loud.stdout
    assert loud.stdout.splitlines()[-1] == f"wrote {joined}"
    assert "_" in joined.read_text(encoding="utf-8")

    piped = run_wordvec("-q", "phrases", corpus, "-o", "-", *learn)
    assert piped.code == 0 and piped.stderr == ""
    assert piped.stdout == joined.read_text(encoding="utf-8")

    again = tmp_path / "again.txt"
    quiet = run_wordvec("-q", "phrases", corpus, "-o", again, *learn)
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert again.read_text(encoding="utf-8") == joined.read_text(encoding="utf-8")


def test_q_keeps_query_answers(trained):
    vectors, _ = trained
    loud = run_wordvec("similar", vectors, "the", "of", "--topn", "3")
    quiet = run_wordvec("-q", "similar", vectors, "the", "of", "--topn", "3")
    assert loud.code == quiet.code == 0 and quiet.stderr == ""
    assert quiet.stdout == loud.stdout
    neighbours = [line.split() for line in quiet.stdout.splitlines() if line.startswith("  ")]
    assert len(neighbours) == 6 and all(len(n) == 2 and -1 <= float(n[1]) <= 1 for n in neighbours)
    info = run_wordvec("-q", "info", vectors)
    assert info.code == 0 and info.stdout.startswith(f"{vectors}: native, {len(load(vectors)):,} words × 10 dims")


def test_q_drops_the_interactive_banner_but_keeps_the_prompt(trained, monkeypatch):
    """Queries typed on a terminal: the line saying what to type is a message (gone under -q);
    "> " is where the user types, so it stays."""
    from wordvec.cli import answers

    monkeypatch.setattr(answers, "stdin_is_terminal", lambda: True)
    vectors, _ = trained
    loud = run_wordvec("similar", vectors, "--topn", "2", stdin="the\n")
    quiet = run_wordvec("-q", "similar", vectors, "--topn", "2", stdin="the\n")
    assert loud.code == quiet.code == 0 and quiet.stdout == loud.stdout and "the" in quiet.stdout
    assert "Ctrl-D ends" in loud.stderr and loud.stderr.count("> ") == 2
    assert "Ctrl-D" not in quiet.stderr and quiet.stderr == "> > "


def test_q_keeps_errors(trained, tmp_path):
    vectors, _ = trained
    unknown = run_wordvec("-q", "similar", vectors, "qqqzzz")
    assert unknown.code == 1 and unknown.stdout == "" and unknown.errors and "qqqzzz" in unknown.stderr
    missing = run_wordvec("-q", "train", "skipgram", tmp_path / "nowhere.txt", "-o", tmp_path / "x.wv", *TRAIN)
    assert missing.code == 1 and len(missing.errors) == 1 and not (tmp_path / "x.wv").exists()


@pytest.mark.parametrize("argv", [
    ("vocab", "{corpus}", "-o", "{out}/vocab.txt"),
    ("cooccur", "{corpus}", "-o", "{out}/cooc", "--min-count", "2", "--window", "2"),
    ("convert", "{vectors}", "{out}/v.vec"),
    ("plot", "{vectors}", "the", "of", "and", "-o", "{out}/map.png"),
])
def test_q_silences_the_report_of_every_command_that_writes_a_file(argv, corpus, trained, tmp_path):
    """Without -q each says what it wrote (convert on stderr, the others on stdout); with -q nothing."""
    runs = {}
    for name in ("loud", "quiet"):
        (tmp_path / name).mkdir()
        command = [a.format(corpus=corpus, vectors=trained[0], out=tmp_path / name) for a in argv]
        runs[name] = run_wordvec(*(["-q"] if name == "quiet" else []), *command)
        written = list((tmp_path / name).iterdir())
        assert runs[name].code == 0 and len(written) == 1, runs[name].stderr
        assert written[0].is_dir() or written[0].stat().st_size > 0
    assert "wrote" in runs["loud"].stdout + runs["loud"].stderr
    assert (runs["quiet"].stdout, runs["quiet"].stderr) == ("", "")
