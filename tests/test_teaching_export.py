"""Glyphs and step captions in scenario files and exported frames; the glyph geometry."""

import os
from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.frames.captions import step_caption
from landscape_gui.core.frames.glyph_sets import glyph_sets, nice_scale
from landscape_gui.core.frames.glyphs import glyphs
from landscape_gui.core.scenario.files import GLYPHS, OVERLAYS, ScenarioError, dumps_scenario, loads_scenario
from landscape_gui.core.scenario.presets import load_preset
from landscape_gui.drawing.glyph_geometry import arrow_segments, box_segments

BASE = '[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "momentum"\n[run]\nstarts = [[0.0, 0.0]]\n'
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb)")


def test_view_glyphs_are_read_checked_and_written():
    s = loads_scenario(BASE + '[view]\nglyphs = ["velocity", "gradient", "velocity"]\n')
    assert s.view.glyphs == ("velocity", "gradient")  # each once, in the file's order
    assert loads_scenario(dumps_scenario(s)) == s
    assert "glyphs" not in dumps_scenario(loads_scenario(BASE))  # none: the key is left out
    with pytest.raises(ScenarioError) as e:
        loads_scenario(BASE + '[view]\nglyphs = ["gradient", "veloctiy"]\n')
    msg = str(e.value)
    assert "line 8" in msg and "unknown glyph \"veloctiy\" (did you mean 'velocity'?)" in msg
    assert all(g in msg for g in GLYPHS) and "\n" not in msg
    with pytest.raises(ScenarioError, match="expected a list of names from gradient"):
        loads_scenario(BASE + '[view]\nglyphs = "gradient"\n')


def test_step_caption_is_an_overlay():
    assert "step_caption" in OVERLAYS and "caption" in OVERLAYS  # distinct from the lesson's caption
    s = loads_scenario(BASE + '[export]\noverlays = ["step", "step_caption"]\n')
    assert s.export.overlays == ("step", "step_caption")
    with pytest.raises(ScenarioError, match="did you mean 'step_caption'"):
        loads_scenario(BASE + '[export]\noverlays = ["step_captions"]\n')
    adam = load_preset("adam-step-by-step")
    assert "step_caption" in adam.export.overlays and adam.export.steps_per_frame == 1
    assert load_preset("momentum-speed").view.glyphs == ("gradient", "velocity")


def test_nice_scales_and_shapes():
    assert [nice_scale(x) for x in (0.37, 1.0, 3.0, 9.99, 12.0, 0.001)] == [0.2, 1.0, 2.0, 5.0, 10.0, 0.001]
    seg = arrow_segments([[0.0, 0.0]], [[1.0, 0.0]], max_head=0.1)
    assert seg.shape == (4, 2) and (seg[0::2] == [1.0, 0.0]).all()  # both strokes leave the tip
    np.testing.assert_allclose(np.linalg.norm(seg[1::2] - seg[0::2], axis=1), 0.1)
    assert (seg[1::2, 0] < 1).all() and seg[1, 1] * seg[3, 1] < 0  # backwards, one each side
    box = box_segments([[1.0, 2.0]], [[0.5, 0.1]])
    assert box.shape == (8, 2) and box[:, 0].min() == 0.5 and box[:, 1].max() == pytest.approx(2.1)


def test_glyph_sets_share_one_scale_for_gradient_and_velocity():
    s = load_preset("momentum-speed")
    sim = s.build_simulation()
    sim.step(40)
    core = [glyphs(sim, g) for g in range(2)]
    sets = glyph_sets(
        core, sim.positions().reshape(-1, 2), ("gradient", "velocity", "step"), s.landscape.domain
    )
    g, v = sets["gradient"], sets["velocity"]
    assert g.scale == v.scale
    longest = max(np.linalg.norm(np.concatenate([c.neg_gradient for c in core]), axis=1).max(),
                  np.linalg.norm(core[1].velocity, axis=1).max())  # fmt: skip
    assert 0.08 * 22 < g.scale * longest <= 0.2 * 22  # within the share of the domain's larger side
    assert list(v.runs) == [1]  # gradient descent has no velocity
    np.testing.assert_array_equal(v.vectors, core[1].velocity)
    assert sets["step"].scale != g.scale and "momentum_buffer" in v.legend("momentum_buffer")
    fresh = s.build_simulation()  # before the first step: no step arrows at all
    zero = glyph_sets(
        [glyphs(fresh, k) for k in range(2)], fresh.positions().reshape(-1, 2), ("step",), s.landscape.domain
    )
    assert zero == {}


@needs_display
def test_exported_frame_shows_the_step_caption_and_glyphs(tmp_path):
    from landscape_gui.export.render import FrameRenderer

    s = load_preset("adam-step-by-step")
    size = (960, 540)
    with_caption = replace(s.export, size=size)
    without = replace(s.export, size=size, overlays=("title", "legend", "step"))
    frames, drawn = {}, {}
    for name, export in (("with", with_caption), ("without", without)):
        r = FrameRenderer(s, export)
        try:
            for k in range(3):
                frames[name] = r.render(k)
            if name == "with":
                frame = r.describe(2)
                lines = list(frame.caption or ())
            drawn[name] = dict(r.panels[0].moving.glyphs.drawn)
            sim = r.sim
        finally:
            r.close()
    assert lines == step_caption(sim, 0, 0).text_lines(4)  # the core's caption, the first run
    assert lines[0] == "Adam — step 2"
    a, b = frames["with"].astype(int), frames["without"].astype(int)
    h, w = size[1], size[0]
    block = (slice(h // 3, h - 60), slice(10, w // 2))  # the lower left, above the step counter
    assert np.abs(a[block] - b[block]).mean() > 8  # the caption is there
    assert np.array_equal(a[: h // 4], b[: h // 4])  # title, legend and the view above it untouched
    # the glyphs the frame drew are the core's: Adam's effective step size, every ball's step
    scales = {k: v.scale for k, v in frame.glyphs.items()}
    assert s.view.glyphs == ("step", "effective_lr") and set(drawn["with"]) == set(scales)
    starts, ends = drawn["with"]["effective_lr"]
    np.testing.assert_allclose(
        (ends - starts) / scales["effective_lr"], glyphs(sim, 0).effective_lr, rtol=1e-12
    )
    starts, ends = drawn["with"]["step"]
    step = np.concatenate([glyphs(sim, g).step for g in range(2)])
    np.testing.assert_allclose((ends - starts) / scales["step"], step, rtol=1e-12)


@needs_display
def test_glyphs_change_the_exported_frame(tmp_path):
    from PIL import Image

    from landscape_gui.export.exporter import export_image

    s = load_preset("momentum-speed")
    plain = replace(s, view=replace(s.view, glyphs=()))
    size = (640, 360)
    a = np.asarray(Image.open(export_image(s, tmp_path / "g.png", size, overlays=("legend",)))).astype(int)
    b = np.asarray(Image.open(export_image(plain, tmp_path / "p.png", size, overlays=("legend",)))).astype(
        int
    )
    assert (np.abs(a - b).sum(axis=2) > 60).sum() > 40  # arrows drawn
    # the legend explains them: its panel grew by two rows
    assert (np.abs(a[:100] - b[:100]).sum(axis=2) > 60).sum() > 40
