"""The exports of a scenario with [training] show the trained network (issue 27): the plane of its paths
replayed step by step, the caption the core words, not the mlp_slice runs of its landscape."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.scenario.presets import load_preset
from landscape_gui.core.training.session import plane_caption

needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb)")


@needs_display
@pytest.mark.parametrize(("preset", "view"), [("adam-sgd-train", "map"), ("edge-of-stability", "composite")])
def test_a_trained_network_exports_its_training(tmp_path, preset, view):
    from landscape_gui.export.exporter import ExportJob
    from landscape_gui.export.training import TrainingRenderer

    scenario = load_preset(preset)
    out = tmp_path / "frames"
    job = ExportJob(scenario, out, size=(320, 180), fps=5, duration=0.4, view=view)
    try:
        while job.step():
            pass
        path = job.finish()
    except BaseException:
        job.abort()
        raise
    r = job.renderer
    assert isinstance(r, TrainingRenderer)
    files = sorted(path.glob("frame_*.png"))
    assert len(files) == job.total == 2  # 0.4 s at 5 fps
    first, last = (np.asarray(Image.open(p)) for p in (files[0], files[-1]))
    assert first.shape == last.shape == (180, 320, 3)
    # the plane replays the training: step 0 shows no path yet, the last frame every path whole
    x0, y0 = r.rects["plane"].x(), r.rects["plane"].y()
    w, h = r.rects["plane"].width(), r.rects["plane"].height()
    assert np.abs(first[y0 : y0 + h, x0 : x0 + w].astype(int) - last[y0 : y0 + h, x0 : x0 + w]).max() > 100
    if view == "composite":  # the loss and sharpness plots grow too
        for name in ("loss", "sharpness"):
            q = r.rects[name]
            a = first[q.y() : q.y() + q.height(), q.x() : q.x() + q.width()].astype(int)
            assert np.abs(a - last[q.y() : q.y() + q.height(), q.x() : q.x() + q.width()]).max() > 100
    # the caption is the core's, word for word, for the scenario's runs, and it is drawn in its band
    t = r.plane.training
    assert [run.optimizer for run in t.runs] == [o.id for o in scenario.optimizers]
    assert t.steps == scenario.steps
    assert r.caption == plane_caption(r.plane, [optimizer_label(o) for o in scenario.optimizers])
    assert len(r.caption) == 2 + len(scenario.optimizers)
    band = last[180 - r.band :]
    assert r.band > 0 and band.std() > 5


@needs_display
def test_an_image_of_a_trained_network_is_written(tmp_path):
    """Export image… of the window (its step counts the landscape's runs: the image shows the whole training)."""
    from landscape_gui.export.exporter import export_image

    out = export_image(load_preset("adam-sgd-train"), tmp_path / "x.png", (320, 180), step=10, view="map")
    image = np.asarray(Image.open(out))
    assert image.shape == (180, 320, 3) and image.std() > 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png"]


@needs_display
def test_cancel_stops_the_training_and_leaves_nothing(tmp_path):
    import inspect

    from landscape_gui.export.exporter import export_scenario
    from landscape_gui.export.writers import ExportCancelled

    asked = []

    def cancel() -> bool:  # the first question comes from inside the training, not after it
        asked.append(any("core/training" in f.filename for f in inspect.stack()))
        return True

    out = tmp_path / "eos.gif"
    with pytest.raises(ExportCancelled):
        export_scenario(
            load_preset("edge-of-stability"), out, cancel=cancel, size=(64, 36), fps=2, duration=0.5
        )
    assert asked[:1] == [True] and list(tmp_path.iterdir()) == []


@needs_display
def test_a_training_the_window_holds_is_exported_without_training_again(tmp_path, monkeypatch):
    import landscape_gui.export.training as training
    from landscape_gui.core.training.session import trained_plane
    from landscape_gui.export.exporter import ExportJob

    scenario = load_preset("adam-sgd-train")
    plane, *surfaces = trained_plane(scenario)
    monkeypatch.setattr(training, "trained_plane", lambda *a, **k: pytest.fail("trained again"))
    job = ExportJob(
        scenario, tmp_path / "f", size=(64, 36), fps=2, duration=0.5, trained=(plane, surfaces[-1])
    )
    try:
        while job.step():
            pass
        job.finish()
    except BaseException:
        job.abort()
        raise
    assert job.renderer.plane is plane and len(list((tmp_path / "f").glob("frame_*.png"))) == job.total
