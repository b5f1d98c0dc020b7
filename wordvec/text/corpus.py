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
from ..util.progress import log
from .vocab import Vocab, VocabReport, corpus_name, report_of

CACHE_VERSION = 2
DEFAULT_CACHE_CAP_BYTES = 20 << 30      # WORDVEC_CACHE_MAX_GB overrides


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

    def fingerprint(self) -> str:
        """CRC-32s of every id and sentence offset (a gigabyte a second): checkpoints are tied
        to the exact token stream they were trained on."""
        from ..util.npyfile import crc32_of

        if "fingerprint" not in self.info:
            self.info["fingerprint"] = f"{crc32_of(self.ids):08x}{crc32_of(self.offsets):08x}-{self.n_tokens}"
        return self.info["fingerprint"]

    @property
    def n_sentences(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def close(self) -> None:
        for action in self._cleanup:
            action()
        self._cleanup.clear()


# ----------------------------------------------------------------------------- encoding

class LocalPasses:
    """The counting and the encoding pass, on this machine's cores (`threads`, None: all).
    wordvec.cluster has the same two methods for a Dask cluster."""

    def __init__(self, threads: int | None = None):
        self.threads = threads

    def count(self, files: list[str], tokenizer: TokenizerConfig):
        """WordCounts of every word of the files."""
        from .counting import count_words

        return count_words(files, tokenizer, threads=self.threads)

    def encode(self, folder: Path, files: list[str], vocab: Vocab, tokenizer: TokenizerConfig,
               keep_empty_lines: bool = False) -> dict:
        """ids.npy and offsets.npy of the files into `folder`; returns what was read and written."""
        from .encoding import encode_files

        return encode_files(folder, files, vocab, tokenizer, threads=self.threads, keep_empty_lines=keep_empty_lines)


def _encode_to(folder: Path, files: list[str], vocab: Vocab, tokenizer: TokenizerConfig,
               keep_empty_lines: bool, passes) -> dict:
    """Stream `files` once, writing ids.npy and offsets.npy into `folder`; returns statistics.

    keep_empty_lines: one (possibly empty) sentence per line, so sentence s is line s + 1
    (plus one empty sentence after a final newline); for item sequences named by line."""
    info = passes.encode(folder, files, vocab, tokenizer, keep_empty_lines)
    return {"files": [os.path.abspath(f) if f != "-" else "-" for f in files], **info,
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
                  cache: bool = True, keep_empty_lines: bool = False, phrases=None, threads: int | None = None,
                  passes=None) -> EncodedCorpus:
    """Encode the corpus with `vocab`, reusing a cached encoding when nothing changed, on
    `threads` threads (or by `passes`: see LocalPasses).

    keep_empty_lines: see _encode_to (the offsets may then hold empty sentences). phrases: a
    PhraseTable whose phrases are joined on the fly first."""
    from .tokenize import input_files

    tokenizer = (tokenizer or TokenizerConfig()).validate()
    files = input_files(paths)
    cache = cache and cache_usable()
    extra = vocab.fingerprint() + (":lines" if keep_empty_lines else "") + _phrases_key(phrases)
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
        if phrases is None:
            info = _encode_to(work, files, vocab, tokenizer, keep_empty_lines, passes or LocalPasses(threads))
        else:
            from .phrase_corpus import encode_joined

            info = encode_joined(work, files, vocab, tokenizer, phrases)
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

def _phrases_key(phrases) -> str:
    """What a phrase table adds to a cache key (nothing without one)."""
    return "" if phrases is None else "+phrases:" + phrases.fingerprint()


def _cached_word_counts(files: list[str], tokenizer: TokenizerConfig, cache: bool, passes):
    """Every word of the files with its count, from the cache or a counting pass."""
    from .counting import WordCounts

    key = _files_key(files, tokenizer, "counts") if cache else None
    folder = cache_root() / "counts" / key if key else None
    if folder is not None and (folder / "meta.json").exists():
        try:
            counts = WordCounts.load(folder)
            log.debug(f"cache: reusing word counts {folder}")
            return counts
        except (OSError, ValueError, TypeError):
            shutil.rmtree(folder, ignore_errors=True)
    counts = passes.count(files, tokenizer)
    if folder is not None:
        work = Path(tempfile.mkdtemp(prefix=".counting-", dir=_ensure(folder.parent)))
        try:
            counts.save(work)
            os.replace(work, folder)
        except OSError:  # storing the counts is optional: a full disk skips it
            shutil.rmtree(work, ignore_errors=True)
    return counts


def _cached_vocab_report(files: list[str], tokenizer: TokenizerConfig, cache: bool, phrases) -> VocabReport:
    """The counts of the words and phrases of the files once a phrase table is applied
    (min_count 1), from the cache or a counting pass."""
    key = _files_key(files, tokenizer, "vocab" + _phrases_key(phrases)) if cache else None
    folder = cache_root() / "vocab" / key if key else None
    if folder is not None and (folder / "meta.json").exists():
        try:
            meta = json.loads((folder / "meta.json").read_text())
            report = VocabReport(vocab=Vocab.load(folder / "vocab.txt"), **meta)
            log.debug(f"cache: reusing word counts {folder}")
            return report
        except (OSError, ValueError, TypeError):
            shutil.rmtree(folder, ignore_errors=True)
    from .phrase_corpus import count_joined

    report = count_joined(files, tokenizer, phrases)
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
                   keep_empty_lines: bool = False, phrases=None, extend: Vocab | None = None,
                   threads: int | None = None, passes=None) -> tuple[Vocab, EncodedCorpus]:
    """Text → vocabulary → encoded corpus, reusing cached counts and encodings when possible.
    `phrases`: a PhraseTable whose phrases are joined on the fly (new_york is one word).
    `extend`: continued training; the vocabulary is `extend` followed by the corpus's words
    that pass min_count, counts summed (Vocab.extended). The two passes over the text run on
    `threads` threads here, or elsewhere: `passes` is an object with LocalPasses' methods
    (wordvec.cluster runs them on a Dask cluster).
    """
    from .tokenize import input_files

    tokenizer = (tokenizer or TokenizerConfig()).validate()
    passes = passes or LocalPasses(threads)
    listed = input_files(paths)
    cache = cache and cache_usable()
    files, spool = _spool_stdin(listed)
    try:
        if vocab_path is not None:
            vocab, distinct = Vocab.load(vocab_path, min_count=min_count, max_size=max_vocab), None
        elif phrases is not None:
            vocab, distinct = _phrase_vocab(files, listed, tokenizer, cache and spool is None, phrases,
                                            min_count, max_vocab, extend)
        else:
            vocab, distinct = _word_vocab(files, listed, tokenizer, cache and spool is None, passes,
                                          min_count, max_vocab, extend)
        corpus = encode_corpus(files, vocab, tokenizer, cache=cache and spool is None,
                               keep_empty_lines=keep_empty_lines, phrases=phrases, passes=passes)
    finally:
        if spool is not None:
            spool.cleanup()
    corpus.info = dict(corpus.info, vocab_size=len(vocab), min_count=min_count, max_vocab=max_vocab,
                       vocab_file=str(vocab_path) if vocab_path else None, distinct_words=distinct,
                       phrases=phrases.summary() if phrases is not None else None)
    release_free_memory()
    return vocab, corpus


