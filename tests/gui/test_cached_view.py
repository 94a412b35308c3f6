"""The 3D view draws its static scene from a cache: same pixels as a full render, refreshed on change."""

import numpy as np
import pytest
from pyqtgraph.functions import ndarray_from_qimage
from PySide6.QtGui import QImage


def _pixels(view) -> np.ndarray:
    img = view.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    return ndarray_from_qimage(img).astype(np.int16).copy()


def _plain(view) -> np.ndarray:
    """A render through pyqtgraph's own path, everything rasterised."""
    cached_items = view.scene3d.cached_items
    view.scene3d.cached_items = lambda: ([], [])
    try:
        return _pixels(view)
    finally:
        view.scene3d.cached_items = cached_items


def _same(a: np.ndarray, b: np.ndarray) -> None:
    """Equal but for a few pixels where a marker and a trail overlap (the cache draws markers first)."""
    differ = np.any(a != b, axis=-1)
    assert differ.mean() < 1e-4, f"{differ.sum()} pixels differ"


def _paused(window, qtbot) -> None:
    """Nothing moves: the runs are paused and their last frame is drawn."""
    window.pause()
    qtbot.waitUntil(
        lambda: not window.worker.worker.playing and not window.frame.snapshot.playing, timeout=10000
    )


def test_cached_render_equals_full_render_and_follows_changes(window, qtbot):
    _paused(window, qtbot)
    view = window.surface
    cached = _pixels(view)
    assert cached.std() > 10  # something is drawn
    _same(cached, _plain(view))
    labels = view.scene3d.cached_items()[1]  # the text labels, drawn over the cached image at every frame
    assert labels
    for item in labels:
        item.hide()
    assert np.any(_pixels(view) != cached, axis=-1).sum() > 200  # they are in the compared pixels
    for item in labels:
        item.show()

    view.scene3d.set_visibility(contours=False)  # a static item changes: the cache must follow
    no_contours = _pixels(view)
    assert np.abs(no_contours - cached).max() > 50
    _same(no_contours, _plain(view))

    view.opts["azimuth"] += 30  # so must a camera move
    turned = _pixels(view)
    _same(turned, _plain(view))
    assert np.abs(turned - no_contours).mean() > 1


@pytest.mark.parametrize(
    ("landscape", "log", "expected"),
    [
        ("seed_curve", False, ["0", "2", "4", "6"]),  # 0 kept at the floor: the grid's lowest value is ~1e-5
        ("saddle", False, ["-2.5", "0", "2.5"]),
        ("rosenbrock", False, ["0", "1000", "2000"]),
        ("rosenbrock", True, ["1", "10", "100", "1000"]),
        ("goldstein_price", True, ["1000", "1e4", "1e5", "1e6"]),
    ],
)
def test_height_axis_ticks_are_round_values_at_their_heights(window, landscape, log, expected):
    from landscape_gui.core.landscapes.library import get_landscape
    from landscape_gui.drawing.scene_axes import tick_text, z_ticks
    from landscape_gui.drawing.scene_space import HEIGHT

    scene = window.scene3d
    scene.set_landscape(get_landscape(landscape), log_height=log)
    ticks = z_ticks(scene)
    assert [tick_text(v) for _, v in ticks] == expected
    zs = [z for z, _ in ticks]
    assert zs == sorted(zs) and zs[0] >= 0 and zs[-1] <= HEIGHT
    texts = {item.text for item in scene.cached_items()[1]}
    assert set(expected) <= texts  # drawn as labels
    for z, v in ticks[1:]:  # each tick stands where the surface of that value would
        assert z == pytest.approx(float(scene.z_of_values([v])[0]))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_floor_box_stands_out_from_the_background_in_either_theme(window, qtbot, theme):
    """The box's front edge, in front of the surface at the default camera, is drawn in the theme's axis
    colour: additive blending (pyqtgraph's default for lines) washed the light theme's dark lines out to white."""
    from landscape_gui.drawing.scene import FLOOR
    from landscape_gui.drawing.theme import THEMES

    _paused(window, qtbot)
    window.session.set_view(theme=theme)
    assert window.scene3d.theme == theme  # applied as the session changed
    view = window.surface
    sx, sy = view.scene3d._half
    edge = np.column_stack([np.linspace(-0.8 * sx, 0.8 * sx, 25), np.full(25, -sy), np.full(25, FLOOR)])
    pixels = _pixels(view)
    background = np.array(THEMES[theme]["scene_bg"])
    axis = np.array(THEMES[theme]["scene_axis"][:3]) * 255
    near_axis = 0
    for x, y in np.rint(view.project(edge) * view.devicePixelRatioF()).astype(int):
        patch = pixels[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3)
        distance = np.abs(patch - axis).sum(axis=1)  # the pixel of the 3×3 patch closest to the axis colour
        near_axis += distance.min() < np.abs(background - axis).sum() / 3
    assert near_axis >= 20, f"{near_axis} of 25 points of the box's front edge are drawn in the axis colour"
