"""Sweep record and table: the documented sweep.json shape, the Markdown table, the chart."""

from __future__ import annotations

import copy

import pytest

from wordvec.sweep.quality import ITEM_COLUMNS, MEASURES, WORD_COLUMNS
from wordvec.sweep.report import check_record, markdown_table


def _run(value: int, accuracy: float) -> dict:
    return {"value": value, "status": "ok", "train_seconds": 2.5 * value / 50, "words_per_second": 812345.6,
            "peak_rss_bytes": (100 + value) << 20, "file_bytes": value * 4000, "model": f"dim-{value}.wv",
            "final_loss": 2.5, "quality": {"analogy": {"accuracy": accuracy, "answered": 10, "questions": 20},
                                           "wordsim353": {"spearman": 0.25, "found": 300, "pairs": 353},
                                           "simlex999": {"spearman": None, "found": 1, "pairs": 999}}}


RECORD = {"format": "wordvec-sweep", "version": 1, "trainer": "skipgram", "param": "dim", "values": [25, 50, 100],
          "fixed": {"window": 5, "epochs": 1}, "corpus": {"tokens": 1000},
          "runs": [_run(25, 0.0123), _run(50, 0.5),
                   {"value": 100, "status": "failed", "error": "the training process ended without a result | x"}]}


def test_markdown_table_has_one_row_per_value():
    table = markdown_table(RECORD, WORD_COLUMNS).splitlines()
    assert table[0] == ("| dim | train time | words/s | peak memory | file size | analogy (3CosAdd) | WS353 ρ "
                        "| SimLex ρ |")
    assert table[1] == "|---:|---:|---:|---:|---:|---:|---:|---:|"
    assert table[2] == "| 25 | 1.25 s | 812,346 | 125.0 MiB | 0.1 MiB | 1.2 % | 0.250 | – |"
    assert table[3].startswith("| 50 | 2.50 s |") and "| 50.0 % |" in table[3]
    assert table[4].startswith("| 100 | failed: the training process ended without a result \\| x |")
    assert len(table) == 5


def test_check_record_accepts_the_documented_shapes_and_names_what_is_wrong():
    words = ((lambda r: r.pop("fixed"), "no 'fixed'"),
             (lambda r: r.update(version=2), "version 1"),
             (lambda r: r["values"].reverse(), "follow values"),
             (lambda r: r["fixed"].update(dim=100), "also listed as fixed"),
             (lambda r: r["runs"][0].pop("peak_rss_bytes"), "lacks peak_rss_bytes"))
    items = ((lambda r: r["runs"][1].pop("items_per_second"), "lacks items_per_second"),
             (lambda r: r.pop("baselines"), "needs held_out and baselines"))
    for record, changes in ((RECORD, words), (ITEM_RECORD, items)):
        check_record(record)
        for change, message in changes:
            broken = copy.deepcopy(record)
            change(broken)
            with pytest.raises(ValueError, match=message):
                check_record(broken)


def test_chart_is_a_real_image(tmp_path):
    pytest.importorskip("matplotlib")
    from tests.plotting import png_ink, png_size, svg_texts
    from wordvec.plot.sweepchart import plot_sweep

    plot_sweep(RECORD, tmp_path / "sweep.png", WORD_COLUMNS, size=(900, 600))
    assert png_size(tmp_path / "sweep.png") == (900, 600)
    assert png_ink(tmp_path / "sweep.png")[0] > 0.01
    plot_sweep(RECORD, tmp_path / "sweep.svg", WORD_COLUMNS)
    _, texts = svg_texts(tmp_path / "sweep.svg")
    for label in ("analogy (3CosAdd)", "training time (s)", "peak memory (MiB)", "file size (MiB)", "25", "100"):
        assert label in texts
    assert "skipgram: quality and cost against dim" in texts


def _item_run(value: int, hit: float) -> dict:
    return {"value": value, "status": "ok", "train_seconds": 0.5, "items_per_second": 120000,
            "peak_rss_bytes": 200 << 20, "file_bytes": 1 << 20, "model": f"dim-{value}.wv", "final_loss": 1.2,
            "quality": {"hit@10": hit, "ndcg@10": hit / 2, "coverage@10": 0.3, "mrr": hit / 3, "scoring": "context"}}


ITEM_RECORD = {"format": "wordvec-sweep", "version": 1, "trainer": "item2vec", "param": "dim", "values": [16, 64],
               "fixed": {"epochs": 10}, "corpus": {"kept_tokens": 900}, "unit": "items",
               "held_out": {"rule": "the last item of each user with two items or more", "cases": 100},
               "baselines": {"popularity": {"hit@10": 0.076, "ndcg@10": 0.04, "coverage@10": 0.01, "mrr": 0.037}},
               "runs": [_item_run(16, 0.25), _item_run(64, 0.2598)]}


def test_item_table_counts_items_and_ends_with_the_baseline():
    table = markdown_table(ITEM_RECORD, ITEM_COLUMNS).splitlines()
    assert table[0] == "| dim | train time | items/s | peak memory | file size | hit rate@10 | NDCG@10 | MRR |"
    assert table[3] == "| 64 | 0.50 s | 120,000 | 200.0 MiB | 1.0 MiB | 26.0 % | 0.130 | 0.087 |"
    assert table[4] == "| popularity (baseline) |  |  |  |  | 7.6 % | 0.040 | 0.037 |"
    assert len(table) == 5


def test_item_chart_draws_the_baseline(tmp_path):
    pytest.importorskip("matplotlib")
    from tests.plotting import svg_texts
    from wordvec.plot.sweepchart import plot_sweep

    plot_sweep(ITEM_RECORD, tmp_path / "sweep.svg", ITEM_COLUMNS, label=MEASURES["items"].label)
    _, texts = svg_texts(tmp_path / "sweep.svg")
    for label in ("hit rate@10", "hit rate@10, popularity", "MRR, popularity", MEASURES["items"].label):
        assert label in texts
