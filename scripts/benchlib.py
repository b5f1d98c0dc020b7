"""Shared helpers for scripts/bench.py: timed processes, machine facts, one evaluator, markdown.

Every tool is timed as a whole process, from start to saved vectors: wall time from a
monotonic clock around the child, and peak RSS and CPU seconds from os.wait4's rusage of that
child (its own memory, not the harness's). Quality comes from one evaluator for every tool.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
WORDVEC = [PYTHON, "-m", "wordvec"]   # run from the snapshot on PYTHONPATH (see use_snapshot)
SNAPSHOT: dict = {"path": None, "commit": None}


def unpack_snapshot(ref: str, root: Path = Path("/tmp/benchdata")) -> tuple[str, Path]:
    """(short commit, ROOT/wordvec-<commit>): `git archive REF` of the package, unpacked and
    compiled to bytecode once, under a temporary name renamed last, so an interrupted unpacking
    is never reused."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", ref], capture_output=True,
                            text=True, check=True).stdout.strip()
    target = root / f"wordvec-{commit}"
    if not (target / "wordvec" / "__init__.py").exists():
        tmp = root / f"wordvec-{commit}.tmp"
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "wordvec"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        # bytecode, as `pip install` compiles it: this machine sets PYTHONDONTWRITEBYTECODE, so
        # without it every wordvec process would compile its modules from source (about 40 ms)
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(tmp / "wordvec")], check=True)
        os.replace(tmp, target)
    return commit, target


def use_snapshot(ref: str = "HEAD", root: Path = Path("/tmp/benchdata")) -> Path:
    """Benchmark a frozen copy of a commit, not the shared working tree that others are editing.

    The snapshot (unpack_snapshot) goes first on PYTHONPATH of every wordvec process (ahead of
    the editable install), and so does this harness's evaluator.
    """
    commit, target = unpack_snapshot(ref, root)
    SNAPSHOT.update(path=str(target), commit=commit)
    sys.path.insert(0, str(target))
    return target
EVAL_DIR = Path(os.environ.get("WORDVEC_EVAL_DIR", "/work/shared/eval"))
ANALOGIES = EVAL_DIR / "questions-words.txt"
PAIR_SETS = {"ws353": EVAL_DIR / "wordsim353.tsv", "simlex": EVAL_DIR / "simlex999.tsv"}
RESTRICT_VOCAB = 30_000
SEMANTIC_SECTIONS = {"capital-common-countries", "capital-world", "currency", "city-in-state", "family"}


@dataclass
class Run:
    """One finished process: what ran and what it cost."""

    cmd: list[str]
    wall: float                 # seconds, start to exit
    cpu: float                  # user + system seconds of the child
    peak_rss_mib: float         # ru_maxrss of the child
    returncode: int
    stdout: str
    stderr: str
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
        return f"exit {self.returncode}: " + " | ".join(tail)


def thread_env(threads: int, extra: dict | None = None) -> dict:
    """Environment for a tool process: BLAS/OpenMP/numba pools capped at `threads`."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[name] = str(threads)
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONSAFEPATH"] = "1"   # never import wordvec from the current folder (the working tree)
    if SNAPSHOT["path"]:
        env["PYTHONPATH"] = SNAPSHOT["path"] + os.pathsep + env.get("PYTHONPATH", "")
    if extra:
        env.update(extra)
    return env


def run_process(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None,
                stdin_path: Path | None = None, stdout_path: Path | None = None,
                timeout: float | None = None) -> Run:
    """Run `cmd` to completion; wall time, CPU time and peak RSS come from wait4 on this child.

    stdout/stderr go to files (never pipes), so a chatty tool cannot block on a full pipe.
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        out_file = Path(stdout_path) if stdout_path else Path(tmp) / "stdout"
        err_file = Path(tmp) / "stderr"
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            with open(out_file, "wb") as out, open(err_file, "wb") as err:
                start = time.perf_counter()
                proc = subprocess.Popen(cmd, cwd=cwd or tmp, env=env, stdin=stdin, stdout=out, stderr=err)
                timer = threading.Timer(timeout, proc.kill) if timeout else None
                if timer:
                    timer.start()
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                if timer:
                    timer.cancel()
                proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin_path:
                stdin.close()
        read = lambda p: p.read_text(errors="replace") if p.exists() else ""  # noqa: E731
        stdout = "" if stdout_path else read(out_file)
        return Run(cmd=[str(c) for c in cmd], wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                   peak_rss_mib=usage.ru_maxrss / 1024.0, returncode=proc.returncode,
                   stdout=stdout, stderr=read(err_file))


