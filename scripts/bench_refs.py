#!/usr/bin/env python3
"""Two commits of wordvec side by side: did a change keep speed and memory?

    scripts/bench_refs.py --refs f1d5124,HEAD [--seeds 1,2,3] [--tokens 10000000]
                          [--glove-tokens 5000000] [--threads 2] [--write]

For a refactoring that must change nothing, each commit is unpacked into its own snapshot
(benchlib.use_snapshot's layout) and its processes run interleaved with the other's, seed by
seed, so load on a shared machine falls on both alike. Skip-gram and CBOW train 5 epochs on the
text8-style prefix of the bench corpus; GloVe counts and trains 15 epochs on a shorter prefix.
Reported per trainer: medians of wall time (whole process), words/s, CPU seconds and peak RSS,
and the after/before ratios. --write puts the table in docs/BENCHMARKS.md (section "refs").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402
import prepare_bench_data as data  # noqa: E402
from bench import DOC, count_tokens, note  # noqa: E402

TRAINERS = {
    "skipgram": ["train", "skipgram", "--window", "5", "--negative", "5", "--sample", "1e-4", "--epochs", "5"],
    "cbow": ["train", "cbow", "--window", "5", "--negative", "5", "--sample", "1e-4", "--epochs", "5"],
    "glove": ["train", "glove", "--window", "10", "--epochs", "15", "--x-max", "10", "--memory", "4"],
}


def command(trainer: str, corpus: Path, out: Path, threads: int, seed: int) -> list[str]:
    return [*bl.WORDVEC, "-q", *TRAINERS[trainer], str(corpus), "-o", str(out), "--format", "word2vec-binary",
            "--tokens", "raw", "--min-count", "5", "--dim", "100", "--threads", str(threads), "--seed", str(seed)]


def run_one(trainer: str, corpus: Path, work: Path, code: Path, threads: int, seed: int) -> bl.Run:
    work.mkdir(parents=True, exist_ok=True)
    env = bl.thread_env(threads, {"PYTHONPATH": str(code), "XDG_CACHE_HOME": str(work / "cache")})
    return bl.run_process(command(trainer, corpus, work / "vectors.bin", threads, seed), cwd=work, env=env)


def render(results: dict) -> str:
    refs = results["refs"]
    rows = []
    for trainer in results["trainers"]:
        by_ref = {ref: [r for r in results["runs"] if r["trainer"] == trainer and r["ref"] == ref and r["ok"]]
                  for ref in refs}
        if not all(by_ref.values()):
            continue
        med = {ref: {k: bl.median([r[k] for r in runs]) for k in ("wall", "cpu", "rss", "words_per_s")}
               for ref, runs in by_ref.items()}
        before, after = med[refs[0]], med[refs[1]]
        rows.append([trainer, bl.fmt_rate(before["words_per_s"]), bl.fmt_rate(after["words_per_s"]),
                     bl.fmt_ratio(after["words_per_s"] / before["words_per_s"]),
                     bl.fmt_s(before["cpu"]), bl.fmt_s(after["cpu"]), bl.fmt_ratio(after["cpu"] / before["cpu"]),
                     bl.fmt_mib(before["rss"]), bl.fmt_mib(after["rss"]), bl.fmt_ratio(after["rss"] / before["rss"])])
    header = [f"trainer", f"words/s {refs[0]}", f"words/s {refs[1]}", "ratio", f"CPU s {refs[0]}",
              f"CPU s {refs[1]}", "ratio", f"peak RSS {refs[0]}", f"peak RSS {refs[1]}", "ratio"]
    machine = results["machine"]
    return "\n".join([
        f"## Two commits side by side: {refs[0]} (before) and {refs[1]} (after)", "",
        f"`scripts/bench_refs.py --refs {','.join(results['ref_names'])}`: {results['tokens']:,} tokens for "
        f"skip-gram and CBOW (dim 100, window 5, negative 5, sample 1e-4, 5 epochs), {results['glove_tokens']:,} "
        f"for GloVe (window 10, 15 epochs, x_max 10, --memory 4); {results['threads']} threads; seeds "
        f"{', '.join(map(str, results['seeds']))}, the two commits interleaved run by run; medians. words/s is "
        "corpus tokens x epochs / whole-process wall seconds (for GloVe, tokens x 15 / wall, a rate of the "
        "whole pipeline). Machine: " + f"{machine.get('cpu', '')}; load {machine.get('load', '')}; {machine.get('date', '')}.",
        "", bl.table(header, rows)])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refs", default="HEAD~1,HEAD", help="before,after [%(default)s]")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--tokens", type=int, default=10_000_000, help="skip-gram and CBOW corpus prefix")
    parser.add_argument("--glove-tokens", type=int, default=5_000_000, help="GloVe corpus prefix")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--trainers", default="skipgram,cbow,glove")
    parser.add_argument("--work", default="/tmp/benchdata/refs")
    parser.add_argument("--write", action="store_true", help="replace the 'refs' section of docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    names = args.refs.split(",")
    snaps = [bl.unpack_snapshot(name) for name in names]
    refs = [commit for commit, _ in snaps]
    trainers = args.trainers.split(",")
    corpora = {t: data.ensure_text8(args.glove_tokens if t == "glove" else args.tokens, Path(data.DEFAULT_DIR))
               for t in trainers}
    tokens = {t: count_tokens(c) for t, c in corpora.items()}
    epochs = {"skipgram": 5, "cbow": 5, "glove": 15}
    work = Path(args.work)
    tiny = data.ensure_text8(20_000, Path(data.DEFAULT_DIR))
    for (commit, code) in snaps:  # compile each snapshot's numba cache outside the timings
        for trainer in trainers:
            run_one(trainer, tiny, work / f"warmup-{commit}-{trainer}", code, args.threads, 1)
    results = {"refs": refs, "ref_names": names, "trainers": trainers, "tokens": args.tokens,
               "glove_tokens": args.glove_tokens, "threads": args.threads, "machine": bl.machine_info(),
               "seeds": [int(s) for s in args.seeds.split(",")], "runs": []}
    for seed in results["seeds"]:
        for trainer in trainers:
            for commit, code in snaps:
                run = run_one(trainer, corpora[trainer], work / f"{commit}-{trainer}-{seed}", code, args.threads, seed)
                record = {"ref": commit, "trainer": trainer, "seed": seed, "wall": run.wall, "cpu": run.cpu,
                          "rss": run.peak_rss_mib, "ok": run.ok,
                          "words_per_s": tokens[trainer] * epochs[trainer] / run.wall}
                if not run.ok:
                    record["error"] = run.failure()
                note(f"{commit} {trainer} seed {seed}: {run.wall:.1f} s, {run.peak_rss_mib:.0f} MiB"
                     + ("" if run.ok else f" FAILED {record['error']}"))
                results["runs"].append(record)
                bl.save_json(work / "refs-results.json", results)
    text = render(results)
    print(text)
    if args.write:
        bl.write_section(DOC, "refs", text)


if __name__ == "__main__":
    main()
