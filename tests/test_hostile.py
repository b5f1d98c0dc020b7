"""Hostile inputs, bad options, damaged files and full disks, through the real CLI.

Every case runs `python -m wordvec` in a subprocess and checks the contract of issue 6:
the exit status (1 data/user error, 2 usage error), exactly one line on stderr that names the
problem and the file or option, no traceback anywhere, and nothing left behind: no output,
no temporary file beside it, no hidden work folder in the cache, nothing in $TMPDIR.
Inputs that are odd but usable (Latin-1, UTF-16, a 20 MB line, a 1 MB word) must succeed,
with one warning line where something was changed.
"""

from __future__ import annotations

import codecs
import gzip
import json
import lzma
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import brown_lines

# --------------------------------------------------------------------------- running the CLI


def run_cli(argv: list[str], work: Path, *, preexec=None, stdin: bytes | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the CLI with its cache and temp folder inside `work`, so leftovers can be found."""
    (work / "cache").mkdir(exist_ok=True)
    (work / "tmp").mkdir(exist_ok=True)
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "TMPDIR": str(work / "tmp"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "wordvec", *map(str, argv)], capture_output=True,
                          env=env, timeout=120, preexec_fn=preexec, input=stdin, cwd=work)


def file_size_limit(nbytes: int):
    """preexec_fn: files may grow to `nbytes` only; writes beyond fail with EFBIG (SIGXFSZ ignored)."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return limit


def leftovers(work: Path) -> list[str]:
    """Temporary files or folders a run may have left: hidden entries beside outputs, hidden
    work folders in the cache, anything in $TMPDIR."""
    found = [str(p) for p in (work / "out").rglob(".*")] if (work / "out").exists() else []
    found += [str(p) for p in (work / "cache").rglob(".*")]
    found += [str(p) for p in (work / "tmp").iterdir()]
    return found


def stderr_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]


def assert_clean_failure(result, code: int, *needles: str) -> str:
    """Exit `code`, one stderr line 'wordvec: error: ...' holding every needle, no traceback."""
    out = result.stdout.decode("utf-8", "replace")
    lines = stderr_lines(result)
    assert "Traceback" not in out + result.stderr.decode("utf-8", "replace"), result.stderr
    assert result.returncode == code, (result.returncode, lines)
    assert len(lines) == 1, lines
    assert lines[0].startswith("wordvec: error: "), lines
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# --------------------------------------------------------------------------- inputs