# fastText's training with a seed, for the peer scripts. The fasttext wheel's train_unsupervised
# does not accept `seed` although fastText has it (it seeds the start and every thread's
# generator); this builds the arguments as train_unsupervised does, seed included. Without it
# every fastText run is seed 0 and its spread is thread scheduling alone.
FASTTEXT_SEEDED = """
import fasttext.FastText as _F

def train_seeded(**given):
    names = ["input", "model", "lr", "dim", "ws", "epoch", "minCount", "minCountLabel", "minn", "maxn", "neg",
             "wordNgrams", "loss", "bucket", "thread", "lrUpdateRate", "t", "label", "verbose",
             "pretrainedVectors", "seed"]
    args, manual = _F.read_args((), given, names, _F.unsupervised_default)
    built = _F._build_args(args, manual)
    model = _F._FastText(args=built)
    _F.fasttext.train(model.f, built)
    model.set_args(model.f.getArgs())
    assert model.f.getArgs().seed == given["seed"]
    return model
"""


def python_cmd(code: str, *args) -> list[str]:
    """A `python -c` command for a peer written in Python (gensim, fastText), args as argv[1:]."""
    return [PYTHON, "-c", code, *[str(a) for a in args]]


def shell_line(cmd: list[str], stdin: str | None = None, stdout: str | None = None) -> str:
    """The exact command as one copy-pasteable line; long `python -c` bodies are abbreviated."""
    if list(cmd[:3]) == WORDVEC:
        cmd = ["wordvec", *cmd[3:]]
    parts = []
    for i, arg in enumerate(cmd):
        if i > 0 and cmd[i - 1] == "-c" and "\n" in arg:
            parts.append("'<script: see scripts/bench.py>'")
        else:
            parts.append(shlex.quote(arg))
    line = " ".join(parts)
    if stdin:
        line += f" < {stdin}"
    if stdout:
        line += f" > {stdout}"
    return line


# ---------------------------------------------------------------- machine and versions

def _first_match(path: str, pattern: str) -> str:
    try:
        match = re.search(pattern, Path(path).read_text(), re.M)
    except OSError:
        return "?"
    return match.group(1).strip() if match else "?"


def _version(module: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({module!r}))"
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=thread_env(1))
    return done.stdout.strip() or "not installed"


def machine_info() -> dict:
    """Facts that make a figure reproducible: cores, CPU, RAM, load, versions, commit."""
    mem_kib = _first_match("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    commit = SNAPSHOT["commit"] or subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                                  capture_output=True, text=True).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "cpu": _first_match("/proc/cpuinfo", r"^model name\s*:\s*(.+)$"),
        "ram_gib": round(int(mem_kib) / 2**20, 1) if mem_kib.isdigit() else "?",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in ("wordvec", "numpy", "numba", "gensim", "fasttext-wheel")},
        "commit": commit or "?",
    }


