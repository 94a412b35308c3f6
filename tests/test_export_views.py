"""Export views (3d, map, composite) drawn by the window's own widgets, offscreen (OpenGL under pytest-xvfb)."""

import os
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from landscape_gui.core.scenario.presets import load_preset
from landscape_gui.export.writers import ExportError

pytestmark = pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb gives one)"
)


@pytest.fixture(scope="module")
def qapp_gl():
    from landscape_gui.drawing.qt_app import ensure_app

    return ensure_app()


def renderer(scenario, **settings):
    from landscape_gui.export.exporter import export_settings
    from landscape_gui.export.render import FrameRenderer

    return FrameRenderer(scenario, export_settings(scenario.export, scenario.steps, **settings))


def plain(preset: str):
    """A preset without trails, markers, overlays or highlighting: only the surface, the map and the balls."""
    s = load_preset(preset)
    return replace(
        s,
        highlight_best=False,
        view=replace(s.view, trails=False, critical_points=False),
        export=replace(s.export, overlays=()),
    )


@pytest.mark.parametrize("view", ["3d", "map", "composite"])
@pytest.mark.parametrize("preset", ["rosenbrock-race", "double-well"])
def test_each_view_exports_moving_frames_of_the_asked_size(tmp_path, qapp_gl, view, preset):
    from landscape_gui.export.exporter import export_scenario

    out = export_scenario(load_preset(preset), tmp_path / "f", size=(320, 180), fps=5, duration=1, view=view)
    frames = [np.asarray(Image.open(p)) for p in sorted(out.iterdir())]
    assert len(frames) == 5 and all(f.shape == (180, 320, 3) for f in frames)
    assert all(f.std() > 10 for f in frames), "a blank frame"
    changes = [np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(frames, frames[1:], strict=False)]
    assert sum(c > 0 for c in changes) >= len(changes) - 1, f"frames do not move: {changes}"
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.2


def test_the_same_scenario_gives_the_same_frames_in_every_view(qapp_gl):
    s = load_preset("sgd-noise")  # seeded noise
    for view in ("map", "composite"):
        a, b = renderer(s, size=(240, 136), fps=4, duration=1, view=view), None
        try:
            first = [a.render(k) for k in range(a.total)]
        finally:
            a.close()
        b = renderer(s, size=(240, 136), fps=4, duration=1, view=view)
        try:
            assert all(np.array_equal(f, b.render(k)) for k, f in enumerate(first)), view
        finally:
            b.close()


def ball_centres(image: np.ndarray, color, expected: np.ndarray, radius: int = 9) -> np.ndarray:
    """Centroid (x, y) of the pixels of exactly ``color`` within ``radius`` of each expected point."""
    out = []
    for x, y in expected:
        x0, y0 = max(0, int(x) - radius), max(0, int(y) - radius)
        win = image[y0 : int(y) + radius + 1, x0 : int(x) + radius + 1]
        ys, xs = np.nonzero((win == np.array(color[:3])).all(axis=-1))
        assert len(xs) >= 12, f"no ball of colour {color[:3]} near {x:.1f}, {y:.1f}"
        out.append((x0 + xs.mean() + 0.5, y0 + ys.mean() + 0.5))  # pixel centres
    return np.array(out)


