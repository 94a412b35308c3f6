"""Landscapes made of data in the window: batch size, model plot, minibatch surface, names, background surface."""

import sys

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from landscape_gui.core.analysis.trace import trace_scenario
from landscape_gui.core.frames.snapshot import BATCH_SURFACE_RESOLUTION
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.scenario.files import load_scenario
from landscape_gui.core.scenario.presets import load_preset


def surface_done(window):
    """The landscape's surface is computed (at once for a formula; a data landscape's, to its full grid)."""
    return not window.data.job.running


def switch(window, qtbot, landscape_id, timeout=120000):
    window.session.set_landscape(landscape_id)
    qtbot.waitUntil(lambda: surface_done(window), timeout=timeout)
    qtbot.waitUntil(lambda: window.frame is not None, timeout=20000)


def worker_sim(window):
    return window.worker.worker.sim


def snap(window):
    return window.frame.snapshot


def recorded_grids(monkeypatch):
    """Every grid the background surface computation finishes, delivered or not: (landscape id, resolution)."""
    from landscape_gui.gui import data_views

    computed, grids = [], data_views._grids

    def recorded(process, landscape, resolutions, **kwargs):
        for res, grid in grids(process, landscape, resolutions, **kwargs):
            computed.append((landscape.id, res))
            yield res, grid

    monkeypatch.setattr(data_views, "_grids", recorded)
    return computed


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
    assert window.session.scenario.batch_size == 5
    qtbot.waitUntil(lambda: (sim := worker_sim(window)) is not None and sim.batch_size == 5, timeout=10000)
    window.step()
    qtbot.waitUntil(lambda: window.frame is not None and snap(window).batch is not None, timeout=10000)
    assert len(snap(window).batch) == 5
    with pytest.raises(ValueError, match="1 … 60"):
        window.session.set(batch_size=61)
    # back to a formula: the batch size goes, the box is disabled again
    window.session.set_landscape("booth")
    assert window.session.scenario.batch_size is None and not spin.isEnabled()
    with pytest.raises(ValueError, match="formula"):
        window.session.set(batch_size=4)
    # the worker has no simulation while it builds the new one
    qtbot.waitUntil(
        lambda: (sim := worker_sim(window)) is not None and sim.landscape.id == "booth", timeout=10000
    )
    assert worker_sim(window).batch_size is None


def test_minibatch_escape_in_the_window_is_the_trace(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail(f"warning: {a}"))
    files = window.files
    assert files.open_preset("minibatch-escape")
    c = window.session
    assert c.scenario.batch_size == 2 and window.panel.batch_spin.value() == 2
    qtbot.waitUntil(lambda: surface_done(window), timeout=60000)
    c.set_view(fast=True)  # as fast as possible
    window.play()
    qtbot.waitUntil(lambda: window.frame is not None and snap(window).steps.min() >= 600, timeout=120000)
    scenario = load_preset("minibatch-escape")
    trace = trace_scenario(scenario)
    got = snap(window).positions
    want = np.array([r["path"][-1] for r in trace["runs"]])
    np.testing.assert_array_equal(got, want)  # the same batches, the same steps: bit for bit
    assert np.allclose(got[0], get_landscape("two_lines").global_minima[0], atol=0.1)  # it escaped
    # saving keeps the batch size; a scenario without one goes back to the whole data
    path = tmp_path / "escape.toml"
    assert files.save_to(path)
    assert load_scenario(path).batch_size == 2
    assert files.open_preset("saddle-escape")
    assert c.landscape.id != "two_lines" and c.scenario.batch_size is None
    assert files.open_path(path)
    assert c.scenario.batch_size == 2


# -- 2. model plot ---------------------------------------------------------------------------------------------
def test_model_plot_shows_the_data_and_the_selected_runs_model(window, qtbot):
    dock = window.docks["model"]
    assert not dock.isVisible()  # formula landscape
    switch(window, qtbot, "linreg")
    assert dock.isVisible()
    plot = window.data.model_plot
    L = window.session.landscape
    sx, sy = plot.samples.getData()
    np.testing.assert_array_equal(sx, L.dataset.x)
    np.testing.assert_array_equal(sy, L.dataset.y)
    window.step()
    qtbot.waitUntil(lambda: window.frame is not None and snap(window).steps.min() >= 1, timeout=10000)
    slope, intercept = snap(window).positions[0]
    xs, ys = plot.curve.getData()
    np.testing.assert_allclose(ys, slope * xs + intercept, rtol=1e-12, atol=1e-12)
    # select another run in the table: its model is drawn
    window.table.selectRow(1)
    qtbot.waitUntil(
        lambda: np.allclose(
            plot.curve.getData()[1][0], np.dot(snap(window).positions[1], [plot.curve.getData()[0][0], 1.0])
        ),
        timeout=10000,
    )
    # the model follows the ball
    before = plot.curve.getData()[1].copy()
    window.step()
    qtbot.waitUntil(lambda: snap(window).steps.min() >= 2, timeout=10000)
    qtbot.waitUntil(lambda: not np.array_equal(plot.curve.getData()[1], before), timeout=10000)
    window.session.set_landscape("booth")
    assert not dock.isVisible()


