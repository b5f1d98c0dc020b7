#!/usr/bin/env python3
"""Benchmark wordvec side by side with gensim, the word2vec C tool, fastText and Stanford GloVe.

    scripts/bench.py word2vec [--tokens N] [--seeds 1,2,3] [--threads 2,1] [--write]
    scripts/bench.py subwords [--tokens N] [--seeds 1,2,3] [--parts subwords,hs] [--write]
    scripts/bench.py vocab | singleline | glove | load | items | phrases | checkpoint | all   (--quick: tiny sizes)
    scripts/bench.py render word2vec RESULTS.json --write           (re-render saved results)

Each subcommand prints a markdown section; --write replaces that section in docs/BENCHMARKS.md.
Raw per-run results are saved as JSON after every run (in --work, default /tmp/benchdata/runs),
so an interrupted benchmark keeps what it measured. Peers live outside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_items  # noqa: E402
import bench_subwords as subwords_bench  # noqa: E402
import benchlib as bl  # noqa: E402
import benchload  # noqa: E402
import prepare_bench_data as data  # noqa: E402

bl.RENDERERS["items"] = bench_items.render_items
bl.RENDERERS["subwords"] = subwords_bench.render

DOC = bl.REPO / "docs" / "BENCHMARKS.md"
W2V = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5}
LR = {"skipgram": 0.025, "cbow": 0.05}

# gensim 4.4 Word2Vec in corpus_file mode, whole process: import, train, save word2vec binary.
GENSIM_TRAIN = """
import json, sys
from gensim.models import Word2Vec
c = json.loads(sys.argv[1])
model = Word2Vec(corpus_file=c["corpus"], sg=c["sg"], vector_size=c["dim"], window=c["window"],
                 negative=c["negative"], hs=0, sample=c["sample"], min_count=c["min_count"],
                 epochs=c["epochs"], workers=c["threads"], alpha=c["lr"], seed=c["seed"])
model.wv.save_word2vec_format(c["output"], binary=True)
"""

# fastText without subwords (minn=maxn=0) and without the 2M hash buckets it would otherwise
# allocate and never use (bucket=0); vectors written in word2vec binary layout, frequency order.
# Seeded like wordvec and gensim (benchlib.FASTTEXT_SEEDED).
FASTTEXT_TRAIN = bl.FASTTEXT_SEEDED + """
import json, sys
c = json.loads(sys.argv[1])
model = train_seeded(input=c["corpus"], model=c["arch"], dim=c["dim"], ws=c["window"], neg=c["negative"],
                     t=c["sample"], minCount=c["min_count"], epoch=c["epochs"], thread=c["threads"], lr=c["lr"],
                     minn=0, maxn=0, bucket=0, wordNgrams=1, loss="ns", verbose=0, seed=c["seed"])
words = model.get_words()
matrix = model.get_input_matrix()
with open(c["output"], "wb") as out:
    out.write(f"{len(words)} {matrix.shape[1]}\\n".encode())
    for i, word in enumerate(words):
        out.write(word.encode() + b" " + matrix[i].astype("<f4").tobytes() + b"\\n")
"""

# gensim's vocabulary scan: build_vocab(corpus_file=...) reads the file through LineSentence.
GENSIM_VOCAB = """
import json, sys, time
start = time.perf_counter()
from gensim.models import Word2Vec
model = Word2Vec(min_count=int(sys.argv[2]))
scan = time.perf_counter()
model.build_vocab(corpus_file=sys.argv[1])
print(json.dumps({"build_vocab_s": time.perf_counter() - scan, "vocab": len(model.wv)}))
"""

# wordvec's encoding pass alone (text -> ids with a given vocabulary, no cache), timed inside.
ENCODE_WORDVEC = """
import json, sys, time
from wordvec.config import TokenizerConfig
from wordvec.text.corpus import encode_corpus
from wordvec.text.vocab import Vocab
vocab = Vocab.load(sys.argv[2])
start = time.perf_counter()
corpus = encode_corpus([sys.argv[1]], vocab, TokenizerConfig(), cache=False)
print(json.dumps({"encode_s": time.perf_counter() - start, "raw_tokens": corpus.info["raw_tokens"],
                  "ids": corpus.n_tokens, "vocab": len(vocab)}))
