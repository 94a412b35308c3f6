"""Inside one update, in the window: schedules, the lr in force and its curve, glyphs, step captions."""

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from landscape_gui.core.frames.captions import step_caption
from landscape_gui.core.frames.glyphs import glyphs
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.scenario.files import load_scenario
from landscape_gui.core.scenario.presets import load_preset


@pytest.fixture
def actions(window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"warning: {a[-1]}"))
    return window.files


def open_preset(window, actions, qtbot, preset_id):
    assert actions.open_preset(preset_id)
    n = len(window.session.optimizers) * len(window.session.starts)
    qtbot.waitUntil(
        lambda: window.frame is not None and len(window.frame.snapshot.positions) == n, timeout=20000
    )


def steps(window) -> int:
    return int(window.frame.snapshot.steps.max())


def step_to(window, qtbot, k):
    while steps(window) < k:
        before = steps(window)
        window.step()
        qtbot.waitUntil(lambda b=before: window.frame is not None and steps(window) > b, timeout=10000)


def schedule_ids(session) -> list[str]:
    return [o.schedule.id if o.schedule is not None else "constant" for o in session.optimizers]


def test_warmup_cosine_in_the_window_equals_trace(window, actions, qtbot, tmp_path):
    preset = load_preset("warmup-cosine")
    open_preset(window, actions, qtbot, "warmup-cosine")
    c = window.session
    assert schedule_ids(c) == ["constant", "linear", "constant", "cosine"]
    assert [o.schedule for o in c.optimizers] == [o.schedule for o in preset.optimizers]
    # the runs table names each run by the preset's label (issue 22: four identical "SGD (noisy gradients)")
    labels = [o.label for o in preset.optimizers]
    assert len(set(labels)) == 4
    qtbot.waitUntil(lambda: window.table.rowCount() == 4, timeout=10000)
    shown = [window.table.item(r, 0).text() for r in range(4)]
    assert [r.label for r in window.frame.runs] == labels
    assert all(label in text for label, text in zip(labels, shown, strict=True)), shown
    c.set_view(fast=True)  # as fast as possible, up to the scenario's steps
    window.play()
    qtbot.waitUntil(lambda: not window.worker.worker.playing and steps(window) == preset.steps, timeout=60000)
    sim = preset.build_simulation()
    sim.step(preset.steps)
    np.testing.assert_array_equal(window.frame.snapshot.positions, sim.positions().reshape(-1, 2))
    assert [r.status for r in window.frame.snapshot.runs] == [r.status for r in sim.runs()]
    # saved from the window, the schedules are in the file
    path = tmp_path / "saved.toml"
    assert actions.save_to(path)
    saved = load_scenario(path)
    assert [o.schedule for o in saved.optimizers] == [o.schedule for o in preset.optimizers]
    assert [o.label for o in saved.optimizers] == [o.label for o in preset.optimizers]


def test_schedule_chooser_lr_label_and_curve_follow_the_schedule(window, actions, qtbot):
    open_preset(window, actions, qtbot, "warmup-cosine")
    c, panel = window.session, window.panel.optimizer_panel
    assert panel.entry.isVisibleTo(window) and panel.entry.count() == 4  # SGD runs four times
    panel.entry.setCurrentIndex(1)
    panel.entry.activated.emit(1)
    assert panel.edited_index() == 1
    editor = panel.schedule_editor
    assert editor.combo.currentData() == "linear"
    assert editor.params.values["start_factor"] == 0.05 and editor.params.values["total_iters"] == 60
    warm = c.optimizers[1].schedule
    step_to(window, qtbot, 4)
    lr_next = warm.lr_at(0.3, 5)
    assert window.frame.snapshot.lrs[1] == lr_next
    assert panel.editor.lr_in_force.isVisibleTo(window)
    assert panel.editor.lr_in_force.text() == f"lr now {lr_next:.5g} (linear)"
    assert window.plots.lr_plot.isVisibleTo(window)
    x, y = window.plots.lr_curves[1].getData()
    np.testing.assert_array_equal(x, [1, 2, 3, 4])
    np.testing.assert_array_equal(y, warm.lrs(0.3, 4))
    # another schedule from the chooser: the next step uses it, with no restart
    editor.combo.setCurrentIndex(editor.combo.findData("exponential"))
    assert c.optimizers[1].schedule.id == "exponential"
    editor.params.spins["gamma"].setValue(0.5)
    assert c.optimizers[1].schedule == Schedule("exponential", {"gamma": 0.5})
    qtbot.waitUntil(
        lambda: window.frame.snapshot.lrs[1] == Schedule("exponential", {"gamma": 0.5}).lr_at(0.3, 5),
        timeout=10000,
    )
    assert panel.editor.lr_in_force.text() == f"lr now {0.3 * 0.5**4:.5g} (exponential)"
    step_to(window, qtbot, 5)
    assert steps(window) == 5  # no reset
    x, y = window.plots.lr_curves[1].getData()
    assert y[-1] == pytest.approx(0.3 * 0.5**4, rel=1e-15)
    # the constant schedule hides the label
    editor.combo.setCurrentIndex(editor.combo.findData("constant"))
    qtbot.waitUntil(lambda: not panel.editor.lr_in_force.isVisibleTo(window), timeout=10000)
    assert editor.params is None  # a constant lr has no parameters


