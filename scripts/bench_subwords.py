"""`scripts/bench.py subwords`: fastText's subword model and hierarchical softmax, side by side.

    scripts/bench.py subwords [--tokens N] [--seeds 1,2,3] [--parts subwords,hs] [--write]

Subwords: wordvec `train skipgram --subwords 3-6 --buckets 2000000` against fastText (the
`fasttext` package, minn 3 maxn 6 bucket 2000000) and gensim's FastText, every tool saving its
whole model (wordvec's native folder with ngrams.npy, fastText's .bin, gensim's
save_facebook_model .bin), then one evaluator reads all three with wordvec.load.
Hierarchical softmax: `train skipgram --loss hs` against gensim Word2Vec(hs=1, negative=0).
Same settings everywhere: dim 100, window 5, negative 5, sample 1e-4, min_count 5, 5 epochs,
lr 0.025, threads 2; whole processes, interleaved seed by seed. wordvec's numba cache is
compiled first on a 20k-token corpus (warm_up), outside every timing: a cold snapshot spends
about 16 s compiling in its first run.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
from pathlib import Path

import benchlib as bl

SETTINGS = {"dim": 100, "window": 5, "negative": 5, "sample": 1e-4, "min_count": 5, "epochs": 5, "lr": 0.025,
            "minn": 3, "maxn": 6, "buckets": 2_000_000}

# fastText with its subwords, saved as its own .bin (what a fastText user keeps), seeded.
FASTTEXT_SUBWORDS = bl.FASTTEXT_SEEDED + """
import json, sys
c = json.loads(sys.argv[1])
model = train_seeded(input=c["corpus"], model="skipgram", dim=c["dim"], ws=c["window"], neg=c["negative"],
                     t=c["sample"], minCount=c["min_count"], epoch=c["epochs"], thread=c["threads"], lr=c["lr"],
                     minn=c["minn"], maxn=c["maxn"], bucket=c["buckets"], wordNgrams=1, loss="ns", verbose=0,
                     seed=c["seed"])
model.save_model(c["output"])
"""

# gensim 4.4 FastText in corpus_file mode, saved in fastText's own .bin layout.
GENSIM_FASTTEXT = """
import json, sys
from gensim.models import FastText
from gensim.models.fasttext import save_facebook_model
c = json.loads(sys.argv[1])
model = FastText(corpus_file=c["corpus"], sg=1, vector_size=c["dim"], window=c["window"], negative=c["negative"],
                 hs=0, sample=c["sample"], min_count=c["min_count"], epochs=c["epochs"], workers=c["threads"],
                 alpha=c["lr"], seed=c["seed"], min_n=c["minn"], max_n=c["maxn"], bucket=c["buckets"])
save_facebook_model(model, c["output"])
"""

# gensim 4.4 Word2Vec with hierarchical softmax and no negative sampling.
GENSIM_HS = """
import json, sys
from gensim.models import Word2Vec
c = json.loads(sys.argv[1])
model = Word2Vec(corpus_file=c["corpus"], sg=1, vector_size=c["dim"], window=c["window"], hs=1, negative=0,
                 sample=c["sample"], min_count=c["min_count"], epochs=c["epochs"], workers=c["threads"],
                 alpha=c["lr"], seed=c["seed"])
