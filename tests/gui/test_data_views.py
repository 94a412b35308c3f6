"""Landscapes made of data in the window: batch size, model plot, minibatch surface, names, background surface."""

import sys
import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from landscape_gui.core.analysis.trace import trace_scenario
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.scenario.files import load_scenario
from landscape_gui.core.scenario.presets import load_preset
from landscape_gui.gui.data_views import BATCH_SURFACE_RESOLUTION


def surface_done(window):
    return window.data_views._pending is None


def switch(window, qtbot, landscape_id, timeout=60000):
    window.controller.set_landscape(landscape_id)
    qtbot.waitUntil(lambda: surface_done(window), timeout=timeout)
    qtbot.waitUntil(lambda: window.frame is not None, timeout=10000)


def worker_sim(window):
    return window.worker.worker.sim


# -- 1. batch size -------------------------------------------------------------------------------------------
def test_batch_size_box_is_for_data_landscapes_only_and_reaches_the_runs(window, qtbot):
    spin = window.panel.batch_spin
    assert not spin.isEnabled()  # two_wells: a formula
    assert "formula" in spin.toolTip() and "Two wells" in spin.toolTip()
    switch(window, qtbot, "linreg")
    assert spin.isEnabled() and spin.maximum() == 60
    assert "minibatch" in spin.toolTip() and "60 samples" in spin.toolTip()
    assert spin.text() == "whole data (60)"
    spin.setValue(5)
    assert window.controller.batch_size == 5
    qtbot.waitUntil(lambda: worker_sim(window) is not None and worker_sim(window).batch_size == 5)
    window.step()
    qtbot.waitUntil(lambda: window.frame is not None and window.frame.batch is not None)
    assert len(window.frame.batch) == 5
    with pytest.raises(ValueError, match="1 … 60"):
        window.controller.set_batch_size(61)
    # back to a formula: the batch size goes, the box is disabled again
    window.controller.set_landscape("booth")
    assert window.controller.batch_size is None and not spin.isEnabled()
    with pytest.raises(ValueError, match="formula"):
        window.controller.set_batch_size(4)
    qtbot.waitUntil(lambda: worker_sim(window).landscape.id == "booth")
    assert worker_sim(window).batch_size is None


def test_minibatch_escape_in_the_window_is_the_trace(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"warning: {a}"))
    assert window.scenario_actions.open_preset("minibatch-escape")
    c = window.controller
    assert c.batch_size == 2 and window.panel.batch_spin.value() == 2
    qtbot.waitUntil(lambda: surface_done(window), timeout=20000)
    c.set_speed(0)  # as fast as possible
    window.play()
    qtbot.waitUntil(lambda: window.frame is not None and window.frame.steps.min() >= 600, timeout=60000)
    scenario = load_preset("minibatch-escape")
    trace = trace_scenario(scenario)
    got = window.frame.positions
    want = np.array([r["path"][-1] for r in trace["runs"]])
    np.testing.assert_array_equal(got, want)  # the same batches, the same steps: bit for bit
    assert np.allclose(got[0], get_landscape("two_lines").global_minima[0], atol=0.1)  # it escaped
    # saving keeps the batch size; a scenario without one goes back to the whole data
    path = tmp_path / "escape.toml"
    assert window.scenario_actions.save_to(path)
    assert load_scenario(path).batch_size == 2
    assert window.scenario_actions.open_preset("saddle-escape") or True
    if c.landscape.id != "two_lines":
        assert c.batch_size is None
    assert window.scenario_actions.open_path(path)
    assert c.batch_size == 2


# -- 2. model plot ---------------------------------------------------------------------------------------------
def test_model_plot_shows_the_data_and_the_selected_runs_model(window, qtbot):
    dock = window.docks["model"]
    assert not dock.isVisible()  # formula landscape
    switch(window, qtbot, "linreg")
    assert dock.isVisible()
    plot = window.data_views.model_plot
    L = window.controller.landscape
    sx, sy = plot.samples.getData()
    np.testing.assert_array_equal(sx, L.dataset.x)
    np.testing.assert_array_equal(sy, L.dataset.y)
    window.step()
    qtbot.waitUntil(lambda: window.frame is not None and window.frame.steps.min() >= 1)
    slope, intercept = window.frame.positions[0]
    xs, ys = plot.curve.getData()
    np.testing.assert_allclose(ys, slope * xs + intercept, rtol=1e-12, atol=1e-12)
    # select another run in the table: its model is drawn
    window.table.selectRow(1)
    qtbot.waitUntil(
        lambda: np.allclose(
            plot.curve.getData()[1][0], np.dot(window.frame.positions[1], [plot.curve.getData()[0][0], 1.0])
        )
    )
    # the model follows the ball
    before = plot.curve.getData()[1].copy()
    window.step()
    qtbot.waitUntil(lambda: window.frame.steps.min() >= 2)
    qtbot.waitUntil(lambda: not np.array_equal(plot.curve.getData()[1], before))
    window.controller.set_landscape("booth")
    assert not dock.isVisible()