def _word_vocab(files, listed, tokenizer, cache, passes, min_count, max_vocab, extend) -> tuple[Vocab, int]:
    """(vocabulary, distinct words) from the counts of every word (wordvec.text.counting): only
    the kept words become Python strings; with `extend`, all do (Vocab.extended sums them)."""
    counts = _cached_word_counts(files, tokenizer, cache, passes)
    distinct = counts.distinct
    if extend is None:
        counts = counts.frequent(min_count, max_vocab)  # frees the counts of every other word
        return report_of(counts, listed, tokenizer, min_count, max_vocab).vocab, distinct
    words, values = counts.select(1)
    del counts
    vocab = extend.extended(Vocab(words, values, unique=True), min_count, max_vocab)
    if not len(vocab):
        raise CorpusError(f"{corpus_name(listed)}: no word occurs at least {min_count} times "
                          f"(--min-count) among {distinct:,} distinct words; lower --min-count")
    return vocab, distinct


def _phrase_vocab(files, listed, tokenizer, cache, phrases, min_count, max_vocab, extend) -> tuple[Vocab, int]:
    """(vocabulary, distinct words) of the text with a phrase table's phrases joined."""
    report = _cached_vocab_report(files, tokenizer, cache, phrases)
    if extend is not None:
        report.vocab = extend.extended(report.vocab, min_count, max_vocab)
    pruned = report.vocab.prune(min_count, max_vocab) if extend is None else report.vocab
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
    return vocab, report.distinct
