"""The trained network in the window (issue 27): the chooser's entry trains the session's optimizers in the
background and draws their paths on the shared PCA plane; numbers against an SVD written here."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.gui.control_panel import TRAINED


def choose_trained(window, qtbot, steps=60):
    window.session.replace(replace(window.session.scenario, steps=steps))
    combo = window.panel.landscape_combo
    index = combo.findData(TRAINED)
    combo.setCurrentIndex(index)
    window.panel._combo_chosen(index)
    view = window.training_view
    qtbot.waitUntil(lambda: view.surface is not None and view.surface.resolution >= 200, timeout=120000)
    return view


def test_the_trained_network_entry_trains_and_projects(window, qtbot):
    view = choose_trained(window, qtbot)
    s = window.session.scenario
    assert s.training is not None and s.landscape.function == "mlp_slice"
    assert window.docks["training"].isVisible()
    t = view.plane.training
    assert [r.optimizer for r in t.runs] == [o.id for o in s.optimizers] and t.steps == 60
    np.testing.assert_array_equal(t.runs[0].path[0], t.runs[-1].path[0])  # one θ₀
    # the plane: an SVD of all the paths' points, centred, written here
    pts = np.concatenate([r.path for r in t.runs]) - t.runs[0].path[-1]
    sigma = np.linalg.svd(pts - pts.mean(axis=0), compute_uv=False)
    shares = sigma[:2] ** 2 / (sigma**2).sum()
    np.testing.assert_allclose(view.plane.projection.explained, shares, rtol=1e-9)
    text = view.caption.text()
    assert f"{100 * shares.sum():.1f} % of the paths' variance" in text
    for d in view.plane.projection.max_distance:
        assert f"up to {d:.3g} off the plane" in text
    # the replay ends on every path's last point, the loss curves are the full-data losses
    view.show_step(t.steps)
    for item, coords in zip(view.plane_plot.paths, view.plane.projection.paths, strict=True):
        x, y = item.getData()
        np.testing.assert_array_equal(np.column_stack([x, y]), coords)
    for item, run in zip(view.loss_curves, t.runs, strict=True):
        np.testing.assert_array_equal(item.yData, np.maximum(run.loss, 1e-16))  # 60 steps: every point
    # the sharpness plot: 2/lr for gradient descent
    gd = [k for k, o in enumerate(s.optimizers) if o.id == "gd"]
    lines = {line.group: line for line in view._sharpness.lines}
    for k in gd:
        np.testing.assert_allclose(lines[k].values, 2 / s.optimizers[k].params["lr"], rtol=1e-14)
    # the chooser says so; another landscape puts the trained network away
    assert window.panel.landscape_combo.currentData() == TRAINED
    index = window.panel.landscape_combo.findData("booth")
    window.panel.landscape_combo.setCurrentIndex(index)
    window.panel._combo_chosen(index)
    assert window.session.scenario.training is None and not window.docks["training"].isVisible()


def test_a_new_setting_trains_again_and_the_newest_wins(window, qtbot):
    view = choose_trained(window, qtbot, steps=40)
    first = view.plane
    lr = float(window.session.optimizers[0].params.get("lr", 0.01)) * 0.5
    window.session.set_optimizer(0, params={**window.session.optimizers[0].params, "lr": lr})
    qtbot.waitUntil(lambda: view.plane is not None and view.plane is not first, timeout=60000)
    assert view.plane.training.runs[0].params["lr"] == pytest.approx(lr)
    qtbot.waitUntil(lambda: not view.computing, timeout=60000)


def test_the_training_form_edits_the_scenario(window, qtbot):
    view = choose_trained(window, qtbot, steps=30)
    view.editors["loss"].set_value("mse")
    view.editors["loss"].edited.emit("mse")
    assert window.session.scenario.training.loss == "mse"
    qtbot.waitUntil(
        lambda: view.plane is not None and view.plane.training.problem.loss_name == "mse", timeout=60000
    )
    from landscape_gui.core.scenario.files import dumps_scenario, loads_scenario

    assert (
        loads_scenario(dumps_scenario(window.session.scenario)).training == window.session.scenario.training
    )
