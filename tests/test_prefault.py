"""util/prefault.py: an array made ready on another thread is the zeros asked for, and what
went wrong there is raised where it is collected."""

import numpy as np
import pytest

from wordvec.util.prefault import zeros_soon


def test_the_array_is_zeros_of_the_shape_and_type_asked():
    array = zeros_soon((1 << 16, 2), np.uint64)()
    assert array.shape == (1 << 16, 2) and array.dtype == np.uint64 and array.flags.c_contiguous
    assert not array.any()


def test_an_allocation_that_fails_fails_for_the_caller():
    get = zeros_soon((1 << 62,), np.uint8)          # 4 EiB
    with pytest.raises(MemoryError):
        get()
