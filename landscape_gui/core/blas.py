"""numpy's BLAS threads, limited for a while: training a small network is many small matrix products.

numpy's wheels carry OpenBLAS, which splits a matrix product or an eigendecomposition over all cores. For the
matrices of :mod:`landscape_gui.core.training` (354 × 354 Hessians, a few hundred rows of paths) the threads
cost more than they save, and on a small machine shared with other processes they wait for each other:
measured on this project's 2-core VM at a load of ~6 (``benchmarks/bench_training.py``), the eigenvalues of
one exact Hessian took 0.129 s with OpenBLAS's threads and 0.010 s with one, the PCA of a 1001-step path
0.63 s against 0.031 s, and the edge-of-stability lesson 92 s against 2.4 s.

:func:`blas_threads` sets OpenBLAS's thread count for the body of a ``with`` block and puts the previous count
back after it. OpenBLAS is found among the libraries the process has loaded (``/proc/self/maps``, Linux);
where there is none, or another BLAS, it does nothing and yields False. The count is process-wide: a
thread of the app that multiplies large matrices meanwhile gets one thread too.

>>> with blas_threads(1) as limited:
...     pass
>>> limited in (True, False)
True
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Callable, Iterator

__all__ = ["blas_thread_count", "blas_threads"]

#: Symbol prefixes of OpenBLAS builds: scipy-openblas (numpy's wheels), then plain OpenBLAS.
_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "")


def _openblas() -> tuple[Callable[[int], None], Callable[[], int]] | None:
    """``(set_num_threads, get_num_threads)`` of the loaded OpenBLAS, or None."""
    import numpy  # noqa: F401 - loads numpy's BLAS, so that it is in the map

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    paths = []
    for line in lines:
        parts = line.split(None, 5)
        path = parts[5].strip() if len(parts) == 6 else ""
        if "openblas" in path.lower() and path not in paths:
            paths.append(path)
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    setter.argtypes, setter.restype = [ctypes.c_int], None
                    getter.argtypes, getter.restype = [], ctypes.c_int
                    return setter, getter
    return None


@contextlib.contextmanager
def blas_threads(n: int = 1) -> Iterator[bool]:
    """OpenBLAS with ``n`` threads inside the block (the previous count after it); yields whether it could."""
    found = _openblas()
    if found is None:
        yield False
        return
    setter, getter = found
    before = int(getter())
    setter(int(n))
    try:
        yield True
    finally:
        setter(before)


def blas_thread_count() -> int | None:
    """OpenBLAS's thread count now, or None where there is no OpenBLAS to ask."""
    found = _openblas()
    return None if found is None else int(found[1]())
