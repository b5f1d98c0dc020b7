"""`scripts/bench.py items`: item2vec on generated purchases, beside gensim and popularity.

Data: scripts/generate_interactions.py at its defaults (5,000 users, 3,000 items, planted taste
groups; its docstring says how it is calibrated), one sequence per user in time order;
`wordvec split` holds each user's last item out. Every tool trains on the same training file:

- wordvec train item2vec at its defaults, one run per seed, and with --tune;
- gensim's Word2Vec used as item2vec (sg=1, window = the longest sequence, shrink_windows=False,
  min_count=1, the same dim, epochs and negatives; gensim's defaults otherwise), and the same
  with wordvec's sample and ns_exponent;
- the popularity baseline (the most frequent training items not in the history).

All are scored by `wordvec evaluate --next-item` on the held-out items, gensim's vectors with its
context vectors (syn1neg) stored beside them, scored both ways. Times are whole processes (start
to saved vectors) and the training alone as each tool reports it. Then the sweep that chose
item2vec's defaults (in this process, one thread, seeds averaged) and the speed of
`wordvec recommend --histories` against 100,000 items x 64 dims.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import benchlib as bl

GENSIM_ITEM2VEC = """
import json, sys, time
import numpy as np
from gensim.models import Word2Vec
c = json.loads(sys.argv[1])
longest = max(len(line.split()) for line in open(c["corpus"]))
start = time.perf_counter()
model = Word2Vec(corpus_file=c["corpus"], sg=1, window=longest, shrink_windows=False, min_count=1, hs=0,
                 vector_size=c["dim"], epochs=c["epochs"], negative=c["negative"], workers=c["threads"],
                 seed=c["seed"], sample=c["sample"], ns_exponent=c["ns_exponent"])
trained = time.perf_counter() - start
np.save(c["output"] + ".vectors.npy", model.wv.vectors)
np.save(c["output"] + ".context.npy", model.syn1neg)
with open(c["output"] + ".vocab.txt", "w") as f:
    f.write("".join(f"{w} {model.wv.get_vecattr(w, 'count')}\\n" for w in model.wv.index_to_key))
print(json.dumps({"train_s": trained, "longest": longest}))
"""

RECOMMEND_SPEED = """
import json, sys, time
import wordvec
from wordvec.vectors.formats import load_context
from wordvec.vectors.recommend import Recommender
kv = wordvec.load(sys.argv[1])
histories = [line.split() for line in open(sys.argv[2])]
recommender = Recommender(kv, context=load_context(sys.argv[1]))
list(recommender.for_histories(histories[:512], 10))
rates = []
for _ in range(3):
    start = time.perf_counter()
    for answer in recommender.for_histories(histories, 10):
        pass
    rates.append(len(histories) / (time.perf_counter() - start))
