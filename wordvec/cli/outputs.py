"""What a command's output may replace: never one of its inputs, and, without --force, never an
existing output of another kind (util.atomic.check_output). This module says what the commands
write and what an existing file is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..util.atomic import Output

VECTORS = "word vectors"
VOCABULARY = "a vocabulary file"
IMAGE = "an image"
TEXT = "plain text"
PHRASE_TABLE = "a phrase table"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"%PDF-")


def kind_of(path: Path) -> str:
    """What an existing file is, as far as replacing it goes: word vectors, a vocabulary file,
    or neither."""
    from ..errors import FormatError
    from ..vectors import recognise
    from ..vectors.formats import sniff

    try:
        sniff(path)
        return VECTORS
    except FormatError as exc:
        if recognise.VOCABULARY in str(exc):
            return VOCABULARY
        return "of another kind (neither word vectors nor a vocabulary file)"
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def vectors_output(format: str) -> Output:
    """The native format writes a folder; the others a file of word vectors."""
    return Output(folder=True) if format == "native" else Output(folder=False, kind=VECTORS, kind_of=kind_of)


def image_kind_of(path: Path) -> str:
    """An image (PNG, PDF or SVG, by their first bytes: what `wordvec plot` writes), or not."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    text = head.lstrip().lower()
    if head.startswith(_IMAGE_MAGIC) or text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return IMAGE
    return "not an image"


def text_kind_of(path: Path) -> str:
    """What an existing file is for the commands that write text (a joined corpus, a phrase
    table): a phrase table, word vectors, a vocabulary file, binary data, or plain text."""
    from ..text.inputs import compression_of
    from ..text.phrase_table import MAGIC

    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if head.startswith(MAGIC.encode()):
        return PHRASE_TABLE
    if b"\0" in head or compression_of(head[:8]) is not None:
        return "binary or compressed, not plain text"
    kind = kind_of(path)
    return kind if kind in (VECTORS, VOCABULARY) else TEXT


FOLDER = Output(folder=True)
VOCABULARY_FILE = Output(folder=False, kind=VOCABULARY, kind_of=kind_of)
IMAGE_FILE = Output(folder=False, kind=IMAGE, kind_of=image_kind_of)
TEXT_FILE = Output(folder=False, kind=TEXT, kind_of=text_kind_of)
PHRASE_TABLE_FILE = Output(folder=False, kind=PHRASE_TABLE, kind_of=text_kind_of)


def inputs_of(options: dict[str, Any]) -> list[tuple[str, object]]:
    """The command's inputs as (what, path) pairs, for check_output."""
    pairs: list[tuple[str, object]] = [("corpus", c) for c in options.get("corpus") or ()]
    pairs.append(("interactions", options.get("interactions")))
    return pairs + [("--vocab file", options.get("vocab")), ("--cooc folder", options.get("cooc")),
                    ("--phrases table", options.get("phrases")), ("--init vectors", options.get("init")),
                    ("--resume checkpoint", options.get("resume"))]


def check_output_of(options: dict[str, Any], writes: Output, target: str = "output",
                    inputs: list[tuple[str, object]] | None = None) -> None:
    """Fail before any work if the output cannot be written, would replace one of the inputs,
    or (without --force) an existing output of another kind."""
    from ..util.atomic import check_output

    check_output(options[target], inputs_of(options) if inputs is None else inputs, writes=writes,
                 force=options.get("force", False))


def check_checkpoint_of(options: dict[str, Any]) -> None:
    """The --checkpoint folder (or the --resume one, where saving goes on) must be writable, not an
    input, not the output, and a checkpoint or empty if it exists."""
    folder = options.get("checkpoint") or options.get("resume")
    if folder is None:
        return
    from ..util.atomic import check_output

    inputs = [pair for pair in inputs_of(options) if pair[0] != "--resume checkpoint"]
    check_output(folder, inputs + [("output", options.get("output"))], writes=FOLDER, force=False)
