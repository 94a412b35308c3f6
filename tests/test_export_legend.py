"""The exported legend marks a run that left the shown domain (it is not silently drawn in the void), and lists
the basins' shares (the presenter's rows, as the window's legend)."""

import os
from dataclasses import replace

import pytest

from landscape_gui.core.scenario.files import LandscapeSpec
from landscape_gui.core.scenario.presets import load_preset

pytestmark = pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb gives one)"
)


def test_a_run_outside_the_domain_is_marked_in_the_export_legend():
    from landscape_gui.export.exporter import export_settings
    from landscape_gui.export.render import FrameRenderer

    s = load_preset("saddle-escape")  # Adam ends at y ≈ 2.75: outside a domain cut at ±2.5
    s = replace(s, landscape=LandscapeSpec(function="saddle", domain=((-2.5, 2.5), (-2.5, 2.5))))
    renderer = FrameRenderer(s, export_settings(s.export, s.steps, size=(160, 96), steps_per_frame=s.steps))
    try:
        texts = []
        for k in range(renderer.total):
            renderer.render(k)
            texts.append([row.text for row in renderer.describe(k).legend if not row.symbol])
    finally:
        renderer.close()
    assert texts[0] == ["Gradient descent", "Momentum (0.9)", "Adam"]
    assert texts[-1] == ["Gradient descent", "Momentum (0.9)", "Adam — left the domain"]


def test_basins_section_drapes_the_basins_and_lists_their_shares_in_the_legend():
    from landscape_gui.core.analysis.basins import BasinProblem, basin_map
    from landscape_gui.core.landscapes.library import get_landscape
    from landscape_gui.export.exporter import export_settings
    from landscape_gui.export.render import FrameRenderer

    s = load_preset("himmelblau-basins")
    renderer = FrameRenderer(s, export_settings(s.export, s.steps, size=(160, 96), steps_per_frame=s.steps))
    try:
        frame = renderer.describe(0)
    finally:
        renderer.close()
    ref = basin_map(BasinProblem(get_landscape("himmelblau"), "gd", {"lr": 0.01}, steps=300), 200)
    assert frame.basins.rgba.shape == (200, 200, 4)
    shares = [f"{100 * o.share:.1f} %" for o in ref.outcomes() if o.count]
    texts = [r.text for r in frame.basins.rows]
    assert len(shares) == 4 and all(any(t.endswith(sh) and "★" in t for t in texts) for sh in shares)
    assert texts[-2] == "global minimum reached: 100.0 %"
    assert texts[-1].startswith("darker, 18.0 %: Momentum")  # [basins] compare: where momentum ends elsewhere
    assert texts == [r.text for r in frame.legend if r.text in texts]  # the legend lists them