model.wv.save_word2vec_format(c["output"], binary=True)
"""

SUBWORD_TOOLS = ("wordvec --subwords 3-6", "fastText (minn 3, maxn 6)", "gensim FastText")
HS_TOOLS = ("wordvec --loss hs", "gensim Word2Vec hs=1 negative=0")


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def jobs(args, corpus: Path, threads: int) -> list[dict]:
    """Every process, interleaved seed by seed so load from other work falls on all tools alike."""
    settings = dict(SETTINGS, corpus=str(corpus), threads=threads, epochs=args.epochs)
    common = ["--tokens", "raw", "--min-count", "5", "--sample", "1e-4", "--dim", "100", "--window", "5",
              "--negative", "5", "--epochs", str(args.epochs), "--lr", "0.025", "--threads", str(threads)]

    def wordvec_subwords(seed, out):
        return [*bl.WORDVEC, "-q", "train", "skipgram", str(corpus), "-o", str(out), *common, "--seed", str(seed),
                "--subwords", "3-6", "--buckets", "2000000"]

    def wordvec_hs(seed, out):
        return [*bl.WORDVEC, "-q", "train", "skipgram", str(corpus), "-o", str(out), *common, "--seed", str(seed),
                "--loss", "hs", "--format", "word2vec-binary"]

    def script(code):
        return lambda seed, out: bl.python_cmd(code, json.dumps(dict(settings, seed=seed, output=str(out))))

    tools = []
    if "subwords" in args.parts:
        tools += [(SUBWORD_TOOLS[0], "model.wv", wordvec_subwords), (SUBWORD_TOOLS[1], "model.bin",
                  script(FASTTEXT_SUBWORDS)), (SUBWORD_TOOLS[2], "model.bin", script(GENSIM_FASTTEXT))]
    if "hs" in args.parts:
        tools += [(HS_TOOLS[0], "vectors.bin", wordvec_hs), (HS_TOOLS[1], "vectors.bin", script(GENSIM_HS))]
    return [{"tool": tool, "seed": seed, "threads": threads, "output": name, "build": build}
            for seed in args.seeds for tool, name, build in tools
            if not args.tools or any(t in tool.lower() for t in args.tools)]


def ngram_only_pairs(kv, pair_path: Path) -> tuple[float, int]:
    """The rare-word check: (Spearman, pairs) over the pairs whose two words are in the vocabulary,
    each word represented by its character n-grams alone, as if it had never been seen (what a
    rare word or a word dropped from the vocabulary gets). Every tool is scored the same way."""
    from wordvec.vectors import evaluate as ev
    from wordvec.vectors.similarity import normalize

    pairs, gold, _ = ev.read_pairs(pair_path)
    lookup = {w.upper() for w in kv.words}
    scores, kept = [], []
    for i, (a, b) in enumerate(pairs):
        if a in lookup and b in lookup:
            va, vb = kv.subwords.compose(a.lower()), kv.subwords.compose(b.lower())
            if va is not None and vb is not None:
                scores.append(float(normalize(va) @ normalize(vb)))
                kept.append(i)
    return (ev.spearman(gold[kept], scores) if len(kept) >= 2 else float("nan")), len(kept)


# The evaluation runs in its own process: a 0.9 GB model loaded into the harness would count in
# the peak RSS of every later child (a forked child starts with its parent's resident size).
EVALUATE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import bench_subwords
print(json.dumps(bench_subwords.evaluate(sys.argv[2])))
"""


def evaluate_in_child(path: Path, env: dict) -> dict:
    done = bl.run_process(bl.python_cmd(EVALUATE, Path(__file__).resolve().parent, path), env=env)
    if not done.ok:
        return {"ok": False, "error": "evaluation failed: " + done.failure()}
    return json.loads(done.stdout.strip().splitlines()[-1])


def evaluate(path: str | Path) -> dict:
    """Analogy and pair figures from wordvec's evaluator, plus, for subword models, the figures
    over all pairs (unseen words composed) and the n-grams-only rare-word check."""
    import wordvec
    from wordvec.vectors import evaluate as ev

    path = Path(path)
    record = bl.evaluate_vectors(path, "wordvec")
    kv = wordvec.load(str(path))
    record["vocab"] = len(kv)
    if kv.subwords is not None:
        for name, pair_path in bl.PAIR_SETS.items():
            every = ev.evaluate_pairs(kv, pair_path)["all_pairs"]
            record[f"{name}_all"] = math.nan if every["spearman"] is None else every["spearman"]
            record[f"{name}_composed"] = every["composed_words"]
            record[f"{name}_ngrams"], record[f"{name}_ngram_pairs"] = ngram_only_pairs(kv, pair_path)
    return record


def warm_up(args, tiny: Path, threads: int, work: Path) -> None:
    """Compile numba's cache once (an installed package's first run) by running every wordvec
    job once on a tiny corpus, so that no timed run, the first seed's included, compiles."""
    warm = work / "warmup"
    warm.mkdir(parents=True, exist_ok=True)
    for job in jobs(args, tiny, threads):
        if job["tool"].startswith("wordvec") and job["seed"] == args.seeds[0]:
            bl.run_process(job["build"](job["seed"], warm / job["output"]), cwd=warm,
                           env=bl.thread_env(threads, {"XDG_CACHE_HOME": str(warm / "cache")}))
    shutil.rmtree(warm, ignore_errors=True)