def machine_markdown(info: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return (f"Measured {info['date']} on {info['nproc']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, "
            f"Linux {info['kernel']}, Python {info['python']}; {versions}; wordvec commit {info['commit']} "
            "(run from a `git archive` snapshot of that commit). "
            f"Load average when the run started: {info['load']} (the machine is shared: see the note on noise).")


# ---------------------------------------------------------------- quality: one evaluator

def _evaluate_with_wordvec(path: Path) -> dict | None:
    """wordvec's own evaluator (3CosAdd, 30k most frequent words, case-insensitive), if importable."""
    try:
        import wordvec
        from wordvec.vectors import evaluate as ev
        analogy_fn, pairs_fn = ev.evaluate_analogies, ev.evaluate_pairs
    except Exception:  # noqa: BLE001 - absent or incomplete: fall back to gensim
        return None
    kv = wordvec.load(str(path))
    analogy = analogy_fn(kv, ANALOGIES, restrict=RESTRICT_VOCAB, methods=("3cosadd",))
    result = {"evaluator": "wordvec.vectors.evaluate (evaluate_analogies: 3CosAdd, 30,000 most frequent words, "
                           "case-insensitive; evaluate_pairs: Spearman)"}
    for key in ("semantic", "syntactic", "total"):
        value = analogy[key]["accuracy"]["3cosadd"]
        result[f"analogy_{key}"] = float("nan") if value is None else float(value)
    result["analogy_answered"] = analogy["total"]["answered"]
    for name, pair_path in PAIR_SETS.items():
        value = pairs_fn(kv, pair_path)["spearman"]
        result[name] = float("nan") if value is None else float(value)
    return result


def _evaluate_with_gensim(path: Path) -> dict:
    """gensim 4.4: analogies restricted to the 30k most frequent words, case-insensitive."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(path), binary=_is_binary(path), unicode_errors="replace")
    _, sections = kv.evaluate_word_analogies(str(ANALOGIES), restrict_vocab=RESTRICT_VOCAB,
                                             case_insensitive=True)
    counts = {"semantic": [0, 0], "syntactic": [0, 0]}
    for section in sections:
        if section["section"] == "Total accuracy":
            continue
        kind = "semantic" if section["section"] in SEMANTIC_SECTIONS else "syntactic"
        counts[kind][0] += len(section["correct"])
        counts[kind][1] += len(section["correct"]) + len(section["incorrect"])
    total = [counts["semantic"][i] + counts["syntactic"][i] for i in (0, 1)]
    acc = lambda c: c[0] / c[1] if c[1] else float("nan")  # noqa: E731
    result = {"evaluator": "gensim 4.4 evaluate_word_analogies(restrict_vocab=30000, case_insensitive=True)"
                           " / evaluate_word_pairs",
              "analogy_semantic": acc(counts["semantic"]), "analogy_syntactic": acc(counts["syntactic"]),
              "analogy_total": acc(total), "analogy_answered": total[1]}
    for name, pair_path in PAIR_SETS.items():
        _, spearman, _ = kv.evaluate_word_pairs(str(pair_path), delimiter="\t", case_insensitive=True)
        result[name] = float(spearman[0])
    return result


def _is_binary(path: Path) -> bool:
    """Binary vectors hold raw float bytes: control characters a text file never has."""
    with open(path, "rb") as f:
        f.readline()
        chunk = f.read(4096)
    return any(b < 0x20 and b not in (0x09, 0x0A, 0x0D) for b in chunk)


def evaluate_vectors(path: Path, prefer: str = "auto") -> dict:
    """Analogy accuracy (semantic/syntactic/total, 30k most frequent words), WS353, SimLex Spearman."""
    if prefer in ("auto", "wordvec"):
        try:
            result = _evaluate_with_wordvec(path)
        except Exception as exc:  # noqa: BLE001 - an evaluator bug must not lose the timing
            print(f"bench: wordvec evaluator failed ({exc}); using gensim", file=sys.stderr)
            result = None
        if result is not None:
            return result
    return _evaluate_with_gensim(path)


# ---------------------------------------------------------------- figures and markdown

def median(values) -> float:
    values = [v for v in values if v is not None and v == v]
    return statistics.median(values) if values else float("nan")


def fmt_rate(x: float) -> str:
    if x != x:
        return "–"
    return f"{x / 1e6:.2f}M" if x >= 1e6 else f"{x / 1e3:.0f}k"


def fmt_s(x: float) -> str:
    return "–" if x != x else (f"{x:.2f} s" if x < 10 else f"{x:.1f} s")


def fmt_mib(x: float) -> str:
    return "–" if x != x else f"{x:.0f} MiB"


def fmt_pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f} %"


def fmt_corr(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def fmt_ratio(x: float) -> str:
    return "–" if x != x else f"{x:.2f}×"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


DOC_HEADER = """# Benchmarks

Measured by `scripts/bench.py` (`make bench` runs `scripts/bench.py all`). Every tool runs as a
whole process, from start to saved vectors, on the same tokens with the same settings; wall time
is measured around the process, peak RSS and CPU seconds come from the kernel's rusage of that
process. Speeds are corpus tokens × epochs / wall second. Figures are medians over the runs or
seeds shown; ratios compare tools measured side by side in the same invocation, which is what
to trust on a shared machine (absolute figures move by 5–15 % or more from run to run).

Peers are built outside the repository (never committed): the word2vec C tool from
tmikolov/word2vec HEAD with a one-line local fix (reset the end-of-file flag at each epoch,
upstream issue 47, without which the last thread trains one epoch only), compiled both as its
makefile says (-O3 -march=native -funroll-loops) and with -Ofast; Stanford GloVe from
stanfordnlp/GloVe HEAD built with its Makefile; gensim and fasttext-wheel from PyPI.

**Noise.** These figures were taken on a 2-core virtual machine shared with other work (the load
average at the start of each run is printed in its section). Another process competing for the
two cores slows whichever tool runs at that moment, so single figures can be off by tens of per
cent; runs are interleaved tool by tool so that such slowdowns spread over all tools, and the
CPU-seconds column (user + system time of the process) is less sensitive to competition than
wall time. Re-run `scripts/bench.py` on a quiet machine before quoting absolute speeds.
"""


def write_section(doc: Path, name: str, body: str) -> None:
    """Replace (or append) the block between <!-- bench:NAME --> markers in `doc`, atomically."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = doc.read_text() if doc.exists() else DOC_HEADER
    first = text.find("<!-- bench:")
    text = DOC_HEADER + ("\n" + text[first:] if first >= 0 else "")   # keep the preamble current
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    elif name == "summary":   # the hand-written summary goes first, right after the preamble
        text = DOC_HEADER + "\n" + block + "\n" + text[len(DOC_HEADER):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = doc.with_name(doc.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, doc)


def save_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=str))


