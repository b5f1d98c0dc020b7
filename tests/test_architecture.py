"""The package's shape, enforced: the query side never loads numba or the trainers, no module
imports form a cycle, and command functions stay small (options come from the configs)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wordvec"

BOUNDARY_SCRIPT = """
import importlib, pkgutil, sys
import numpy as np
import wordvec, wordvec.vectors
for info in pkgutil.iter_modules(wordvec.vectors.__path__):
    importlib.import_module("wordvec.vectors." + info.name)
from wordvec.vectors import evaluate
from wordvec.vectors.formats import load, save
from wordvec.vectors.keyedvectors import KeyedVectors

folder = sys.argv[1]
words = ["king", "queen", "man", "woman", "apple", "pear", "city", "town"]
rng = np.random.default_rng(0)
kv = KeyedVectors(rng.standard_normal((len(words), 6)).astype(np.float32), words)
for fmt, name in (("native", "v.wv"), ("word2vec-binary", "v.bin"), ("word2vec", "v.txt"), ("glove", "v.glove")):
    save(kv, f"{folder}/{name}", format=fmt)
for fmt, name in (("native", "v.wv"), ("word2vec-binary", "v.bin")):
    loaded = load(f"{folder}/{name}")
    assert loaded.words == words, fmt
    loaded.most_similar("king"); loaded.analogy("man", "king", "woman"); loaded.similarity("apple", "pear")
with open(f"{folder}/q.txt", "w") as f:
    f.write(": test\\nman king woman queen\\napple pear city town\\n")
with open(f"{folder}/p.tsv", "w") as f:
    f.write("king queen 9\\napple pear 8\\ncity apple 1\\n")
evaluate.evaluate_analogies(kv, f"{folder}/q.txt")
evaluate.evaluate_pairs(kv, f"{folder}/p.tsv")
loaded_now = sorted(m for m in sys.modules if m == "numba" or m.startswith(("numba.", "wordvec.train", "wordvec._kernels")))
print(" ".join(loaded_now) or "clean")
# text vectors are parsed by a numba kernel: reading them may load numba and that kernel only
for name in ("v.txt", "v.glove"):
    assert load(f"{folder}/{name}").words == words, name
print(" ".join(sorted(m for m in sys.modules if m.startswith(("wordvec.train", "wordvec._kernels")))))
"""


def test_query_side_never_loads_numba_or_trainers(tmp_path):
    done = subprocess.run([sys.executable, "-c", BOUNDARY_SCRIPT, str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    before_text, after_text = done.stdout.strip().splitlines()
    assert before_text == "clean", f"the query side imported: {before_text}"
    assert after_text == "wordvec._kernels wordvec._kernels.textvectors", f"reading text imported: {after_text}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(path: Path, modules: set[str]) -> set[str]:
    """Package modules imported when `path` is imported (imports inside functions excluded)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                submodules = {f"{target}.{a.name}" for a in node.names} & modules
                found.update(submodules or ({target} & modules))
            for field in ("body", "orelse", "finalbody", "handlers"):  # if/try blocks at module level
                inner = getattr(node, field, None)
                if isinstance(inner, list) and not isinstance(node, ast.ExceptHandler):
                    visit([n for n in inner if isinstance(n, ast.stmt)])
                if field == "handlers" and inner:
                    for handler in inner:
                        visit(handler.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    found.discard(name)
    return found


def test_no_import_cycles_at_module_level():
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: _module_level_imports(path, set(files)) for name, path in files.items()}
    assert graph["wordvec.cli"] >= {"wordvec.cli.train_word2vec", "wordvec.cli.query_commands"}  # the walk sees imports
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)


def test_command_modules_never_import_the_group_back():
    for path in (PACKAGE / "cli").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
                assert "cli" not in {a.name for a in node.names}, f"{path.name} imports the group"


def test_no_cli_function_takes_more_than_eight_parameters():
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
                assert count <= 8, f"{path.name}:{node.lineno} {node.name} takes {count} parameters"


def test_every_setting_has_help_and_one_default():
    """A config field is the only place its default lives; the CLI shows it."""
    import dataclasses

    from click.testing import CliRunner

    from wordvec import config
    from wordvec.cli import cli

    for cls in (config.TokenizerConfig, config.VocabConfig, config.Word2VecConfig, config.CooccurConfig,
                config.GloVeConfig):
        for field in dataclasses.fields(cls):
            assert field.metadata.get("help"), f"{cls.__name__}.{field.name} has no help text"
    help_text = CliRunner().invoke(cli, ["train", "glove", "--help"], terminal_width=200).output
    assert "[default: 25]" in help_text and "--x-max" in help_text and "--asymmetric" in help_text
    cbow_help = CliRunner().invoke(cli, ["train", "cbow", "--help"], terminal_width=200).output
    assert "--exact" not in cbow_help and "--negative" in cbow_help
