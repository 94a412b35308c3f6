"""Guards against a Qt binding that corrupts Python's reference counts.

PySide6 6.12 on Python 3.11 drops one reference to ``None`` on every call from C++ into a Python override
(a ``paintEvent``, say); after a few seconds of animation the interpreter aborts with "none_dealloc".
pyproject.toml excludes it on Python < 3.12; this test fails if a binding with that bug comes back.
"""

import sys

from PySide6.QtWidgets import QWidget


class _Painted(QWidget):
    def paintEvent(self, event):
        return None


def test_overrides_do_not_leak_references_to_none(qtbot):
    w = _Painted()
    qtbot.addWidget(w)
    w.resize(50, 50)
    w.show()
    qtbot.waitExposed(w)
    before = sys.getrefcount(None)
    for _ in range(500):
        w.repaint()
    assert sys.getrefcount(None) > before - 100