# ---------------------------------------------------------------- rendering each section

def _group(runs: list[dict], *keys: str) -> dict:
    groups: dict = {}
    for run in runs:
        groups.setdefault(tuple(run.get(k) for k in keys), []).append(run)
    return groups


def _ok(runs: list[dict]) -> list[dict]:
    return [r for r in runs if r.get("ok")]


def _med(runs: list[dict], key: str) -> float:
    return median(r.get(key) for r in runs)


def _failures(runs: list[dict]) -> list[str]:
    return [f"- {r['tool']} ({r.get('arch', '')} {r.get('threads', '')} threads, seed/run {r.get('seed', r.get('rep'))})"
            f" failed: `{r.get('error', '?')}`" for r in runs if not r.get("ok")]


def _evaluator_line(runs: list[dict]) -> str:
    names = sorted({r["evaluator"] for r in runs if r.get("evaluator")})
    return "Quality evaluator (one for every tool): " + ("; ".join(names) or "none ran") + "."


def render_word2vec(res: dict) -> str:
    runs = res["runs"]
    arch_names = {"skipgram": "skip-gram", "cbow": "CBOW"}
    out = ["## word2vec: skip-gram and CBOW (`scripts/bench.py word2vec`)", "",
           machine_markdown(res["machine"]), "",
           f"Corpus: the first {res['tokens']:,} tokens of bench-en in text8 style (lowercase, runs of a–z "
           f"only, one paragraph per line; `{res['corpus']}`, made by scripts/prepare_bench_data.py). "
           f"Every tool: dim 100, window 5, negative 5, sample 1e-4, min_count 5, {res['epochs']} epochs, "
           "lr 0.025 (skip-gram) / 0.05 (CBOW). Speed = corpus tokens × epochs / wall seconds of the whole "
           "process (start to saved vectors). wordvec, gensim and fastText run once per seed; the C tool has "
           "no seed option; it and fastText run at the largest thread count only. Runs were interleaved (one "
           "of each tool in turn) so that load from other work on the machine falls on all tools alike.",
           "", _evaluator_line(runs), ""]
    headers = ["tool", "runs", "wall", "words/s", "× gensim", "CPU s", "peak RSS", "RSS × gensim",
               "analogy sem", "syn", "total", "WS353", "SimLex"]
    targets = []
    for (arch, threads), group in _group(runs, "arch", "threads").items():
        by_tool = _group(group, "tool")
        base = _ok(by_tool.get(("gensim (corpus_file)",), []))
        base_speed, base_rss = _med(base, "words_per_s"), _med(base, "rss")
        rows = []
        for (tool,), tool_runs in by_tool.items():
            ok = _ok(tool_runs)
            speed = _med(ok, "words_per_s")
            label = tool + (f" (progress {ok[0]['progress']:.1f} %)" if ok and ok[0].get("progress") else "")
            rows.append([label, f"{len(ok)}/{len(tool_runs)}", fmt_s(_med(ok, "wall")), fmt_rate(speed),
                         fmt_ratio(speed / base_speed if base else float("nan")), fmt_s(_med(ok, "cpu")),
                         fmt_mib(_med(ok, "rss")),
                         fmt_ratio(_med(ok, "rss") / base_rss if base else float("nan")),
                         fmt_pct(_med(ok, "analogy_semantic")), fmt_pct(_med(ok, "analogy_syntactic")),
                         fmt_pct(_med(ok, "analogy_total")), fmt_corr(_med(ok, "ws353")),
                         fmt_corr(_med(ok, "simlex"))])
        commits = ", ".join(dict.fromkeys(r["commit"] for r in group if r.get("commit")))
        out += [f"### {arch_names.get(arch, arch)}, {threads} thread{'s' if threads > 1 else ''}"
                + (f" (wordvec commit {commits})" if commits else ""), "",
                table(headers, rows), ""]
        mine = _ok(by_tool.get(("wordvec",), []))
        if mine and base:
            targets.append(_word2vec_targets(arch, threads, mine, base))
    if targets:
        out += ["### Targets (wordvec against gensim, medians)", "", *[t for t in targets if t], ""]
    out += _failures(runs)
    out += ["", "### Commands (first run of each tool; gensim and fastText scripts are in scripts/bench.py)", "",
            "```"]
    seen = set()
    for run in runs:
        key = (run["tool"], run.get("arch"), run.get("threads"))
        if key not in seen:
            seen.add(key)
            out.append(run["cmd"])
    out.append("```")
    return "\n".join(out)


