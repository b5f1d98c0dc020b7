"""`wordvec phrases` end to end: learn, save, reuse a table, stdin and stdout, errors."""

from __future__ import annotations

import json

from tests.conftest import brown_lines, run_wordvec
from wordvec.text.phrase_table import PhraseTable


def test_learn_save_and_reuse_a_table(brown_small, tmp_path):
    out, table = tmp_path / "joined.txt", tmp_path / "table.txt"
    code, stdout, stderr = run_wordvec("phrases", brown_small, "-o", out, "--save-table", table, "--scoring", "npmi",
                                       "--threshold", "0.4", "--min-count", "4", "--connector-words", "english",
                                       "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    learned = PhraseTable.load(table)
    assert summary["phrases"] == len(learned) > 50 and summary["rounds"][0]["joined"] > 100
    assert learned.config.connectors[:3] == ("a", "an", "the") and learned.config.threshold == 0.4
    assert len(out.read_text().splitlines()) == len(brown_small.read_text().splitlines())
    other = tmp_path / "other.txt"
    other.write_text("\n".join(brown_lines(5400)[5000:]) + "\n")
    again = tmp_path / "again.txt"
    code, stdout, stderr = run_wordvec("phrases", other, "--table", table, "-o", again)
    assert code == 0, stderr
    assert "joined" in stdout and "_" in again.read_text()
    code, piped, stderr = run_wordvec("phrases", "-", "--table", table, "-o", "-", stdin=other.read_text())
    assert code == 0 and piped == again.read_text() and "joined" in stderr


def test_errors_are_one_line(brown_small, tmp_path):
    code, _, stderr = run_wordvec("phrases", brown_small)
    assert code == 2 and "nothing to write" in stderr
    code, _, stderr = run_wordvec("phrases", brown_small, "-o", tmp_path / "o.txt", "--scoring", "npmi",
                                  "--threshold", "5")
    assert code == 1 and stderr.strip() == "wordvec: error: --threshold must be between -1 and 1 with --scoring " \
                                           "npmi, not 5.0"
    bad = tmp_path / "bad.txt"
    bad.write_text("new york\n")
    code, _, stderr = run_wordvec("phrases", brown_small, "--table", bad, "-o", tmp_path / "o.txt")
    assert code == 1 and "not a wordvec phrase table" in stderr and len(stderr.strip().splitlines()) == 1
    code, _, stderr = run_wordvec("phrases", brown_small, "-o", brown_small)
    assert code == 1 and "is this command's corpus" in stderr
    code, stdout, stderr = run_wordvec("phrases", brown_small, "-o", "-", "--json")   # as vocab -o - --json
    assert code == 2 and "--json" in stderr and stdout == ""
    assert not (tmp_path / "o.txt").exists()


def test_outputs_replace_only_files_of_their_kind_without_force(brown_small, tmp_path):
    """-o writes plain text and --save-table a phrase table: a vectors file, a vocabulary or a
    table given as -o (and text given as --save-table) is kept unless --force says otherwise."""
    vectors, vocab = tmp_path / "vectors.txt", tmp_path / "vocab.txt"
    vectors.write_text("2 3\nking 0.1 0.2 0.3\nqueen 0.3 0.2 0.1\n")
    vocab.write_text("the 120\nof 80\nand 70\n")
    learn = ["--scoring", "npmi", "--threshold", "0.4", "--min-count", "4"]
    for victim, kind in ((vectors, "word vectors"), (vocab, "a vocabulary file")):
        before = victim.read_text()
        result = run_wordvec("phrases", brown_small, "-o", victim, *learn)
        assert result.code == 1 and len(result.errors) == 1, result.stderr
        assert f"an existing file that is {kind}, and this command writes plain text" in result.errors[0]
        assert "--force" in result.errors[0] and victim.read_text() == before
    table, joined = tmp_path / "table.txt", tmp_path / "joined.txt"
    joined.write_text("an old joined corpus\n")                   # text replaces text
    assert run_wordvec("phrases", brown_small, "-o", joined, "--save-table", table, *learn).code == 0
    refused = run_wordvec("phrases", brown_small, "--save-table", joined, *learn)
    assert refused.code == 1 and "is plain text, and this command writes a phrase table" in refused.errors[0]
    refused = run_wordvec("phrases", brown_small, "-o", table, *learn)
    assert refused.code == 1 and "is a phrase table" in refused.errors[0]
    assert run_wordvec("phrases", brown_small, "-o", vectors, "--force", *learn).code == 0
    assert "_" in vectors.read_text()