print(json.dumps({"rates": rates}))
"""

SWEEP = [("defaults", {}),
         ("--no-exact (shared negatives, --group 8)", {"exact": False}),
         ("--no-exact --group 4", {"exact": False, "group": 4}),
         ("--no-exact --group 20", {"exact": False, "group": 20}),
         ("--max-context 10", {"max_context": 10}), ("--max-context 50", {"max_context": 50}),
         ("--max-context 200", {"max_context": 200}), ("no cap (all pairs)", {"max_context": 1 << 30}),
         ("--ns-exponent -0.5", {"ns_exponent": -0.5}), ("--ns-exponent 0.5", {"ns_exponent": 0.5}),
         ("--ns-exponent 0.75", {"ns_exponent": 0.75}), ("--ns-exponent 1", {"ns_exponent": 1.0}),
         ("--epochs 5", {"epochs": 5}), ("--epochs 20", {"epochs": 20}), ("--dim 32", {"dim": 32}),
         ("--dim 128", {"dim": 128}), ("--sample 0", {"sample": 0.0}), ("--sample 1e-4", {"sample": 1e-4}),
         ("--negative 10", {"negative": 10})]


def _generator():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate_interactions

    return generate_interactions


def _data(work: Path, seed: int, users: int) -> dict:
    """The generated purchases, split: paths and the figures that describe the data."""
    gen = _generator()
    data = gen.generate(users=users, seed=seed)
    gen.write_sequences(data, work / "purchases.txt")
    split = bl.run_process([*bl.WORDVEC, "--quiet", "split", str(work / "purchases.txt"), "--train",
                            str(work / "train.txt"), "--test", str(work / "test.tsv")], env=bl.thread_env(2))
    if not split.ok:
        raise SystemExit(f"bench items: split failed: {split.failure()}")
    lengths = np.array([len(s) for s in data.sequences])
    counts = np.sort(np.bincount(np.concatenate(data.sequences)))[::-1]
    return {"seed": seed, "users": len(lengths), "items": int((counts > 0).sum()), "interactions": int(lengths.sum()),
            "longest": int(lengths.max()), "median_length": float(np.median(lengths)),
            "over_1000": int((lengths > 1000).sum()), "top1_share": float(counts[:len(counts) // 100].sum() / counts.sum()),
            "all_pairs": int((lengths * (lengths - 1)).sum()), "split_cmd": bl.shell_line(split.cmd)}


def _evaluate(vectors: Path, test: Path, *extra: str) -> dict | None:
    run = bl.run_process([*bl.WORDVEC, "--quiet", "evaluate", str(vectors), "--next-item", str(test), "--json",
                          *extra], env=bl.thread_env(2))
    return json.loads(run.stdout) if run.ok else None


def _metrics(report: dict | None, model: str = "vectors") -> dict:
    row = (report or {}).get(model) or {}
    return {k: row.get(k) for k in ("hit@10", "ndcg@10", "mrr", "coverage@10")}


def _gensim_native(prefix: Path, target: Path) -> None:
    """gensim's vectors and syn1neg as a native folder (with counts), so one evaluator scores both."""
    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    words, counts = zip(*(line.split() for line in open(f"{prefix}.vocab.txt")))
    kv = KeyedVectors(np.load(f"{prefix}.vectors.npy"), list(words), counts=np.array(counts, dtype=np.int64))
    save(kv, target, context=np.load(f"{prefix}.context.npy"))


def _wordvec_runs(args, work: Path, results: dict, keep) -> None:
    train, test = work / "train.txt", work / "test.tsv"
    threads = max(args.threads)
    warm = bl.run_process([*bl.WORDVEC, "--quiet", "train", "item2vec", str(train), "-o", str(work / "warm.wv"),
                           "--epochs", "1"], env=bl.thread_env(threads))   # numba's cache filled before timing
    bl_note(f"warm-up: {'ok' if warm.ok else warm.failure()}")
    jobs = [("wordvec item2vec, defaults", seed, []) for seed in args.seeds]
    jobs.append(("wordvec item2vec --tune", args.seeds[0], ["--tune", "--tune-minutes", str(args.tune_minutes)]))
    # the recipe the README gave before item2vec existed: word2vec's shared-negative skip-gram, whole line
    old = ["skipgram", "--tokens", "raw", "--no-lowercase", "--window", "0", "--min-count", "1", "--sample", "0",
           "--dim", "64", "--epochs", "10", "--save-context"]
    jobs.append(("wordvec train skipgram --window 0 (the earlier README recipe)", args.seeds[0], old))
    for tool, seed, extra in jobs:
        out = work / f"wordvec-{seed}{'-' + extra[0].strip('-') if extra else ''}.wv"
        trainer, extra = (extra[0], extra[1:]) if extra[:1] == ["skipgram"] else ("item2vec", extra)
        command = ["train", trainer, str(train)]
        run = bl.run_process([*bl.WORDVEC, "--quiet", *command, "-o", str(out), "--threads", str(threads), "--seed",
                              str(seed), "--json", *extra], env=bl.thread_env(threads), timeout=args.timeout)
        record = {"tool": tool, "seed": seed, "cmd": bl.shell_line(run.cmd), "wall": run.wall, "cpu": run.cpu,
                  "rss": run.peak_rss_mib, "ok": run.ok}
        if run.ok:
            summary = json.loads(run.stdout.strip().splitlines()[-1])
            report = _evaluate(out, test)
            if summary.get("tune"):
                record["tune"] = summary["tune"]
            record.update(train_s=summary["train_seconds"], tune_s=summary.get("tune_seconds"),
                          config={k: v for k, v in (summary.get("config") or {}).items()
                                  if k in ("dim", "epochs", "sample", "ns_exponent")},
                          **_metrics(report))
            if "item2vec" in command:
                results["popularity"] = _metrics(report, "popularity")
        keep(record, run, tool)


