"""numba's cache of the kernels is dropped when any kernel source changes (numba itself only
notices changes to the file that defines a kernel, not to the helpers it inlines)."""

from __future__ import annotations

from wordvec.util.kernelcache import STAMP, drop_stale_cache


def test_the_cache_goes_when_any_source_changes_and_stays_otherwise(tmp_path):
    (tmp_path / "kernel.py").write_text("from .helper import h\n")
    (tmp_path / "helper.py").write_text("def h(): return 1\n")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    entries = [cache / "kernel.f-3.py311.nbi", cache / "kernel.f-3.py311.1.nbc"]
    other = cache / "kernel.cpython-311.pyc"
    for path in [*entries, other]:
        path.write_bytes(b"x")

    assert drop_stale_cache(tmp_path)                       # no stamp yet: whatever is there may be stale
    assert not any(p.exists() for p in entries) and other.exists() and (cache / STAMP).exists()
    for path in entries:
        path.write_bytes(b"x")                              # numba caches again
    assert not drop_stale_cache(tmp_path) and all(p.exists() for p in entries)
    (tmp_path / "helper.py").write_text("def h(): return 2\n")   # only the helper's file changes
    assert drop_stale_cache(tmp_path) and not any(p.exists() for p in entries)
    assert not drop_stale_cache(tmp_path)


def test_an_unwritable_cache_is_left_alone(tmp_path):
    (tmp_path / "kernel.py").write_text("x = 1\n")
    (tmp_path / "__pycache__").write_text("not a folder")   # anything that makes the writes fail
    assert drop_stale_cache(tmp_path) is False
