"""Atomic output: write beside the target under a temporary name, then rename.

A failed or interrupted run therefore never leaves a partial file, and an existing output
is replaced only when the new one is complete.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator


def _check_parent(path: Path) -> None:
    from ..errors import WordvecError

    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise WordvecError(f"{path}: output folder {parent} does not exist")
    if not parent.is_dir():
        raise WordvecError(f"{path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK):
        raise WordvecError(f"{path}: output folder {parent} is not writable")


# The file that marks a folder as a wordvec output: vectors and co-occurrence folders keep a
# meta.json, a sweep its sweep.json; each names a "wordvec-..." format.
MARKERS = ("meta.json", "sweep.json")


def wordvec_output(folder: str | os.PathLike) -> str | None:
    """The wordvec format ("wordvec-vectors", ...) a folder's marker (meta.json, sweep.json)
    names, or None when the folder is not a wordvec output."""
    import json

    for marker in MARKERS:
        try:
            with open(Path(folder) / marker, encoding="utf-8") as f:
                meta = json.load(f)
        except (OSError, ValueError):
            continue
        fmt = meta.get("format") if isinstance(meta, dict) else None
        if isinstance(fmt, str) and fmt.startswith("wordvec-"):
            return fmt
    return None


def _replaceable_folder(path: Path) -> bool:
    """An existing folder may be replaced only if it is empty or a wordvec output (its meta.json
    or sweep.json names a wordvec format): `-o ~/Documents` must never delete someone's files."""
    try:
        entries = os.listdir(path)
    except OSError:
        return False
    return not entries or wordvec_output(path) is not None


def _refuse_foreign_folder(path: Path) -> None:
    if path.is_dir() and not path.is_symlink() and not _replaceable_folder(path):
        from ..errors import WordvecError

        raise WordvecError(f"{path}: an existing folder that is not a wordvec output; refusing to replace "
                           "it: choose another output path")


def check_output(path: str | os.PathLike, inputs: Iterable[tuple[str, object]] = (), *,
                 writes: Output | None = None, force: bool = False) -> None:
    """Fail now, before hours of work, if `path` cannot be written: the folder must exist and
    accept a new file (probed, since permission bits do not tell root or read-only mounts),
    `path` must not be a folder of someone else's files, and it must not be one of the
    command's own inputs (given as (what, path) pairs: ("corpus", "c.txt"), ("--vocab", ...)),
    nor lie inside an input folder, where the next run would read it as input.

    writes: what the command puts at `path` (see Output); an existing output of another kind is
    replaced only with force (--force). Nothing overrides the other checks."""
    path = Path(path)
    _check_parent(path)
    _refuse_inputs(path, inputs)
    _refuse_foreign_folder(path)
    if writes is not None and not force:
        _refuse_other_kind(path, writes)
    with _creating(path):
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent or ".")
    os.close(fd)
    os.unlink(probe)


@dataclass(frozen=True)
class Output:
    """What a command writes: a folder or a file, and for a file its kind ("word vectors", "a
    vocabulary file") and how to tell the kind of an existing file (a description of it)."""

    folder: bool
    kind: str = ""
    kind_of: Callable[[Path], str] | None = None


_EMPTY = "an empty file"


def _refuse_other_kind(path: Path, writes: Output) -> None:
    """A folder output never replaces a file, a file output never replaces a folder, and a file
    replaces only a file of the same kind (or an empty one)."""
    from ..errors import WordvecError

    if path.is_symlink() or not path.exists():
        return
    how = "pass --force to replace it, or choose another output path"
    if path.is_dir() and not writes.folder:
        raise WordvecError(f"{path}: an existing folder, and this command writes a file there; {how}")
    if path.is_file() and writes.folder:
        raise WordvecError(f"{path}: an existing file, and this command writes a folder there; {how}")
    if path.is_file() and writes.kind_of is not None:
        what = _EMPTY if path.stat().st_size == 0 else writes.kind_of(path)
        if what not in (_EMPTY, writes.kind):
            raise WordvecError(f"{path}: an existing file that is {what}, and this command writes {writes.kind} "
                               f"there; {how}")


def _refuse_inputs(path: Path, inputs: Iterable[tuple[str, object]]) -> None:
    from ..errors import WordvecError

    target = Path(os.path.realpath(path))
    for what, source in inputs:
        if source is None or str(source) == "-":
            continue
        source = Path(os.path.realpath(source))
        if target == source or source in target.parents:
            where = "is" if target == source else "is inside"
            raise WordvecError(f"{path}: the output {where} this command's {what} {source}; writing it would "
                               "replace or pollute an input: choose another output path")
        if target in source.parents and path.exists():
            raise WordvecError(f"{path}: the output folder holds this command's {what} {source}; replacing it "
                               "would delete an input: choose another output path")


@contextlib.contextmanager
def _creating(path: Path) -> Iterator[None]:
    """Creating the temporary output failed: say so about the output, not the temporary name."""
    try:
        yield
    except OSError as exc:
        from ..errors import WordvecError

        folder = path.parent if str(path.parent) else Path(".")
        raise WordvecError(f"{path}: cannot create files in {folder} ({exc.strerror})") from None


_NO_SPACE = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_mode(tmp: str | Path, directory: bool) -> None:
    """mkstemp/mkdtemp create owner-only entries; give the output the usual umask permissions."""
    os.chmod(tmp, (0o777 if directory else 0o666) & ~_umask())


def _no_space(exc: OSError) -> bool:
    """A full disk or a file-size limit. numpy's tofile (np.save) reports a short write as
    'N requested and M written' without an errno; a short write means the same thing."""
    return exc.errno in _NO_SPACE or (exc.errno is None and " requested and " in str(exc))


def _space_error(path: Path, exc: OSError) -> Exception:
    """The no-space error named for the output, saying what became of the previous one."""
    from ..errors import ResourceError

    kept = "the previous output is unchanged" if path.exists() else "nothing was written"
    reason = exc.strerror or "short write"
    return ResourceError(f"{path}: cannot write: {reason} (disk full or file size limit); {kept}")


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb") -> Iterator:
    """Open a temporary file beside `path`; on success fsync and rename it over `path`."""
    path = Path(path)
    _check_parent(path)
    _refuse_foreign_folder(path)
    with _creating(path):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _publish_mode(tmp, directory=False)
        _refuse_foreign_folder(path)  # it may have appeared meanwhile
        if path.is_dir() and not path.is_symlink():  # an empty folder or a wordvec output
            shutil.rmtree(path)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if _no_space(exc):
            raise _space_error(path, exc) from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; on success it replaces `path` (file or folder)."""
    path = Path(path)
    _check_parent(path)
    _refuse_foreign_folder(path)
    with _creating(path):
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or "."))
    old = None
    try:
        yield tmp
        _publish_mode(tmp, directory=True)
        _refuse_foreign_folder(path)  # it may have appeared meanwhile
        if path.exists() or path.is_symlink():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    except OSError as exc:
        _restore(old, path)
        shutil.rmtree(tmp, ignore_errors=True)
        if _no_space(exc):
            raise _space_error(path, exc) from None
        raise
    except BaseException:
        _restore(old, path)
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _restore(old: Path | None, path: Path) -> None:
    """Put the previous output back if the swap was cut off between its two renames."""
    if old is not None and (old.exists() or old.is_symlink()) and not (path.exists() or path.is_symlink()):
        with contextlib.suppress(OSError):
            os.replace(old, path)