def _gensim_runs(args, work: Path, results: dict, keep) -> None:
    train, test = work / "train.txt", work / "test.tsv"
    threads = max(args.threads)
    variants = [("gensim Word2Vec as item2vec (its defaults: sample 1e-3, ns_exponent 0.75)", 1e-3, 0.75),
                ("gensim with ns_exponent 0 (as wordvec)", 1e-3, 0.0)]
    for tool, sample, ns in variants:
        for seed in args.seeds:
            prefix = work / f"gensim-{sample}-{ns}-{seed}"
            config = {"corpus": str(train), "dim": 64, "epochs": 10, "negative": 5, "threads": threads,
                      "seed": seed, "sample": sample, "ns_exponent": ns, "output": str(prefix)}
            run = bl.run_process(bl.python_cmd(GENSIM_ITEM2VEC, json.dumps(config)), env=bl.thread_env(threads),
                                 timeout=args.timeout)
            record = {"tool": tool, "seed": seed, "cmd": bl.shell_line(run.cmd), "wall": run.wall, "cpu": run.cpu,
                      "rss": run.peak_rss_mib, "ok": run.ok, "config": config}
            if run.ok:
                record.update(json.loads(run.stdout.strip().splitlines()[-1]))
                native = Path(f"{prefix}.wv")
                _gensim_native(prefix, native)
                record.update(_metrics(_evaluate(native, test)))
                record["cosine"] = _metrics(_evaluate(native, test, "--cosine"))
            keep(record, run, tool)


def _sweep(args, work: Path) -> list[dict]:
    """The measurements behind item2vec's defaults: one thread, in this process, seeds averaged."""
    from wordvec.config import Item2VecConfig
    from wordvec.text.interactions import read_interactions
    from wordvec.text.split import hold_out_last
    from wordvec.train.item2vec import train_item2vec
    from wordvec.vectors.nextitem import evaluate_rows

    split = hold_out_last(read_interactions(str(work / "purchases.txt"), cache=False))
    rows = []
    for label, change in (SWEEP[:2] if args.quick else SWEEP):
        hits, cosine, seconds = [], [], []
        for seed in args.seeds[:2]:
            config = Item2VecConfig(threads=1, seed=seed, **change)
            start = time.perf_counter()
            result = train_item2vec(split.train, config)
            seconds.append(time.perf_counter() - start)
            for scores, context in ((hits, result.context), (cosine, None)):
                report = evaluate_rows(result.kv, split.test_ids, split.test_offsets, split.test_targets, ks=(10,),
                                       popularity=False, context=context)
                scores.append(report["vectors"]["hit@10"])
        rows.append({"setting": label, "hit@10": statistics.mean(hits), "spread": max(hits) - min(hits),
                     "cosine_hit@10": statistics.mean(cosine), "seconds": statistics.median(seconds),
                     "pairs": result.history[-1]["predictions"]})
        bl_note(f"sweep {label}: hit@10 {rows[-1]['hit@10']:.4f} in {rows[-1]['seconds']:.1f} s")
    return rows


