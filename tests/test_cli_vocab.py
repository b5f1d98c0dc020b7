"""`wordvec vocab` and the group options end to end, in a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import wordvec


def run(*args, stdin: bytes | None = None, env_extra: dict | None = None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "wordvec", *map(str, args)], input=stdin,
                          capture_output=True, env=env, timeout=120)


def test_vocab_writes_file_and_summary(tmp_path, brown_small):
    out = tmp_path / "vocab.txt"
    result = run("vocab", brown_small, "-o", out, "--min-count", "3")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "distinct words:" in text and "kept words:" in text and "coverage:" in text
    lines = out.read_text().splitlines()
    assert lines[0].split()[0] == "the" and all(int(l.split()[1]) >= 3 for l in lines)
    assert result.stderr == b""  # no progress bar when stderr is not a terminal


def test_vocab_json_and_stdin(tmp_path, brown_small):
    out = tmp_path / "vocab.txt"
    result = run("vocab", "-", "-o", out, "--json", "--tokens", "raw", stdin=brown_small.read_bytes())
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["kept_words"] == len(out.read_text().splitlines())
    assert 0 < summary["coverage"] <= 1 and summary["tokens"] >= summary["kept_tokens"]


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
    result = run("vocab", corpus, "-o", out)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.count("\n") == 1 and message in err and str(corpus) in err
    assert "Traceback" not in err and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vocab.txt")]


def test_min_count_leaving_nothing_is_an_error(tmp_path, brown_small):
    result = run("vocab", brown_small, "-o", tmp_path / "v.txt", "--min-count", "100000000")
    assert result.returncode == 1 and b"--min-count" in result.stderr
    assert not (tmp_path / "v.txt").exists()


def test_usage_errors_exit_2_and_group_options(tmp_path, brown_small):
    assert run("vocab", brown_small, "-o", tmp_path / "v", "--tokens", "bogus").returncode == 2
    assert run("vocab", brown_small).returncode == 2
    version = run("--version")
    assert version.returncode == 0 and wordvec.__version__ in version.stdout.decode()
    quiet = run("-q", "vocab", brown_small, "-o", tmp_path / "v.txt")
    assert quiet.returncode == 0 and quiet.stderr == b""
