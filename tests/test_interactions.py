"""Interactions from a sequences file or a table: order, users, dedupe, pruning, bad rows."""

from __future__ import annotations

import gzip
import logging

import numpy as np
import pytest

from wordvec.errors import CorpusError, WordvecError
from wordvec.config import InteractionsConfig
from wordvec.text.interactions import first_occurrences, keep_positions, read_interactions


def sequences(inter) -> dict[str, list[str]]:
    return {user: inter.sequence_items(s) for s, user in enumerate(inter.users)}


def table(inter, path, **config):
    return read_interactions(str(path), InteractionsConfig(**config))


# --------------------------------------------------------------------------- sequences files

def test_sequences_file_names_users_by_line_and_keeps_case_and_length(tmp_path):
    path = tmp_path / "s.txt"
    long_line = " ".join(f"I{i % 1500}" for i in range(2500))      # longer than the word pipeline's 1,000 cap
    path.write_text(f"A b B\n\n   \n{long_line}\nb A A\n", encoding="utf-8")
    inter = read_interactions(str(path), cache=False)
    assert inter.users == ["1", "4", "5"]                          # blank lines keep their numbers
    got = sequences(inter)
    assert got["1"] == ["A", "b", "B"] and got["5"] == ["b", "A", "A"]
    assert len(got["4"]) == 2500 and got["4"][:2] == ["I0", "I1"]
    assert inter.items.counts[inter.items.index["A"]] == 3
    assert inter.report["longest_sequence"] == 2500