"""

def count_tokens(path: Path) -> int:
    """Whitespace-separated tokens of a file (`wc -w`, C locale), cached next to it: the
    numerator of every speed."""
    cache = path.with_name(path.name + ".ntokens")
    if cache.exists():
        return int(cache.read_text())
    done = subprocess.run(["wc", "-w", str(path)], capture_output=True, text=True, check=True,
                          env=dict(os.environ, LC_ALL="C"))
    n = int(done.stdout.split()[0])
    cache.write_text(str(n))
    return n


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def keep(args, name: str, results: dict, record: dict, run, label: str) -> None:
    """Add one run's record (with the failure, if it failed) and save the raw results at once,
    so an interrupted benchmark keeps what it measured."""
    if not record.get("ok", run.ok) and "error" not in record:
        record["error"] = run.failure()
        note(f"{label}: FAILED {record['error']}")
    results["runs"].append(record)
    bl.save_json(Path(args.work) / f"{name}-results.json", results)


def finish(args, name: str, results: dict, save: bool = True) -> None:
    """Save the raw results, print the markdown section and, with --write, put it in the doc."""
    if save:
        bl.save_json(Path(args.work) / f"{name}-results.json", results)
    text = bl.RENDERERS[name](results)
    print(text)
    if args.write:
        bl.write_section(DOC, name, text)
        note(f"wrote section {name!r} of {DOC}")


def wordvec_env(args, threads: int, run_dir: Path) -> dict:
    """A fresh encoded-corpus cache per run: every wordvec run pays its own tokenising, as a peer does."""
    return bl.thread_env(threads, {"XDG_CACHE_HOME": str(run_dir / "cache")})


# ---------------------------------------------------------------- word2vec


def word2vec_jobs(args, corpus: Path, arch: str, threads: int, top_threads: int) -> list[dict]:
    """Every process of one (arch, threads) group, interleaved rep by rep so load noise is shared."""
    per_tool = []
    settings = dict(W2V, epochs=args.epochs, corpus=str(corpus), arch=arch, sg=int(arch == "skipgram"),
                    lr=LR[arch], threads=threads)

    def wordvec(seed, out):
        return [*bl.WORDVEC, "-q", "train", arch, str(corpus), "-o", str(out), "--format", "word2vec-binary",
                "--tokens", "raw", "--min-count", "5", "--sample", "1e-4", "--dim", "100", "--window", "5",
                "--negative", "5", "--epochs", str(args.epochs), "--lr", str(LR[arch]),
                "--threads", str(threads), "--seed", str(seed)]

    def gensim(seed, out):
        return bl.python_cmd(GENSIM_TRAIN, json.dumps(dict(settings, seed=seed, output=str(out))))

    def fasttext(seed, out):
        return bl.python_cmd(FASTTEXT_TRAIN, json.dumps(dict(settings, seed=seed, output=str(out))))

    def c_tool(binary):
        def build(seed, out):  # the C tool has no seed option: repeated runs are identical settings
            return [binary, "-train", str(corpus), "-output", str(out), "-cbow", str(int(arch == "cbow")),
                    "-size", "100", "-window", "5", "-negative", "5", "-hs", "0", "-sample", "1e-4",
                    "-threads", str(threads), "-iter", str(args.epochs), "-min-count", "5", "-binary", "1",
                    "-alpha", str(LR[arch])]
        return build

    per_tool.append(("wordvec", args.seeds, wordvec))
    per_tool.append(("gensim (corpus_file)", args.seeds, gensim))
    if threads == top_threads:
        runs = list(range(1, args.runs + 1))
        if args.word2vec_bin:
            per_tool.append(("word2vec C (-O3, makefile)", runs, c_tool(args.word2vec_bin)))
            ofast = Path(args.word2vec_bin).with_name(Path(args.word2vec_bin).name + "-ofast")
            if ofast.exists():
                per_tool.append(("word2vec C (-Ofast)", runs, c_tool(str(ofast))))
        per_tool.append(("fastText (minn=maxn=0)", runs, fasttext))
    jobs = []
    for rep in range(max(len(reps) for _, reps, _ in per_tool)):
        for tool, reps, build in per_tool:
            if args.tools and not any(t in tool.lower() for t in args.tools):
                continue
            if rep < len(reps):
                jobs.append({"tool": tool, "arch": arch, "threads": threads, "seed": reps[rep], "build": build})
    return jobs


def text8_setup(args, name: str, default_tokens: int) -> tuple[Path, int, Path]:
    """(the text8-style corpus, its token count, the section's work folder)."""
    corpus = data.ensure_text8(args.tokens or (200_000 if args.quick else default_tokens), Path(args.data))
    work = Path(args.work) / name
    work.mkdir(parents=True, exist_ok=True)
    return corpus, count_tokens(corpus), work


def bench_word2vec(args) -> None:
    corpus, n_tokens, work = text8_setup(args, "word2vec", 10_000_000)
    results = {"bench": "word2vec", "machine": bl.machine_info(), "corpus": str(corpus),
               "tokens": n_tokens, "epochs": args.epochs, "settings": W2V, "lr": LR,
               "word2vec_bin": args.word2vec_bin, "runs": []}
    warm_up_wordvec(args, work)
    top = max(args.threads)
    for arch in args.archs:
        for threads in args.threads:
            for job in word2vec_jobs(args, corpus, arch, threads, top):
                slug = f"{arch}-t{threads}-{re.sub('[^a-z0-9]+', '-', job['tool'].lower()).strip('-')}-{job['seed']}"
                run_dir = work / slug
                shutil.rmtree(run_dir, ignore_errors=True)
                run_dir.mkdir()
                out = run_dir / "vectors.bin"
                cmd = job["build"](job["seed"], out)
                env = wordvec_env(args, threads, run_dir)
                note(f"{slug}: running")
                run = bl.run_process(cmd, cwd=run_dir, env=env, timeout=args.timeout)
                record = {k: v for k, v in job.items() if k != "build"}
                record.update(cmd=bl.shell_line(run.cmd), wall=run.wall, cpu=run.cpu, rss=run.peak_rss_mib,
                              ok=run.ok and out.exists(), words_per_s=n_tokens * args.epochs / run.wall)
                if job["tool"].startswith("word2vec C"):
                    record["progress"] = c_progress(run.stdout)
                if record["ok"]:
                    record.update(bl.evaluate_vectors(out, args.evaluator))
                    note(f"{slug}: {run.wall:.1f} s, {record['words_per_s']:.0f} w/s, {run.peak_rss_mib:.0f} MiB, "
                         f"analogy {record['analogy_total']:.3f}")
                    out.unlink()
                keep(args, "word2vec", results, record, run, slug)
    finish(args, "word2vec", results)


def c_progress(stdout: str) -> float | None:
    """The last 'Progress: xx.xx%' the C tool printed (100 % proves every epoch ran)."""
    marks = [float(p) for p in re.findall(r"Progress: ([\d.]+)%", stdout)]
    return marks[-1] if marks else None


def warm_up_wordvec(args, work: Path) -> None:
    """Compile numba's cache once (an installed package's first run), outside every timing."""
    tiny = data.ensure_text8(20_000, Path(args.data))
    for arch in args.archs:
        for threads in args.threads:
            cmd = [*bl.WORDVEC, "-q", "train", arch, str(tiny), "-o", str(work / "warmup.bin"), "--format",
                   "word2vec-binary", "--tokens", "raw", "--epochs", "1", "--threads", str(threads)]
            bl.run_process(cmd, env=bl.thread_env(threads, {"XDG_CACHE_HOME": str(work / "warmup-cache")}))


# ---------------------------------------------------------------- vocabulary


def bench_vocab(args) -> None:
    corpus = data.ensure_text8(1_000_000, Path(args.data)) if args.quick else data.ensure_raw(Path(args.data))
    n_tokens = count_tokens(corpus)
    work = Path(args.work) / "vocab"
    work.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0))
    results = {"bench": "vocab", "machine": bl.machine_info(), "corpus": str(corpus), "tokens": n_tokens,
               "threads": cores, "runs": []}
    vocab_count = Path(args.glove_dir) / "vocab_count" if args.glove_dir else None
    words_vocab = work / "wordvec-words.txt"
    tools = [
        ("wordvec vocab --tokens raw --no-lowercase", [*bl.WORDVEC, "-q", "vocab", str(corpus), "-o",
         str(work / "wordvec-raw.txt"), "--tokens", "raw", "--no-lowercase", "--min-count", "5"], None),
        ("wordvec vocab (default: --tokens words, lowercase)", [*bl.WORDVEC, "-q", "vocab", str(corpus), "-o",
         str(words_vocab), "--min-count", "5"], None),
        ("wordvec encoding pass (default tokenizer, the vocabulary above)",
         bl.python_cmd(ENCODE_WORDVEC, corpus, words_vocab), None),
        ("gensim build_vocab(corpus_file=), LineSentence split", bl.python_cmd(GENSIM_VOCAB, corpus, 5), None),
    ]
    if vocab_count and vocab_count.exists():
        tools.append(("GloVe vocab_count", [str(vocab_count), "-min-count", "5", "-verbose", "0"],
                      work / "glove-vocab.txt"))
    else:
        results["skipped"] = "Stanford GloVe (no --glove-dir)"
    if args.tools:
        tools = [t for t in tools if any(name in t[0].lower() for name in args.tools)]
    # compile numba's cache once (an installed package's first run), outside every timing
    tiny = data.ensure_text8(20_000, Path(args.data))
    for cmd in ([*bl.WORDVEC, "-q", "vocab", str(tiny), "-o", str(work / "warmup.txt")],
                bl.python_cmd(ENCODE_WORDVEC, tiny, work / "warmup.txt")):
        bl.run_process(cmd, env=bl.thread_env(cores, {"XDG_CACHE_HOME": str(work / "cache")}))
    for rep in range(args.runs):
        for tool, cmd, stdout_path in tools:
            # every core for wordvec (it counts and encodes on all of them); the peers use one
            env = bl.thread_env(cores if tool.startswith("wordvec") else 1, {"XDG_CACHE_HOME": str(work / "cache")})
            shutil.rmtree(work / "cache", ignore_errors=True)
            note(f"vocab {tool} run {rep + 1}")
            out_file = stdout_path or (Path(cmd[cmd.index("-o") + 1]) if "-o" in cmd else None)
            if out_file:
                out_file.unlink(missing_ok=True)   # a failed run must not count an earlier file
            run = bl.run_process(cmd, env=env, stdin_path=corpus if stdout_path else None,
                                 stdout_path=stdout_path, timeout=args.timeout)
            record = {"tool": tool, "rep": rep, "cmd": bl.shell_line(run.cmd, str(corpus) if stdout_path else None,
                                                                    str(stdout_path) if stdout_path else None),
                      "wall": run.wall, "cpu": run.cpu, "rss": run.peak_rss_mib, "ok": run.ok,
                      "tokens_per_s": n_tokens / run.wall}
            if out_file and out_file.exists() and run.ok:
                record["vocab"] = sum(1 for _ in open(out_file, "rb"))
            last = run.stdout.strip().splitlines()[-1] if run.ok and run.stdout.strip() else ""
            if "build_vocab_s" in last:
                inner = json.loads(last)
                record.update(vocab=inner["vocab"], inner_s=inner["build_vocab_s"])
            if "encode_s" in last:
                inner = json.loads(last)
                record.update(vocab=inner["vocab"], inner_s=inner["encode_s"], ids=inner["ids"])
            keep(args, "vocab", results, record, run, tool)
    finish(args, "vocab", results)


