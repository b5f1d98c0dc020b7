"""`wordvec vocab` and the group options end to end (in this process, and once in a real one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import wordvec
from tests.conftest import ROOT, run_wordvec


def run_process(*args):
    return subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)], capture_output=True,
                          env=dict(os.environ), timeout=120)


def test_vocab_writes_file_and_summary(tmp_path, brown_small):
    out = tmp_path / "vocab.txt"
    result = run_wordvec("vocab", brown_small, "-o", out, "--min-count", "3")
    assert result.code == 0, result.stderr
    text = result.stdout
    assert "distinct words:" in text and "kept words:" in text and "% of word tokens" in text
    lines = out.read_text().splitlines()
    assert lines[0].split()[0] == "the" and all(int(l.split()[1]) >= 3 for l in lines)
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_vocab_json_and_stdin(tmp_path, brown_small):
    out = tmp_path / "vocab.txt"
    result = run_wordvec("vocab", "-", "-o", out, "--json", "--tokens", "raw", stdin=brown_small.read_bytes())
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["kept_words"] == len(out.read_text().splitlines())
    assert 0 < summary["coverage"] <= 1 and summary["word_tokens"] >= summary["kept_tokens"]


def test_vocab_to_stdout_with_dash(tmp_path, brown_small):
    result = run_wordvec("vocab", brown_small, "-o", "-", "--min-count", "50")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()  # only the vocabulary: the summary went to stderr
    assert lines[0].split()[0] == "the" and all(len(l.split()) == 2 and int(l.split()[1]) >= 50 for l in lines)
    assert "kept words:" in result.stderr and not (tmp_path / "-").exists() and not (ROOT / "-").exists()
    file_run = run_wordvec("vocab", brown_small, "-o", tmp_path / "v.txt", "--min-count", "50")
    assert (tmp_path / "v.txt").read_text() == result.stdout and file_run.code == 0
    both = run_wordvec("vocab", brown_small, "-o", "-", "--json")
    assert both.code == 2 and "--json" in both.errors[0]


@pytest.mark.parametrize("name, content, message", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "no words found"),
    ("nul.bin", b"\x00\x01\x02" * 100, "binary"),
])
def test_bad_corpus_fails_with_one_line_and_no_output(tmp_path, name, content, message):
    corpus = tmp_path / name
    if content is not None:
        corpus.write_bytes(content)
    out = tmp_path / "vocab.txt"
    result = run_wordvec("vocab", corpus, "-o", out)
    assert result.code == 1
    err = result.stderr
    assert err.count("\n") == 1 and message in err and str(corpus) in err
    assert "Traceback" not in err and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vocab.txt")]


def test_min_count_leaving_nothing_is_an_error(tmp_path, brown_small):
    result = run_wordvec("vocab", brown_small, "-o", tmp_path / "v.txt", "--min-count", "100000000")
    assert result.code == 1 and "--min-count" in result.stderr
    assert not (tmp_path / "v.txt").exists()


def test_usage_errors_exit_2_and_group_options(tmp_path, brown_small):
    assert run_wordvec("vocab", brown_small, "-o", tmp_path / "v", "--tokens", "bogus").code == 2
    assert run_wordvec("vocab", brown_small).code == 2
    quiet = run_wordvec("-q", "vocab", brown_small, "-o", tmp_path / "v.txt")
    assert quiet.code == 0 and quiet.stderr == ""


def test_real_process_exit_statuses_and_version(tmp_path, brown_small):
    """The console script's own exit statuses: 0 with the version, 2 for a usage error."""
    version = run_process("--version")
    assert version.returncode == 0 and wordvec.__version__ in version.stdout.decode()
    bad = run_process("vocab", brown_small, "-o", tmp_path / "v", "--tokens", "bogus")
    assert bad.returncode == 2 and bad.stderr.decode().count("\n") == 1 and b"bogus" in bad.stderr
