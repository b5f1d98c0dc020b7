#!/usr/bin/env python3
"""Corpus preparation and co-occurrences through Dask (--dask local:N) against one process.

    scripts/bench_dask.py [--runs 3] [--workers 2] [--memory 1] [--write] [--quick]

Each run prepares the whole bench corpus (count + encode) and counts its co-occurrences (window
10, min_count 5) twice, interleaved: with `wordvec cooccur` in one process on every core (budget
--memory x workers), and through a LocalCluster of N worker processes (budget --memory each),
each from an empty cache. The Dask run is a small script on the library (the same calls as
`wordvec cooccur --dask local:N`) so that it can read every worker's and nanny's peak RSS and
Dask's task stream, from which the per-partition rates of the scaling estimate come. The first
runs' folders are compared bit for bit. --write replaces the `dask` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402
import prepare_bench_data as data  # noqa: E402

DOC = bl.REPO / "docs" / "BENCHMARKS.md"

DASK_RUN = """
import json, resource, sys, time
start = time.perf_counter()
from pathlib import Path
import distributed
from wordvec.cluster.prepare import DaskSession
from wordvec.config import CooccurConfig, TokenizerConfig
corpus, output, workers, memory = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


import threading
sampled = [0.0]
def sample():  # the client's resident size now and then (its ru_maxrss also counts reaped workers)
    while True:
        with open("/proc/self/statm") as f:
            sampled[0] = max(sampled[0], int(f.read().split()[1]) * 4096 / 2**20)
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()

stages = {}
with DaskSession("local:" + workers, near=output.parent) as session:
    client = session.passes.client
    stages["start cluster"] = time.perf_counter() - start
    with distributed.get_task_stream(client) as stream:
        t = time.perf_counter()
        vocab, encoded = session.prepare([corpus], TokenizerConfig(), min_count=5)
        stages["count + encode"] = time.perf_counter() - t
        t = time.perf_counter()
        cooc = session.cooccurrences(encoded, vocab, CooccurConfig(window=10, memory=memory), output)
        stages["cooccur"] = time.perf_counter() - t
    tasks = [{"name": d["key"].split("-")[0], "worker": d["worker"],
              "spans": [(s["start"], s["stop"]) for s in d["startstops"] if s["action"] == "compute"]}
             for d in stream.data]
    workers_rss = client.run(peak)
    sizes = dict(session.passes.stats)
t = time.perf_counter()
print(json.dumps({"stages": stages, "tasks": tasks, "workers_rss": list(workers_rss.values()),
                  "client_rss": peak(), "client_sampled_rss": sampled[0], "nnz": cooc.nnz,
                  "tokens": encoded.n_tokens, "raw_tokens": encoded.info["raw_tokens"],
                  "vocab": len(vocab), "bytes": encoded.info["bytes"], "sizes": sizes}))