def _recommend_speed(args, work: Path) -> dict:
    from wordvec.vectors.formats import save
    from wordvec.vectors.keyedvectors import KeyedVectors

    n_items, dim, n_histories = (5_000, 64, 2_000) if args.quick else (100_000, 64, 20_000)
    rng = np.random.default_rng(0)
    names = [f"P{i:06d}" for i in range(n_items)]
    counts = np.sort(rng.zipf(1.5, size=n_items).clip(1, 10**7))[::-1]
    kv = KeyedVectors(rng.standard_normal((n_items, dim)).astype(np.float32), names, counts=counts)
    save(kv, work / "catalogue.wv", context=rng.standard_normal((n_items, dim)).astype(np.float32))
    lengths = np.minimum(np.floor(2 * rng.random(n_histories) ** (-1 / 1.1)), 200).astype(int)
    with open(work / "histories.txt", "w") as f:
        for n in lengths:
            f.write(" ".join(names[i] for i in rng.integers(0, n_items, size=n)) + "\n")
    whole = bl.run_process([*bl.WORDVEC, "--quiet", "recommend", str(work / "catalogue.wv"), "--histories",
                            str(work / "histories.txt"), "--json"], env=bl.thread_env(2),
                           stdout_path=work / "recommendations.jsonl")
    inner = bl.run_process(bl.python_cmd(RECOMMEND_SPEED, work / "catalogue.wv", work / "histories.txt"),
                           env=bl.thread_env(2))
    rates = json.loads(inner.stdout.strip().splitlines()[-1])["rates"] if inner.ok else []
    return {"items": n_items, "dim": dim, "histories": n_histories, "mean_length": float(lengths.mean()),
            "whole_process_s": whole.wall, "whole_ok": whole.ok, "cmd": bl.shell_line(whole.cmd),
            "in_process_rates": rates}


def bl_note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def bench_items(args, keep_run, finish) -> None:
    """Run every part; keep_run(args, name, results, record, run, label) and finish(args, name, results)
    are bench.py's. --tools wordvec,gensim,sweep,recommend re-runs only those parts into the saved
    results (the data is generated again, the same from the same seed)."""
    import os

    work = Path(args.work) / "items"
    saved = Path(args.work) / "items-results.json"
    parts = {"wordvec", "gensim", "sweep", "recommend"}
    chosen = {t for t in args.tools if t in parts} or parts
    if chosen != parts and saved.exists():
        results = json.loads(saved.read_text())
        results["runs"] = [r for r in results["runs"] if not any(r["tool"].startswith(t) for t in chosen)]
        info = bl.machine_info()
        results["machine"].setdefault("reruns", []).append(
            {"parts": sorted(chosen), "commit": info["commit"], "date": info["date"], "load": info["load"]})
    else:
        results = {"bench": "items", "machine": bl.machine_info(), "runs": []}
    if chosen == parts:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    results["data"] = _data(work, seed=1, users=300 if args.quick else 5000)

    def keep(record, run, label):
        keep_run(args, "items", results, record, run, f"items {label}")

    if "wordvec" in chosen:
        _wordvec_runs(args, work, results, keep)
    if "gensim" in chosen:
        _gensim_runs(args, work, results, keep)
    if "sweep" in chosen:
        results["sweep"] = _sweep(args, work)
    if "recommend" in chosen:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        results["recommend"] = dict(_recommend_speed(args, work), load=load)
        results.setdefault("recommend_history", []).append(
            {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": load, "commit": bl.SNAPSHOT["commit"],
             "rates": results["recommend"]["in_process_rates"], "whole_process_s": results["recommend"]["whole_process_s"]})
    results["machine"]["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    finish(args, "items", results)


# ---------------------------------------------------------------- rendering

def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.2f} %"


def _median_of(runs: list[dict], key: str) -> float:
    values = [r[key] for r in runs if r.get("ok") and r.get(key) is not None]
    return statistics.median(values) if values else float("nan")


