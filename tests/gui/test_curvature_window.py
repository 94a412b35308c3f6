"""Curvature in the window (issue 26): the sharpness plot, the stable lr marked at the lr control, the
inspector's stable lr at a minimum, and the network's Hessian spectrum; numbers derived by hand."""

import numpy as np
import pytest


def test_too_large_a_step_in_the_window(window, qtbot):
    """x² + 10y²: Hessian diag(2, 20), GD stable for lr < 2/20 = 0.1; runs at 0.09 and 0.11."""
    assert window.files.open_preset("too-large-a-step")
    qtbot.waitUntil(window.settled, timeout=30000)
    window.step(25)
    qtbot.waitUntil(lambda: window.frame is not None and window.frame.step >= 25, timeout=20000)
    window._redraw()
    plot = window.plots.sharp_plot
    assert plot.isVisible()
    for curve in plot.curves[:2]:
        steps, lam = curve.getData()
        np.testing.assert_array_equal(steps, np.arange(26))
        np.testing.assert_allclose(lam, 20.0, rtol=1e-12)
    levels = sorted(float(line.getData()[1][0]) for line in plot.lines)
    assert levels == pytest.approx([2 / 0.11, 2 / 0.09], rel=1e-14)
    texts = [label.toPlainText() for label in plot.labels]
    assert texts == ["2/lr = 22.22 (lr 0.09): stable", "2/lr = 18.18 (lr 0.11): unstable"]
    # the lr control marks 2/λmax of the global minimum (found by the critical-point search: a typed formula)
    editor = window.panel.optimizer_panel.editor
    qtbot.waitUntil(lambda: editor.stable_lr is not None, timeout=30000)
    assert editor.stable_lr == pytest.approx(0.1, rel=1e-9)
    assert editor.stable_hint.isVisible() and "0.1" in editor.stable_hint.text()
    assert editor.sliders["lr"].mark == editor._to_slider(editor.optimizer.hyperparameters[0], 0.1)
    assert "below" in editor.stable_hint.text()  # the entry edited: lr 0.09
    editor.spins["lr"].setValue(0.11)
    assert "above" in editor.stable_hint.text()
    # the inspector at the minimum says it
    window.acts["inspect"].setChecked(True)
    window.inspector.inspect([0.0, 0.0], radius=0.05)
    assert "2/λmax = <b>0.1</b>" in window.inspector.label.text()
    # away from a minimum it says nothing of it
    window.inspector.inspect([1.0, 1.0], radius=0.0)
    assert "Stable learning rate" not in window.inspector.label.text()


def test_momentum_bound_at_a_known_global_minimum(window, qtbot):
    """booth: Hessian [[10, 8], [8, 10]] (λmax 18); momentum μ = 0.9 is stable for lr < 2·1.9/18."""
    window.session.set_landscape("booth")
    window.session.set_optimizer_enabled("momentum", True)
    panel = window.panel.optimizer_panel
    from PySide6.QtCore import Qt

    row = next(
        i
        for i in range(panel.list.count())
        if panel.list.item(i).data(Qt.ItemDataRole.UserRole) == "momentum"
    )
    panel.list.setCurrentRow(row)
    assert panel.editor.optimizer.id == "momentum"
    window.session.set_optimizer(panel.edited_index(), params={"lr": 0.01, "momentum": 0.9})
    qtbot.waitUntil(lambda: panel.editor.stable_lr is not None, timeout=10000)
    assert panel.editor.stable_lr == pytest.approx(2 * 1.9 / 18, rel=1e-9)


def test_the_network_landscapes_show_their_hessian_spectrum(window, qtbot):
    from tests.gui.test_data_views import switch

    spectrum = window.data.spectrum_plot
    tabs = window.data.tabs
    assert tabs.indexOf(spectrum) < 0
    switch(window, qtbot, "mlp_slice_eigen")
    assert tabs.tabText(tabs.indexOf(spectrum)) == "Hessian spectrum"
    tabs.setCurrentWidget(spectrum)
    assert spectrum.isVisible()
    x, ev = spectrum.dots.getData()
    assert len(ev) == 354 and np.all(np.diff(ev) >= 0)
    # the top two are the eigen-plane's Hessian at (0, 0)
    top = np.linalg.eigvalsh(window.session.landscape.hessian(np.zeros((1, 2)))[0])
    np.testing.assert_allclose(ev[-2:], top, rtol=1e-6)
    assert f"2/λmax = {2 / ev[-1]:.4g}" in spectrum.getPlotItem().titleLabel.text
    window.session.set_landscape("booth")
    assert tabs.indexOf(spectrum) < 0 and not spectrum.isVisible()
