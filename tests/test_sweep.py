"""`wordvec sweep` on a tiny corpus (and tiny generated purchases for item2vec): sweep.json, the table,
the chart, the models, failures, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.conftest import brown_lines, run_wordvec
from wordvec.errors import WordvecError
from wordvec.sweep.quality import ITEM_COLUMNS, WORD_COLUMNS
from wordvec.sweep.report import check_record, markdown_table


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """~30k tokens of Brown: every run trains in well under a second."""
    path = tmp_path_factory.mktemp("sweep") / "tiny.txt"
    path.write_text("\n".join(brown_lines(1500)) + "\n", encoding="utf-8")
    return path


def test_dimension_sweep_writes_models_record_table_and_chart(tiny, tmp_path):
    import wordvec

    out = tmp_path / "dims"
    result = run_wordvec("sweep", "skipgram", str(tiny), "-o", str(out), "--dim", "8,16", "--epochs", "1",
                         "--min-count", "3", "--window", "3", "--threads", "1")
    assert result.code == 0, result.stderr
    record = json.loads((out / "sweep.json").read_text())
    check_record(record)
    assert (record["trainer"], record["param"], record["values"]) == ("skipgram", "dim", [8, 16])
    assert record["fixed"]["window"] == 3 and record["fixed"]["epochs"] == 1  # every flag held fixed
    assert record["fixed"]["lr"] == 0.025 and record["fixed"]["threads"] == 1  # as used, not None
    assert sorted(os.listdir(out)) == ["dim-16.wv", "dim-8.wv", "sweep.json", "sweep.md", "sweep.png"]
    for run in record["runs"]:
        kv = wordvec.load(out / run["model"])
        assert kv.dim == run["value"] and kv.meta["config"]["window"] == 3
        assert run["file_bytes"] > 4 * len(kv) * kv.dim                   # the vectors and the vocabulary
        assert run["peak_rss_bytes"] >= run["baseline_rss_bytes"] > 20 << 20
        assert run["train_seconds"] > 0 and run["words_per_second"] > 0
        assert 0 <= run["quality"]["analogy"]["accuracy"] <= 1 and run["quality"]["analogy"]["answered"] > 0
        assert run["quality"]["wordsim353"]["found"] > 10
    assert (out / "sweep.md").read_text() == markdown_table(record, WORD_COLUMNS)
    assert result.stdout.startswith("| dim | train time |") and "| 16 |" in result.stdout
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_glove_shares_one_counting_and_records_a_failed_run(tiny, tmp_path):
    out = tmp_path / "lr"
    result = run_wordvec("sweep", "glove", str(tiny), "-o", str(out), "--lr", "0.05,1e30", "--dim", "8",
                         "--epochs", "2", "--window", "3", "--min-count", "3", "--x-max", "10", "--threads", "1",
                         "--no-keep-models", "--json")
    assert result.code == 0, result.stderr
    record = json.loads(result.stdout)
    check_record(record)
    assert record["param"] == "lr" and record["cooccur_seconds"] is not None  # counted once, before the runs
    good, bad = record["runs"]
    assert good["status"] == "ok" and good["model"] is None and good["words_per_second"] is None
    assert bad["status"] == "failed" and "diverged" in bad["error"]
    assert sum("warning" in line and "diverged" in line for line in result.stderr.splitlines()) == 1
    assert sorted(os.listdir(out)) == ["sweep.json", "sweep.md", "sweep.png"]
    assert "| 1e+30 | failed: GloVe diverged" in (out / "sweep.md").read_text()


def test_item_sweep_scores_the_held_out_last_items_and_records_a_failed_run(purchases, tmp_path):
    """A table read with the same options as `train item2vec`; one run trains, one diverges. The
    good run's hit rate is what `evaluate --next-item` says on `wordvec split`'s test cases (the
    same split, the same model), and above popularity: the data plants taste groups that
    popularity cannot see (1,000 users, 8 groups: item2vec about 31 %, popularity 15 %)."""
    table = ("--user-col", "user", "--item-col", "item", "--time-col", "timestamp")
    out = tmp_path / "lr"
    result = run_wordvec("sweep", "item2vec", purchases, *table, "-o", out, "--lr", "0.025,1e30", "--dim", "16",
                         "--threads", "1")
    assert result.code == 0, result.stderr
    record = json.loads((out / "sweep.json").read_text())
    check_record(record)
    assert (record["trainer"], record["param"], record["values"], record["unit"]) == ("item2vec", "lr",
                                                                                      [0.025, 1e30], "items")
    assert record["input"]["time_col"] == "timestamp" and record["fixed"]["dim"] == 16
    users, rows = 1000, purchases.read_text().count("\n") - 1
    held_out = record["held_out"]
    assert held_out["cases"] == users and record["corpus"]["kept_tokens"] == rows - users  # every user has 2+
    good, bad = record["runs"]
    assert bad["status"] == "failed" and "diverged" in bad["error"]
    quality, popularity = good["quality"], record["baselines"]["popularity"]
    assert good["items_per_second"] > 0 and quality["scoring"] == "context"
    assert 0 < quality["mrr"] <= quality["ndcg@10"] <= quality["hit@10"] <= 1
    assert quality["hit@10"] > 1.5 * popularity["hit@10"] > 0

    assert (out / "lr-0.025.wv" / "context.npy").exists()          # kept: recommendations score with them
    assert not (out / "lr-1e+30.wv").exists()
    code, _, err = run_wordvec("split", purchases, *table, "--train", tmp_path / "train.tsv", "--test",
                               tmp_path / "test.tsv")
    assert code == 0, err
    code, report, err = run_wordvec("evaluate", out / good["model"], "--next-item", tmp_path / "test.tsv", "--json")
    check = json.loads(report)
    assert code == 0 and check["scoring"] == "context", err
    for key in ("hit@10", "ndcg@10", "mrr"):
        assert check["vectors"][key] == pytest.approx(quality[key], abs=1e-12), key
        assert check["popularity"][key] == pytest.approx(popularity[key], abs=1e-12), key

    table_md = (out / "sweep.md").read_text()
    assert table_md == markdown_table(record, ITEM_COLUMNS)
    assert table_md.startswith("| lr | train time | items/s | peak memory | file size | hit rate@10 | NDCG@10 | MRR |")
    assert "| 1e+30 | failed: training diverged" in table_md
    baseline_row = f"| popularity (baseline) |  |  |  |  | {100 * popularity['hit@10']:.1f} %"
    assert table_md.splitlines()[-1].startswith(baseline_row)
    assert result.stdout.startswith(table_md) and (out / "sweep.png").exists()


@pytest.mark.parametrize("args, message, code", [
    (["--time-col", "timestamp"], "--time-col orders the rows of a table", 1),
    (["--users"], "No such option '--users'", 2),
    (["--tune"], "No such option '--tune'", 2),
])
def test_item_sweep_refuses_what_it_cannot_do_before_any_work(purchases, tmp_path, args, message, code):
    result = run_wordvec("sweep", "item2vec", purchases, "-o", tmp_path / "out", *args)
    assert result.code == code and message in result.errors[0], result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, message", [
    (["--dim", "8,16", "--window", "2,3"], "several values for --dim and --window"),
    (["--dim", "8,x"], "--dim: 'x' is not a whole number"),
    (["--dim", "8,8"], "give each value once"),
    (["--param", "sample"], "give the values to sweep: --sample A,B,C"),
    (["--param", "min-count"], "Invalid value for '--param'"),
])
def test_usage_errors(tiny, tmp_path, args, message):
    result = run_wordvec("sweep", "cbow", str(tiny), "-o", str(tmp_path / "out"), *args)
    assert result.code == 2 and len(result.errors) == 1, result.stderr
    assert message in result.errors[0]
    assert not (tmp_path / "out").exists()


def test_a_bad_fixed_setting_fails_before_any_work(tiny, tmp_path):
    result = run_wordvec("sweep", "skipgram", str(tiny), "-o", str(tmp_path / "out"), "--negative", "0")
    assert result.code == 1 and "--negative must be at least 1" in result.errors[0]
    assert os.listdir(tmp_path) == []


def test_plan_infers_the_swept_setting():
    from wordvec.cli.sweep_commands import plan
    from wordvec.sweep.trainers import TRAINERS

    options = {name: None for name in TRAINERS["skipgram"].sweepable()} | {"param": None, "min_count": 3,
                                                                          "tokens": "raw"}
    assert plan(TRAINERS["skipgram"], options)[:2] == ("dim", [25, 50, 100, 200, 300])
    param, values, settings = plan(TRAINERS["skipgram"], options | {"window": "2,5", "dim": "50"})
    assert (param, values) == ("window", [2, 5])
    assert settings["dim"] == 50 and settings["min_count"] == 3 and "tokens" not in settings
    assert plan(TRAINERS["skipgram"], options | {"param": "ns-exponent", "ns_exponent": "0,0.75"})[:2] == \
        ("ns_exponent", [0.0, 0.75])
    assert "negative" not in TRAINERS["glove"].sweepable() and "exact" not in TRAINERS["cbow"].sweepable()
    items = {name: None for name in TRAINERS["item2vec"].sweepable()} | {"param": None}
    assert plan(TRAINERS["item2vec"], items)[:2] == ("dim", [16, 32, 64, 128])   # item dimensions are smaller
    assert plan(TRAINERS["item2vec"], items | {"param": "ns-exponent"})[:2] == ("ns_exponent", [-0.5, 0, 0.5, 1])
    assert plan(TRAINERS["item2vec"], items | {"param": "window"})[:2] == ("window", [0, 2, 5, 10])


def _raise(job):
    raise WordvecError(f"bad {job['x']}\nsecond line")


def _die(job):
    os.kill(os.getpid(), signal.SIGKILL)


def _double(job):
    return {"y": np.float64(job["x"]) * 2}


def test_run_isolated_returns_results_and_one_line_errors():
    from wordvec.sweep.child import run_isolated

    assert run_isolated("tests.test_sweep:_double", {"x": 2}) == {"y": 4.0}
    with pytest.raises(WordvecError, match="^bad 3 second line$"):
        run_isolated("tests.test_sweep:_raise", {"x": 3})
    with pytest.raises(WordvecError, match="exit status -9; killed by SIGKILL"):
        run_isolated("tests.test_sweep:_die", {})


def test_interrupted_sweep_leaves_nothing(tiny, tmp_path):
    """SIGINT to the sweep while its first run trains: exit 130, one line, no folder left."""
    (tmp_path / "out").mkdir()
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "wordvec", "sweep", "skipgram", str(tiny), "-o", "out/s",
                             "--dim", "8,16", "--epochs", "400", "--min-count", "3", "--threads", "1"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    for raw in proc.stderr:  # wait until the first run is training in its own process
        lines.append(raw.decode())
        if "training skipgram" in lines[-1]:
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=60)
    rest = proc.stderr.read().decode()
    assert code == 130, lines + [rest]
    assert "Traceback" not in rest and rest.strip().splitlines()[-1].startswith("wordvec: interrupted by SIGINT")
    assert os.listdir(tmp_path / "out") == []


def test_a_previous_sweep_is_replaced_but_a_foreign_folder_is_not(tmp_path):
    from wordvec.util.atomic import check_output

    previous = tmp_path / "sweep"
    previous.mkdir()
    (previous / "sweep.json").write_text(json.dumps({"format": "wordvec-sweep", "version": 1}))
    (previous / "dim-25.wv").mkdir()
    check_output(previous)  # a wordvec output: may be replaced
    (previous / "sweep.json").write_text("{}")
    with pytest.raises(WordvecError, match="not a wordvec output"):
        check_output(previous)


def test_without_the_plot_extra_the_sweep_says_so_once_and_goes_on(monkeypatch):
    import logging

    from wordvec.sweep.run import _chart_possible

    assert _chart_possible()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logger = logging.getLogger("wordvec")
    logger.addHandler(handler)
    try:
        assert not _chart_possible()
    finally:
        logger.removeHandler(handler)
    assert seen == ["the sweep chart needs matplotlib, which is not installed: pip install 'wordvec[plot]'; "
                    "writing sweep.json and sweep.md only"]
