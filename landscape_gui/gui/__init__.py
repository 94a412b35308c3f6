"""Qt views of the landscape: they subscribe to the state in :mod:`landscape_gui.gui.controller` and render.

Importing this package applies :func:`_immortalise_singletons` on Python < 3.12 (see there).
"""

import sys


def _immortalise_singletons() -> None:
    """Work around a reference-count leak on ``None``/``True``/``False`` in PySide6 6.12 under Python 3.11.

    Measured here: each call from C++ into a Python override or slot (a paint event, a timer callback)
    drops one reference to ``None`` that was never taken, so after a few seconds of animation the count
    reaches zero and the interpreter aborts with "none_dealloc: deallocating None" (or "bool_dealloc").
    Python 3.12+ makes these singletons immortal, which hides the bug; on 3.11 we do the same by hand,
    adding 2**40 references (never released, and these objects are never freed anyway).
    """
    if sys.version_info >= (3, 12):
        return
    import ctypes

    for obj in (None, True, False, Ellipsis, NotImplemented):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_immortalise_singletons()