@pytest.mark.parametrize("preset", ["rosenbrock-race", "double-well"])
def test_map_balls_sit_where_the_trajectory_says(qapp_gl, preset):
    from landscape_gui.core.frames.palette import optimizer_colors
    from landscape_gui.export.views import MapPanel

    s = plain(preset)
    colours = optimizer_colors(o.id for o in s.optimizers)  # each optimizer's own colour
    r = renderer(s, size=(480, 320), fps=6, duration=1, view="map")
    sim = s.build_simulation()  # the scenario's own trajectories, stepped apart from the renderer's
    checked = 0
    try:
        (panel,) = r.panels
        assert isinstance(panel, MapPanel)
        for k in range(r.total):
            image = r.render(k)
            sim.step(r.export.step_at(k, s.steps) - int(sim.groups[0].t))
            pos = sim.positions().reshape(-1, sim.landscape.dim)
            y = pos[:, 1] if sim.landscape.dim == 2 else sim.losses().reshape(-1)
            expected = panel.pixels(pos[:, 0], y)
            n_starts = len(sim.starts)
            for i, at in enumerate(expected):
                others = np.delete(expected, i, axis=0)
                if len(others) and np.hypot(*(others - at).T).min() < 20:
                    continue  # another ball may cover part of this one
                if not (10 <= at[0] < 470 and 10 <= at[1] < 310):
                    continue
                found = ball_centres(image, colours[i // n_starts], at[None])[0]
                assert np.hypot(*(found - at)) <= 1.5, (k, i, found, at)
                checked += 1
    finally:
        r.close()
    assert checked >= 5


def test_composite_holds_the_3d_view_the_map_and_the_curves(qapp_gl):
    from landscape_gui.core.frames.palette import optimizer_colors
    from landscape_gui.export.views import font_px, panel_rects

    size = (640, 360)
    for legend in (False, True):
        rects = panel_rects("composite", size, legend=legend)
        assert ("legend" in rects) == legend  # the legend's own column: it covers no panel
        covered = np.zeros(size[::-1], bool)
        for rect in rects.values():
            assert not covered[rect.y() : rect.bottom() + 1, rect.x() : rect.right() + 1].any()
            covered[rect.y() : rect.bottom() + 1, rect.x() : rect.right() + 1] = True
        assert covered.all()  # the panels tile the frame

    s = plain("rosenbrock-race")
    s = replace(s, view=replace(s.view, trails=True))
    colours = optimizer_colors(o.id for o in s.optimizers)
    frames = {}
    for view, frame_size in (
        ("composite", size),
        ("3d", rects["surface"].size()),
        ("map", rects["map"].size()),
    ):
        w, h = frame_size if isinstance(frame_size, tuple) else (frame_size.width(), frame_size.height())
        r = renderer(s, size=(w, h), fps=3, duration=1, view=view)
        try:
            frames[view] = [r.render(k) for k in range(r.total)]
        finally:
            r.close()

    def crop(img, rect):
        return img[rect.y() : rect.bottom() + 1, rect.x() : rect.right() + 1]

    assert font_px(size[1]) == font_px(rects["map"].height())  # so the map alone is drawn alike
    for k in range(3):
        assert np.array_equal(crop(frames["composite"][k], rects["surface"]), frames["3d"][k])
        assert np.array_equal(crop(frames["composite"][k], rects["map"]), frames["map"][k])
    # the loss curves: optimizer colours in the band (curves near zero may hide each other), more at the end
    band = [crop(f, rects["curves"]) for f in frames["composite"]]
    counts = np.array([[int((b == np.array(c[:3])).all(axis=-1).sum()) for c in colours] for b in band])
    assert (counts[-1] > 20).sum() >= 3, counts
    assert counts[-1].sum() > counts[0].sum(), counts


def test_a_misspelt_view_is_refused_with_a_suggestion():
    from landscape_gui.export.exporter import export_settings

    s = load_preset("double-well")
    with pytest.raises(
        ExportError,
        match=r"view: unknown value \"mapp\" \(did you mean 'map'\?\) \(known: 3d, map, composite\)",
    ):
        export_settings(s.export, s.steps, view="mapp")
    assert export_settings(s.export, s.steps).view == "3d"


def test_map_exports_draw_the_glyphs_their_legend_lists(qapp_gl):
    """Issue 22: map exports drew no arrows while their legend listed "−∇J, arrow ×0.2"."""
    from landscape_gui.export.views import MapPanel

    s = load_preset("momentum-speed")  # glyphs = ["gradient", "velocity"]
    for view in ("map", "composite"):
        r = renderer(s, size=(320, 180), steps_per_frame=max(1, s.steps // 2), view=view)
        try:
            for k in range(r.total):
                r.render(k)
            frame = r.describe(r.total - 1)
            map_panel = next(p for p in r.panels if isinstance(p, MapPanel))
            drawn = map_panel.widget.glyph_layer.drawn
        finally:
            r.close()
        listed = {row.text.split(",")[0] for row in frame.legend if row.symbol == "→"}
        assert set(drawn) == set(frame.glyphs) == {"gradient", "velocity"} and len(listed) == 2, view
