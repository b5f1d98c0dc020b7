"""Commands on whole vectors files end to end: evaluate, convert (formats from names, one list
of names and aliases), info (readable metadata), and what a trained model reports about itself
(one timing per run, counts named for what they are)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from tests.conftest import run_wordvec
from tests.reference import vectors as ref
from wordvec.config import WRITABLE_FORMAT_NAMES
from wordvec.vectors.formats import load, load_context, save, sniff
from wordvec.vectors.keyedvectors import KeyedVectors


@pytest.fixture(scope="module")
def trained(tmp_path_factory, brown_small):
    """A skip-gram model trained through the CLI, with its text summary (one epoch, one thread)."""
    folder = tmp_path_factory.mktemp("trained")
    result = run_wordvec("train", "skipgram", brown_small, "-o", folder / "m.wv", "--dim", "16", "--epochs", "1",
                         "--threads", "1", "--min-count", "3")
    assert result.code == 0, result.stderr
    return folder / "m.wv", result


def test_evaluate_with_bundled_files(tmp_path):
    from wordvec.vectors import evaluate as ev

    matrix, words = ref.planted_analogies(str(ev.DEFAULT_ANALOGIES), keep=400)
    path = tmp_path / "planted.bin"
    save(KeyedVectors(matrix, words), path, format="word2vec-binary")
    code, out, _ = run_wordvec("evaluate", path)
    assert code == 0
    for needle in ("capital-world", "gram9-plural-verbs", "semantic", "syntactic", "total", "3CosAdd", "3CosMul",
                   "coverage", "wordsim353.tsv", "simlex999.tsv", "Spearman"):
        assert needle in out
    code, out, _ = run_wordvec("evaluate", path, "--json", "--method", "3cosadd", "--restrict", "300")
    result = json.loads(out)
    direct = ev.evaluate_analogies(load(path), restrict=300, methods=("3cosadd",))
    assert result["analogies"]["total"] == direct["total"]
    assert [p["file"].rsplit("/", 1)[-1] for p in result["pairs"]] == ["wordsim353.tsv", "simlex999.tsv"]
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("paris france 9\ncat dog 3\nking queen 8\n")
    code, out, _ = run_wordvec("evaluate", path, "--no-analogies", "--pairs", pairs, "--json")
    result = json.loads(out)
    assert "analogies" not in result and result["pairs"][0]["pairs"] == 3


@pytest.mark.parametrize("argv, needle", [
    (["--no-analogies", "--no-pairs"], "nothing to evaluate"),
    (["--no-pairs", "--pairs", "{royal}"], "contradicts --pairs"),
])
def test_evaluate_with_nothing_to_do_is_a_usage_error(royal, argv, needle):
    result = run_wordvec("evaluate", royal, *[a.replace("{royal}", str(royal / "vocab.txt")) for a in argv])
    assert result.code == 2 and result.stdout == "" and needle in result.errors[0]


def test_convert_between_all_formats(royal, tmp_path):
    original = load(royal)
    previous = royal
    for fmt, name in (("word2vec-binary", "a.bin"), ("glove", "b.txt"), ("word2vec", "c.txt"), ("native", "d.wv")):
        code, out, err = run_wordvec("convert", previous, tmp_path / name, "--to", fmt)
        assert code == 0 and "wrote" in err
        previous = tmp_path / name
    back = load(previous)
    assert back.words == original.words
    np.testing.assert_allclose(back.vectors, original.vectors, rtol=1e-6)
    code, out, _ = run_wordvec("convert", royal, tmp_path / "copy.wv", "--to", "native", "--limit", "4", "--json")
    assert json.loads(out)["count"] == 4
    np.testing.assert_array_equal(load_context(tmp_path / "copy.wv"), load_context(royal)[:4])


@pytest.mark.parametrize("name, fmt", [("v.bin", "word2vec-binary"), ("v.vec", "word2vec"), ("v.txt", "word2vec"),
                                       ("v.wv", "native"), ("folder/", "native")])
def test_convert_infers_the_format_from_the_target_name(royal, tmp_path, name, fmt):
    result = run_wordvec("convert", royal, f"{tmp_path}/{name}", "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["format"] == fmt and sniff(tmp_path / name.rstrip("/")) == fmt


def test_convert_lists_the_choices_when_the_name_says_nothing(royal, tmp_path):
    result = run_wordvec("convert", royal, tmp_path / "vectors.out")
    assert result.code == 2 and not (tmp_path / "vectors.out").exists()
    for name in WRITABLE_FORMAT_NAMES:  # every name and alias it can write, from the one list in wordvec.config
        assert name in result.errors[0]
    assert "--to" in result.errors[0]


def test_one_list_of_format_names_everywhere(royal, tmp_path, brown_small):
    for alias, fmt in (("fasttext", "word2vec"), ("bin", "word2vec-binary"), ("vec", "word2vec")):
        assert run_wordvec("convert", royal, tmp_path / f"a-{alias}", "--to", alias).code == 0
        assert sniff(tmp_path / f"a-{alias}") == fmt
        assert run_wordvec("similar", tmp_path / f"a-{alias}", "king", "--format", alias).code == 0
    result = run_wordvec("train", "skipgram", brown_small, "-o", tmp_path / "t.vec", "--format", "fasttext",
                         "--dim", "4", "--epochs", "1", "--min-count", "20")
    assert result.code == 0, result.stderr
    assert sniff(tmp_path / "t.vec") == "word2vec"
    result = run_wordvec("similar", tmp_path / "t.vec", "the", "--format", "nonsense")
    assert result.code == 2 and "fasttext" in result.errors[0]


def test_info_of_a_bare_file(royal, tmp_path):
    code, out, _ = run_wordvec("info", royal)
    assert code == 0 and "native, 9 words × 5 dims, with counts" in out and "first words: man woman" in out
    code, out, _ = run_wordvec("info", royal, "--json", "--head", "2")
    info = json.loads(out)
    assert (info["format"], info["count"], info["dim"], info["head"]) == ("native", 9, 5, ["man", "woman"])
    assert info["norm"]["max"] == pytest.approx(float(np.linalg.norm(load(royal).vectors, axis=1).max()), rel=1e-6)


def test_info_prints_readable_metadata(trained):
    path, _ = trained
    code, out, _ = run_wordvec("info", path)
    assert code == 0 and "{" not in out and "..." not in out  # no raw (truncated) JSON
    lines = dict(line.strip().split(": ", 1) for line in out.splitlines()[1:])
    assert lines["trained by"].startswith("word2vec-skipgram")
    assert "--dim 16" in lines["settings"] and "--epochs 1" in lines["settings"] and "--threads 1" in lines["settings"]
    assert lines["tokenizer"] == "--tokens words --lowercase"
    assert re.search(r"[\d,]+ raw tokens, [\d,]+ kept tokens", lines["corpus"]), lines["corpus"]
    assert lines["training"].startswith("1 epoch, final loss ") and "loading kernels" in lines["training"]


def test_one_timing_per_run(trained, tmp_path, brown_small):
    """stdout, --json and meta.json give the same seconds; training time excludes loading the kernels."""
    path, result = trained
    meta = json.loads((path / "meta.json").read_text())
    stages = meta["stages"]
    assert set(stages) == {"prepare_seconds", "kernel_load_seconds", "train_seconds"}
    assert "trained in" not in result.stderr and " s " not in result.stderr  # timings only once, on stdout
    text = result.stdout
    kept = meta["corpus"]["kept_tokens"]
    trained_line = re.search(r"trained skipgram in ([\d.]+) s \(([\d,]+) words/s, 1 epoch, 1 thread\)", text)
    assert trained_line, text
    assert float(trained_line[1]) == pytest.approx(stages["train_seconds"], abs=0.051)
    assert int(trained_line[2].replace(",", "")) == round(kept / stages["train_seconds"])
    assert f"loading kernels {stages['kernel_load_seconds']:.1f} s" in text
    json_run = run_wordvec("train", "skipgram", brown_small, "-o", tmp_path / "j.wv", "--dim", "16", "--epochs", "1",
                           "--threads", "1", "--min-count", "3", "--json")
    summary = json.loads(json_run.stdout)
    saved = json.loads((tmp_path / "j.wv" / "meta.json").read_text())["stages"]
    assert {k: summary[k] for k in saved} == saved and summary["save_seconds"] >= 0
    assert summary["words_per_second"] == round(summary["kept_tokens"] / summary["train_seconds"])
    assert summary["seconds"] >= sum(saved.values())


def test_counts_are_named_for_what_they_are(trained, tmp_path, brown_small):
    path, result = trained
    meta = json.loads((path / "meta.json").read_text())
    vocab = run_wordvec("vocab", brown_small, "-o", tmp_path / "v.txt", "--min-count", "3", "--json")
    counted = json.loads(vocab.stdout)
    assert "tokens" not in counted and "tokens" not in meta["corpus"]  # never a bare "tokens"
    assert counted["raw_tokens"] == meta["corpus"]["raw_tokens"]
    assert counted["kept_tokens"] == meta["corpus"]["kept_tokens"] < counted["word_tokens"]
    assert f"{counted['kept_tokens']:,} kept tokens" in result.stdout
    text = run_wordvec("vocab", brown_small, "-o", tmp_path / "v.txt", "--min-count", "3").stdout
    for label, key in (("raw tokens:", "raw_tokens"), ("word tokens:", "word_tokens"),
                       ("kept tokens:", "kept_tokens"), ("kept words:", "kept_words")):
        assert re.search(rf"{label}\s+{counted[key]:,}\b", text), (label, text)
    assert "read 1 file," in text  # not "1 file(s)"