def bench_singleline(args) -> None:
    megabytes = 5 if args.quick else 100
    corpus = data.ensure_singleline(megabytes, Path(args.data))
    work = Path(args.work) / "singleline"
    work.mkdir(parents=True, exist_ok=True)
    results = {"bench": "singleline", "machine": bl.machine_info(), "corpus": str(corpus),
               "megabytes": megabytes, "tokens": count_tokens(corpus), "runs": []}
    cmd = [*bl.WORDVEC, "-q", "vocab", str(corpus), "-o", str(work / "vocab.txt"), "--min-count", "5"]
    for rep in range(args.runs):
        run = bl.run_process(cmd, env=bl.thread_env(1, {"XDG_CACHE_HOME": str(work / "cache")}),
                             timeout=args.timeout)
        results["runs"].append({"tool": "wordvec vocab (one 100 MB line)", "rep": rep,
                                "cmd": bl.shell_line(run.cmd), "wall": run.wall, "cpu": run.cpu,
                                "rss": run.peak_rss_mib, "ok": run.ok, "error": None if run.ok else run.failure(),
                                "tokens_per_s": results["tokens"] / run.wall})
    finish(args, "singleline", results)


# ---------------------------------------------------------------- GloVe


def glove_c_stages(args, corpus: Path, work: Path, threads: int) -> list[tuple[str, list[str], Path | None, Path | None]]:
    """Stanford GloVe's four programs as its demo.sh runs them (stage, cmd, stdin, stdout).

    Vectors are written without a header: with -write-header 1 the header counts the vocabulary
    but the file also holds a final <unk> row, which strict readers reject.
    """
    g = Path(args.glove_dir)
    memory = str(args.memory)
    return [
        ("vocab_count", [str(g / "vocab_count"), "-min-count", "5", "-verbose", "2"], corpus, work / "vocab.txt"),
        ("cooccur", [str(g / "cooccur"), "-memory", memory, "-vocab-file", "vocab.txt", "-verbose", "2",
                     "-window-size", "10"], corpus, work / "cooccurrence.bin"),
        ("shuffle", [str(g / "shuffle"), "-memory", memory, "-verbose", "2"], work / "cooccurrence.bin",
         work / "cooccurrence.shuf.bin"),
        ("glove", [str(g / "glove"), "-save-file", "vectors", "-threads", str(threads), "-input-file",
                   "cooccurrence.shuf.bin", "-x-max", "10", "-iter", str(args.glove_epochs), "-vector-size", "100",
                   "-binary", "0", "-write-header", "0", "-vocab-file", "vocab.txt", "-verbose", "2"], None, None),
    ]