def bench_subwords(args, corpus: Path, n_tokens: int, keep, finish, tiny: Path) -> None:
    work = Path(args.work) / "subwords"
    work.mkdir(parents=True, exist_ok=True)
    threads = max(args.threads)
    warm_up(args, tiny, threads, work)
    results = {"bench": "subwords", "machine": bl.machine_info(), "corpus": str(corpus), "tokens": n_tokens,
               "epochs": args.epochs, "settings": SETTINGS, "threads": threads, "runs": []}
    for job in jobs(args, corpus, threads):
        slug = f"{re.sub('[^a-z0-9]+', '-', job['tool'].lower()).strip('-')}-{job['seed']}"
        run_dir = work / slug
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir()
        out = run_dir / job["output"]
        cmd = job["build"](job["seed"], out)
        note(f"{slug}: running (load {results['machine']['load']} at start)")
        run = bl.run_process(cmd, cwd=run_dir, env=bl.thread_env(threads, {"XDG_CACHE_HOME": str(run_dir / "cache")}),
                             timeout=args.timeout)
        record = {k: v for k, v in job.items() if k != "build"}
        record.update(cmd=bl.shell_line(run.cmd), wall=run.wall, cpu=run.cpu, rss=run.peak_rss_mib,
                      ok=run.ok and out.exists(), words_per_s=n_tokens * args.epochs / run.wall,
                      load_after=" ".join(f"{x:.2f}" for x in os.getloadavg()))
        if record["ok"]:
            record.update(evaluate_in_child(out, bl.thread_env(threads)))
            note(f"{slug}: {run.wall:.1f} s, {record['words_per_s']:.0f} w/s, {run.peak_rss_mib:.0f} MiB, "
                    f"analogy {record['analogy_total']:.3f}")
        shutil.rmtree(run_dir, ignore_errors=True)   # models are 0.9 GB each
        keep(args, "subwords", results, record, run, slug)
    finish(args, "subwords", results)


# ---------------------------------------------------------------- markdown

def render(res: dict) -> str:
    out = ["## Subwords and hierarchical softmax (`scripts/bench.py subwords`)", "",
           bl.machine_markdown(res["machine"]), "",
           f"Corpus: the first {res['tokens']:,} tokens of bench-en in text8 style (`{res['corpus']}`). Every "
           f"tool: skip-gram, dim 100, window 5, negative 5, sample 1e-4, min_count 5, {res['epochs']} epochs, "
           f"lr 0.025, {res['threads']} threads; subword models use n-grams of 3-6 characters in 2,000,000 "
           "buckets and save their whole model (wordvec: native folder with ngrams.npy; fastText: .bin; gensim: "
           "save_facebook_model .bin); the hs runs save word2vec binary. Speed = corpus tokens × epochs / wall "
           "seconds of the whole process. The load average after each run is in the raw results.", "",
           "Quality by wordvec's evaluator for every tool (3CosAdd over the 30,000 most frequent words; "
           "Spearman). *vocab*: pairs whose words are in the vocabulary; *all*: every pair, unseen words "
           "composed from their n-grams; *n-grams only*: the rare-word check, pairs of vocabulary words "
           "each represented by its n-grams alone, as if it had never been seen.", ""]
    groups = bl._group(res["runs"], "tool")
    for title, tools, base_tool in (("Subwords", SUBWORD_TOOLS, SUBWORD_TOOLS[1]),
                                    ("Hierarchical softmax", HS_TOOLS, HS_TOOLS[1])):
        present = [t for t in tools if (t,) in groups]
        if not present:
            continue
        base = bl._ok(groups[(base_tool,)]) if (base_tool,) in groups else []
        headers = ["tool", "runs", "wall", "words/s", f"× {base_tool.split(' (')[0]}", "CPU s", "peak RSS",
                   "analogy", "WS353", "SimLex"]
        if tools is SUBWORD_TOOLS:
            headers += ["WS353 all", "SimLex all", "WS353 n-grams only", "SimLex n-grams only"]
        rows = []
        for tool in present:
            ok = bl._ok(groups[(tool,)])
            speed = bl._med(ok, "words_per_s")
            row = [tool, f"{len(ok)}/{len(groups[(tool,)])}", bl.fmt_s(bl._med(ok, "wall")), bl.fmt_rate(speed),
                   bl.fmt_ratio(speed / bl._med(base, "words_per_s") if base else math.nan),
                   bl.fmt_s(bl._med(ok, "cpu")), bl.fmt_mib(bl._med(ok, "rss")),
                   bl.fmt_pct(bl._med(ok, "analogy_total")), bl.fmt_corr(bl._med(ok, "ws353")),
                   bl.fmt_corr(bl._med(ok, "simlex"))]
            if tools is SUBWORD_TOOLS:
                row += [bl.fmt_corr(bl._med(ok, k)) for k in ("ws353_all", "simlex_all", "ws353_ngrams",
                                                              "simlex_ngrams")]
            rows.append(row)
        out += [f"### {title}", "", bl.table(headers, rows), ""]
    out += targets(groups)
    out += bl._failures(res["runs"])
    out += ["", "### Commands (first run of each tool; the Python scripts are in scripts/bench_subwords.py)", "",
            "```", *dict.fromkeys(r["cmd"] for r in res["runs"]), "```"]
    return "\n".join(out)


