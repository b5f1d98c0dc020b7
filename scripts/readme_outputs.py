#!/usr/bin/env python3
"""Regenerate, or check, every output shown in README.md from runs of the current code.

    scripts/readme_outputs.py                 run the README's commands, rewrite their outputs in place
    scripts/readme_outputs.py --check         run them and compare each output's shape with README.md
    scripts/readme_outputs.py --check --small 3000   the same on the first 3,000 lines of the corpus (tests)

What runs, in the README's order, in one scratch folder that holds corpora/ (the bundled Brown
corpus, or its first N lines with --small) and scripts/ (the generator of purchase data):

- a ```sh block right after a ``<!-- readme: run -->`` line: executed with bash for the files it
  makes; it shows no output;
- every ```console block: a transcript. A line starting with ``$ `` is a command (a trailing
  ``\\`` continues it on the next line); the lines up to the next command are its output, stdout
  and stderr as a terminal shows them. An output holding a ``  ...`` line is abridged: only the
  lines whose first word is the first word of a README line are kept, with ``  ...`` where it was.

A command may fail only where its README output shows wordvec's one-line error. The shape of an output is what
stays when the data change: numbers become N, neighbour words W, suggestion lists and JSON values
their kind; --check compares shapes line by line, so a changed message, a new or lost line, a
renamed JSON key or a command that no longer runs is caught, while different figures are not.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RUN_MARK = "<!-- readme: run -->"
ELLIPSIS = "  ..."


@dataclass
class Command:
    text: str                                   # as shown after '$ ' (continuations joined)
    shown: list[str] = field(default_factory=list)  # its output lines in README.md


@dataclass
class Block:
    """A fenced block of README.md that runs: a setup script or a transcript."""

    first: int                                  # index of the first line inside the fence
    last: int                                   # index of the closing fence
    kind: str                                   # "run" or "console"
    script: str = ""
    commands: list[Command] = field(default_factory=list)


def parse(lines: list[str]) -> list[Block]:
    """The blocks that run, in README order."""
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        is_run = line.strip() == "```sh" and i > 0 and lines[i - 1].strip() == RUN_MARK
        if line.strip() == "```console" or is_run:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            body = lines[i + 1:end]
            block = Block(i + 1, end, "run" if is_run else "console")
            if is_run:
                block.script = "\n".join(body) + "\n"
            else:
                block.commands = _transcript(body)
            blocks.append(block)
            i = end
        i += 1
    return blocks


def _transcript(body: list[str]) -> list[Command]:
    commands: list[Command] = []
    continued = False
    for line in body:
        if continued:
            commands[-1].text += "\n" + line
            continued = line.endswith("\\")
        elif line.startswith("$ "):
            commands.append(Command(line[2:]))
            continued = line.endswith("\\")
        elif commands:
            commands[-1].shown.append(line)
    return commands


def prepare_scratch(small: int | None) -> Path:
    """A scratch folder with corpora/: the bundled corpus, or its first `small` lines."""
    work = Path(tempfile.mkdtemp(prefix="wordvec-readme-"))
    (work / "scripts").symlink_to(ROOT / "scripts")   # the README's item examples generate their data
    (work / "corpora").mkdir()
    for source in (ROOT / "corpora").iterdir():
        target = work / "corpora" / source.name
        if small is not None and source.name == "brown.txt.xz":
            with lzma.open(source, "rt", encoding="utf-8") as f:
                head = "".join(line for _, line in zip(range(small), f))
            target.write_bytes(lzma.compress(head.encode("utf-8")))
        else:
            target.symlink_to(source)
    return work


def _env(work: Path) -> dict[str, str]:
    """`wordvec` of this interpreter first on PATH; a cache of its own; no terminal."""
    env = dict(os.environ, XDG_CACHE_HOME=str(work / ".cache"), COLUMNS="100")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run(text: str, work: Path) -> tuple[int, list[str]]:
    """Run one command (or script) with bash; (exit status, output lines: stdout and stderr)."""
    done = subprocess.run(["bash", "-c", text], cwd=work, env=_env(work), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=1800)
    return done.returncode, done.stdout.rstrip("\n").split("\n") if done.stdout.strip() else []


def abridge(fresh: list[str], shown: list[str]) -> list[str]:
    """Keep the fresh lines whose first word starts a README line, and '...' where it was."""
    if ELLIPSIS not in shown:
        return fresh
    cut = shown.index(ELLIPSIS)
    before = {_first(s) for s in shown[:cut]}
    after = {_first(s) for s in shown[cut + 1:]}
    head = [line for line in fresh if _first(line) in before]
    tail = [line for line in fresh if _first(line) in after and _first(line) not in before]
    return head + [ELLIPSIS] + tail


def _first(line: str) -> str:
    return line.split()[0] if line.split() else ""


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?[kM]?")
_PLURAL = re.compile(r"\bN (epoch|thread|file|word|sentence|row|entry|entrie)s\b")


def shape(line: str) -> str:
    """What of an output line stays when the data change (see the module docstring)."""
    if line.startswith("{"):
        try:
            return "json " + json.dumps(_json_shape(json.loads(line)))
        except ValueError:
            pass
    text = re.sub(r"\(did you mean [^)]*\?\)", "(did you mean W?)", line)
    text = _NUMBER.sub("N", text)
    text = re.sub(r"N ?%|–", "N", text)
    text = _PLURAL.sub(lambda m: f"N {m[1]}", text)
    if re.fullmatch(r"\s+\S+\s+N", text):  # a neighbour and its score
        return "W N"
    if re.fullmatch(r"[\w'-]+", text):  # a word alone: a query or an answer (doesnt-match)
        return "W"
    if re.fullmatch(r"\S+( N)+", text):  # a word and its vector
        return "W N..."
    return " ".join(text.split())


def _json_shape(value):
    if isinstance(value, dict):
        return {k: _json_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_shape(v) for v in value[:1]] + (["..."] if len(value) > 1 else [])
    return type(value).__name__


def execute(blocks: list[Block], work: Path, check: bool) -> list[list[list[str]]]:
    """Run every block; for each console block, the fresh output of each command.

    A command may fail when the README shows an error for it (check) or, when the outputs are
    being written, when it fails with wordvec's one-line error (an example of an error)."""
    outputs = []
    for block in blocks:
        if block.kind == "run":
            status, lines = run(block.script, work)
            if status:
                raise SystemExit(f"README setup block failed ({status}):\n" + "\n".join(lines))
            continue
        fresh = []
        for command in block.commands:
            status, lines = run(command.text, work)
            shown = command.shown if check else lines
            expects_error = any(s.startswith("wordvec: error:") for s in shown)
            if status and not expects_error:
                raise SystemExit(f"README command failed ({status}): {command.text}\n" + "\n".join(lines))
            fresh.append(abridge(lines, command.shown))
        outputs.append(fresh)
    return outputs