@pytest.mark.parametrize("landscape_id", ["logreg", "mlp_slice"])
def test_model_plot_draws_the_decision_boundary(window, qtbot, landscape_id):
    switch(window, qtbot, landscape_id)
    window.step()
    qtbot.waitUntil(lambda: window.frame is not None and snap(window).steps.min() >= 1, timeout=10000)
    plot = window.data.model_plot
    qtbot.waitUntil(
        lambda: plot.boundary.getData()[0] is not None and len(plot.boundary.getData()[0]) > 0, timeout=10000
    )
    L = window.session.landscape
    bx, by = plot.boundary.getData()
    prob = L.predict(snap(window).positions[0], np.column_stack([bx, by]))
    assert np.abs(prob - 0.5).max() < 0.08  # the line drawn is P = 0.5 (within the grid's interpolation)
    image = plot.image.image
    assert image.shape == (70, 70) and image.min() >= 0 and image.max() <= 1
    assert image.max() - image.min() > 0.5  # both classes' regions are there


# -- 3. minibatch surface ---------------------------------------------------------------------------------------
def test_minibatch_surface_follows_the_batches(window, qtbot):
    switch(window, qtbot, "two_lines")
    act = window.acts["batch_surface"]
    assert act.isEnabled() and not act.isChecked()  # whole data: nothing to draw
    window.session.set(batch_size=4)
    assert act.isChecked()  # "auto": on with minibatches
    window.step()
    qtbot.waitUntil(
        lambda: window.frame is not None and snap(window).batch_surface is not None, timeout=10000
    )
    f = snap(window)
    L = window.session.landscape
    xs, ys, z = f.batch_surface
    assert z.shape == (BATCH_SURFACE_RESOLUTION, BATCH_SURFACE_RESOLUTION)
    np.testing.assert_allclose(z, L.batch_grid(f.batch, BATCH_SURFACE_RESOLUTION)[2])
    assert not np.allclose(z, L.grid(BATCH_SURFACE_RESOLUTION)[2])  # not the full-data loss
    sheet, contours = window.stage.moving.sheet, window.map.batch_contours
    assert sheet.item is not None and sheet.item.visible()
    assert contours.item.isVisible() and len(contours.item.getData()[0]) > 0
    first = contours.item.getData()[0].copy()
    window.step()
    qtbot.waitUntil(lambda: snap(window).steps.min() >= 2, timeout=10000)
    qtbot.waitUntil(lambda: not np.array_equal(contours.item.getData()[0], first), timeout=10000)  # it jumps
    act.trigger()  # off
    assert window.session.view.batch_surface is False and not act.isChecked()
    # the worker's next snapshot carries no minibatch surface: both views drop it
    qtbot.waitUntil(lambda: snap(window).batch_surface is None, timeout=10000)
    assert not sheet.item.visible() and not contours.item.isVisible()
    window.step()
    qtbot.waitUntil(lambda: snap(window).steps.min() >= 3, timeout=10000)
    assert snap(window).batch_surface is None
    window.session.set_landscape("booth")
    assert not act.isEnabled() and not act.isChecked()


# -- 4. names ---------------------------------------------------------------------------------------------------
def test_axes_use_the_parameter_names_and_the_slice_says_what_it_is(window, qtbot):
    switch(window, qtbot, "linreg")
    m = window.map.plot_item
    assert m.getAxis("bottom").labelText == "slope" and m.getAxis("left").labelText == "intercept"
    labels = {item.text for item in window.scene3d.cached_items()[1]}  # the 3D view's text labels
    assert {"slope", "intercept", "J(slope, intercept)"} <= labels
    assert not m.titleLabel.text
    switch(window, qtbot, "mlp_slice")
    p = window.session.landscape.n_parameters
    assert p > 300
    assert m.titleLabel.text == f"2-D slice of a {p}-D loss"
    assert f"2-D slice of a {p}-dimensional loss" in window.panel.description.text()
    assert {"a", "b", "J(a, b)"} <= {item.text for item in window.scene3d.cached_items()[1]}
    assert window.panel.domain_labels[0].text() == "a from"
    window.session.set_landscape("booth")
    assert m.getAxis("bottom").labelText == "x" and not m.titleLabel.text