def targets(groups: dict) -> list[str]:
    """The issue's goals against the medians, each marked met or NOT met."""
    med = lambda tool, key: bl._med(bl._ok(groups.get((tool,), [])), key)  # noqa: E731
    lines = []
    mine, ft, gs = SUBWORD_TOOLS
    if (mine,) in groups and (ft,) in groups:
        speed = med(mine, "words_per_s") / med(ft, "words_per_s")
        ahead = med(mine, "words_per_s") / med(gs, "words_per_s") if (gs,) in groups else math.nan
        analogy = 100 * (med(mine, "analogy_total") - med(ft, "analogy_total"))
        ws, sl = med(mine, "ws353") - med(ft, "ws353"), med(mine, "simlex") - med(ft, "simlex")
        rare = [med(mine, k) - med(ft, k) for k in ("ws353_all", "simlex_all", "ws353_ngrams", "simlex_ngrams")]
        lines += [f"- subwords: speed {speed:.2f}× fastText (goal ≥ 2: {bl._verdict(speed >= 2)}) and "
                  f"{ahead:.2f}× gensim FastText (goal > 1: {bl._verdict(ahead > 1)}); peak RSS "
                  f"{med(mine, 'rss'):.0f} vs {med(ft, 'rss'):.0f} MiB (goal ≤ fastText: "
                  f"{bl._verdict(med(mine, 'rss') <= med(ft, 'rss'))}); analogy {analogy:+.1f} points (goal ≥ −1: "
                  f"{bl._verdict(analogy >= -1)}); WS353 {ws:+.3f}, SimLex {sl:+.3f} (goal ≥ −0.02: "
                  f"{bl._verdict(ws >= -0.02 and sl >= -0.02)}); all pairs and n-grams only, WS353/SimLex "
                  f"{', '.join(f'{d:+.3f}' for d in rare)} (goal ≥ 0: {bl._verdict(min(rare) >= 0)})"]
    mine, gensim = HS_TOOLS
    if (mine,) in groups and (gensim,) in groups:
        speed = med(mine, "words_per_s") / med(gensim, "words_per_s")
        analogy = 100 * (med(mine, "analogy_total") - med(gensim, "analogy_total"))
        ws = med(mine, "ws353") - med(gensim, "ws353")
        lines += [f"- hierarchical softmax: speed {speed:.2f}× gensim (goal ≥ 1.5: {bl._verdict(speed >= 1.5)}); "
                  f"analogy {analogy:+.1f} points (goal ≥ −1: {bl._verdict(analogy >= -1)}); WS353 {ws:+.3f} "
                  f"(goal ≥ −0.02: {bl._verdict(ws >= -0.02)})"]
    return (["### Targets (wordvec against the peers, medians)", "", *lines, ""]) if lines else []
