"""The encoded corpus: one streaming pass from text to vocabulary ids, cached on disk.

The result is two memory-mapped arrays that every trainer reads epoch after epoch:
``ids`` (int32, out-of-vocabulary tokens dropped) and ``offsets`` (int64, S+1 entries:
sentence s is ``ids[offsets[s]:offsets[s+1]]``, never empty, at most max_sentence_length
long). Entries live under ``$XDG_CACHE_HOME/wordvec`` (never beside the corpus, whose folder
may be read-only), keyed by the corpus files (path, size, mtime), the tokenizer settings and
the vocabulary, and are reused when all three match. Old entries are evicted past a size cap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..config import TokenizerConfig
from ..errors import CorpusError, ResourceError
from ..util.memory import release_free_memory
from ..util.npyfile import NpyAppender
from ..util.progress import log
from .vocab import Vocab, VocabReport, build_vocab, corpus_name

CACHE_VERSION = 2
DEFAULT_CACHE_CAP_BYTES = 20 << 30      # WORDVEC_CACHE_MAX_GB overrides
ENCODE_MAX_TYPES = 4_000_000            # raw types remembered while encoding before the table is reset


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wordvec"


def cache_usable() -> bool:
    """Whether the cache folder can be created and written; if not, say so once and go on
    without it (a read-only home or a wrong XDG_CACHE_HOME must not stop a run)."""
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=root)
        os.close(fd)
        os.unlink(probe)
        return True
    except OSError as exc:
        if str(root) not in _WARNED:
            _WARNED.add(str(root))
            log.warning(f"cache folder {root} is not usable ({exc.strerror}); continuing without a cache "
                        "(set XDG_CACHE_HOME, or pass --no-cache)")
        return False


_WARNED: set[str] = set()


def cache_cap_bytes() -> int:
    value = os.environ.get("WORDVEC_CACHE_MAX_GB")
    return int(float(value) * (1 << 30)) if value else DEFAULT_CACHE_CAP_BYTES


@dataclass
class EncodedCorpus:
    """ids (int32) and sentence offsets (int64), usually memory-mapped from the cache."""

    ids: np.ndarray
    offsets: np.ndarray
    info: dict = field(default_factory=dict)
    _cleanup: list = field(default_factory=list, repr=False)

    @classmethod
    def from_arrays(cls, ids, offsets, info: dict | None = None) -> "EncodedCorpus":
        ids = np.ascontiguousarray(ids, dtype=np.int32)
        offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        if offsets.ndim != 1 or offsets.shape[0] < 1 or offsets[0] != 0 or offsets[-1] != ids.shape[0]:
            raise ValueError("offsets must start at 0 and end at len(ids)")
        if np.any(np.diff(offsets) <= 0):
            raise ValueError("sentences must not be empty")
        return cls(ids, offsets, dict(info or {}, kept_tokens=int(ids.shape[0]), sentences=int(offsets.shape[0] - 1)))

    @classmethod
    def from_sentences(cls, sentences, vocab: Vocab, info: dict | None = None) -> "EncodedCorpus":
        """Small in-memory corpus from lists of words (unknown words dropped); for tests and examples."""
        ids: list[int] = []
        offsets = [0]
        for sentence in sentences:
            ids.extend(vocab.index[w] for w in sentence if w in vocab.index)
            if len(ids) > offsets[-1]:
                offsets.append(len(ids))
        return cls.from_arrays(np.array(ids, dtype=np.int32), np.array(offsets, dtype=np.int64), info)

    @property
    def n_tokens(self) -> int:
        return int(self.ids.shape[0])

    @property
    def n_sentences(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def close(self) -> None:
        for action in self._cleanup:
            action()
        self._cleanup.clear()


# ----------------------------------------------------------------------------- encoding

def _encode_to(folder: Path, files: list[str], vocab: Vocab, tokenizer: TokenizerConfig,
               keep_empty_lines: bool = False) -> dict:
    """Stream `files` once, writing ids.npy and offsets.npy into `folder`; returns statistics.

    keep_empty_lines: one (possibly empty) sentence per line, so sentence s is line s + 1
    (plus one empty sentence after a final newline); for item sequences named by line."""
    from .._kernels.encode import map_stream
    from .tokenize import RawTypeTable, scan_with_progress, type_normalizer

    normalize = type_normalizer(tokenizer)
    index = vocab.index
    table = RawTypeTable()
    map_start = np.zeros(1 << 16, dtype=np.int64)
    map_ids = np.zeros(1 << 16, dtype=np.int32)
    state = {"resolved": 0, "used": 0, "sentence_len": 0}
    ids_buf = np.empty(1 << 20, dtype=np.int32)
    ends_buf = np.empty(1 << 16, dtype=np.int64)
    ids_file = NpyAppender(folder / "ids.npy", np.int32)
    offsets_file = NpyAppender(folder / "offsets.npy", np.int64)
    offsets_file.append(np.zeros(1, dtype=np.int64))

    def resolve_new_types() -> None:
        nonlocal map_start, map_ids
        n = len(table)
        first = state["resolved"]
        if n == first:
            return
        if n + 1 > map_start.shape[0]:
            map_start = np.resize(map_start, max(n + 1, 2 * map_start.shape[0]))
        arena = table.arena
        new_ids: list[int] = []
        used = state["used"]
        for t in range(first, n):
            s = int(table.starts[t])
            raw = arena[s: s + int(table.lengths[t])].tobytes()
            for word in normalize(raw):
                row = index.get(word)
                if row is not None:
                    new_ids.append(row)
            map_start[t + 1] = used + len(new_ids)
        if used + len(new_ids) > map_ids.shape[0]:
            map_ids = np.resize(map_ids, max(used + len(new_ids), 2 * map_ids.shape[0]))
        map_ids[used: used + len(new_ids)] = new_ids
        state["used"] = used + len(new_ids)
        state["resolved"] = n

    def on_block(stream: np.ndarray, n: int) -> None:
        resolve_new_types()
        pos = 0
        while True:
            pos, ids_used, ends_used, state["sentence_len"] = map_stream(
                stream, pos, n, map_start, map_ids, ids_buf, 0, ids_file.count, ends_buf, 0,
                state["sentence_len"], tokenizer.max_sentence_length, keep_empty_lines)
            ids_file.append(ids_buf[:ids_used])
            offsets_file.append(ends_buf[:ends_used])
            if pos >= n:
                break

    def after_block() -> None:
        if len(table) > ENCODE_MAX_TYPES:  # bound memory on messy corpora: forget and re-resolve
            table.clear()
            state["resolved"] = state["used"] = 0

    try:
        stats = scan_with_progress(files, tokenizer, table, "encoding", on_block=on_block,
                                   after_block=after_block)
    finally:
        ids_file.close()
        offsets_file.close()
    if ids_file.count == 0:
        raise CorpusError(f"{files[0]}: no token of the corpus is in the vocabulary")
    return {"files": [os.path.abspath(f) if f != "-" else "-" for f in files], "bytes": stats.bytes,
            "raw_tokens": stats.tokens, "kept_tokens": ids_file.count, "sentences": offsets_file.count - 1,
            "tokenizer": tokenizer.to_dict(), "vocab_fingerprint": vocab.fingerprint(),
            "vocab_size": len(vocab), "empty_lines_kept": keep_empty_lines}


def _files_key(files: list[str], tokenizer: TokenizerConfig, extra: str) -> str | None:
    """Cache key from the files' identity and the settings; None when a file cannot be keyed."""
    parts = [CACHE_VERSION, tokenizer.to_dict(), extra]
    for f in files:
        if f == "-":
            return None
        st = os.stat(f)
        parts.append([os.path.abspath(f), st.st_size, st.st_mtime_ns])
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _open_entry(folder: Path, info: dict | None = None) -> EncodedCorpus:
    ids = np.load(folder / "ids.npy", mmap_mode="r")
    offsets = np.load(folder / "offsets.npy", mmap_mode="r")
    if info is None:
        info = json.loads((folder / "meta.json").read_text())
    return EncodedCorpus(ids, offsets, info)


