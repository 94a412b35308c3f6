"""At 200 % scaling (a device pixel ratio of 2) the 3D view draws the same picture as at 100 %, at twice the
pixels: the cached scene once filled only the bottom-left quarter of the view there."""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import json, numpy as np
from landscape_gui.drawing.qt_app import ensure_app
app = ensure_app()
from landscape_gui.gui.main_window import MainWindow
from PySide6.QtGui import QImage
w = MainWindow(restore_settings=False)
w.resize(1100, 700); w.show()
while w.frame is None: app.processEvents()
for _ in range(20): app.processEvents()
img = w.surface.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
h, wd = img.height(), img.width()
a = np.frombuffer(img.constBits(), np.uint8).reshape(h, img.bytesPerLine())[:, : wd * 3].reshape(h, wd, 3)
background = a[2, 2].astype(int)
# the surface: pixels far from the background colour (labels are thin; the mesh is most of them)
ys, xs = np.nonzero(np.abs(a.astype(int) - background).sum(axis=2) > 60)
print(json.dumps({"dpr": w.devicePixelRatioF(), "size": [wd, h], "logical": [w.surface.width(), w.surface.height()],
                  "box": [xs.min() / wd, ys.min() / h, xs.max() / wd, ys.max() / h], "count": int(len(xs))}))
w.close(); app.processEvents()
"""


def _render(scale: str) -> dict:
    env = {**os.environ, "QT_SCALE_FACTOR": scale}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_3d_view_at_200_percent_draws_what_it_draws_at_100_percent():
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs the X display of pytest-xvfb")
    one, two = _render("1"), _render("2")
    assert two["dpr"] == 2.0
    assert two["size"] == [2 * v for v in two["logical"]]  # device pixels
    for a, b in zip(one["box"], two["box"], strict=True):
        assert abs(a - b) < 0.06, (one, two)  # the same place, relative to the view

    def density(r):  # surface pixels per logical pixel (the window is capped at the screen, smaller at 200 %)
        return r["count"] / (r["logical"][0] * r["logical"][1])

    assert density(two) > 3 * density(one)  # about 4× the pixels for the same picture