def bench_glove(args) -> None:
    n_tokens = args.tokens or (200_000 if args.quick else 20_000_000)
    corpus = data.ensure_text8(n_tokens, Path(args.data))
    n_tokens = count_tokens(corpus)
    threads = max(args.threads)
    work = Path(args.work) / "glove"
    results = {"bench": "glove", "machine": bl.machine_info(), "corpus": str(corpus), "tokens": n_tokens,
               "threads": threads, "epochs": args.glove_epochs, "memory_gib": args.memory, "runs": []}
    # Stanford GloVe: each stage is its own process in a scratch folder (cooccur leaves
    # overflow_*.bin files in its working folder).
    if args.glove_dir and (not args.tools or "glove c" in args.tools or "stanford" in args.tools):
        c_dir = work / "stanford"
        shutil.rmtree(c_dir, ignore_errors=True)
        c_dir.mkdir(parents=True)
        record = {"tool": "Stanford GloVe (C)", "stages": {}, "cmd": [], "ok": True, "rss": 0.0}
        for stage, cmd, stdin, stdout in glove_c_stages(args, corpus, c_dir, threads):
            note(f"glove C {stage}: running")
            run = bl.run_process(cmd, cwd=c_dir, env=bl.thread_env(threads), stdin_path=stdin,
                                 stdout_path=stdout, timeout=args.timeout)
            record["stages"][stage] = run.wall
            record["rss"] = max(record["rss"], run.peak_rss_mib)
            record["cmd"].append(bl.shell_line(run.cmd, stdin.name if stdin else None,
                                               stdout.name if stdout else None))
            if not run.ok:
                record.update(ok=False, error=f"{stage}: {run.failure()}")
                break
        record["wall"] = sum(record["stages"].values())
        if record["ok"]:
            size = (c_dir / "cooccurrence.bin").stat().st_size
            record.update(cooccur_bytes=size, nonzeros=size // 16)   # (int, int, double) records
            record.update(bl.evaluate_vectors(c_dir / "vectors.txt", args.evaluator))
            for name in ("cooccurrence.bin", "cooccurrence.shuf.bin"):
                (c_dir / name).unlink()
        keep(args, "glove", results, record, run, "glove C")
    # wordvec GloVe and, for scale, wordvec skip-gram on the same tokens; numba's cache is
    # compiled first on a tiny corpus, outside the timings.
    tiny = data.ensure_text8(20_000, Path(args.data))
    for middle in (["train", "glove", "--epochs", "1"], ["train", "skipgram", "--epochs", "1"]):
        bl.run_process([*bl.WORDVEC, "-q", *middle[:2], str(tiny), "-o", str(work / "warmup.bin"), *middle[2:],
                        "--format", "word2vec-binary", "--tokens", "raw", "--threads", str(threads)],
                       env=wordvec_env(args, threads, work / "warmup"))
    wordvec_runs = [
        ("wordvec train glove", ["train", "glove", "--window", "10", "--epochs", str(args.glove_epochs),
                                 "--x-max", "10", "--memory", str(args.memory)]),
        ("wordvec train skipgram", ["train", "skipgram", "--window", "5", "--epochs", "5", "--sample", "1e-4",
                                    "--negative", "5"]),
    ]
    for tool, middle in wordvec_runs:
        if args.tools and not any(t in tool for t in args.tools):
            continue
        run_dir = work / tool.split()[-1]
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        out = run_dir / "vectors.bin"
        cmd = [*bl.WORDVEC, *middle[:2], str(corpus), "-o", str(out), *middle[2:]]
        cmd += ["--dim", "100", "--min-count", "5", "--threads", str(threads), "--seed", "1",
                "--format", "word2vec-binary", "--tokens", "raw", "--json"]
        note(f"{tool}: running")
        run = bl.run_process(cmd, cwd=run_dir, env=wordvec_env(args, threads, run_dir), timeout=args.timeout)
        record = {"tool": tool, "cmd": [bl.shell_line(run.cmd)], "wall": run.wall, "cpu": run.cpu,
                  "rss": run.peak_rss_mib, "ok": run.ok and out.exists(), "log": run.stderr[-3000:]}
        try:
            record["json"] = json.loads(run.stdout)
        except ValueError:
            record["stdout"] = run.stdout[-2000:]
        if record["ok"]:
            record.update(bl.evaluate_vectors(out, args.evaluator))
        keep(args, "glove", results, record, run, tool)
    finish(args, "glove", results)


# ---------------------------------------------------------------- phrases

# gensim 4.4 Phrases, whole process: learn from the file, freeze (its fastest way to apply),
# write the corpus with the phrases joined, one line per input line.
GENSIM_PHRASES = """
import sys
from gensim.models.phrases import Phrases
from gensim.models.word2vec import LineSentence
corpus, output, scoring, threshold, min_count = sys.argv[1:6]
sentences = LineSentence(corpus)
frozen = Phrases(sentences, min_count=int(min_count), threshold=float(threshold), scoring=scoring).freeze()
with open(output, "w", encoding="utf-8") as out:
    for sentence in frozen[sentences]:
        out.write(" ".join(sentence) + "\\n")
"""


def joined_tokens(path: Path) -> dict[str, int]:
    """Occurrences of every token holding '_' (a joined phrase) in a text file."""
    counts: dict[str, int] = {}
    with open(path, "rb") as f:
        for line in f:
            for token in line.split():
                if b"_" in token:
                    word = token.decode("utf-8", "replace")
                    counts[word] = counts.get(word, 0) + 1
    return counts


def phrase_jobs(args, corpus: Path, work: Path) -> list[tuple[str, str, list[str], Path]]:
    """(tool, scorer, command, output) of every process, one round of each tool."""
    settings = {"npmi": ("npmi", "0.5"), "word2phrase": ("word2phrase", "100")}
    jobs = []
    for scorer, (scoring, threshold) in settings.items():
        out = work / f"wordvec-{scorer}.txt"
        jobs.append(("wordvec phrases", scorer, [*bl.WORDVEC, "-q", "phrases", str(corpus), "-o", str(out),
                     "--tokens", "raw", "--no-lowercase", "--scoring", scoring, "--threshold", threshold,
                     "--min-count", "5"], out))
        if scorer == "npmi":
            out = work / "gensim-npmi.txt"
            jobs.append(("gensim Phrases (frozen)", scorer, bl.python_cmd(GENSIM_PHRASES, corpus, out, "npmi",
                                                                           threshold, 5), out))
        elif args.word2phrase_bin:
            out = work / "word2phrase-c.txt"
            jobs.append(("word2phrase.c", scorer, [args.word2phrase_bin, "-train", str(corpus), "-output", str(out),
                                                  "-threshold", threshold, "-min-count", "5", "-debug", "0"], out))
    return jobs


def bench_phrases(args) -> None:
    corpus, n_tokens, work = text8_setup(args, "phrases", 20_000_000)
    results = {"bench": "phrases", "machine": bl.machine_info(), "corpus": str(corpus), "tokens": n_tokens,
               "runs": [], "joined": {}}
    tiny = data.ensure_text8(20_000, Path(args.data))   # compile numba's cache outside the timings
    bl.run_process([*bl.WORDVEC, "-q", "phrases", str(tiny), "-o", str(work / "warmup.txt"), "--tokens", "raw"],
                   env=wordvec_env(args, 2, work / "warmup"))
    for rep in range(args.runs):
        for tool, scorer, cmd, out in phrase_jobs(args, corpus, work):
            out.unlink(missing_ok=True)
            note(f"phrases {tool} {scorer} run {rep + 1}: running")
            run = bl.run_process(cmd, env=wordvec_env(args, max(args.threads), work / "run"), timeout=args.timeout)
            record = {"tool": tool, "scorer": scorer, "rep": rep, "cmd": bl.shell_line(run.cmd), "wall": run.wall,
                      "cpu": run.cpu, "rss": run.peak_rss_mib, "ok": run.ok and out.exists()}
            if record["ok"]:
                key = f"{tool} / {scorer}"
                if key not in results["joined"]:
                    results["joined"][key] = joined_tokens(out)
                note(f"phrases {tool} {scorer}: {run.wall:.1f} s, {run.peak_rss_mib:.0f} MiB")
                out.unlink()
            keep(args, "phrases", results, record, run, f"phrases {tool} {scorer}")
    finish(args, "phrases", results)


# ---------------------------------------------------------------- checkpoints

# One process: a word2vec checkpoint of ROWS x DIM random vectors (both matrices, a vocabulary of
# ROWS words) saved three times and loaded once, each timed around the call.
CHECKPOINT_SAVE = """
import json, sys, time
import numpy as np
from wordvec.text.vocab import Vocab
from wordvec.train.checkpoint import Checkpoint, Checkpointer, load_checkpoint, save_checkpoint
rows, dim, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
w_in, w_out = (rng.random((rows, dim), dtype=np.float32) for _ in range(2))
vocab = Vocab([f"w{i:07d}" for i in range(rows)], np.arange(rows, 0, -1), unique=True)
state = Checkpoint("word2vec-skipgram", {"dim": dim}, {"fingerprint": "bench"}, vocab, {"epoch": 0},
                   {"w_in": w_in, "w_out": w_out, "rng": np.zeros(2, dtype=np.uint64)})
written = [save_checkpoint(path, state) for _ in range(2)]   # written and flushed, start to end
saver = Checkpointer(path, every_minutes=0.25)                # as training saves: every 15 s, safe points every
for _ in range(3):                                            # 50 ms; training waits for the copy only
    done = len(saver.saves)
    while len(saver.saves) == done:
        saver.at_safe_point(lambda: state)
        time.sleep(0.05)
    started = time.perf_counter()
    saver.stop()
    written.append(time.perf_counter() - started + saver.saves[-1])
started = time.perf_counter()
load_checkpoint(path)
print(json.dumps({"pause_s": saver.saves, "write_s": written, "load_s": time.perf_counter() - started,
                  "bytes": 2 * w_in.nbytes}))
"""


def bench_checkpoint(args) -> None:
    rows, dim = (20_000, 50) if args.quick else (1_000_000, 300)
    corpus, n_tokens, work = text8_setup(args, "checkpoint", 10_000_000)
    threads = max(args.threads)
    results = {"bench": "checkpoint", "machine": bl.machine_info(), "rows": rows, "dim": dim,
               "corpus": str(corpus), "tokens": n_tokens, "threads": threads, "runs": []}
    run = bl.run_process(bl.python_cmd(CHECKPOINT_SAVE, rows, dim, work / "big.ck"), env=bl.thread_env(1),
                         timeout=args.timeout)
    results["save"] = json.loads(run.stdout.strip().splitlines()[-1]) if run.ok else {"error": run.failure()}
    shutil.rmtree(work / "big.ck", ignore_errors=True)
    warm_up_wordvec(args, work)
    variants = [("without --checkpoint", []), ("--checkpoint (every 10 minutes, the default)", ["--checkpoint"]),
                ("--checkpoint --checkpoint-every 0.1", ["--checkpoint", "--checkpoint-every", "0.1"])]
    for rep in range(args.runs):
        for label, extra in variants:
            ck = work / "run.ck"
            shutil.rmtree(ck, ignore_errors=True)
            flags = [extra[0], str(ck), *extra[1:]] if extra else []
            cmd = [*bl.WORDVEC, "-q", "train", "skipgram", str(corpus), "-o", str(work / "v.bin"), "--format",
                   "word2vec-binary", "--tokens", "raw", "--sample", "1e-4", "--epochs", str(args.epochs),
                   "--threads", str(threads), "--seed", str(rep + 1), "--json", *flags]
            note(f"checkpoint {label} run {rep + 1}: running")
            run = bl.run_process(cmd, env=wordvec_env(args, threads, work), timeout=args.timeout)
            record = {"tool": label, "rep": rep, "cmd": bl.shell_line(run.cmd), "wall": run.wall, "cpu": run.cpu,
                      "rss": run.peak_rss_mib, "ok": run.ok}
            if run.ok:
                summary = json.loads(run.stdout)
                record.update(train_s=summary["train_seconds"], words_per_s=summary["words_per_second"],
                              saves=summary.get("checkpoint_seconds") or [])
            keep(args, "checkpoint", results, record, run, f"checkpoint {label}")
    shutil.rmtree(work / "run.ck", ignore_errors=True)
    finish(args, "checkpoint", results)


def bench_subwords(args) -> None:
    """fastText's subword model and hierarchical softmax against their peers (scripts/bench_subwords.py)."""
    corpus = data.ensure_text8(args.tokens or (200_000 if args.quick else 10_000_000), Path(args.data))
    subwords_bench.bench_subwords(args, corpus, count_tokens(corpus), keep, finish,
                                  data.ensure_text8(20_000, Path(args.data)))


# ---------------------------------------------------------------- command line


def parse_args(argv):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--write", action="store_true", help="replace this section in docs/BENCHMARKS.md")
    common.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test of the harness")
    common.add_argument("--tokens", type=int, help="corpus prefix in tokens (word2vec 10M, glove 20M)")
    common.add_argument("--runs", type=int, default=None, help="repetitions for tools without seeds")
    common.add_argument("--seeds", default="1,2,3", help="seeds for wordvec, gensim and fastText [%(default)s]")
    common.add_argument("--threads", default="2,1", help="thread counts; peers run at the largest [%(default)s]")
    common.add_argument("--archs", default="skipgram,cbow", help="word2vec architectures [%(default)s]")
    common.add_argument("--tools", default="", help="only tools whose name contains one of these (comma list)")
    common.add_argument("--parts", default="subwords,hs", help="subwords benchmark: which comparisons [%(default)s]")
    common.add_argument("--epochs", type=int, default=5, help="word2vec epochs [%(default)s]")
    common.add_argument("--word2vec-bin", default="/tmp/peers/word2vec-src/word2vec",
                        help="word2vec C binary (an '-ofast' sibling is benchmarked too) [%(default)s]")
    common.add_argument("--glove-dir", default="/tmp/peers/glove/build", help="Stanford GloVe build [%(default)s]")
    common.add_argument("--word2phrase-bin", default="/tmp/peers/word2vec-src/word2phrase",
                        help="word2phrase C binary [%(default)s]")
    common.add_argument("--glove-epochs", type=int, default=15, help="GloVe iterations [%(default)s]")
    common.add_argument("--memory", type=float, default=4.0, help="GloVe co-occurrence memory, GiB [%(default)s]")
    common.add_argument("--evaluator", choices=("auto", "wordvec", "gensim"), default="auto")
    common.add_argument("--data", default=str(data.DEFAULT_DIR), help="prepared inputs [%(default)s]")
    common.add_argument("--work", default="/tmp/benchdata/runs", help="outputs and raw results [%(default)s]")
    common.add_argument("--ref", default="HEAD", help="git commit of wordvec to benchmark [%(default)s]")
    common.add_argument("--timeout", type=float, default=3 * 3600, help="seconds per process")
    common.add_argument("--tune-minutes", type=float, default=3.0, help="items: --tune budget [%(default)s]")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("word2vec", "subwords", "vocab", "singleline", "glove", "load", "items", "phrases", "checkpoint",
                 "all"):
        sub.add_parser(name, parents=[common])
    render = sub.add_parser("render", parents=[common], help="re-render saved JSON results")
    render.add_argument("section", choices=("word2vec", "subwords", "vocab", "singleline", "glove", "load", "items",
                                            "phrases", "checkpoint"))
    render.add_argument("results", type=Path, nargs="+", help="one or more saved results of that section")
    args = parser.parse_args(argv)
    args.seeds = [1] if args.quick else [int(s) for s in args.seeds.split(",") if s]
    args.threads = [2] if args.quick else [int(t) for t in args.threads.split(",") if t]
    args.archs = [a for a in args.archs.split(",") if a]
    args.tools = [t.lower() for t in args.tools.split(",") if t]
    args.parts = [p for p in args.parts.split(",") if p]
    args.runs = args.runs or (1 if args.quick else 3)
    if args.word2vec_bin and not Path(args.word2vec_bin).exists():
        note(f"word2vec C binary {args.word2vec_bin} not found: skipping that peer")
        args.word2vec_bin = None
    if args.word2phrase_bin and not Path(args.word2phrase_bin).exists():
        note(f"word2phrase C binary {args.word2phrase_bin} not found: skipping that peer")
        args.word2phrase_bin = None
    if args.glove_dir and not (Path(args.glove_dir) / "glove").exists():
        note(f"Stanford GloVe not found in {args.glove_dir}: skipping that peer")
        args.glove_dir = None
    Path(args.work).mkdir(parents=True, exist_ok=True)
    if args.command != "render":
        note(f"benchmarking wordvec from a snapshot of {args.ref}: {bl.use_snapshot(args.ref)}")
    return args


def merge_results(parts: list[dict]) -> dict:
    """Several invocations of one section (e.g. 2 threads, then 1 thread) rendered as one."""
    merged = dict(parts[0], runs=[dict(run, commit=run.get("commit", part["machine"]["commit"]))
                                  for part in parts for run in part["runs"]])
    if len(parts) > 1:
        merged["machine"] = dict(parts[0]["machine"], date=" and ".join(p["machine"]["date"] for p in parts),
                                 load=" / ".join(p["machine"]["load"] for p in parts),
                                 commit=", ".join(dict.fromkeys(p["machine"]["commit"] for p in parts)))
    return merged


def main(argv=None) -> None:
    args = parse_args(argv)
    commands = {"word2vec": bench_word2vec, "subwords": bench_subwords, "vocab": bench_vocab,
                "singleline": bench_singleline, "glove": bench_glove,
                "load": lambda a: benchload.bench_load(a, keep, finish),
                "items": lambda a: bench_items.bench_items(a, keep, finish), "phrases": bench_phrases,
                "checkpoint": bench_checkpoint}
    if args.command == "render":
        finish(args, args.section, merge_results([json.loads(p.read_text()) for p in args.results]), save=False)
    elif args.command == "all":
        for name in ("vocab", "singleline", "load", "word2vec", "subwords", "glove", "items", "phrases", "checkpoint"):
            started = time.perf_counter()
            commands[name](args)
            note(f"{name} done in {time.perf_counter() - started:.0f} s")
    else:
        commands[args.command](args)


if __name__ == "__main__":
    main()