@pytest.mark.parametrize("landscape_id", ["logreg", "mlp_slice"])
def test_model_plot_draws_the_decision_boundary(window, qtbot, landscape_id):
    switch(window, qtbot, landscape_id)
    window.step()
    qtbot.waitUntil(lambda: window.frame is not None and window.frame.steps.min() >= 1)
    plot = window.data_views.model_plot
    qtbot.waitUntil(lambda: plot.boundary.getData()[0] is not None and len(plot.boundary.getData()[0]) > 0)
    L = window.controller.landscape
    bx, by = plot.boundary.getData()
    prob = L.predict(window.frame.positions[0], np.column_stack([bx, by]))
    assert np.abs(prob - 0.5).max() < 0.08  # the line drawn is P = 0.5 (within the grid's interpolation)
    image = plot.image.image
    assert image.shape == (70, 70) and image.min() >= 0 and image.max() <= 1
    assert image.max() - image.min() > 0.5  # both classes' regions are there


# -- 3. minibatch surface ---------------------------------------------------------------------------------------
def test_minibatch_surface_follows_the_batches(window, qtbot):
    switch(window, qtbot, "two_lines")
    act = window.data_views.batch_action
    assert act.isEnabled() and not act.isChecked()  # whole data: nothing to draw
    window.controller.set_batch_size(4)
    assert act.isChecked()  # "auto": on with minibatches
    window.step()
    qtbot.waitUntil(
        lambda: window.frame is not None and window.frame.batch_surface is not None, timeout=10000
    )
    f = window.frame
    L = window.controller.landscape
    xs, ys, z = f.batch_surface
    assert z.shape == (BATCH_SURFACE_RESOLUTION, BATCH_SURFACE_RESOLUTION)
    np.testing.assert_allclose(z, L.batch_grid(f.batch, BATCH_SURFACE_RESOLUTION)[2])
    assert not np.allclose(z, L.grid(BATCH_SURFACE_RESOLUTION)[2])  # not the full-data loss
    sheet, contours = window.data_views.sheet, window.data_views.contours
    assert sheet.item is not None and sheet.item.visible()
    assert contours.item.isVisible() and len(contours.item.getData()[0]) > 0
    first = contours.item.getData()[0].copy()
    window.step()
    qtbot.waitUntil(lambda: window.frame.steps.min() >= 2)
    qtbot.waitUntil(lambda: not np.array_equal(contours.item.getData()[0], first))  # it jumps
    act.trigger()  # off
    assert window.controller.view["batch_surface"] is False
    assert not sheet.item.visible() and not contours.item.isVisible()
    window.step()
    qtbot.waitUntil(lambda: window.frame.steps.min() >= 3)
    assert window.frame.batch_surface is None
    window.controller.set_landscape("booth")
    assert not act.isEnabled() and not act.isChecked()


# -- 4. names ---------------------------------------------------------------------------------------------------
def test_axes_use_the_parameter_names_and_the_slice_says_what_it_is(window, qtbot):
    switch(window, qtbot, "linreg")
    m = window.map.plot_item
    assert m.getAxis("bottom").labelText == "slope" and m.getAxis("left").labelText == "intercept"
    labels = {lab.text for lab in window.scene3d._labels}
    assert {"slope", "intercept", "J(slope, intercept)"} <= labels
    assert not m.titleLabel.text
    switch(window, qtbot, "mlp_slice")
    p = window.controller.landscape.n_parameters
    assert p > 300
    assert m.titleLabel.text == f"2-D slice of a {p}-D loss"
    assert f"2-D slice of a {p}-dimensional loss" in window.panel.description.text()
    assert {"a", "b", "J(a, b)"} <= {lab.text for lab in window.scene3d._labels}
    assert window.panel.domain_labels[0].text() == "a from"
    window.controller.set_landscape("booth")
    assert m.getAxis("bottom").labelText == "x" and not m.titleLabel.text


