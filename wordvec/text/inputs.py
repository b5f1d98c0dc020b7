"""Opening corpus inputs: files, folders, stdin; compressed or not; with or without a BOM.

Compression is recognised by the first bytes, not the file name. A UTF-8 byte-order mark is
skipped; UTF-16/32 text with a BOM is transcoded to UTF-8 on the fly. A NUL byte near the start
marks a binary file, which is refused with a clear message.
"""

from __future__ import annotations

import codecs
import importlib
import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import CorpusError
from ..util.atomic import MARKERS, wordvec_output
from ..util.progress import log, plural

BINARY_SNIFF_BYTES = 8000      # a NUL byte in this many leading bytes marks a binary file (as git does)

# (first bytes, the stdlib module that reads them); the module is imported only when needed
COMPRESSIONS = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "lzma"))
_BOMS = (
    (codecs.BOM_UTF8, None),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# ----------------------------------------------------------------------------- inputs

def input_files(paths: list[str] | tuple[str, ...] | str) -> list[str]:
    """Expand folders (recursively, sorted, hidden files skipped) and check every path exists."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[str] = []
    for raw in paths:
        path = str(raw)
        if path == "-":
            files.append(path)
            continue
        p = Path(path)
        _refuse_wordvec_output(p)
        if p.is_dir():
            found = sorted(
                str(f) for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            found = _without_wordvec_outputs(path, found)
            if not found:
                raise CorpusError(f"{path}: folder has no files to read")
            binary = [f for f in found if _looks_binary(f)]
            if binary and len(binary) == len(found):
                raise CorpusError(f"{path}: folder has only binary files (NUL bytes), such as {binary[0]}; "
                                  "no text to read")
            if binary:
                _warn_skipped(path, binary)
                skipped = set(binary)
                found = [f for f in found if f not in skipped]
            files.extend(found)
        elif p.exists():
            if not os.access(p, os.R_OK):
                raise CorpusError(f"{path}: permission denied")
            files.append(path)
        else:
            raise CorpusError(f"{path}: no such file or folder")
    if not files:
        raise CorpusError("no corpus given")
    return files


def _refuse_wordvec_output(path: Path) -> None:
    """A wordvec output (vectors, co-occurrences) or a file of one is not a corpus: training on its
    meta.json and vocab.txt would only look like it worked."""
    folder = path if path.is_dir() else path.parent
    fmt = wordvec_output(folder)
    if fmt is not None:
        what = "is" if folder == path else "is inside"
        raise CorpusError(f"{path}: {what} a wordvec output folder ({fmt}), not a corpus: give the text files")


def _without_wordvec_outputs(folder: str, files: list[str]) -> list[str]:
    """The files of a corpus folder minus those inside wordvec output folders (warned about once)."""
    outputs = sorted({str(Path(f).parent) for f in files if Path(f).name in MARKERS
                      and wordvec_output(Path(f).parent) is not None})
    if not outputs:
        return files
    if folder not in _OUTPUTS_WARNED:
        _OUTPUTS_WARNED.add(folder)
        more = f" and {len(outputs) - 1} more" if len(outputs) > 1 else ""
        log.warning(f"{folder}: skipped wordvec output folder(s) inside the corpus: {outputs[0]}{more}")
    return [f for f in files if not any(f.startswith(o + os.sep) for o in outputs)]


def _looks_binary(path: str) -> bool:
    """A NUL byte near the start of the (decompressed, decoded) text: an image, an archive, a
    model file that landed in a corpus folder. Files named on the command line are not sniffed
    here: reading them fails with a clear message instead (see check_not_binary)."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _BINARY_SNIFFED:
        try:
            opened = open_input(path, warn=False)
        except Exception:  # noqa: BLE001 - unreadable or corrupt: the reading pass reports it
            return False
        try:
            head = opened.stream.read(BINARY_SNIFF_BYTES)
        except Exception:  # noqa: BLE001 - a corrupt archive: the reading pass reports it
            return False
        finally:
            opened.close()
        _BINARY_SNIFFED[key] = b"\x00" in head
    return _BINARY_SNIFFED[key]


_BINARY_SNIFFED: dict[tuple, bool] = {}   # folders are expanded more than once per run
_SKIP_WARNED: set[str] = set()
_OUTPUTS_WARNED: set[str] = set()


def _warn_skipped(folder: str, binary: list[str]) -> None:
    if folder not in _SKIP_WARNED:
        _SKIP_WARNED.add(folder)
        more = f" and {len(binary) - 1} more" if len(binary) > 1 else ""
        log.warning(f"{folder}: skipped {plural(len(binary), 'binary file')} (NUL bytes): {binary[0]}{more}")


class _Transcoder(io.RawIOBase):
    """Presents a UTF-16/32 byte stream as UTF-8 bytes, block by block."""

    def __init__(self, stream: BinaryIO, encoding: str):
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")
        self._pending = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending and not self._eof:
            chunk = self._stream.read(1 << 20)
            self._eof = not chunk
            self._pending = self._decoder.decode(chunk, final=self._eof).encode("utf-8")
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


@dataclass
class OpenedInput:
    """A readable byte stream of UTF-8 text plus how to report progress on it."""

    stream: BinaryIO
    raw: BinaryIO | None          # the file under any decompressor, for compressed-byte progress
    name: str
    closers: list = field(default_factory=list)

    def position(self) -> int:
        try:
            return self.raw.tell() if self.raw is not None else 0
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        for closer in reversed(self.closers):
            try:
                closer.close()
            except Exception:  # noqa: BLE001 - closing a broken stream must not mask the real error
                pass


def open_input(path: str, warn: bool = True) -> OpenedInput:
    """Open a corpus file (or "-") for block reading: decompress by magic bytes, decode BOMs.

    warn=False: no warning about the encoding (for a quick look at the first bytes)."""
    if path == "-":
        raw: BinaryIO = sys.stdin.buffer
        name = "<stdin>"
        closers: list = []
    else:
        name = path
        raw = _open_file(path)
        closers = [raw]
    stream: BinaryIO = io.BufferedReader(raw, 1 << 16) if path == "-" else raw  # type: ignore[arg-type]
    head = stream.peek(8)[:8] if hasattr(stream, "peek") else b""
    if path != "-" and not head:
        head = raw.read(8)
        raw.seek(0)
    module = compression_of(head)
    if module is not None:
        stream = importlib.import_module(module).open(stream, "rb")
        closers.append(stream)
    stream = io.BufferedReader(stream, 1 << 16) if not isinstance(stream, io.BufferedReader) else stream
    lead = stream.peek(4)[:4]
    for bom, encoding in _BOMS:
        if lead.startswith(bom):
            stream.read(len(bom))
            if encoding is not None:
                if warn:
                    log.warning(f"{name}: decoded as {encoding.upper()} (byte-order mark found)")
                stream = io.BufferedReader(_Transcoder(stream, encoding), 1 << 16)
            break
    return OpenedInput(stream=stream, raw=None if path == "-" else raw, name=name, closers=closers)


def _open_file(path: str) -> BinaryIO:
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller
    except IsADirectoryError:
        raise CorpusError(f"{path}: is a folder") from None
    except PermissionError:
        raise CorpusError(f"{path}: permission denied") from None
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None


@dataclass(frozen=True)
class Piece:
    """What one reading pass reads: a whole input, or bytes [start, end) of a plain file (a
    partition of a large file on a cluster, cut where wordvec.cluster.partitions says)."""

    path: str
    start: int = 0
    end: int | None = None     # None: to the end of the input (decompressed, decoded)
    skipping: bool = False     # it starts inside an over-long token the piece before counted
    file_end: bool = True      # the input ends here, and so does its last sentence
    file_start: bool = True    # the input starts here: its first bytes are checked for binary data

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end is None


def open_piece(piece: Piece) -> OpenedInput:
    """open_input for a whole input; for a byte range, the raw bytes of just that range."""
    if piece.whole:
        return open_input(piece.path)
    raw = _open_file(piece.path)
    raw.seek(piece.start)
    return OpenedInput(stream=_Range(raw, piece.end - piece.start), raw=None, name=piece.path, closers=[raw])


class _Range(io.RawIOBase):
    """The next `size` bytes of a file."""

    def __init__(self, raw: BinaryIO, size: int):
        self._raw = raw
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")[: self._left]
        n = self._raw.readinto(view) or 0
        self._left -= n
        return n


def compression_of(head: bytes) -> str | None:
    """The module (gzip, bz2, lzma) that decompresses a file starting with `head`; None if plain."""
    return next((module for magic, module in COMPRESSIONS if head.startswith(magic)), None)


def read_failure(name: str, exc: Exception) -> CorpusError:
    """One clear message for a file that breaks while being read (truncated or corrupt archive)."""
    import gzip
    import lzma

    if isinstance(exc, EOFError):
        return CorpusError(f"{name}: compressed file is truncated ({exc})")
    if isinstance(exc, (gzip.BadGzipFile, lzma.LZMAError, OSError)) and not isinstance(exc, PermissionError):
        return CorpusError(f"{name}: cannot read: {exc}")
    return CorpusError(f"{name}: {exc}")


def check_not_binary(name: str, head: bytes) -> None:
    if b"\x00" in head[:BINARY_SNIFF_BYTES]:
        raise CorpusError(f"{name}: looks like a binary file (NUL bytes), not text; "
                          "convert UTF-16/32 text to UTF-8 or add a byte-order mark")