def _word2vec_targets(arch: str, threads: int, mine: list[dict], base: list[dict]) -> str:
    speed_goal = {("skipgram", 2): 2.0, ("skipgram", 1): 1.3, ("cbow", 2): 1.5}.get((arch, threads))
    speed = _med(mine, "words_per_s") / _med(base, "words_per_s")
    analogy = 100 * (_med(mine, "analogy_total") - _med(base, "analogy_total"))
    ws = _med(mine, "ws353") - _med(base, "ws353")
    simlex = _med(mine, "simlex") - _med(base, "simlex")
    rss = _med(mine, "rss") / _med(base, "rss")
    verdict = lambda good: "met" if good else "NOT met"  # noqa: E731
    parts = []
    cpu = _med(base, "cpu") / _med(mine, "cpu")
    if speed_goal:
        parts.append(f"speed {speed:.2f}× by wall time (goal ≥{speed_goal}×: {verdict(speed >= speed_goal)}; "
                     f"{cpu:.2f}× by CPU seconds)")
    parts += [f"analogy {analogy:+.1f} points (goal ≥ −1: {verdict(analogy >= -1)})",
              f"WS353 {ws:+.3f}, SimLex {simlex:+.3f} (goal ≥ −0.02: {verdict(ws >= -0.02 and simlex >= -0.02)})",
              f"peak RSS {rss:.2f}× (goal ≤1.3×: {verdict(rss <= 1.3)})"]
    return f"- {arch}, {threads} thread{'s' if threads > 1 else ''}: " + "; ".join(parts)


def render_vocab(res: dict) -> str:
    single = res["bench"] == "singleline"
    title = ("## Vocabulary of one 100 MB line (`scripts/bench.py singleline`)" if single
             else "## Vocabulary build (`scripts/bench.py vocab`)")
    corpus = (f"{res['megabytes']} MB of bench-en with every newline replaced by a space (one line, "
              f"{res['tokens']:,} whitespace tokens)" if single else
              f"`{res['corpus']}`: {res['tokens']:,} whitespace-separated tokens")
    threads = (f" wordvec uses all {res['threads']} cores (its counting and encoding run on every core); "
               "the peers use one." if res.get("threads") else "")
    out = [title, "", machine_markdown(res["machine"]), "", f"Corpus: {corpus}. min_count 5 everywhere. "
           "Speed = tokens / wall seconds of the whole process (start to written vocabulary; gensim: "
           "start to the end of build_vocab, which includes its import and the allocation of the weights). "
           "Tokens per CPU second is the per-core rate. The last column is the time measured inside the "
           "process around the step alone (gensim's build_vocab; wordvec's encoding pass, whose speed "
           f"there is corpus tokens / that time).{threads}", ""]
    rows = []
    for (tool,), group in _group(res["runs"], "tool").items():
        ok = _ok(group)
        wall = _med(ok, "wall")
        inner = _med(ok, "inner_s")
        rows.append([tool, f"{len(ok)}/{len(group)}", fmt_s(wall), fmt_rate(res["tokens"] / wall),
                     fmt_rate(res["tokens"] / _med(ok, "cpu")), fmt_mib(_med(ok, "rss")),
                     f"{int(_med(ok, 'vocab')):,}" if ok and ok[0].get("vocab") else "–",
                     (fmt_s(inner) + (f" ({fmt_rate(res['tokens'] / inner)} tokens/s)" if "encoding" in tool else ""))
                     if inner == inner else ""])
    out += [table(["tool", "runs", "wall", "tokens/s", "tokens/CPU s", "peak RSS", "words kept",
                   "step alone"], rows), ""]
    out += _vocab_targets(res)
    if res.get("skipped"):
        out.append(f"Skipped: {res['skipped']}.")
    out += _failures(res["runs"])
    out += ["", "```", *sorted({r["cmd"] for r in res["runs"]}), "```"]
    return "\n".join(out)