def _targets(res: dict, groups: dict) -> list[list[str]]:
    """The issue's targets against the medians of this run."""
    pop = (res.get("popularity") or {}).get("hit@10") or float("nan")
    mine = groups.get("wordvec item2vec, defaults", [])
    tuned = groups.get("wordvec item2vec --tune", [])
    gensim = next((runs for tool, runs in groups.items() if tool.startswith("gensim Word2Vec")), [])
    hit, tune_hit, g_hit = _median_of(mine, "hit@10"), _median_of(tuned, "hit@10"), _median_of(gensim, "hit@10")
    ratio = _median_of(mine, "train_s") / _median_of(gensim, "train_s")
    rates = (res.get("recommend") or {}).get("in_process_rates") or [float("nan")]
    rows = [["hit rate@10 of the defaults ≥ 2× popularity", f"{_pct(hit)} vs {_pct(pop)}: {hit / pop:.1f}×",
             _verdict(hit >= 2 * pop)],
            ["the same with --tune", f"{_pct(tune_hit)}: {tune_hit / pop:.1f}×", _verdict(tune_hit >= 2 * pop)],
            ["hit rate@10 no lower than gensim as item2vec", f"{_pct(hit)} vs {_pct(g_hit)}", _verdict(hit >= g_hit)],
            ["training time ≤ 0.5× gensim's", f"{ratio:.3f}×", _verdict(ratio <= 0.5)],
            ["≥ 2,000 histories/s against 100,000 items × 64", f"{statistics.median(rates):,.0f} (median of 3 passes, "
             f"load {(res.get('recommend') or {}).get('load', '?')})", _verdict(statistics.median(rates) >= 2000)]]
    return rows


def _verdict(good: bool) -> str:
    return "met" if good else "**not met**"