def _evict(root: Path, keep: Path) -> None:
    """Remove least recently used entries until the cache is under its cap."""
    entries = []
    for meta in root.glob("*/meta.json"):
        folder = meta.parent
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
        entries.append((meta.stat().st_mtime, size, folder))
    total = sum(size for _, size, _ in entries)
    cap = cache_cap_bytes()
    for _, size, folder in sorted(entries):
        if total <= cap:
            break
        if folder != keep:
            shutil.rmtree(folder, ignore_errors=True)
            total -= size
            log.debug(f"cache: evicted {folder}")


def encode_corpus(paths, vocab: Vocab, tokenizer: TokenizerConfig | None = None, *,
                  cache: bool = True, keep_empty_lines: bool = False) -> EncodedCorpus:
    """Encode the corpus with `vocab`, reusing a cached encoding when nothing changed.

    keep_empty_lines: see _encode_to (the offsets may then hold empty sentences)."""
    from .tokenize import input_files

    tokenizer = (tokenizer or TokenizerConfig()).validate()
    files = input_files(paths)
    cache = cache and cache_usable()
    extra = vocab.fingerprint() + (":lines" if keep_empty_lines else "")
    key = _files_key(files, tokenizer, extra) if cache else None
    root = cache_root() / "corpus"
    if key is not None:
        folder = root / key
        if (folder / "meta.json").exists():
            with contextlib.suppress(OSError):
                os.utime(folder / "meta.json")
            try:
                corpus = _open_entry(folder)
                log.debug(f"cache: reusing encoded corpus {folder}")
                return corpus
            except Exception:  # noqa: BLE001 - a damaged entry (numpy raises EOFError, SyntaxError...) is re-made
                log.debug(f"cache: dropping damaged entry {folder}")
                shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    parent = root if key is not None else Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".encoding-", dir=parent))
    try:
        info = _encode_to(work, files, vocab, tokenizer, keep_empty_lines)
        info["seconds"] = round(time.perf_counter() - started, 3)
        (work / "meta.json").write_text(json.dumps(info))
        if key is None:
            corpus = _open_entry(work, info)
            # the maps stay valid after the files are unlinked; remove them at close or exit
            corpus._cleanup.append(lambda: shutil.rmtree(work, ignore_errors=True))
            shutil.rmtree(work, ignore_errors=True)
            return corpus
        target = root / key
        try:
            os.replace(work, target)
        except OSError:  # another process finished the same entry first: use theirs
            shutil.rmtree(work, ignore_errors=True)
        _evict(root, keep=target)
        return _open_entry(target)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise _no_space_for(parent, "the encoded corpus", key is not None, exc) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _no_space_for(folder: Path, what: str, in_cache: bool, exc: OSError) -> Exception:
    """A full disk while writing work files, named for the folder, with where else to put them."""
    from ..util.atomic import _no_space

    if not _no_space(exc):
        return exc
    elsewhere = "set XDG_CACHE_HOME to another disk or pass --no-cache" if in_cache else "set TMPDIR to another disk"
    return ResourceError(f"{folder}: cannot write {what}: {exc.strerror or 'short write'} (disk full or file size "
                         f"limit); free space or {elsewhere}")