def _verdict(good: bool) -> str:
    return "met" if good else "NOT met"


def _vocab_targets(res: dict) -> list[str]:
    groups = {tool: _ok(runs) for (tool,), runs in _group(res["runs"], "tool").items()}
    mine = next((runs for tool, runs in groups.items() if tool.startswith("wordvec") and runs), None)
    if not mine:
        return []
    if res["bench"] == "singleline":
        rss = _med(mine, "rss")
        return [f"Target: peak RSS under 1 GB: {rss:.0f} MiB ({_verdict(rss * 2**20 < 1e9)}).", ""]
    per_cpu = res["tokens"] / _med(mine, "cpu")
    lines = [f"Targets ({next(t for t, r in groups.items() if r is mine)}): ≥1.5M tokens per CPU second: "
             f"{fmt_rate(per_cpu)} ({_verdict(per_cpu >= 1.5e6)})"]
    gensim = next((runs for tool, runs in groups.items() if tool.startswith("gensim") and runs), None)
    if gensim:
        ratio = _med(gensim, "wall") / _med(mine, "wall")
        lines[0] += f"; faster than gensim: {ratio:.2f}× by wall time ({_verdict(ratio > 1)})"
    lines[0] += "."
    glove = next((runs for tool, runs in groups.items() if tool.startswith("GloVe") and runs), None)
    for tool, runs in groups.items():
        if glove and tool.startswith("wordvec vocab") and runs:
            speed = _med(glove, "wall") / _med(runs, "wall")
            rss = _med(runs, "rss") / _med(glove, "rss")
            lines.append(f"- {tool} against Stanford's vocab_count, whole process: {speed:.2f}× its tokens/s "
                         f"(goal ≥1: {_verdict(speed >= 1)}); peak RSS {rss:.2f}× (goal ≤1.5: {_verdict(rss <= 1.5)})")
        if tool.startswith("wordvec encoding") and runs:
            rate = res["tokens"] / _med(runs, "inner_s")
            lines.append(f"- {tool}: {fmt_rate(rate)} tokens/s (goal ≥10M: {_verdict(rate >= 10e6)})")
    return [*lines, ""]


def render_glove(res: dict) -> str:
    out = ["## GloVe (`scripts/bench.py glove`)", "", machine_markdown(res["machine"]), "",
           f"Corpus: the first {res['tokens']:,} text8-style tokens of bench-en. min_count 5, window 10, "
           f"dim 100, {res['epochs']} iterations, x_max 10, {res['threads']} threads, co-occurrence memory "
           f"{res['memory_gib']} GiB; Stanford GloVe run stage by stage as its demo.sh does (W + W̃ output, "
           "GloVe text without header); wordvec skip-gram (5 epochs) on the same tokens for scale.", "",
           _evaluator_line(res["runs"]), ""]
    rows = []
    c_total = next((r["wall"] for r in res["runs"] if r["tool"].startswith("Stanford") and r.get("ok")), None)
    for run in res["runs"]:
        reported = run.get("json") or {}
        stages = run.get("stages") or reported.get("stages") or {}
        if not stages and "prepare_seconds" in reported:   # wordvec train skipgram --json
            stages = {k: reported[k] for k in ("prepare_seconds", "train_seconds") if k in reported}
        stage_text = " + ".join(f"{k.removesuffix('_seconds')} {v:.1f} s" for k, v in stages.items()
                                if isinstance(v, (int, float)))
        nnz = run.get("nonzeros") or reported.get("nnz")
        rows.append([run["tool"], stage_text or "–", fmt_s(run["wall"]) if run.get("ok") else "failed",
                     fmt_ratio(run["wall"] / c_total) if c_total and run.get("ok") else "–",
                     fmt_mib(run.get("rss", float("nan"))), f"{nnz:,}" if nnz else "–",
                     fmt_pct(run.get("analogy_semantic", float("nan"))),
                     fmt_pct(run.get("analogy_syntactic", float("nan"))),
                     fmt_pct(run.get("analogy_total", float("nan"))), fmt_corr(run.get("ws353", float("nan"))),
                     fmt_corr(run.get("simlex", float("nan")))])
    mine = next((r for r in res["runs"] if r["tool"] == "wordvec train glove" and r.get("ok")), None)
    c_run = next((r for r in res["runs"] if r["tool"].startswith("Stanford") and r.get("ok")), None)
    if mine and c_run:
        ratio = mine["wall"] / c_total
        rss = mine["rss"] / c_run["rss"]
        out += [f"Targets (issue 15): wordvec GloVe total ≤0.35× the C pipeline: {ratio:.2f}× ({_verdict(ratio <= 0.35)}); "
                f"peak RSS at or below the C pipeline's (its largest stage): {rss:.2f}× ({_verdict(rss <= 1)}); "
                "same quality (table).", ""]
    out += [table(["tool", "stages", "total wall", "× C total", "peak RSS", "co-occurrence non-zeros",
                   "analogy sem", "syn", "total", "WS353", "SimLex"], rows), ""]
    out += _failures(res["runs"])
    out += ["", "```", *[c for r in res["runs"] for c in r["cmd"]], "```"]
    return "\n".join(out)