def test_sequences_dedupe_and_min_count_drop_users_left_empty(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("x y x z y\nrare\nz x\n")
    inter = read_interactions(str(path), InteractionsConfig(dedupe=True), min_count=2, cache=False)
    # counts are taken after dedupe: y is then seen once and goes with "rare"
    assert sequences(inter) == {"1": ["x", "z"], "3": ["z", "x"]}
    assert inter.report["duplicates_dropped"] == 2 and inter.report["users_dropped"] == 1
    assert inter.report["items_dropped"] == 2
    assert inter.items.words == ["x", "z"] and list(inter.items.counts) == [2, 2]
    kept = read_interactions(str(path), InteractionsConfig(dedupe=True), cache=False)
    assert kept.items.words == ["x", "z", "rare", "y"]             # by count after dedupe, then ID
    assert list(kept.items.counts) == [2, 2, 1, 1]


def test_sequences_cached_encoding_is_reused_with_the_same_answer(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("a b\n\nc a\n")
    first = sequences(read_interactions(str(path)))
    assert sequences(read_interactions(str(path))) == first == {"1": ["a", "b"], "3": ["c", "a"]}


def test_array_helpers():
    ids = np.array([5, 1, 5, 5, 2, 2, 1], dtype=np.int32)
    offsets = np.array([0, 4, 7])
    mask = first_occurrences(ids, offsets, 6)
    assert mask.tolist() == [True, True, False, False, True, False, True]
    kept, new_offsets = keep_positions(ids, offsets, mask)
    assert kept.tolist() == [5, 1, 2, 1] and new_offsets.tolist() == [0, 2, 4]


# --------------------------------------------------------------------------- tables

def test_table_orders_by_time_with_ties_in_file_order_and_iso_dates(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("user,item,when\n"
                    "u1,late,2024-03-01T10:00:00\n"
                    "u2,b,5\n"
                    "u1,early,2024-01-01\n"
                    "u2,a,1\n"
                    "u1,tie1,2024-02-01\n"
                    "u1,tie2,2024-02-01\n"
                    "u2,c,5\n")
    inter = table(None, path, user_col="user", item_col="item", time_col="when")
    assert sequences(inter) == {"u1": ["early", "tie1", "tie2", "late"], "u2": ["a", "b", "c"]}
    assert inter.report["header"] == ["user", "item", "when"]
    # without --time-col, the file's order
    inter = table(None, path, user_col="user", item_col="item")
    assert sequences(inter)["u1"] == ["late", "early", "tie1", "tie2"]


def test_table_quotes_missing_fields_empty_ids_are_counted(tmp_path, caplog):
    path = tmp_path / "t.csv"
    path.write_text('user,item,time\n'
                    'u1,"a, with comma",1\n'
                    '"u1", "b ""quoted""" ,2\n'
                    'u1\n'
                    ',c,3\n'
                    'u2,  ,4\n'
                    'u2,d,not a time\n'
                    '\n'
                    'u2,"multi\nline",5\n'
                    'u3,e,6,extra,fields\n')
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        inter = table(None, path, user_col="user", item_col="item", time_col="time")
    got = sequences(inter)
    assert got == {"u1": ["a,_with_comma", 'b_"quoted"'], "u2": ["multi_line"], "u3": ["e"]}
    assert inter.report["rows_skipped"] == {"missing fields": 1, "empty IDs": 2, "unreadable times": 1}
    assert inter.report["ids_with_spaces"] == 3
    assert "skipped 4 of 8 rows (1 missing fields, 2 empty IDs, 1 unreadable times)" in caplog.text


def test_tsv_by_column_number_with_detected_and_forced_header(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("UserID\tProductName\tprice\n7\tapple\t1.0\n8\tpear\t2\n7\tplum\t3\n")
    inter = table(None, path, user_col="1", item_col="2")
    assert inter.report["header"] == ["UserID", "ProductName", "price"]
    assert sequences(inter) == {"7": ["apple", "plum"], "8": ["pear"]}
    inter = table(None, path, user_col="1", item_col="2", header=False)
    assert sequences(inter)["UserID"] == ["ProductName"]
    # no header: the first row is data
    path.write_text("7\tapple\n8\tpear\n7\tplum\n")
    assert sequences(table(None, path, user_col="1", item_col="2")) == {"7": ["apple", "plum"], "8": ["pear"]}


def test_header_detection_keeps_a_data_first_row(tmp_path):
    path = tmp_path / "t.csv"
    # the first row's user reappears below it: data, even though "video-1" contains "id"
    path.write_text("session1,video-1\nsession1,video-2\nsession2,video-1\n")
    inter = table(None, path, user_col="1", item_col="2")
    assert inter.report["header"] is None and sequences(inter)["session1"] == ["video-1", "video-2"]
    # text above numbers is a header, even without a usual column word
    path.write_text("who,what\n1,10\n2,11\n1,12\n")
    assert table(None, path, user_col="1", item_col="2").report["header"] == ["who", "what"]


def test_gzipped_table_and_dedupe(tmp_path):
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt") as f:
        f.write("user,item\nu,a\nu,b\nu,a\nv,a\n")
    inter = table(None, path, user_col="user", item_col="item", dedupe=True)
    assert sequences(inter) == {"u": ["a", "b"], "v": ["a"]}
    assert inter.report["duplicates_dropped"] == 1


@pytest.mark.parametrize("content, config, needle", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, "binary file"),
    (b"", {}, "empty"),
    (b"  \n\n", {}, "empty"),
    (b"user,item\nu,a\n", {"item_col": "product"}, "no column 'product' for --item-col; the header has 'user', 'item'"),
    (b"u,a\nv,b\n", {"item_col": "7"}, "no column 7 for --item-col: the first row has 2 field(s)"),
    (b"just one column\nand another line\n", {}, "not a CSV or TSV table"),
    (b"user,item\n", {}, "no usable rows (no data rows)"),
    (b"user,item\nu,\n,a\n", {}, "no usable rows (2 empty IDs)"),
    (b"user,item\nu,a\n", {"time_col": "user"}, "must name different columns"),
])
def test_hostile_tables_refused_in_one_line(tmp_path, content, config, needle):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    options = {"user_col": "1", "item_col": "2", **config}
    if "item_col" in config and not config["item_col"].isdigit():
        options["user_col"] = "user"
    with pytest.raises(CorpusError) as caught:
        table(None, path, **options)
    message = str(caught.value)
    assert needle in message and "\n" not in message and str(path) in message


def test_config_mistakes_are_named():
    with pytest.raises(WordvecError, match="--item-col is missing"):
        InteractionsConfig(user_col="u").validate()
    with pytest.raises(WordvecError, match="--time-col orders the rows of a table"):
        InteractionsConfig(time_col="t").validate()


def test_lowercase_and_words_apply_to_table_ids_and_sequences(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('user,item\nu,"Apple!"\nu,apple\nu,"(Pear)"\nu,---\n')
    inter = table(None, path, user_col="user", item_col="item", tokens="words", lowercase=True)
    assert sequences(inter) == {"u": ["apple", "apple", "pear", "---"]}
    seq = tmp_path / "s.txt"
    seq.write_text("Apple! apple\n")
    inter = read_interactions(str(seq), InteractionsConfig(tokens="words", lowercase=True), cache=False)
    assert sequences(inter) == {"1": ["apple", "apple"]}


def test_a_vocabulary_file_fixes_the_items(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("a b c\nc d\n")
    (tmp_path / "vocab.txt").write_text("c 10\na 3\n")
    inter = read_interactions(str(path), vocab_path=tmp_path / "vocab.txt", cache=False)
    assert inter.items.words == ["c", "a"] and list(inter.items.counts) == [10, 3]
    assert sequences(inter) == {"1": ["a", "c"], "2": ["c"]} and inter.report["items_dropped"] == 2