# ----------------------------------------------------------------------------- the whole step

def _cached_vocab_report(files: list[str], tokenizer: TokenizerConfig, cache: bool) -> VocabReport:
    """Full word counts (min_count 1) for the files, from the cache or a counting pass."""
    key = _files_key(files, tokenizer, "vocab") if cache else None
    folder = cache_root() / "vocab" / key if key else None
    if folder is not None and (folder / "meta.json").exists():
        try:
            meta = json.loads((folder / "meta.json").read_text())
            report = VocabReport(vocab=Vocab.load(folder / "vocab.txt"), **meta)
            log.debug(f"cache: reusing word counts {folder}")
            return report
        except (OSError, ValueError, TypeError):
            shutil.rmtree(folder, ignore_errors=True)
    report = build_vocab(files, tokenizer, min_count=1)
    if folder is not None:
        work = Path(tempfile.mkdtemp(prefix=".counting-", dir=_ensure(folder.parent)))
        try:
            report.vocab.save(work / "vocab.txt")
            meta = {k: v for k, v in vars(report).items() if k != "vocab"}
            (work / "meta.json").write_text(json.dumps(meta))
            os.replace(work, folder)
        except (OSError, ResourceError):  # storing the counts is optional: a full disk skips it
            shutil.rmtree(work, ignore_errors=True)
    return report


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _spool_stdin(files: list[str]) -> tuple[list[str], tempfile.TemporaryDirectory | None]:
    """stdin can be read once; trainers read twice (count, encode), so copy it to a temp file."""
    if "-" not in files:
        return files, None
    import sys

    spool = tempfile.TemporaryDirectory(prefix="wordvec-stdin-")
    path = os.path.join(spool.name, "stdin")
    try:
        with open(path, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    except OSError as exc:
        spool.cleanup()
        raise _no_space_for(Path(tempfile.gettempdir()), "the copy of stdin", False, exc) from None
    except BaseException:  # an interrupt while spooling: leave no copy behind
        spool.cleanup()
        raise
    return [path if f == "-" else f for f in files], spool


def prepare_corpus(paths, tokenizer: TokenizerConfig | None = None, min_count: int = 5,
                   max_vocab: int | None = None, vocab_path=None, cache: bool = True,
                   keep_empty_lines: bool = False) -> tuple[Vocab, EncodedCorpus]:
    """Text → vocabulary → encoded corpus, reusing cached counts and encodings when possible."""
    from .tokenize import input_files

    tokenizer = (tokenizer or TokenizerConfig()).validate()
    listed = input_files(paths)
    cache = cache and cache_usable()
    files, spool = _spool_stdin(listed)
    try:
        if vocab_path is not None:
            vocab = Vocab.load(vocab_path, min_count=min_count, max_size=max_vocab)
            report = None
        else:
            report = _cached_vocab_report(files, tokenizer, cache and spool is None)
            pruned = report.vocab.prune(min_count, max_vocab)
            # Every word of the corpus is freed before encoding and training. The kept words are
            # rebuilt only afterwards: still sharing the small-object arenas of the dropped
            # words they would pin them all (~60 bytes for each word of the corpus).
            report.vocab = None
            packed, counts = "\n".join(pruned.words), pruned.counts  # words never hold a newline
            del pruned
            vocab = Vocab(packed.split("\n") if len(counts) else [], counts, unique=True)
            del packed
            if not len(vocab):
                raise CorpusError(f"{corpus_name(listed)}: no word occurs at least {min_count} times "
                                  f"(--min-count) among {report.distinct:,} distinct words; lower --min-count")
        corpus = encode_corpus(files, vocab, tokenizer, cache=cache and spool is None,
                               keep_empty_lines=keep_empty_lines)
    finally:
        if spool is not None:
            spool.cleanup()
    corpus.info = dict(corpus.info, vocab_size=len(vocab), min_count=min_count, max_vocab=max_vocab,
                       vocab_file=str(vocab_path) if vocab_path else None,
                       distinct_words=report.distinct if report else None)
    release_free_memory()
    return vocab, corpus