def _overlap(mine: dict[str, int], theirs: dict[str, int]) -> tuple[float, list[str], list[str]]:
    """Share of distinct joined tokens both outputs hold (|common| / |union|), and the most
    frequent tokens only one side joined."""
    common, union = mine.keys() & theirs.keys(), mine.keys() | theirs.keys()
    only_mine = sorted(mine.keys() - theirs.keys(), key=lambda t: -mine[t])
    only_theirs = sorted(theirs.keys() - mine.keys(), key=lambda t: -theirs[t])
    return len(common) / max(1, len(union)), only_mine, only_theirs


def render_phrases(res: dict) -> str:
    out = ["## Phrases (`scripts/bench.py phrases`)", "", machine_markdown(res["machine"]), "",
           f"Corpus: the first {res['tokens']:,} text8-style tokens of bench-en (`{res['corpus']}`). Every tool "
           "learns phrases and writes the whole corpus with them joined, as one process (start to written "
           "file): wordvec and gensim 4.4 `Phrases` (then `freeze()`, gensim's fastest way to apply) with NPMI, "
           "min_count 5, threshold 0.5; wordvec and word2phrase.c (built by hand, never committed) with "
           "word2phrase's score, min_count 5, threshold 100. Joining is greedy, left to right, in every tool.", ""]
    groups = _group(res["runs"], "scorer", "tool")
    rows, lines = [], []
    for scorer in ("npmi", "word2phrase"):
        mine = _ok(groups.get((scorer, "wordvec phrases"), []))
        peer_name = next((tool for (sc, tool) in groups if sc == scorer and tool != "wordvec phrases"), None)
        peer = _ok(groups.get((scorer, peer_name), [])) if peer_name else []
        for tool, runs in (("wordvec phrases", mine), (peer_name, peer)):
            if tool is None:
                continue
            wall = _med(runs, "wall")
            joined = res["joined"].get(f"{tool} / {scorer}", {})
            rows.append([tool, scorer, f"{len(runs)}/{len(groups.get((scorer, tool), []))}", fmt_s(wall),
                         fmt_rate(res["tokens"] / wall), fmt_ratio(_med(peer, "wall") / wall) if peer else "–",
                         fmt_s(_med(runs, "cpu")), fmt_mib(_med(runs, "rss")), f"{len(joined):,}",
                         f"{sum(joined.values()):,}"])
        if mine and peer:
            share, only_mine, only_theirs = _overlap(res["joined"][f"wordvec phrases / {scorer}"],
                                                     res["joined"][f"{peer_name} / {scorer}"])
            speed = _med(peer, "wall") / _med(mine, "wall")
            cpu = _med(peer, "cpu") / _med(mine, "cpu")
            lines.append(f"- {scorer}, wordvec against {peer_name}: distinct joined tokens in common "
                         f"{100 * share:.2f} % of all (goal ≥98 %: {_verdict(share >= 0.98)}); speed "
                         f"{speed:.1f}× by wall time, {cpu:.1f}× by CPU seconds (goal ≥10×: "
                         f"{_verdict(speed >= 10)} by wall time). Only wordvec: "
                         f"{len(only_mine):,} ({', '.join(only_mine[:8]) or 'none'}); only {peer_name}: "
                         f"{len(only_theirs):,} ({', '.join(only_theirs[:8]) or 'none'}).")
    out += [table(["tool", "scorer", "runs", "wall", "tokens/s", "× peer", "CPU s", "peak RSS",
                   "distinct joined tokens", "joined occurrences"], rows), "", "Targets (medians):", "", *lines, ""]
    out += _failures(res["runs"])
    out += ["", "```", *sorted({r["cmd"] for r in res["runs"]}), "```"]
    return "\n".join(out)


