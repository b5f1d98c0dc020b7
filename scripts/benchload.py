"""`scripts/bench.py load`: opening vectors, wordvec beside gensim, each tool in a fresh process.

Three inputs, all in the page cache when timed:
  text    GloVe text of 400,000 real words × 300 random values (~1.1 GB): wordvec.load against
          gensim's load_word2vec_format(no_header=True), and `wordvec convert` to native;
  binary  a word2vec binary file of 100,000 × 300: wordvec.load against gensim's binary loader;
  native  a native folder of 3,000,000 real words and phrases × 300 (3.6 GB, GoogleNews-sized):
          import, load, a lookup, the first and later most_similar, against gensim's own format
          (KeyedVectors.load(mmap='r')); and `wordvec similar` as a whole process.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import benchlib as bl
import prepare_bench_data as data

# Load one file: numpy is imported first, then the import of wordvec and the load are timed apart.
LOAD_WORDVEC = """
import json, sys, time
import numpy
start = time.perf_counter()
import wordvec
import wordvec.vectors.formats  # the lazy attribute wordvec.load would import it inside the timed call
imported = time.perf_counter()
kv = wordvec.load(sys.argv[1])
loaded = time.perf_counter()
n = float(kv.vectors[len(kv.vectors) // 2].sum())  # touch one row so a mmap really maps
print(json.dumps({"import_s": imported - start, "load_s": loaded - imported, "rows": len(kv.vectors)}))
"""

LOAD_GENSIM = """
import json, sys, time
import numpy
start = time.perf_counter()
from gensim.models import KeyedVectors
imported = time.perf_counter()
if sys.argv[2] == "binary":
    kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
else:
    kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=False, no_header=True)
loaded = time.perf_counter()
print(json.dumps({"import_s": imported - start, "load_s": loaded - imported, "rows": len(kv.vectors)}))
"""

# Open a big table and ask it questions: argv = path, then query words (the first is also looked up).
QUERY = """
import json, sys, time
import numpy
start = time.perf_counter()
IMPORT
imported = time.perf_counter()
kv = LOAD
loaded = time.perf_counter()
words = sys.argv[2:]
vector, found = kv[words[0]], words[-1] in kv
looked = time.perf_counter()
answer = kv.most_similar(words[0], topn=10)
first = time.perf_counter()
later = []
for word in words[1:]:
    t = time.perf_counter()
    kv.most_similar(word, topn=10)
    later.append(time.perf_counter() - t)
print(json.dumps({"import_s": imported - start, "load_s": loaded - imported, "lookup_s": looked - loaded,
                  "first_s": first - looked, "later_s": sorted(later)[len(later) // 2], "rows": len(kv),
                  "answer": answer[0][0]}))
"""
QUERY_WORDVEC = QUERY.replace("IMPORT", "import wordvec\nimport wordvec.vectors.formats").replace(
    "LOAD", "wordvec.load(sys.argv[1])")
QUERY_GENSIM = QUERY.replace("IMPORT", "from gensim.models import KeyedVectors").replace(
    "LOAD", 'KeyedVectors.load(sys.argv[1], mmap="r")')

TEXT_WORDVEC = "wordvec.load(GloVe text)"
TEXT_GENSIM = "gensim load_word2vec_format(no_header=True)"
TEXT_CONVERT = "wordvec convert GloVe text → native (whole process)"
BIN_WORDVEC = "wordvec.load(word2vec binary)"
BIN_GENSIM = "gensim load_word2vec_format(binary=True)"
BIG_WORDVEC = "wordvec: load native folder + queries"
BIG_GENSIM = "gensim: KeyedVectors.load(mmap='r') + queries"
BIG_SIMILAR = "wordvec similar FOLDER WORD (whole process)"


def warm(*paths: Path) -> None:
    """Read files (or every file of folders) once, so every tool reads from the page cache."""
    for path in paths:
        for file in sorted(path.iterdir()) if path.is_dir() else [path]:
            with open(file, "rb") as f:
                while f.read(1 << 24):
                    pass


def _record(tool: str, rep: int, run) -> dict:
    record = {"tool": tool, "rep": rep, "cmd": bl.shell_line(run.cmd), "wall": run.wall, "cpu": run.cpu,
              "rss": run.peak_rss_mib, "ok": run.ok}
    if run.ok and run.stdout.strip().startswith("{"):
        record.update(json.loads(run.stdout.strip().splitlines()[-1]))
    return record


def _query_words(folder: Path, rows: int) -> list[str]:
    """Five real words spread over the table (the first also serves as the lookup), read line
    by line: this process must stay small (see _prepare)."""
    picks = sorted({min(i, rows - 1) for i in (1_000, 20_000, 200_000, 1_000_000, rows - 1)})
    with open(folder / "vocab.txt", encoding="utf-8") as f:
        return [line.rsplit(" ", 1)[0] for i, line in enumerate(f) if i in picks]


def _prepare(*what) -> Path:
    """An input made by prepare_bench_data.py in its own process. This process starts every
    tool, and a child's peak RSS counts the parent's at the moment it was started (Linux
    carries the forked memory's high-water mark across exec), so it must never grow."""
    run = bl.run_process([bl.PYTHON, str(Path(data.__file__).resolve()), *map(str, what)],
                         env=bl.thread_env(os.cpu_count() or 1))
    if not run.ok:
        raise SystemExit(f"bench: preparing {what} failed: {run.failure()}")
    return Path(run.stdout.strip().splitlines()[-1])


def bench_load(args, keep, finish) -> None:
    quick = args.quick
    threads = os.cpu_count() or 1
    env = bl.thread_env(threads)
    work = Path(args.work) / "load"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    root = Path(args.data)
    text_rows, big_rows = (20_000, 200_000) if quick else (400_000, 3_000_000)
    glove = _prepare("--out", root, "glove", "--rows", text_rows, "--dim", 300)
    binary = _prepare("--out", root, "vectors", "--rows", 5_000 if quick else 100_000, "--dim", 100 if quick else 300)
    folder = _prepare("--out", root, "native", "--rows", big_rows, "--dim", 300)
    gensim_copy = _prepare("--out", root, "gensim-copy", folder)
    words = _query_words(folder, big_rows)
    results = {"bench": "load", "machine": bl.machine_info(), "threads": threads, "runs": [],
               "text": {"file": str(glove), "rows": text_rows, "dim": 300, "bytes": glove.stat().st_size},
               "binary": {"file": str(binary)}, "native": {"folder": str(folder), "rows": big_rows, "dim": 300,
                                                           "gensim": str(gensim_copy), "words": words}}
    # compile and cache the text kernel in the snapshot before anything is timed
    small = work / "warm.txt"
    small.write_text("a 1 2\nb 3 4\n")
    bl.run_process(bl.python_cmd(LOAD_WORDVEC, small), env=env)
    converted = work / "glove.wv"
    jobs = [(TEXT_WORDVEC, bl.python_cmd(LOAD_WORDVEC, glove), [glove]),
            (TEXT_GENSIM, bl.python_cmd(LOAD_GENSIM, glove, "text"), [glove]),
            (TEXT_CONVERT, [*bl.WORDVEC, "-q", "convert", str(glove), str(converted), "--to", "native"], [glove]),
            (BIN_WORDVEC, bl.python_cmd(LOAD_WORDVEC, binary), [binary]),
            (BIN_GENSIM, bl.python_cmd(LOAD_GENSIM, binary, "binary"), [binary]),
            (BIG_WORDVEC, bl.python_cmd(QUERY_WORDVEC, folder, *words), [folder]),
            (BIG_GENSIM, bl.python_cmd(QUERY_GENSIM, gensim_copy, *words),
             [gensim_copy, Path(str(gensim_copy) + ".vectors.npy")]),
            (BIG_SIMILAR, [*bl.WORDVEC, "similar", str(folder), words[1]], [folder])]
    jobs = [job for job in jobs if not args.tools or any(t in job[0].lower() for t in args.tools)]
    for rep in range(args.runs):
        for tool, cmd, inputs in jobs:
            warm(*inputs)
            shutil.rmtree(converted, ignore_errors=True)
            run = bl.run_process(cmd, env=env, timeout=args.timeout)
            keep(args, "load", results, _record(tool, rep, run), run, f"load {tool}")
    finish(args, "load", results)


# ---------------------------------------------------------------- rendering


def _medians(res: dict) -> dict:
    groups = bl._group(res["runs"], "tool")
    return {tool: {key: bl._med(bl._ok(runs), key) for key in
                   ("import_s", "load_s", "lookup_s", "first_s", "later_s", "wall", "rss", "cpu")}
            | {"ok": len(bl._ok(runs)), "n": len(runs)} for (tool,), runs in groups.items()}


def _s(x: float, digits: int = 3) -> str:
    return "–" if x != x else f"{x:.{digits}f} s"


def render_load(res: dict) -> str:
    med = _medians(res)
    nan = float("nan")
    get = lambda tool, key: med.get(tool, {}).get(key, nan)  # noqa: E731
    text, big = res["text"], res["native"]
    out = ["## Loading vectors (`scripts/bench.py load`)", "", bl.machine_markdown(res["machine"]), "",
           f"Every tool runs in a fresh process with the input in the page cache, {res['threads']} threads "
           "allowed (BLAS, and wordvec's text parser, which uses every core; gensim's loaders use one). "
           "Times inside a process are taken after `import numpy`: the import of the library and the "
           "load call are shown apart; whole-process times run from start to exit. Medians of "
           f"{max(v['n'] for v in med.values()) if med else 0} runs.", ""]
    out += [f"### GloVe text: {text['rows']:,} real words × {text['dim']} ({text['bytes'] / 1e9:.2f} GB)", ""]
    rows = []
    for tool in (TEXT_WORDVEC, TEXT_GENSIM, TEXT_CONVERT):
        if tool in med:
            m = med[tool]
            rows.append([tool, f"{m['ok']}/{m['n']}", _s(m["import_s"], 2), _s(m["load_s"], 2),
                         bl.fmt_ratio(get(TEXT_GENSIM, "load_s") / m["load_s"]) if tool != TEXT_CONVERT else "–",
                         _s(m["wall"], 2), _s(m["cpu"], 2), bl.fmt_mib(m["rss"])])
    out += [bl.table(["what", "runs", "import", "load call", "× gensim", "whole process", "CPU", "peak RSS"],
                     rows), ""]
    speed = get(TEXT_GENSIM, "load_s") / get(TEXT_WORDVEC, "load_s")
    whole = get(TEXT_GENSIM, "wall") / get(TEXT_WORDVEC, "wall")
    rss = get(TEXT_WORDVEC, "rss") / get(TEXT_GENSIM, "rss")
    out += [f"Targets: at least 20× faster than gensim: {speed:.1f}× by the load call, {whole:.1f}× by whole "
            f"process ({bl._verdict(speed >= 20)}); peak RSS no more than gensim's: {rss:.2f}× "
            f"({bl._verdict(rss <= 1)}). Reading speed: {text['bytes'] / 1e6 / get(TEXT_WORDVEC, 'load_s'):.0f} MB/s.",
            ""]
    out += [f"### Native folder: {big['rows']:,} real words and phrases × {big['dim']} (GoogleNews-sized)", "",
            f"Query words: {', '.join(big['words'])} (the first is looked up with `kv[word]`, the last with "
            "`word in kv`; later queries are the median of the others).", ""]
    rows = []
    for tool in (BIG_WORDVEC, BIG_GENSIM, BIG_SIMILAR):
        if tool in med:
            m = med[tool]
            rows.append([tool, f"{m['ok']}/{m['n']}", _s(m["import_s"]), _s(m["load_s"]), _s(m["lookup_s"], 4),
                         _s(m["first_s"]), _s(m["later_s"]), _s(m["wall"], 2), bl.fmt_mib(m["rss"])])
    out += [bl.table(["what", "runs", "import", "load", "lookup", "first most_similar", "later", "whole process",
                      "peak RSS"], rows), ""]
    load = get(BIG_WORDVEC, "load_s")
    opened = get(BIG_WORDVEC, "import_s") + load
    first, later, similar = get(BIG_WORDVEC, "first_s"), get(BIG_WORDVEC, "later_s"), get(BIG_SIMILAR, "wall")
    out += [f"Targets: load < 0.1 s after `import numpy`: {load:.3f} s, {opened:.3f} s with the import of wordvec "
            f"({bl._verdict(opened < 0.1)}); first most_similar < 1.5 s: {first:.2f} s ({bl._verdict(first < 1.5)}); "
            f"later < 0.6 s: {later:.2f} s ({bl._verdict(later < 0.6)}); `wordvec similar` < 2 s: {similar:.2f} s "
            f"({bl._verdict(similar < 2)}).", ""]
    bin_speed = get(BIN_GENSIM, "load_s") / get(BIN_WORDVEC, "load_s")
    out += ["### word2vec binary: 100,000 × 300", "",
            f"wordvec.load {_s(get(BIN_WORDVEC, 'load_s'))}, gensim {_s(get(BIN_GENSIM, 'load_s'))}: "
            f"{bin_speed:.2f}× ({bl._verdict(bin_speed >= 3)} the ≥3× target); peak RSS "
            f"{bl.fmt_mib(get(BIN_WORDVEC, 'rss'))} vs {bl.fmt_mib(get(BIN_GENSIM, 'rss'))}."]
    out += bl._failures(res["runs"])
    commands = sorted({r["cmd"].replace("scripts/bench.py", "scripts/benchload.py") for r in res["runs"]})
    return "\n".join(out + ["", "```", *commands, "```"])


bl.RENDERERS["load"] = render_load
