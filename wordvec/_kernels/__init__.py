"""numba kernels only: arrays and scalars in, arrays out; no I/O, no Python objects."""
