"""core/blas.py: OpenBLAS's thread count, set for a block and put back after it."""

from __future__ import annotations

import numpy as np

from landscape_gui.core.blas import blas_thread_count, blas_threads


def test_the_count_is_set_inside_and_put_back_after():
    before = blas_thread_count()
    a = np.random.default_rng(0).standard_normal((300, 300))
    h = a + a.T
    want = np.linalg.eigvalsh(h)
    with blas_threads(1) as limited:
        assert limited == (before is not None)  # numpy's wheels carry OpenBLAS: found there
        if limited:
            assert blas_thread_count() == 1
        np.testing.assert_allclose(np.linalg.eigvalsh(h), want, rtol=1e-12, atol=1e-12)
    assert blas_thread_count() == before


def test_put_back_when_the_block_raises():
    before = blas_thread_count()
    try:
        with blas_threads(1):
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    assert blas_thread_count() == before