# -- 5. the surface in the background -----------------------------------------------------------------------------
def test_slice_surface_is_computed_in_the_background_while_the_runs_animate(window, qtbot, monkeypatch):
    # Told by events, not by the clock: switching returns while the surface is still being computed, and
    # while it is, the window's timers fire and frames are drawn (computed on the GUI thread, neither would
    # happen until it is done). How long it takes and how long the window stalls are speed figures: benchmarks.
    from landscape_gui.core.analysis.critical import critical_points

    # first: the network trained (or read from its cache), and the critical points the runs' statuses look
    # up once a run crawls (a separate search, normally found in the child process)
    critical_points(get_landscape("mlp_slice"))
    computed = recorded_grids(monkeypatch)
    # the background job holds its first grid until the window has shown that it goes on meanwhile (a fast
    # machine computes the grid within fewer ticks than a slow one: counted, the test depended on the clock)
    import threading

    from landscape_gui.gui import data_views

    gate, recorded = threading.Event(), data_views._grids

    def held(*args, **kwargs):
        for item in recorded(*args, **kwargs):
            gate.wait(60)  # a window that never ticks fails the assertions below instead of hanging
            yield item

    monkeypatch.setattr(data_views, "_grids", held)
    job = window.data.job
    ticks, serials = [], []

    def tick():
        if job.running:  # only what happens while the surface is being computed
            ticks.append(1)
            if window.frame is not None:
                serials.append(snap(window).serial)
            if len(ticks) >= 5 and serials and serials[-1] - serials[0] >= 3:
                gate.set()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    window.play()
    timer.start()
    window.session.set_landscape("mlp_slice")
    assert job.running and window.data.progress.isVisible()  # switched; the surface comes later
    qtbot.waitUntil(lambda: surface_done(window), timeout=120000)  # an event loop as the app's
    timer.stop()
    window.pause()
    assert computed == [("mlp_slice", 40), ("mlp_slice", 200)]  # a coarse grid, then the real 200 × 200
    assert len(ticks) >= 5, f"{len(ticks)} timer ticks while the surface was computed"
    assert serials and serials[-1] - serials[0] >= 3  # frames kept coming and being drawn
    assert window.scene3d.surface is not None
    assert window.map.image.image.shape[:2] == (200, 200)
    assert not window.data.progress.isVisible()


def test_a_new_landscape_cancels_the_surface_in_flight(window, qtbot, monkeypatch):
    get_landscape("mlp_slice")
    computed = recorded_grids(monkeypatch)
    window.session.set_landscape("mlp_slice")
    qtbot.waitUntil(lambda: ("mlp_slice", 40) in computed, timeout=60000)  # the coarse grid came
    window.session.set_landscape("linreg")
    qtbot.waitUntil(lambda: surface_done(window), timeout=60000)
    # linreg's surface did not wait behind the slice's: the slice's 200 × 200 was never finished
    assert ("linreg", 200) in computed and ("mlp_slice", 200) not in computed
    assert window.map.image.image.shape[:2] == (200, 200)
    assert window.scene3d.landscape.id == "linreg"


def test_frames_reuse_the_gradient_norms_already_computed(qapp):
    from dataclasses import replace

    from landscape_gui.core.scenario.model import LandscapeSpec, OptimizerSpec
    from landscape_gui.core.scenario.session import default_scenario
    from landscape_gui.gui.worker import Mailbox, SimulationWorker

    L = get_landscape("tanh_neuron")
    scenario = replace(
        default_scenario(),
        landscape=LandscapeSpec(function="tanh_neuron"),
        starts=((-2.0, 0.3), (2.5, -1.0)),
        optimizers=(OptimizerSpec("gd", {"lr": 0.05}), OptimizerSpec("adam", {"lr": 0.1})),
        batch_size=8,
    )
    w = SimulationWorker(Mailbox())
    w.follow(1, scenario, L)
    calls, counting = [], [False]
    grad = L.grad

    class Counting:
        def __getattr__(self, name):
            return getattr(L, name)

        def grad(self, points):
            if counting[0] and sys._getframe(1).f_code.co_filename.endswith("snapshot.py"):
                calls.append(len(points))  # the frame's own calls, not the statuses' searches
            return grad(points)

    w.sim.landscape = Counting()
    for _ in range(30):
        w.sim.step(3)
        counting[0] = True
        frame = w.shots.take(w.detail)  # as the worker takes each snapshot it publishes
        counting[0] = False
    # only the new steps of the 4 runs (3 each, one call per optimizer), not the whole paths again
    assert len(calls) == 60 and max(calls[2:]) <= 2 * 3 + 2, calls
    for path, norms in zip(frame.paths, frame.history_grad, strict=True):
        np.testing.assert_allclose(norms, np.linalg.norm(grad(path), axis=1), rtol=1e-12)