WORDS = ["the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "king", "queen", "man", "woman"]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Every hostile input, made once for the module."""
    d = tmp_path_factory.mktemp("hostile-data")
    text = "\n".join(brown_lines(2000)) + "\n"
    (d / "small.txt").write_text(text, encoding="utf-8")
    # corpora that must fail
    (d / "emptydir").mkdir()
    (d / "pngdir").mkdir()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8
    (d / "pngdir" / "image.png").write_bytes(png)
    (d / "image.png").write_bytes(png)
    (d / "nul.txt").write_bytes(b"hello world\x00\x00\x00 more text\n" * 10)
    (d / "empty.txt").write_bytes(b"")
    (d / "punct.txt").write_bytes(b" ... -- !!\n\n , ; \t\r\n  \xe2\x80\x94 \xc2\xbf?\n")
    (d / "blank.txt").write_bytes(b" \n\t\n\r\n   \n")
    (d / "truncated.gz").write_bytes(gzip.compress(text.encode())[:5000])
    corrupt = bytearray(lzma.compress(text.encode()))
    for i in range(2000, 2100):
        corrupt[i] ^= 0x5A
    (d / "corrupt.xz").write_bytes(bytes(corrupt))
    # corpora that must succeed
    latin = text[:30000] + "\ncaf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber stra\u00dfe\n" * 20
    (d / "latin1.txt").write_bytes(latin.encode("latin-1", "replace"))
    (d / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + text[:30000].encode("utf-16-le"))
    (d / "bom.txt").write_bytes(codecs.BOM_UTF8 + text[:30000].encode("utf-8"))
    line = " ".join(text.split())
    with open(d / "oneline.txt", "w", encoding="utf-8") as f:  # ~20 MB, no newline at all
        for _ in range(20_000_000 // len(line) + 1):
            f.write(line + " ")
    (d / "bigword.txt").write_bytes(b"the cat sat\n" * 5 + ("\u00e9" * 500_000).encode() + b"x\nthe end\n")
    # vectors files
    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    rng = np.random.default_rng(0)
    kv = KeyedVectors(rng.standard_normal((len(WORDS), 8)).astype(np.float32), WORDS)
    save(kv, d / "good.wv")
    save(kv, d / "good.txt", format="word2vec")
    save(kv, d / "good.bin", format="word2vec-binary")
    (d / "truncated.bin").write_bytes((d / "good.bin").read_bytes()[:200])
    rows = (d / "good.txt").read_text().splitlines()
    (d / "header-disagrees.txt").write_text("\n".join([f"{len(WORDS) + 5} 8"] + rows[1:]) + "\n")
    (d / "ragged.txt").write_text("\n".join(rows[1:5] + ["broken 0.1 0.2 0.3"] + rows[5:]) + "\n")
    (d / "nan.txt").write_text("\n".join(rows[1:4] + ["bad nan" + " 0.5" * 7] + rows[4:]) + "\n")
    (d / "inf.txt").write_text("\n".join(rows[1:4] + ["bad 1e999" + " 0.5" * 7] + rows[4:]) + "\n")
    save(kv, d / "newer.wv")
    from tests.reference.fasttext_bin import fasttext_bin_bytes, small_model

    words, counts, matrix = small_model()
    model = fasttext_bin_bytes(words, counts, matrix, minn=2, maxn=4, bucket=50)
    (d / "truncated-fasttext.bin").write_bytes(model[:300])
    (d / "quantized.bin").write_bytes(fasttext_bin_bytes(words, counts, matrix, minn=2, maxn=4, bucket=50,
                                                         quantized=True))
    (d / "absurd-fasttext.bin").write_bytes(model[:72] + (2**31 - 1).to_bytes(4, "little") + model[76:])
    meta = json.loads((d / "newer.wv" / "meta.json").read_text())
    (d / "newer.wv" / "meta.json").write_text(json.dumps(dict(meta, version=meta["version"] + 1)))
    # a co-occurrence folder counted with another vocabulary (--min-count 10, not 5)
    made = run_cli(["-q", "cooccur", d / "small.txt", "-o", d / "cooc-min10", "--min-count", "10",
                    "--window", "3"], d)
    assert made.returncode == 0, made.stderr
    return d


@pytest.fixture()
def work(tmp_path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path


def not_writable_folder(work: Path) -> Path:
    """A folder nobody may create files in: chmod 555, or /proc when the tests run as root."""
    if os.geteuid() == 0:
        return Path("/proc")
    folder = work / "out" / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


# --------------------------------------------------------------------------- the table of failures


@dataclass
class Case:
    id: str
    argv: list[str]        # {data} and {out} are filled in
    code: int
    needles: list[str] = field(default_factory=list)   # the error line must contain each


TRAIN = ["train", "skipgram", "{data}/small.txt", "-o", "{out}/v.wv"]

FAILURES = [
    # corpus
    Case("missing-path", ["vocab", "{data}/no-such-file.txt", "-o", "{out}/v.txt"], 1,
         ["no-such-file.txt", "no such file"]),
    Case("folder-without-files", ["vocab", "{data}/emptydir", "-o", "{out}/v.txt"], 1, ["emptydir", "no files"]),
    Case("folder-of-images", ["vocab", "{data}/pngdir", "-o", "{out}/v.txt"], 1, ["image.png", "binary"]),
    Case("empty-file", ["vocab", "{data}/empty.txt", "-o", "{out}/v.txt"], 1, ["empty.txt", "no words"]),
    Case("only-punctuation", ["vocab", "{data}/punct.txt", "-o", "{out}/v.txt"], 1, ["punct.txt", "no words"]),
    Case("nul-bytes", ["vocab", "{data}/nul.txt", "-o", "{out}/v.txt"], 1, ["nul.txt", "binary"]),
    Case("png", ["vocab", "{data}/image.png", "-o", "{out}/v.txt"], 1, ["image.png", "binary"]),
    Case("truncated-gzip", ["vocab", "{data}/truncated.gz", "-o", "{out}/v.txt"], 1, ["truncated.gz", "truncated"]),
    Case("corrupt-xz", ["vocab", "{data}/corrupt.xz", "-o", "{out}/v.txt"], 1, ["corrupt.xz", "orrupt"]),
    Case("min-count-empties-vocab", ["vocab", "{data}/small.txt", "-o", "{out}/v.txt", "--min-count", "1000000"],
         1, ["small.txt", "--min-count"]),
    Case("min-count-empties-vocab-train", TRAIN + ["--min-count", "1000000"], 1, ["small.txt", "--min-count"]),
    # options
    Case("dim-0", TRAIN + ["--dim", "0"], 1, ["--dim"]),
    Case("dim-negative", TRAIN + ["--dim", "-5"], 1, ["--dim"]),
    Case("epochs-0", TRAIN + ["--epochs", "0"], 1, ["--epochs"]),
    Case("glove-dim-0", ["train", "glove", "{data}/small.txt", "-o", "{out}/v.wv", "--dim", "0"], 1, ["--dim"]),
    Case("window-negative", TRAIN + ["--window", "-1"], 1, ["--window"]),
    Case("negative-negative", TRAIN + ["--negative", "-1"], 1, ["--negative"]),
    Case("sample-negative", TRAIN + ["--sample", "-0.001"], 1, ["--sample"]),
    Case("threads-0", TRAIN + ["--threads", "0"], 1, ["--threads"]),
    Case("subwords-not-a-range", TRAIN + ["--subwords", "three"], 1, ["--subwords", "MIN-MAX", "3-6"]),
    Case("subwords-reversed", TRAIN + ["--subwords", "6-3"], 1, ["--subwords", "MIN <= MAX"]),
    Case("buckets-0", TRAIN + ["--subwords", "3-6", "--buckets", "0"], 1, ["--buckets"]),
    Case("loss-unknown", TRAIN + ["--loss", "softmax"], 2, ["--loss", "softmax"]),
    Case("save-context-with-hs", TRAIN + ["--loss", "hs", "--save-context"], 1, ["--save-context", "--loss ns"]),
    Case("in-plus-out-with-subwords", TRAIN + ["--subwords", "3-6", "--vectors", "in+out"], 1,
         ["--vectors in+out"]),
    Case("threads-0-cooccur", ["cooccur", "{data}/small.txt", "-o", "{out}/c", "--threads", "0"], 1, ["--threads"]),
    Case("min-count-0", ["vocab", "{data}/small.txt", "-o", "{out}/v.txt", "--min-count", "0"], 1, ["--min-count"]),
    Case("tokens-unknown", ["vocab", "{data}/small.txt", "-o", "{out}/v.txt", "--tokens", "bogus"], 2,
         ["--tokens", "bogus"]),
    Case("dim-not-a-number", TRAIN + ["--dim", "ten"], 2, ["--dim", "ten"]),
    Case("unknown-option", TRAIN + ["--dimensions", "10"], 2, ["--dimensions"]),
    Case("unknown-command", ["trian", "skipgram"], 2, ["trian"]),
    Case("missing-corpus-argument", ["vocab", "-o", "{out}/v.txt"], 2, ["CORPUS"]),
    Case("output-folder-missing", ["vocab", "{data}/small.txt", "-o", "{out}/no/such/folder/v.txt"], 1,
         ["v.txt", "does not exist"]),
    Case("output-folder-missing-train", TRAIN[:-1] + ["{out}/nofolder/v.wv"], 1, ["nofolder", "does not exist"]),
    Case("output-folder-is-a-file", ["vocab", "{data}/small.txt", "-o", "{data}/small.txt/v.txt"], 1,
         ["small.txt", "not a folder"]),
    # vectors files
    Case("truncated-binary", ["similar", "{data}/truncated.bin", "the"], 1, ["truncated.bin", "truncated"]),
    Case("header-disagrees", ["similar", "{data}/header-disagrees.txt", "the"], 1,
         ["header-disagrees.txt", "header says"]),
    Case("rows-of-different-lengths", ["similar", "{data}/ragged.txt", "the"], 1, ["ragged.txt", "line 5"]),
    Case("nan-refused", ["similar", "{data}/nan.txt", "the"], 1, ["nan.txt", "NaN", "--allow-nonfinite"]),
    Case("inf-refused", ["info", "{data}/inf.txt"], 1, ["inf.txt", "--allow-nonfinite"]),
    Case("nan-refused-by-convert", ["convert", "{data}/nan.txt", "{out}/v.wv", "--to", "native"], 1,
         ["nan.txt", "--allow-nonfinite"]),
    Case("truncated-fasttext-bin", ["similar", "{data}/truncated-fasttext.bin", "the"], 1,
         ["truncated-fasttext.bin", "truncated"]),
    Case("quantized-fasttext-bin", ["info", "{data}/quantized.bin"], 1, ["quantized.bin", "quantized", ".ftz"]),
    Case("absurd-fasttext-bin", ["similar", "{data}/absurd-fasttext.bin", "the"], 1,
         ["absurd-fasttext.bin", "impossible dictionary sizes"]),
    Case("newer-native-version", ["similar", "{data}/newer.wv", "the"], 1, ["newer.wv", "version 2", "upgrade"]),
    Case("vectors-missing", ["similar", "{data}/nothing.wv", "the"], 2, ["nothing.wv", "does not exist"]),
    Case("unknown-words", ["similar", "{data}/good.wv", "the", "+", "zzyzx", "-", "qwfp"], 1,
         ["good.wv", "zzyzx", "qwfp"]),
    Case("unknown-word-similarity", ["similarity", "{data}/good.txt", "king", "zzyzx"], 1, ["good.txt", "zzyzx"]),
    Case("unknown-word-analogy", ["analogy", "{data}/good.bin", "king", "man", "zzyzx"], 1, ["good.bin", "zzyzx"]),
    Case("analogy-two-words", ["analogy", "{data}/good.wv", "king", "man"], 2, ["three words"]),
    Case("analogy-one-word", ["analogy", "{data}/good.wv", "king"], 2, ["three words"]),
    Case("wrong-format-forced", ["similar", "{data}/good.txt", "the", "--format", "word2vec-binary"], 1,
         ["good.txt"]),
    Case("convert-output-folder-missing", ["convert", "{data}/good.wv", "{out}/none/v.txt", "--to", "word2vec"], 1,
         ["v.txt", "does not exist"]),
    # co-occurrence
    Case("cooc-from-another-vocabulary", ["train", "glove", "{data}/small.txt", "--cooc", "{data}/cooc-min10",
                                          "-o", "{out}/g.wv", "--epochs", "1"], 1,
         ["cooc-min10", "another vocabulary"]),
    Case("memory-below-16mib-cooccur", ["cooccur", "{data}/small.txt", "-o", "{out}/c", "--memory", "0.001"], 1,
         ["--memory", "16 MiB"]),
    Case("memory-below-16mib-glove", ["train", "glove", "{data}/small.txt", "-o", "{out}/g.wv", "--memory",
                                      "0.01"], 1, ["--memory", "16 MiB"]),
]


def _fill(argv: list[str], data: Path, work: Path) -> list[str]:
    return [a.replace("{data}", str(data)).replace("{out}", str(work / "out")) for a in argv]


@pytest.fixture(scope="module")
def failure_runs(data: Path, tmp_path_factory) -> dict:
    """Run every failure case once, three at a time (each is mostly interpreter start-up)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(case: Case):
        work = tmp_path_factory.mktemp(case.id)
        (work / "out").mkdir()
        return case.id, (run_cli(_fill(case.argv, data, work), work), work)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(one, FAILURES))


@pytest.mark.parametrize("case", FAILURES, ids=[c.id for c in FAILURES])
def test_failure_is_one_clear_line_and_leaves_nothing(case: Case, failure_runs: dict):
    result, work = failure_runs[case.id]
    assert_clean_failure(result, case.code, *case.needles)
    assert result.stdout == b""
    assert list((work / "out").iterdir()) == []
    assert leftovers(work) == []


def test_output_folder_not_writable(data: Path, work: Path):
    folder = not_writable_folder(work)
    result = run_cli(["vocab", data / "small.txt", "-o", folder / "v.txt"], work)
    assert_clean_failure(result, 1, "v.txt", str(folder))
    assert not (folder / "v.txt").exists() and leftovers(work) == []
    result = run_cli(["convert", data / "good.wv", folder / "v.wv", "--to", "native"], work)
    assert_clean_failure(result, 1, "v.wv", str(folder))


# --------------------------------------------------------------------------- odd inputs that must work


def _vocab_words(path: Path) -> list[str]:
    return [line.split(" ")[0] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name, warning", [
    ("latin1.txt", "not valid UTF-8"),
    ("utf16.txt", "UTF-16"),
    ("bom.txt", None),
    ("oneline.txt", None),
    ("bigword.txt", "were cut"),
])
def test_odd_but_usable_corpus_succeeds(name: str, warning: str | None, data: Path, work: Path):
    out = work / "out" / "vocab.txt"
    result = run_cli(["vocab", data / name, "-o", out, "--min-count", "1"], work)
    lines = stderr_lines(result)
    assert result.returncode == 0, lines
    assert "Traceback" not in result.stderr.decode()
    if warning is None:
        assert lines == []
    else:  # one warning line that says what was changed, naming the file
        assert len(lines) == 1 and lines[0].startswith("wordvec: warning: "), lines
        assert warning in lines[0] and name in lines[0], lines
    words = _vocab_words(out)
    assert words and leftovers(work) == []
    if name == "latin1.txt":
        assert "caf\ufffd" in words  # replaced, not dropped, not crashed
    if name in ("utf16.txt", "bom.txt"):
        assert "the" in words and not any(w.startswith("\ufeff") for w in words)
    if name == "oneline.txt":  # 20 MB without a newline is read in bounded blocks, all of it
        assert int(out.read_text().splitlines()[0].split()[1]) > 100_000
    if name == "bigword.txt":
        longest = max(words, key=len).encode("utf-8")
        assert len(longest) <= 100 and longest.decode("utf-8") == "\u00e9" * 50  # cut on a character boundary


def test_existing_output_replaced_only_on_success(data: Path, work: Path):
    out = work / "out" / "vocab.txt"
    out.write_text("previous 1\n")  # a vocabulary file: a vocabulary may replace it
    failed = run_cli(["vocab", data / "missing.txt", "-o", out], work)
    assert_clean_failure(failed, 1, "missing.txt")
    assert out.read_text() == "previous 1\n"
    native = work / "out" / "v.wv"
    assert run_cli(["convert", data / "good.txt", native, "--to", "native"], work).returncode == 0
    before = {p.name: p.read_bytes() for p in native.iterdir()}
    failed = run_cli(["convert", data / "nan.txt", native, "--to", "native"], work)
    assert_clean_failure(failed, 1, "nan.txt")
    assert {p.name: p.read_bytes() for p in native.iterdir()} == before
    done = run_cli(["vocab", data / "bom.txt", "-o", out], work)
    assert done.returncode == 0 and _vocab_words(out)[0] == "the"
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())  # not mkstemp's 0600
    assert leftovers(work) == []


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- out of space


@pytest.mark.parametrize("argv, output", [
    (["convert", "{data}/good.wv", "{out}/v.txt", "--to", "word2vec"], "v.txt"),
    (["convert", "{data}/good.txt", "{out}/v.wv", "--to", "native"], "v.wv"),
    (["convert", "{data}/good.wv", "{out}/v.bin", "--to", "word2vec-binary"], "v.bin"),
    (["vocab", "{data}/bom.txt", "-o", "{out}/v.txt", "--min-count", "1"], "v.txt"),
], ids=["word2vec-text", "native", "word2vec-binary", "vocab"])
def test_full_disk_fails_cleanly_and_keeps_previous_output(argv, output, data: Path, work: Path):
    target = work / "out" / output
    limit = file_size_limit(300)  # every real output here is larger than 300 bytes
    result = run_cli(_fill(argv, data, work), work, preexec=limit)
    assert_clean_failure(result, 1, output, "file size limit", "nothing was written")
    assert not target.exists() and leftovers(work) == []
    # with a previous output in place, it stays byte for byte
    if target.suffix == ".wv":  # a previous wordvec output folder (anything else is never replaced)
        target.mkdir()
        (target / "meta.json").write_text('{"format": "wordvec-vectors"}')
        (target / "marker").write_text(previous := "previous")
    else:  # a previous output of the same kind (another kind is never replaced without --force)
        target.write_text(previous := "previous 1\n" if argv[0] == "vocab" else "1 2\nprevious 0.5 0.25\n")
    result = run_cli(_fill(argv, data, work), work, preexec=limit)
    assert_clean_failure(result, 1, output, "previous output is unchanged")
    kept = (target / "marker") if target.is_dir() else target
    assert kept.read_text() == previous and leftovers(work) == []


# --------------------------------------------------------------------------- memory guard


def test_available_bytes_reads_meminfo(tmp_path, monkeypatch):
    from wordvec.util.memory import available_bytes

    monkeypatch.delenv("WORDVEC_MEMORY_AVAILABLE", raising=False)
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemFree:         1000 kB\nMemAvailable:    2048 kB\n")
    assert available_bytes(str(meminfo)) == 2048 * 1024
    real = available_bytes()
    assert real is None or real > 0
    monkeypatch.setenv("WORDVEC_MEMORY_AVAILABLE", "1e9")
    assert available_bytes(str(meminfo)) == 10**9


def test_check_fits_names_estimate_and_option():
    from wordvec.errors import ResourceError
    from wordvec.util.memory import check_fits

    check_fits(10 << 20, "the model", "lower --dim", available=1 << 30)  # fits: silent
    with pytest.raises(ResourceError) as err:
        check_fits(3_000_000 * 300 * 4 * 2, "the model (3,000,000 words x 300 dims)",
                   "lower --max-vocab or --dim", available=4 << 30)
    message = str(err.value)
    assert "6.71 GiB" in message and "4.00 GiB" in message and "--max-vocab" in message
    assert "\n" not in message


@pytest.mark.parametrize("name", ["good.bin", "good.txt"])
def test_memory_guard_stops_a_load_that_does_not_fit(name: str, data: Path, work: Path):
    """A word2vec file larger than the memory available is refused before allocating."""
    result = run_cli(["similar", data / name, "the"], work, env={"WORDVEC_MEMORY_AVAILABLE": "200"})
    assert_clean_failure(result, 1, name, "needs about 448 bytes", "200 bytes", "--limit")
    result = run_cli(["similar", data / name, "the", "--limit", "2"], work,
                     env={"WORDVEC_MEMORY_AVAILABLE": "200"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("argv, needles", [
    (["train", "skipgram", "{data}/small.txt", "-o", "{out}/m.wv"], ["word2vec model", "--max-vocab", "--dim"]),
    (["train", "cbow", "{data}/small.txt", "-o", "{out}/m.wv", "--subwords", "3-6"],
     ["subword model", "n-gram rows of 2,000,000 buckets", "--buckets"]),
    (["-q", "cooccur", "{data}/small.txt", "-o", "{out}/c", "--memory", "0.5"], ["co-occurrence counting", "--memory"]),
])
def test_memory_guard_stops_training_that_does_not_fit(argv, needles, data: Path, work: Path):
    """Trainers estimate their allocations first and stop with the option that reduces them."""
    argv = [a.format(data=data, out=work / "out") for a in argv]
    result = run_cli(argv, work, env={"WORDVEC_MEMORY_AVAILABLE": "300000"})
    assert_clean_failure(result, 1, *needles)


def test_damaged_cooccurrence_folder_names_the_file(data: Path, work: Path):
    import shutil

    damaged = work / "out" / "cooc"
    shutil.copytree(data / "cooc-min10", damaged)
    (damaged / "rows.npy").write_bytes(b"")
    result = run_cli(["train", "glove", "--cooc", damaged, "-o", work / "out" / "g.wv"], work)
    assert_clean_failure(result, 1, "rows.npy")


def test_damaged_cache_entry_is_rebuilt(data: Path, work: Path):
    """A cache entry broken by a crash or a full disk is dropped and re-encoded, not fatal."""
    argv = ["train", "cbow", data / "bom.txt", "-o", work / "out" / "v.wv", "--epochs", "1", "--dim", "8",
            "--min-count", "2", "--threads", "1"]
    assert run_cli(argv, work).returncode == 0
    (ids,) = list((work / "cache").rglob("ids.npy"))
    ids.write_bytes(b"")  # numpy raises EOFError on it (garbled headers raise SyntaxError: see test_fuzz)
    again = run_cli(argv, work)
    assert again.returncode == 0, stderr_lines(again)
    assert np.load(ids).shape[0] > 0 and leftovers(work) == []


@pytest.mark.parametrize("to", ["native", "word2vec"])
def test_output_onto_a_folder_of_other_files_is_refused(to: str, data: Path, work: Path):
    """`-o ~/Documents` must not delete the folder: only empty folders and wordvec outputs are replaced."""
    folder = work / "out" / "documents"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    result = run_cli(["convert", data / "good.txt", folder, "--to", to], work)
    assert_clean_failure(result, 1, "documents", "not a wordvec output")
    assert (folder / "thesis.tex").read_text() == "years of work" and leftovers(work) == []
    native = work / "out" / "previous.wv"  # a wordvec output is replaced by a folder, by a file with --force
    assert run_cli(["convert", data / "good.txt", native, "--to", "native"], work).returncode == 0
    if to != "native":
        assert_clean_failure(run_cli(["convert", data / "good.txt", native, "--to", to], work), 1, "--force")
    assert run_cli(["convert", data / "good.txt", native, "--to", to, "--force"], work).returncode == 0
    assert native.is_dir() == (to == "native") and leftovers(work) == []


def test_unusable_cache_folder_warns_and_goes_on(data: Path, work: Path):
    out = work / "out" / "v.wv"
    result = run_cli(["train", "cbow", data / "bom.txt", "-o", out, "--epochs", "1", "--dim", "8", "--threads", "1"],
                     work, env={"XDG_CACHE_HOME": str(data / "small.txt")})  # a file, not a folder
    lines = stderr_lines(result)
    assert result.returncode == 0, lines
    warnings = [line for line in lines if line.startswith("wordvec: warning:")]
    assert len(warnings) == 1 and "cache folder" in warnings[0] and "small.txt" in warnings[0], lines
    assert (out / "vectors.npy").is_file() and leftovers(work) == []


def test_full_disk_while_encoding_the_corpus(data: Path, work: Path):
    """The encoded corpus (ids.npy, ~160 kB here) does not fit: one line naming the cache folder."""
    result = run_cli(["train", "cbow", data / "small.txt", "-o", work / "out" / "v.wv", "--dim", "8"], work,
                     preexec=file_size_limit(100_000))
    assert_clean_failure(result, 1, str(work / "cache"), "encoded corpus", "--no-cache")
    assert list((work / "out").iterdir()) == [] and leftovers(work) == []
