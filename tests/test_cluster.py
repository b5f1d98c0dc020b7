"""Preparation and co-occurrences on a LocalCluster of worker processes: the same vocabulary,
ids, sentences and co-occurrence values as one machine, a worker killed mid-partition, and the
one-line errors (missing extra, bad or unreachable addresses, a path the workers cannot read)."""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from tests.conftest import run_wordvec  # noqa: E402
from tests.reference.texts import hostile_bytes  # noqa: E402
from wordvec.cluster import connect, partitions  # noqa: E402
from wordvec.cluster.prepare import DaskSession  # noqa: E402
from wordvec.config import CooccurConfig, TokenizerConfig  # noqa: E402
from wordvec.errors import CorpusError, MissingExtra, WordvecError  # noqa: E402
from wordvec.text.corpus import prepare_corpus  # noqa: E402
from wordvec.train.cooccur import count_cooccurrences  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture()
def corpus(tmp_path, brown_small, monkeypatch):
    """The Brown slice and hostile text, cut into partitions of ~64 kB (several per file)."""
    monkeypatch.setattr(partitions, "MIN_PARTITION", 64 << 10)
    hostile = tmp_path / "hostile.txt"
    hostile.write_bytes(hostile_bytes(5, 30000))   # ~200 kB, with a long stretch without newlines
    return [str(brown_small), str(hostile)]


def _same_preparation(session, files, tmp_path, window=None):
    config = TokenizerConfig(max_sentence_length=200)
    vocab, encoded = prepare_corpus(files, config, min_count=2, cache=False)
    got_vocab, got = session.prepare(files, config, min_count=2, cache=False)
    assert got_vocab.words == vocab.words and np.array_equal(got_vocab.counts, vocab.counts)
    assert np.array_equal(got.ids, encoded.ids) and np.array_equal(got.offsets, encoded.offsets)
    if window is None:
        return
    settings = CooccurConfig(window=window)
    expected = count_cooccurrences(encoded, vocab, settings)
    cooc = session.cooccurrences(got, got_vocab, settings, tmp_path / "cooc")
    for name in ("rows", "cols", "vals"):
        assert np.array_equal(np.asarray(getattr(cooc, name)), getattr(expected, name)), name
    assert cooc.nnz > 100_000


def test_prepare_and_cooccur_equal_one_machine_bit_for_bit(client, corpus, tmp_path, monkeypatch):
    from wordvec.cluster import prepare

    monkeypatch.setattr(prepare, "MERGE_GROUP", 2)   # workers add up pairs of partitions' counts first
    with DaskSession(client, near=tmp_path) as session:
        assert len(session.passes.pieces(corpus, TokenizerConfig())) > 6
        _same_preparation(session, corpus, tmp_path, window=5)
        work = session.passes.work
    assert not work.exists()   # the shards are gone with the session


class _KillOnce(distributed.WorkerPlugin):
    """In the workers: the first attempt at encoding a partition that starts inside a file
    encodes one block, then its process dies (Dask reschedules the partition)."""

    def __init__(self, marker: str):
        self.marker = marker

    def setup(self, worker):
        import os

        from wordvec.cluster import tasks
        from wordvec.text.encoding import Encoder

        original, marker, encode = tasks.encode_piece, self.marker, Encoder.encode

        def dying(self, block):
            result = encode(self, block)
            os._exit(1)
            return result  # pragma: no cover

        def encode_piece(piece, *args):
            if piece.start > 0 and os.path.exists(marker):
                os.remove(marker)
                Encoder.encode = dying
            return original(piece, *args)

        tasks.encode_piece = encode_piece


def test_a_worker_killed_mid_partition_changes_nothing(client, corpus, tmp_path):
    marker = tmp_path / "kill-once"
    marker.write_text("")
    before = set(client.scheduler_info()["workers"])
    client.register_plugin(_KillOnce(str(marker)), name="kill-once")
    try:
        with DaskSession(client, near=tmp_path) as session:
            _same_preparation(session, corpus, tmp_path)
    finally:
        client.unregister_worker_plugin("kill-once")
    assert not marker.exists()   # a worker did die (a new one took its place), and the run still matched
    client.wait_for_workers(2, timeout=30)
    assert set(client.scheduler_info()["workers"]) != before


class _Unreadable(distributed.WorkerPlugin):
    """In the workers: paths with 'forbidden' in them cannot be opened."""

    def setup(self, worker):
        from wordvec.text import inputs

        original = inputs._open_file

        def open_file(path):
            if "forbidden" in str(path):
                raise PermissionError(13, "Permission denied", str(path))
            return original(path)

        inputs._open_file = open_file


def test_a_path_the_workers_cannot_read_is_one_line(client, tmp_path, brown_small):
    path = tmp_path / "forbidden.txt"
    path.write_bytes(brown_small.read_bytes())
    client.register_plugin(_Unreadable(), name="unreadable")
    try:
        with DaskSession(client, near=tmp_path) as session, pytest.raises(CorpusError) as info:
            session.build_vocab([str(path)])
    finally:
        client.unregister_worker_plugin("unreadable")
    message = str(info.value)
    assert "forbidden.txt" in message and "Dask worker" in message and "\n" not in message


def test_bad_addresses_and_the_missing_extra_are_one_line(monkeypatch, tmp_path):
    for address, message in (("local:0", "at least 1"), ("local:two", "at least 1"), ("nonsense", "not a scheduler")):
        with pytest.raises(WordvecError, match=message):
            with DaskSession(address, near=tmp_path):
                pass
    monkeypatch.setattr(connect, "CONNECT_SECONDS", 1)
    with pytest.raises(WordvecError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        with DaskSession("tcp://127.0.0.1:9", near=tmp_path):
            pass
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtra, match=r"pip install 'wordvec\[dask\]'"):
        with DaskSession("local:1", near=tmp_path):
            pass


def test_cli_vocab_cooccur_and_train_with_dask(client, corpus, tmp_path):
    address = client.scheduler.address
    common = [*corpus, "--min-count", "2"]
    for args in (["vocab", *common, "-o"], ["cooccur", *common, "--window", "4", "-o"]):
        plain = run_wordvec(*args, tmp_path / "plain")
        dask = run_wordvec(*args, tmp_path / "dask", "--dask", address)
        assert plain.code == 0 and dask.code == 0, dask.stderr
        if args[0] == "vocab":
            assert (tmp_path / "plain").read_bytes() == (tmp_path / "dask").read_bytes()
        else:
            for name in ("rows", "cols", "vals", "vocab.txt"):
                suffix = "" if "." in name else ".npy"
                assert (tmp_path / "plain" / f"{name}{suffix}").read_bytes() == \
                    (tmp_path / "dask" / f"{name}{suffix}").read_bytes()
        for out in ("plain", "dask"):
            (tmp_path / out).unlink() if (tmp_path / out).is_file() else shutil.rmtree(tmp_path / out)
    done = run_wordvec("train", "glove", *common, "-o", tmp_path / "g.wv", "--epochs", "1", "--dim", "8",
                       "--threads", "1", "--dask", address, "--no-cache", "--json")
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["nnz"] > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no work folder left behind
    refused = run_wordvec("vocab", "-", "-o", tmp_path / "v.txt", "--dask", address)
    assert refused.code == 1 and len(refused.errors) == 1 and "stdin" in refused.errors[0]