# -- 5. the surface in the background -----------------------------------------------------------------------------
def test_slice_surface_is_computed_in_the_background_while_the_runs_animate(window, qtbot):
    from landscape_gui.core.analysis.critical import critical_points

    # before the clock starts: the network trained (or read from its cache), and the critical points the
    # runs' statuses look up once a run crawls (a separate search, normally found in the child process)
    critical_points(get_landscape("mlp_slice"))
    ticks, serials = [], []

    def tick():
        ticks.append(time.perf_counter())
        if window.frame is not None:
            serials.append(window.frame.serial)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    window.play()
    timer.start()
    t0 = time.perf_counter()
    window.controller.set_landscape("mlp_slice")
    switched = time.perf_counter() - t0
    assert window.data_views.progress.isVisible()
    app = QApplication.instance()
    while not surface_done(window) and time.perf_counter() - t0 < 60:  # an event loop as the app's
        app.processEvents()
        time.sleep(0.002)
    took = time.perf_counter() - t0
    timer.stop()
    window.pause()
    assert switched < 0.3 * took, f"switching blocked the window {switched:.2f} s"
    assert took > 1.0  # a real 200 × 200 computation happened meanwhile
    # Computed on the GUI thread, the timer would stop for the whole computation (one gap ≈ took). The
    # bounds are loose: on a loaded 2-core machine the simulation thread stepping the network (it shares
    # the interpreter with the window) and the window's own rebuilds of the surface stretch the gaps too.
    gaps = np.diff(ticks)
    assert len(ticks) >= max(5, took), f"{len(ticks)} timer ticks in {took:.1f} s"
    assert gaps.max() < 0.6 * took, f"the GUI thread was blocked {gaps.max():.2f} s of {took:.1f} s"
    assert serials and serials[-1] - serials[0] >= 3  # frames kept coming and being drawn
    assert window.scene3d.surface is not None
    assert window.map.image.image.shape[:2] == (200, 200)
    assert not window.data_views.progress.isVisible()


def test_a_new_landscape_cancels_the_surface_in_flight(window, qtbot):
    get_landscape("mlp_slice")
    arrived = []
    window.data_views.surfaces.ready.connect(lambda gen, res, grid: arrived.append((gen, res)))
    window.controller.set_landscape("mlp_slice")
    qtbot.waitUntil(lambda: any(res == 40 for _, res in arrived), timeout=20000)  # the coarse grid came
    slice_gen = arrived[-1][0]
    t0 = time.perf_counter()
    window.controller.set_landscape("linreg")
    qtbot.waitUntil(lambda: surface_done(window), timeout=20000)
    took = time.perf_counter() - t0
    assert took < 2.5, f"linreg's surface waited {took:.1f} s behind the slice's"
    assert all(gen != slice_gen or res == 40 for gen, res in arrived)  # the slice's 200 × 200 never came
    assert window.map.image.image.shape[:2] == (200, 200)
    assert window.scene3d.landscape.id == "linreg"


def test_frames_reuse_the_gradient_norms_already_computed(qapp):
    from landscape_gui.gui.worker import Mailbox, SimulationWorker

    L = get_landscape("tanh_neuron")
    w = SimulationWorker(Mailbox())
    w.configure(
        {
            "landscape": L,
            "starts": [[-2.0, 0.3], [2.5, -1.0]],
            "optimizers": [("gd", {"lr": 0.05}), ("adam", {"lr": 0.1})],
            "batch_size": 8,
        }
    )
    calls, counting = [], [False]
    grad = L.grad

    class Counting:
        def __getattr__(self, name):
            return getattr(L, name)

        def grad(self, points):
            if counting[0] and sys._getframe(1).f_code.co_filename.endswith("worker.py"):
                calls.append(len(points))  # the frame's own calls, not the statuses' searches
            return grad(points)

    w.sim.landscape = Counting()
    for _ in range(30):
        w.sim.step(3)
        counting[0] = True
        frame = w.build_frame()
        counting[0] = False
    # only the new steps of the 4 runs (3 each, one call per optimizer), not the whole paths again
    assert len(calls) == 60 and max(calls[2:]) <= 2 * 3 + 2, calls
    for path, norms in zip(frame.paths, frame.history_grad, strict=True):
        np.testing.assert_allclose(norms, np.linalg.norm(grad(path), axis=1), rtol=1e-12)