"""


def run_single(args, corpus: Path, out: Path, cache: Path) -> dict:
    cmd = [*bl.WORDVEC, "-q", "cooccur", str(corpus), "-o", str(out), "--window", "10", "--min-count", "5",
           "--memory", str(args.memory * args.workers), "--json"]
    run = bl.run_process(cmd, env=bl.thread_env(args.workers, {"XDG_CACHE_HOME": str(cache)}), timeout=args.timeout)
    record = {"tool": "one process", "cmd": bl.shell_line(run.cmd), "wall": run.wall, "cpu": run.cpu,
              "rss": run.peak_rss_mib, "ok": run.ok}
    if run.ok:
        record["nnz"] = json.loads(run.stdout.strip().splitlines()[-1])["nnz"]
    else:
        record["error"] = run.failure()
    return record


def run_dask(args, corpus: Path, out: Path, cache: Path) -> dict:
    cmd = bl.python_cmd(DASK_RUN, corpus, out, args.workers, args.memory)
    run = bl.run_process(cmd, env=bl.thread_env(1, {"XDG_CACHE_HOME": str(cache)}), timeout=args.timeout)
    record = {"tool": f"Dask local:{args.workers}", "cmd": f"wordvec -q cooccur {corpus} -o {out} --window 10 "
              f"--min-count 5 --memory {args.memory} --dask local:{args.workers}  (as a script: see bench_dask.py)",
              "wall": run.wall, "cpu": run.cpu, "rss": run.peak_rss_mib, "ok": run.ok}
    if run.ok:
        record.update(json.loads(run.stdout.strip().splitlines()[-1]))
    else:
        record["error"] = run.failure()
    return record


def same_folders(a: Path, b: Path) -> bool:
    return all(np.array_equal(np.load(a / f"{n}.npy", mmap_mode="r"), np.load(b / f"{n}.npy", mmap_mode="r"))
               for n in ("rows", "cols", "vals")) and (a / "vocab.txt").read_bytes() == (b / "vocab.txt").read_bytes()


def phases(tasks: list[dict]) -> dict:
    """Per task kind: how many, their compute seconds summed, and the wall span they covered."""
    out = {}
    for name in dict.fromkeys(t["name"] for t in tasks):
        spans = [s for t in tasks if t["name"] == name for s in t["spans"]]
        if spans:
            out[name] = {"tasks": sum(1 for t in tasks if t["name"] == name),
                         "compute": sum(b - a for a, b in spans),
                         "span": max(b for _, b in spans) - min(a for a, _ in spans)}
    return out


def render(res: dict) -> str:
    runs = res["runs"]
    single = bl._ok([r for r in runs if r["tool"] == "one process"])
    dask = bl._ok([r for r in runs if r["tool"].startswith("Dask")])
    out = ["## Preparation and co-occurrences on Dask (`scripts/bench_dask.py`)", "", bl.machine_markdown(res["machine"]),
           "", f"Corpus: `{res['corpus']}` ({res['tokens']:,} whitespace tokens, {res['bytes'] / 2**20:,.0f} MiB), "
           "min_count 5, window 10; count + encode + co-occurrences, from an empty cache, written as a "
           f"co-occurrence folder. One process: `wordvec cooccur` on {res['workers']} threads with --memory "
           f"{res['memory'] * res['workers']:g}. Dask: a LocalCluster of {res['workers']} worker processes (1 thread "
           f"each, --memory {res['memory']:g} each) on the same cores; the client process also runs the scheduler "
           "and the nannies (a LocalCluster keeps them there; the workers are processes of their own). Peak RSS "
           "of the Dask run: the client's, and the sum of the workers' peaks (an upper bound of what they held "
           "at once).", ""]
    rows = []
    for label, group in (("one process", single), (f"Dask local:{res['workers']}", dask)):
        if not group:
            continue
        own = "client_sampled_rss" if label.startswith("Dask") else "rss"  # wait4's peak counts reaped workers
        row = [label, f"{len(group)}/{sum(1 for r in runs if r['tool'] == group[0]['tool'])}",
               bl.fmt_s(bl._med(group, "wall")), bl.fmt_s(bl._med(group, "cpu")), bl.fmt_mib(bl._med(group, own))]
        if label.startswith("Dask"):
            row.append(bl.fmt_mib(float(np.median([sum(r["workers_rss"]) for r in group]))))
        else:
            row.append("–")
        rows.append(row)
    out += [bl.table(["path", "runs", "wall", "CPU s (all processes)", "peak RSS (the process / the client)",
                      "workers' peak RSS (sum)"], rows), ""]
    if single and dask:
        overhead = bl._med(dask, "wall") / bl._med(single, "wall") - 1
        out.append(f"Dask overhead on the same cores: {overhead:+.1%} of the one-process wall time "
                   f"(goal ≤ +25 %: {'met' if overhead <= 0.25 else 'NOT met'}). Outputs identical bit for bit "
                   f"(rows, cols, vals, vocab.txt of the first runs): {res.get('identical')}.")
        out.append("")
        first = dask[0]
        stages = " + ".join(f"{k} {v:.1f} s" for k, v in first["stages"].items())
        out += [f"Dask run 1 by stage (client wall): {stages}.", ""]
        kinds = phases(first["tasks"])
        rows = []
        for name, what, amount in (("count_piece", "tokens", first["raw_tokens"]),
                                   ("encode_piece", "tokens", first["raw_tokens"]),
                                   ("count_pairs", "co-occurrence keys emitted", first["sizes"].get("pairs")),
                                   ("merge_rows", "part entries merged", first["sizes"].get("part_entries"))):
            if name in kinds and amount:
                k = kinds[name]
                rows.append([name, str(k["tasks"]), bl.fmt_s(k["span"]), bl.fmt_s(k["compute"]), what,
                             bl.fmt_rate(amount / k["compute"])])
        out += [bl.table(["task", "tasks", "wall span", "compute (all workers)", "unit", "per worker-second"], rows),
                ""]
    out += bl._failures(runs)
    out += ["```", *dict.fromkeys(r["cmd"] for r in runs), "```"]
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", type=float, default=1.0, help="GiB per worker (one process: x workers)")
    parser.add_argument("--quick", action="store_true", help="a 1M-token corpus: a smoke test of the harness")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--data", default=str(data.DEFAULT_DIR))
    parser.add_argument("--work", default="/tmp/benchdata/runs/dask")
    parser.add_argument("--ref", default="HEAD")
    parser.add_argument("--timeout", type=float, default=3 * 3600)
    parser.add_argument("--render", type=Path, help="re-render saved results")
    args = parser.parse_args(argv)
    if args.render:
        text = render(json.loads(args.render.read_text()))
        print(text)
        if args.write:
            bl.write_section(DOC, "dask", text)
        return
    print(f"bench: benchmarking wordvec from a snapshot of {args.ref}: {bl.use_snapshot(args.ref)}", file=sys.stderr)
    corpus = data.ensure_text8(1_000_000, Path(args.data)) if args.quick else data.ensure_raw(Path(args.data))
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tokens = int(os.popen(f"LC_ALL=C wc -w < {corpus}").read())
    res = {"bench": "dask", "machine": bl.machine_info(), "corpus": str(corpus), "tokens": tokens,
           "bytes": corpus.stat().st_size, "workers": args.workers, "memory": args.memory, "runs": []}
    tiny = data.ensure_text8(20_000, Path(args.data))   # fill numba's cache outside every timing
    for runner in (run_single, run_dask):
        runner(args, tiny, work / "warmup", work / "warmup-cache")
        shutil.rmtree(work / "warmup", ignore_errors=True)
    for rep in range(args.runs):
        for name, runner in (("single", run_single), ("dask", run_dask)):
            out, cache = work / f"{name}-{rep}", work / f"cache-{name}-{rep}"
            print(f"bench: {name} run {rep + 1}", file=sys.stderr, flush=True)
            record = runner(args, corpus, out, cache)
            record["rep"] = rep
            res["runs"].append(record)
            if rep == 0 and name == "dask" and record["ok"] and (work / "single-0").exists():
                res["identical"] = same_folders(work / "single-0", out)
            if rep > 0:
                shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            bl.save_json(work / "dask-results.json", res)
    text = render(res)
    print(text)
    if args.write:
        bl.write_section(DOC, "dask", text)


if __name__ == "__main__":
    main()
