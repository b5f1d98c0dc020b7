"""The item commands end to end: train item2vec, split, recommend, evaluate --next-item."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import run_wordvec


@pytest.fixture(scope="module")
def trained(purchases, tmp_path_factory):
    """split -> train item2vec --users on the training part: (vectors, test file, titles)."""
    folder = tmp_path_factory.mktemp("items")
    code, out, err = run_wordvec("split", purchases, "--user-col", "user", "--item-col", "item", "--time-col",
                                 "timestamp", "--train", folder / "train.tsv", "--test", folder / "test.tsv")
    assert code == 0, err
    code, out, err = run_wordvec("train", "item2vec", folder / "train.tsv", "--user-col", "user", "--item-col",
                                 "item", "-o", folder / "items.wv", "--users", "--threads", "1", "--epochs", "5")
    assert code == 0, err
    assert "wrote" in out and "with user vectors" in out
    return folder / "items.wv", folder / "test.tsv", purchases.parent / "titles.tsv"


def test_split_writes_a_table_and_test_cases(trained, purchases):
    _, test, _ = trained
    train = test.parent / "train.tsv"
    lines = train.read_text().splitlines()
    assert lines[0] == "user\titem" and all(len(line.split("\t")) == 2 for line in lines[1:])
    cases = test.read_text().splitlines()
    assert cases and all(line.count("\t") == 1 for line in cases)
    rows = purchases.read_text().count("\n") - 1
    assert len(lines) - 1 + len(cases) == rows                  # every row is in exactly one part


def test_recommend_for_a_user_excludes_the_history_and_shows_titles(trained):
    from wordvec.vectors.formats import load

    vectors, _, titles = trained
    kv = load(vectors)
    user = kv.users.words[0]
    history = {kv.words[r] for r in kv.users.history(user).tolist()}
    code, out, err = run_wordvec("recommend", vectors, "--user", user, "--topn", "5", "--titles", titles)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"{user}: {len(kv.users.history(user))} item(s) in the history; latest: ")
    assert len(lines) == 6
    items = [line.split()[0] for line in lines[1:]]
    assert not set(items) & history and all(item in kv.index for item in items)
    assert all(" #" in line for line in lines[1:])              # the title beside the ID
    code, out, _ = run_wordvec("recommend", vectors, "--user", user, "--topn", "5", "--json", "--titles", titles)
    payload = json.loads(out)                   # the one JSON Lines shape of the query commands
    assert payload["query"] == {"user": user} and [r["word"] for r in payload["results"]] == items
    assert all(set(r) == {"word", "score", "title"} for r in payload["results"])


def test_recommend_batch_agrees_with_single_and_counts_unknown_items(trained):
    vectors, test, _ = trained
    histories = [line.split("\t")[0] for line in test.read_text().splitlines()[:40]] + ["nothing known", ""]
    code, out, err = run_wordvec("recommend", vectors, "--histories", "-", "--json", "--topn", "4",
                                 stdin="\n".join(histories) + "\n")
    assert code == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == len(histories)
    assert answers[-2]["results"] == [] and answers[-2]["query"] == {"items": ["nothing", "known"],
                                                                     "unknown": ["nothing", "known"]}
    assert "no recommendation for 'nothing known'" in err
    for history, answer in list(zip(histories, answers))[:3]:
        code, out, _ = run_wordvec("recommend", vectors, "--items", *history.split(), "--json", "--topn", "4")
        single = json.loads(out)
        assert single["query"] == answer["query"] == {"items": history.split()}
        assert [r["word"] for r in single["results"]] == [r["word"] for r in answer["results"]]
        np.testing.assert_allclose([r["score"] for r in single["results"]], [r["score"] for r in answer["results"]],
                                   rtol=1e-4)
    code, out, _ = run_wordvec("recommend", vectors, "--histories", "-", "--topn", "3", stdin=histories[0] + "\n")
    assert len(out.split()) == 3                                # plain batch: the items of each answer


def test_evaluate_next_item_beats_popularity(trained):
    vectors, test, _ = trained
    code, out, err = run_wordvec("evaluate", vectors, "--next-item", test, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["scoring"] == "context" and report["ks"] == [10, 20]
    assert report["vectors"]["hit@10"] > 1.5 * report["popularity"]["hit@10"]
    code, out, _ = run_wordvec("evaluate", vectors, "--next-item", test)
    assert "hit@10" in out and "popularity" in out and "coverage@20" in out


@pytest.mark.parametrize("argv, needle", [
    (["recommend", "{v}"], "give exactly one of --user ID, --items A B C or --histories FILE"),
    (["recommend", "{v}", "--items"], "--items needs at least one item ID"),
    (["recommend", "{v}", "--user", "nobody"], "unknown user: 'nobody'"),
    (["train", "item2vec", "{t}", "-o", "{o}", "--user-col", "user"], "--item-col is missing"),
    (["train", "item2vec", "{t}", "-o", "{o}", "--user-col", "user", "--item-col", "basket"], "no column 'basket'"),
    (["train", "item2vec", "{t}", "-o", "{o}", "--users", "--format", "word2vec"], "--users needs --format native"),
])
def test_errors_are_one_line(trained, tmp_path, argv, needle):
    vectors, test, _ = trained
    names = {"v": vectors, "t": test.parent / "train.tsv", "o": tmp_path / "out.wv"}
    result = run_wordvec(*[a.format(**names) for a in argv])
    assert result.code in (1, 2) and len(result.errors) == 1 and needle in result.errors[0], result.stderr
    assert not (tmp_path / "out.wv").exists()


def test_item2vec_on_a_sequences_file_with_tune_records_the_search(tmp_path):
    from wordvec.vectors.formats import load

    rng = np.random.default_rng(0)
    groups = [[f"g{g}-{i}" for i in range(8)] for g in range(4)]
    lines = [" ".join(rng.choice(groups[rng.integers(4)], size=rng.integers(2, 9))) for _ in range(600)]
    (tmp_path / "s.txt").write_text("\n".join(lines) + "\n")
    code, out, err = run_wordvec("train", "item2vec", tmp_path / "s.txt", "-o", tmp_path / "s.wv", "--tune",
                                 "--tune-minutes", "0.05", "--threads", "1", "--dim", "8", "--epochs", "2")
    assert code == 0, err
    assert "tuning on" in out and "<- best" in out and "hit@10" in out
    kv = load(tmp_path / "s.wv")
    assert kv.meta["tune"]["trials"] and kv.meta["trainer"] == "item2vec"
    assert kv.meta["config"]["ns_exponent"] == kv.meta["tune"]["best"]["ns_exponent"]
    assert {w for w, _ in kv.most_similar("g0-1", topn=3)} <= set(groups[0])


@pytest.mark.parametrize("content, table, needle", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", True, "looks like a binary file"),
    (b"", True, "the table is empty"),
    (b"", False, "no words found"),
    (b"user,item\nu,\n", True, "no usable rows (1 empty IDs)"),
])
def test_hostile_interactions_fail_in_one_line_and_write_nothing(tmp_path, content, table, needle):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    columns = ["--user-col", "1", "--item-col", "2"] if table else []
    result = run_wordvec("train", "item2vec", path, "-o", tmp_path / "out.wv", *columns)
    assert result.code == 1 and len(result.errors) == 1 and needle in result.errors[0], result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.wv").exists()