def render_checkpoint(res: dict) -> str:
    save = res.get("save", {})
    out = ["## Checkpoints (`scripts/bench.py checkpoint`)", "", machine_markdown(res["machine"]), ""]
    if "pause_s" in save:
        worst = max(save["pause_s"])
        out += [f"A word2vec checkpoint of {res['rows']:,} × {res['dim']} (both matrices, {save['bytes'] / 2**30:.2f} "
                f"GiB of vectors, a vocabulary of {res['rows']:,} words, CRC-32 of every array, atomic rename, fsync; "
                "arrays written past the page cache). Written and flushed, start to end, twice directly, then three "
                f"times as training saves (every 15 s, safe points every 50 ms): "
                f"{', '.join(f'{s:.1f} s' for s in save['write_s'])} (goal < 5 s: "
                f"{_verdict(sorted(save['write_s'])[len(save['write_s']) // 2] < 5)} by the median). Training waits "
                f"only while the state is copied, into memory made ready ahead of the save: "
                f"{', '.join(f'{s:.2f} s' for s in save['pause_s'])} (< 5 s: {_verdict(worst < 5)}); a second "
                f"thread writes and flushes the copy. Loading and verifying it: {save['load_s']:.2f} s (from the "
                "disk: the write left nothing in the page cache).", ""]
    else:
        out += [f"Checkpoint write failed: `{save.get('error')}`", ""]
    out += [f"Training speed with and without checkpoints: skip-gram on the first {res['tokens']:,} text8-style "
            f"tokens of bench-en, {res['threads']} threads, whole processes interleaved run by run (seeds 1, 2, 3 "
            "for each variant). words/s is the trainer's own figure (tokens × epochs / training seconds).", ""]
    groups = _group(res["runs"], "tool")
    base = _med(_ok(groups.get(("without --checkpoint",), [])), "words_per_s")
    base_cpu = _med(_ok(groups.get(("without --checkpoint",), [])), "cpu")
    rows = []
    for (tool,), runs in groups.items():
        ok = _ok(runs)
        speed = _med(ok, "words_per_s")
        saves = [s for r in ok for s in r.get("saves", [])]
        cpu = _med(ok, "cpu")
        rows.append([tool, f"{len(ok)}/{len(runs)}", fmt_s(_med(ok, "train_s")), fmt_rate(speed),
                     f"{100 * (speed / base - 1):+.1f} %" if base == base else "–", fmt_s(cpu),
                     f"{100 * (cpu / base_cpu - 1):+.1f} %" if base_cpu == base_cpu else "–",
                     f"{len(saves)} ({fmt_s(median(saves))} each)" if saves else "0", fmt_mib(_med(ok, "rss"))])
    out += [table(["variant", "runs", "train", "words/s", "vs without", "CPU s", "CPU vs without",
                   "checkpoints saved", "peak RSS"], rows), ""]
    default = _ok(groups.get(("--checkpoint (every 10 minutes, the default)",), []))
    if base == base and default:
        loss = 1 - _med(default, "words_per_s") / base
        extra_cpu = _med(default, "cpu") / base_cpu - 1
        out.append(f"Target: training speed with --checkpoint within 3 % of without: {100 * loss:+.1f} % slower by "
                   f"wall time ({_verdict(loss <= 0.03)}), {100 * extra_cpu:+.1f} % CPU seconds "
                   f"({_verdict(extra_cpu <= 0.03)}).")
    out += _failures(res["runs"])
    out += ["", "```", *sorted({r["cmd"] for r in res["runs"]}), "```"]
    return "\n".join(out)


RENDERERS = {"word2vec": render_word2vec, "vocab": render_vocab, "singleline": render_vocab,
             "glove": render_glove, "phrases": render_phrases,
             "checkpoint": render_checkpoint}