def differences(blocks: list[Block], outputs: list[list[list[str]]]) -> list[str]:
    """Each README output line whose shape the fresh output does not have."""
    found = []
    consoles = [b for b in blocks if b.kind == "console"]
    for block, fresh in zip(consoles, outputs):
        for command, lines in zip(block.commands, fresh):
            want, got = [shape(s) for s in command.shown], [shape(s) for s in lines]
            if want != got:
                found.append(f"$ {command.text}\n  README: {want}\n  now:    {got}")
    return found


def rewrite(lines: list[str], blocks: list[Block], outputs: list[list[list[str]]]) -> list[str]:
    """README lines with every transcript's outputs replaced by the fresh ones."""
    result, position = [], 0
    consoles = [b for b in blocks if b.kind == "console"]
    for block, fresh in zip(consoles, outputs):
        result += lines[position:block.first]
        for command, output in zip(block.commands, fresh):
            result += ["$ " + command.text.split("\n")[0]] + command.text.split("\n")[1:] + output
        position = block.last
    return result + lines[position:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare shapes with README.md, change nothing")
    parser.add_argument("--small", type=int, default=None, help="use only the first N lines of the corpus")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    lines = args.readme.read_text(encoding="utf-8").split("\n")
    blocks = parse(lines)
    work = prepare_scratch(args.small)
    try:
        outputs = execute(blocks, work, args.check)
    finally:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    if args.check:
        found = differences(blocks, outputs)
        for difference in found:
            print(difference)
        return 1 if found else 0
    args.readme.write_text("\n".join(rewrite(lines, blocks, outputs)), encoding="utf-8")
    print(f"rewrote the outputs of {sum(len(b.commands) for b in blocks)} commands in {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