def test_glyphs_drawn_equal_the_core_glyphs(window, actions, qtbot, tmp_path):
    preset = load_preset("momentum-speed")
    open_preset(window, actions, qtbot, "momentum-speed")
    c = window.session
    layer_map, layer3d = window.map.glyph_layer, window.stage.moving.glyphs
    assert c.view.glyphs == ("gradient", "velocity")  # the preset asks for them
    c.set_view(glyphs=("gradient", "velocity", "step"))
    assert window.acts["glyph_step"].isChecked()
    step_to(window, qtbot, 7)
    qtbot.waitUntil(
        lambda: window.frame.snapshot.glyphs is not None and "step" in layer_map.drawn, timeout=10000
    )
    sim = preset.build_simulation()
    sim.step(7)
    core = [glyphs(sim, g) for g in range(2)]
    sets = window.frame.glyphs
    assert sets["gradient"].scale == sets["velocity"].scale  # same units, one scale
    for layer in (layer_map, layer3d):
        starts, ends = layer.drawn["gradient"]
        np.testing.assert_allclose(starts, sim.positions().reshape(-1, 2), rtol=1e-15)
        drawn = (ends - starts) / sets["gradient"].scale
        np.testing.assert_allclose(drawn, np.concatenate([g.neg_gradient for g in core]), rtol=1e-9)
        starts, ends = layer.drawn["velocity"]  # gradient descent keeps no velocity: momentum's ball only
        np.testing.assert_allclose((ends - starts) / sets["velocity"].scale, core[1].velocity, rtol=1e-9)
        starts, ends = layer.drawn["step"]
        np.testing.assert_allclose(
            (ends - starts) / sets["step"].scale, np.concatenate([g.step for g in core]), rtol=1e-9
        )
    # the map's items hold those segments
    shaft, head = layer_map.items["velocity"]
    x, y = shaft.getData()
    np.testing.assert_allclose([x[1] - x[0], y[1] - y[0]], sets["velocity"].scale * core[1].velocity[0])
    assert len(head.getData()[0]) == 4  # two strokes of one arrowhead
    assert layer3d.item.pos.shape == (5 * 6, 3)  # 5 arrows: a shaft and two strokes each
    html = window.stage.legend.text()
    assert f"−∇J, arrow ×{sets['gradient'].scale:g}" in html and "momentum_buffer" in html
    assert actions.save_to(tmp_path / "glyphs.toml")  # saved with the scenario
    assert load_scenario(tmp_path / "glyphs.toml").view.glyphs == ("gradient", "velocity", "step")
    # off again: nothing drawn, the worker stops computing them
    c.set_view(glyphs=())
    qtbot.waitUntil(lambda: window.frame.snapshot.glyphs is None, timeout=10000)
    assert not layer_map.drawn and layer3d.item.pos.shape[0] == 0
    assert "arrow" not in window.stage.legend.text()


def test_step_caption_shows_the_selected_runs_update(window, actions, qtbot):
    from landscape_gui.export.render import FrameRenderer

    preset = load_preset("adam-step-by-step")
    open_preset(window, actions, qtbot, "adam-step-by-step")
    window.acts["step_caption"].trigger()
    assert window.session.view.step_caption
    panel = window.stage.caption
    qtbot.waitUntil(panel.isVisible, timeout=10000)
    # before the first step: the same caption as the export's first frame (issue 22: the window said "press
    # Step", the export something else)
    assert "before the first step" in panel.lines[0]
    export = FrameRenderer(preset)
    try:
        assert panel.lines == list(export.describe(0).caption)
    finally:
        export.close()
    sim = preset.build_simulation()
    for k in (1, 2, 3):
        step_to(window, qtbot, k)
        sim.step(1)
        qtbot.waitUntil(
            lambda k=k: window.frame.snapshot.caption is not None and f"step {k}" in panel.lines[0],
            timeout=10000,
        )
        assert panel.lines == step_caption(sim, 0, 0).text_lines(4)  # Adam, the first run: title first
    cap = window.frame.snapshot.caption
    np.testing.assert_array_equal(cap.value("m"), sim.buffers(0)["exp_avg"][0])
    np.testing.assert_array_equal(cap.value("v"), sim.buffers(0)["exp_avg_sq"][0])
    np.testing.assert_array_equal(cap.value("Δθ"), sim.last_step(0).step[0])
    assert cap.value("θ") is not None and cap.lines[-1].value.tolist() == sim.positions()[0, 0].tolist()
    # select gradient descent in the runs table: its update, with its own formula
    window.table.selectRow(1)
    qtbot.waitUntil(lambda: window.frame.snapshot.caption_run == 1, timeout=10000)
    assert panel.lines == step_caption(sim, 1, 0).text_lines(4)
    assert any(line.startswith("Δθ = −lr·g") for line in panel.lines)
    assert "DejaVu Sans Mono" in panel.text()
    window.acts[
        "step_caption"
    ].trigger()  # C again: hidden, from the worker's next snapshot (it has no caption)
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10000)
    assert window.frame.snapshot.caption_run is None and window.frame.caption is None


def test_export_dialog_offers_every_overlay():
    from landscape_gui.core.scenario.files import OVERLAYS
    from landscape_gui.gui.export_dialog import OVERLAY_TEXT

    assert [k for k, _ in OVERLAY_TEXT] == list(OVERLAYS)