def render_items(res: dict) -> str:
    d = res["data"]
    pop = res.get("popularity") or {}
    reruns = "".join(f" Re-run later: {', '.join(r['parts'])} at commit {r['commit']}, {r['date']}, load average "
                     f"{r['load']}." for r in res["machine"].get("reruns", []))
    lines = ["## Items and users", "", bl.machine_markdown(res["machine"])
             + f" Load average at the end: {res['machine'].get('load_end', '?')}." + reruns, "",
             f"Data: `scripts/generate_interactions.py` defaults (seed {d['seed']}): {d['users']:,} users, "
             f"{d['items']:,} items, {d['interactions']:,} purchases; median sequence {d['median_length']:g} items, "
             f"{d['over_1000']} over 1,000, the longest {d['longest']:,}; the top 1 % of items take "
             f"{100 * d['top1_share']:.0f} % of purchases. Whole-sequence windows would make "
             f"{d['all_pairs']:,} pairs an epoch. Split: `{d['split_cmd']}` (the last item of every user "
             "with two or more is the test case). Scores by `wordvec evaluate --next-item` (recommendations "
             "from the context vectors, history left out); medians over seeds.", ""]
    groups: dict = {}
    for run in res["runs"]:
        groups.setdefault(run["tool"], []).append(run)
    gensim_train = [r.get("train_s") for r in groups.get(next(iter(t for t in groups if t.startswith("gensim Word2Vec")),
                                                                "none"), []) if r.get("ok")]
    gensim_s = statistics.median(gensim_train) if gensim_train else float("nan")
    rows = []
    for tool, runs in groups.items():
        ok = [r for r in runs if r.get("ok")]
        if not ok:
            reason = (runs[0].get("error") or "").split("error: ")[-1][:90]
            rows.append([tool, f"failed: {reason}", "", "", "", "", "", f"{runs[0]['wall']:.1f}", ""])
            continue
        med = lambda key: statistics.median(r[key] for r in ok)  # noqa: E731
        cosine = ""
        if ok[0].get("cosine"):
            cosine = f" (cosine {_pct(statistics.median(r['cosine']['hit@10'] for r in ok))})"
        rows.append([tool, str(len(ok)), _pct(med("hit@10")) + cosine, f"{med('ndcg@10'):.4f}", f"{med('mrr'):.4f}",
                     _pct(med("coverage@10")), f"{med('train_s'):.1f}", f"{med('wall'):.1f}",
                     bl.fmt_ratio(med("train_s") / gensim_s)])
    rows.append(["popularity baseline", "", _pct(pop.get("hit@10")), f"{pop.get('ndcg@10') or 0:.4f}",
                 f"{pop.get('mrr') or 0:.4f}", _pct(pop.get("coverage@10")), "", "", ""])
    lines.append(bl.table(["tool", "runs", "hit rate@10", "NDCG@10", "MRR", "coverage@10", "train s",
                           "whole process s", "train time / gensim's"], rows))
    lines += ["", "### Targets", "", bl.table(["target", "measured", "verdict"], _targets(res, groups))]
    tuned = [r for r in res["runs"] if r["tool"].endswith("--tune") and r.get("ok")]
    if tuned:
        lines += ["", f"--tune chose {json.dumps(tuned[0]['config'])} in {tuned[0]['tune_s']:.0f} s of search "
                  "(hit rate@10 on its own validation split, carved from the training file):", ""]
        trials = (tuned[0].get("tune") or {}).get("trials") or []
        names = [k for k in (trials[0] if trials else {}) if k not in ("hit@10", "seconds")]
        lines.append(bl.table(names + ["hit@10", "seconds"],
                              [[str(t[n]) for n in names] + [_pct(t["hit@10"]), f"{t['seconds']:.1f}"] for t in trials]))
    lines += ["", "Commands: " + "; ".join(f"`{groups[t][0]['cmd']}`" for t in groups), "",
              "### How the item2vec defaults were chosen", "",
              "One thread, in process, the same split, mean of two seeds (spread = the difference between them); "
              "each row changes one setting from the defaults.", ""]
    sweep_rows = [[s["setting"], _pct(s["hit@10"]), _pct(s["spread"]), _pct(s["cosine_hit@10"]),
                   f"{s['pairs']:,}", f"{s['seconds']:.1f}"] for s in res.get("sweep", [])]
    lines.append(bl.table(["setting", "hit rate@10", "spread", "scored by cosine", "pairs an epoch", "train s"],
                          sweep_rows))
    lines += ["", "Reading it: the whole-sequence objective of all pairs (what gensim trains with window = the "
              "longest sequence) lets the few customers with thousands of purchases dominate: drawing 20 "
              "contexts per item from long sequences trains 27 times fewer pairs here and scores higher, not lower; 10 "
              "to 30 score alike, 50 and more lose. Per-pair updates and shared negatives over groups of up to "
              "20 contexts score within a few tenths of a point; per pair is the default. ns_exponent is the "
              "setting that matters: 0 keeps popularity in the context vectors (scores are log P(item | "
              "history) up to a constant), 0.75 (word2vec's) halves the hit rate and 1 destroys it. Scoring by "
              "cosine (the item2vec papers' rule) stays below popularity whatever the setting."]
    rec = res.get("recommend") or {}
    if rec:
        rates = rec.get("in_process_rates") or []
        lines += ["", "### Recommendation speed", "",
                  f"`{rec['cmd']}`: {rec['histories']:,} histories (mean {rec['mean_length']:.1f} items) against "
                  f"{rec['items']:,} items × {rec['dim']} dims in {rec['whole_process_s']:.1f} s, whole process "
                  f"(start, load, answer, print): {rec['histories'] / rec['whole_process_s']:,.0f} histories/s. "
                  f"In process, after loading: {', '.join(f'{r:,.0f}' for r in rates)} histories/s "
                  f"(three passes; target 2,000). Load average when this part started: {rec.get('load', '?')}."]
        history = res.get("recommend_history") or []
        if len(history) > 1:
            lines += ["", "The same measurement at other moments of this shared machine (in process, after loading; "
                      "the load average says how many other processes competed for the 2 cores):", "",
                      bl.table(["when", "commit", "load average", "histories/s (3 passes)", "whole process s"],
                               [[h["date"], h.get("commit", "?"), h["load"], ", ".join(f"{r:,.0f}" for r in h["rates"]),
                                 f"{h['whole_process_s']:.1f}"] for h in history]),
                      "", "Before 6978d97 the top-k compared every score with the threshold (and before 4b82696 into "
                      "a fresh 25 MB array per block); now only the columns of the groups that reach it are read "
                      "again."]
    return "\n".join(lines)
