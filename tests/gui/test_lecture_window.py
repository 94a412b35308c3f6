"""Issue 13, the window's half: the lesson on screen, outcomes visible in 3D, view settings that behave, clicks
that place starts only on the surface, undefined formulas drawn with a gap, readable plots."""

import contextlib
import itertools
import subprocess
from dataclasses import replace

import numpy as np
import pyqtgraph.functions as fn
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox, QToolBar

from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.scenario.model import OptimizerSpec
from landscape_gui.core.scenario.presets import load_preset
from landscape_gui.drawing.rich_text import marks_html
from landscape_gui.drawing.scene import FLOOR


@pytest.fixture
def actions(window, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    window.files.warnings = warnings
    return window.files


def framebuffer(win) -> np.ndarray:
    img = win.surface.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    return fn.ndarray_from_qimage(img).copy().astype(int)


def wait_frame(window, qtbot, predicate, timeout=20000):
    """Until the frame drawn satisfies ``predicate`` (given its snapshot)."""
    qtbot.waitUntil(lambda: window.frame is not None and predicate(window.frame.snapshot), timeout=timeout)


def run_to_end(window, qtbot):
    """Play at full speed until every run has taken the scenario's steps or stopped (converged, diverged),
    and the last frame, panels included, is drawn."""
    window.session.set_view(fast=True)
    steps = window.session.scenario.steps

    def done():
        f = window.frame
        end = (
            f is not None
            and f.snapshot.runs
            and all(r.status != "running" or r.step >= steps for r in f.snapshot.runs)
        )
        if not end and not window.worker.worker.playing:
            window.play()  # (again, should a play have reached the worker before its new runs)
        return end

    qtbot.waitUntil(done, timeout=120000)
    qtbot.waitUntil(
        lambda: not window.worker.worker.playing and not window.frame.snapshot.playing, timeout=10000
    )


def set_formula(window, text, domain):
    """A formula typed, then its domain (as the control panel does)."""
    from landscape_gui.core.landscapes.formula_worker import build_formula

    window.session.set_landscape(build_formula(text), formula=text)
    window.session.set_domain(domain)


# -- 1. the lesson ------------------------------------------------------------------------------------------
def test_a_preset_shows_its_title_and_description_in_large_type(window, actions, qtbot):
    assert not window.stage.lesson.isVisible()  # no scenario yet: no banner
    assert actions.open_preset("saddle-escape")
    preset = load_preset("saddle-escape")
    lesson = window.stage.lesson
    assert lesson.isVisible() and lesson.body.isVisible()
    assert lesson.title.text() == preset.title
    assert lesson.body.text() == marks_html(" ".join(preset.description.split()))
    assert lesson.body.font().pointSizeF() >= 12 and lesson.title.font().pointSizeF() >= 15
    # on screen, above the 3D view, not cut: every line of it inside the window
    top_left = lesson.body.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(top_left)

    # every line of it shown, or (a long lesson: it takes at most a fifth of the window) reachable by its scroll
    # bar; the layout settles from posted events
    def readable():
        whole = lesson.body.visibleRegion().boundingRect().height() == lesson.body.height()
        bar = lesson.scroll.verticalScrollBar()
        return whole or (bar.isVisible() and bar.maximum() > 0)

    qtbot.waitUntil(readable)
    assert lesson.scroll.height() <= 0.2 * window.height() + 1
    assert window.windowTitle() == f"Landscape GUI — {preset.title}"
    lesson.fold.click()  # folds to the title line
    assert not lesson.body.isVisible() and lesson.title.isVisible()
    lesson.fold.click()
    assert lesson.body.isVisible()
    # another landscape: the lesson no longer describes the screen
    window.session.set_landscape("booth")
    assert not lesson.isVisible() and window.windowTitle() == "Landscape GUI — Booth"


def test_the_window_title_on_screen_names_the_app_once(window, actions, qtbot, qapp):
    from landscape_gui.drawing.qt_app import configure_app

    configure_app(qapp)  # as `landscape-gui` sets the application up
    actions.open_preset("double-well")
    expected = f"Landscape GUI — {load_preset('double-well').title}"

    def shown() -> str:
        out = subprocess.run(
            ["xprop", "-id", str(int(window.winId())), "_NET_WM_NAME"], capture_output=True, text=True
        ).stdout
        return out.split("=", 1)[-1].strip().strip('"')

    qtbot.waitUntil(lambda: shown() == expected, timeout=5000)  # not "… — Landscape GUI" appended again


# -- 2. outcomes visible in 3D ------------------------------------------------------------------------------
def test_a_ball_behind_a_hill_still_shows_through_and_the_best_run_is_ringed(window, qtbot):
    c, scene = window.session, window.scene3d
    set_formula(window, "2 - x**2 - y**2", [(-1, 1), (-1, 1)])  # a dome
    c.set_optimizers([OptimizerSpec("gd", {"lr": 1e-6})])  # the ball stays at its start
    c.set_starts([[0.0, 0.9]])  # on the far side of the dome
    c.set(highlight_best=True)
    scene.set_camera({"distance": 3.0, "elevation": 4.0, "azimuth": -90.0, "center": (0.0, 0.0, 0.3)})
    wait_frame(window, qtbot, lambda f: len(f.positions) == 1)
    window.step()
    wait_frame(window, qtbot, lambda f: f.steps[0] == 1)
    ball = scene.ball_item.pos[0]
    np.testing.assert_array_equal(scene.halos.halo.pos[0], ball)  # the halo sits on the ball
    x, y = window.surface.project(ball[None].astype(float))[0]
    ratio = window.surface.devicePixelRatioF()
    px, py = round(x * ratio), round(y * ratio)
    colour = np.array(window.frame.runs[0].color[:3])
    with_halo = framebuffer(window)[py, px]
    scene.halos.halo.setVisible(False)
    surface_only = framebuffer(window)[py, px]  # (grabbing renders the view again)
    scene.halos.halo.setVisible(True)
    # hidden by the dome without the halo; pulled halfway to the ball's colour with it
    assert np.abs(surface_only - colour).sum() > 100
    assert np.abs(with_halo - colour).sum() < 0.7 * np.abs(surface_only - colour).sum()


def test_random_restarts_ring_the_best_run_in_3d_and_mark_it_in_the_table(window, actions, qtbot):
    assert actions.open_preset("random-restarts")
    run_to_end(window, qtbot)
    best = window.frame.best
    assert best is not None
    ring = window.scene3d.halos.ring
    assert len(ring.pos) == 1
    np.testing.assert_allclose(ring.pos[0], window.scene3d.ball_item.pos[best])
    assert ring.size > window.scene3d.ball_item.size[best]  # a ring around the ball
    assert window.table.item(best, 5).text().startswith("★ best")


def test_a_run_that_leaves_the_domain_is_named_in_the_table_and_legend(window, qtbot, tmp_path):
    f = tmp_path / "narrow.toml"
    f.write_text(
        '[landscape]\nfunction = "saddle"\ndomain = [[-2.5, 2.5], [-0.5, 0.5]]\n'
        '[[optimizers]]\nid = "adam"\nlr = 0.05\n'
        "[run]\nstarts = [[-1.8, 0.01], [0.0, 0.0]]\nsteps = 150\n"
    )
    assert window.files.open_path(str(f))
    run_to_end(window, qtbot)
    outside = ~window.session.landscape.contains(window.frame.snapshot.positions)
    assert list(outside) == [True, False]  # the first escapes down the saddle, the second sits on it
    for row, out in enumerate(outside):
        assert ("domain" in window.table.item(row, 5).text()) == out
    # the legend names the run that left (one row per start: one optimizer from a few starts), as the export's
    # legend does (issue 22: the window said "1 left the domain" in a summary row, the export named the run)
    legend = window.stage.legend.text()
    assert "Adam (lr 0.05) from (-1.8, 0.01) — left the domain" in legend
    assert "Adam (lr 0.05) from (0, 0)<" in legend and legend.count("left the domain") == 1


# -- 3. view settings ---------------------------------------------------------------------------------------
def test_log_height_is_chosen_per_landscape_and_a_toggle_holds_for_that_landscape_only(
    window, actions, qtbot
):
    panel = window.panel

    def pick(lid):
        combo = panel.landscape_combo
        combo.setCurrentIndex(combo.findData(lid))
        combo.activated.emit(combo.currentIndex())

    assert actions.open_preset("sgd-noise")
    pick("rosenbrock")
    assert window.scene3d.log_height and window.acts["log_height"].isChecked()
    pick("two_wells")
    assert not window.scene3d.log_height and not window.acts["log_height"].isChecked()
    window.acts["log_height"].trigger()  # the user's toggle: log on two_wells
    assert window.scene3d.log_height and window.acts["log_height"].isChecked()
    pick("booth")
    assert window.session.view.log_height is None  # automatic
    pick("two_wells")
    assert window.scene3d.log_height  # remembered for two_wells


def test_opening_a_preset_keeps_the_light_theme_unless_the_file_sets_one(window, actions, tmp_path):
    window.session.set_view(theme="light")
    assert actions.open_preset("saddle-escape")
    assert window.session.view.theme == "light" and window.scene3d.theme == "light"
    assert window.current_scenario().view.theme == "light"  # what is saved and exported, too
    dark = tmp_path / "dark.toml"
    dark.write_text('[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0, 0]]\n'
                    '[view]\ntheme = "dark"\n')  # fmt: skip
    assert actions.open_path(dark)
    assert window.session.view.theme == "dark" and window.scene3d.theme == "dark"


def test_labels_show_the_values_in_use(window, actions, qtbot):
    from landscape_gui.export.render import FrameRenderer

    assert actions.open_preset("double-well")  # label "Gradient descent (lr 0.01)", 200 steps
    panel = window.panel
    steps = panel.run_editors["steps"]
    assert steps.value() == 200
    assert actions.open_preset("saddle-escape")
    assert steps.value() == 100  # the scenario's steps, not the 2000 of before
    assert actions.open_preset("double-well")
    legend = window.stage.legend
    # the preset's frame
    qtbot.waitUntil(lambda: "Gradient descent (lr 0.01)" in legend.text(), timeout=10000)
    opt = panel.optimizer_panel
    opt.list.setCurrentRow(0)
    opt.editor.spins["lr"].setValue(0.05)
    # the runs' frame, presented again (the preset's label named the lr it came with: it goes)
    qtbot.waitUntil(lambda: "Gradient descent (lr 0.05)" in legend.text(), timeout=10000)
    assert "lr 0.01" not in legend.text()
    assert optimizer_label(window.current_scenario().optimizers[0]) == "Gradient descent (lr 0.05)"
    # an optimizer ticked in the GUI: its name and lr, the same in the window and the export legend
    # (issue 22: the window said "Adam (lr 0.05)" where the video said "adam (lr=0.05)")
    item = opt.list.findItems("Adam", Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)
    scenario = window.current_scenario()
    assert optimizer_label(scenario.optimizers[-1]) == "Adam (lr 0.05)"
    qtbot.waitUntil(lambda: "Adam (lr 0.05)" in legend.text(), timeout=10000)
    export = FrameRenderer(replace(scenario, export=replace(scenario.export, size=(160, 96))))
    try:
        assert [r.label for r in export.describe(0).runs][-1] == "Adam (lr 0.05)"
        assert any(row.text.startswith("Adam (lr 0.05)") for row in export.describe(0).legend)
    finally:
        export.close()


# -- 4. clicks on the floor ---------------------------------------------------------------------------------
def test_a_click_on_the_floor_under_the_surface_adds_no_start(window, qtbot):
    view, scene = window.surface, window.scene3d
    scene.set_camera({"distance": 4.0, "elevation": 12.0, "azimuth": -90.0, "center": (0.0, 0.0, 0.0)})
    _, sy = scene.half_extent
    below = np.array([[0.3, -sy, FLOOR / 2]])  # on the front wall of the box, under the surface's edge
    assert scene.height(scene.to_domain(below[:, :2]))[0] > below[0, 2]
    x, y = view.project(below)[0]
    assert view.pick(x, y) is None
    n = len(window.session.starts)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))  # handled as it is sent
    assert len(window.session.starts) == n
    # a click on the surface's front edge, just above that point, still adds a start there
    target = scene.to_domain(np.array([[0.3, -0.95 * sy]]))
    xyz = np.column_stack([scene.to_scene(target), scene.height(target)])
    hit = view.pick(*view.project(xyz)[0])
    assert hit is not None and np.abs(hit - target[0]).max() < 0.05


# -- 5. formulas undefined over part of the domain ----------------------------------------------------------
def test_an_undefined_region_is_a_gap_with_a_note_and_refuses_starts(window, qtbot):
    c, scene = window.session, window.scene3d
    set_formula(window, "sqrt(x) + y**2", [(-2, 2), (-2, 2)])
    note = window.panel.formula_note
    assert note.isVisible() and "undefined" in note.text() and "x from -2 to" in note.text()
    # 3D: no surface over x < 0 (a hole, not a plateau at the top)
    mesh = scene.surface.opts["meshdata"]
    used = mesh.vertexes()[np.unique(mesh.faces())]
    x0 = scene.to_scene(np.array([[0.0, 0.0]]))[0, 0]
    assert used[:, 0].min() >= x0 - 0.03
    # map: transparent heatmap there, hatching visible
    image = window.map.image.image
    assert image[: image.shape[0] // 2 - 2, :, 3].max() == 0 and image[-1, :, 3].min() == 255
    assert window.map.undefined.isVisible() and not window.map.undefined.path().isEmpty()

    def click_map(x, y):
        m = window.map
        pixel = m.mapFromScene(m.plot_item.vb.mapViewToScene(QPointF(x, y)))
        qtbot.mouseClick(m.viewport(), Qt.MouseButton.LeftButton, pos=pixel)

    # a start there is refused, with the reason in the status bar
    n = len(c.starts)
    click_map(-1.0, 0.5)
    assert len(c.starts) == n
    assert "undefined" in window.statusBar().currentMessage()
    click_map(1.0, 0.5)
    assert len(c.starts) == n + 1
    # the default starts are moved to where J is defined
    assert np.isfinite(c.landscape.value(c.starts)).all()


# -- 6. plots -----------------------------------------------------------------------------------------------
def test_a_diverging_run_does_not_flatten_the_loss_plot_and_is_marked(window, qtbot):
    c = window.session
    c.set_landscape("booth")
    c.set_starts([[1.0, 1.0]])
    # the first diverges, the second descends
    c.set_optimizers([OptimizerSpec("gd", {"lr": 0.2}), OptimizerSpec("gd", {"lr": 0.01})])
    c.set(steps=60)
    run_to_end(window, qtbot)
    assert [r.status for r in window.frame.snapshot.runs][0] == "diverged"
    plot = window.plots.loss_plot.getPlotItem()
    plot.vb.autoRange()
    finite_max = np.nanmax(window.frame.snapshot.path_values[1])
    lo, hi = plot.vb.viewRange()[1]
    assert hi < 2 * finite_max, (hi, finite_max)  # not flattened by the 1e12 of the diverged run
    x, y = window.plots.diverged_marks.getData()
    assert len(x) == 1 and y[0] == pytest.approx(finite_max)


def test_the_gradient_plot_shows_step_zero_and_its_axis_lines_up_with_the_loss_plot(window, qtbot):
    c = window.session
    c.set_landscape("rosenbrock")
    c.set_optimizers([OptimizerSpec("gd", {"lr": 0.001})])
    c.set(steps=40)
    run_to_end(window, qtbot)
    loss, grad = window.plots.loss_plot.getPlotItem(), window.plots.grad_plot.getPlotItem()
    for p in (loss, grad):
        p.vb.autoRange()
    # the axes are laid out again from posted events: once they are, their widths agree
    qtbot.waitUntil(lambda: grad.getAxis("left").width() == loss.getAxis("left").width(), timeout=10000)
    lx = loss.vb.mapToScene(loss.vb.rect().topLeft()).x()
    gx = grad.vb.mapToScene(grad.vb.rect().topLeft()).x()
    assert (
        abs(window.plots.loss_plot.mapFromScene(lx, 0).x() - window.plots.grad_plot.mapFromScene(gx, 0).x())
        <= 1
    )
    assert grad.vb.viewRange()[0][0] <= 0.5  # step 0 is in view


def test_a_single_gradient_value_gives_decades_of_log_axis(window, qtbot):
    c = window.session
    c.set_optimizers([OptimizerSpec("gd", {"lr": 0.01})])
    c.set_starts([[1.0, 0.5]])
    wait_frame(window, qtbot, lambda f: len(f.positions) == 1)
    f = window.frame.snapshot
    window.plots.update_runs(f.history_steps, f.path_values, f.history_grad)
    grad = window.plots.grad_plot.getPlotItem()
    grad.vb.autoRange()
    lo, hi = grad.vb.viewRange()[1]
    # three decades: labels at powers of ten, not 0.7, 0.8, 0.9, 1, 2, … 10 on top of each other
    assert hi - lo >= 2.99
    assert_labels_apart(grad.getAxis("left"))


def assert_labels_apart(axis):
    """No two tick labels of ``axis`` overlap, as pyqtgraph lays them out for its current size."""
    from PySide6.QtGui import QPainter

    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    rects = [(r, t) for r, _, t in texts]
    assert rects
    for (a, ta), (b, tb) in itertools.pairwise(rects):
        assert not a.intersects(b), f"labels {ta!r} and {tb!r} overlap"


# -- 7. presentation mode -----------------------------------------------------------------------------------
def test_presentation_mode_scales_text_lines_and_balls(window, qtbot, qapp):
    from PySide6.QtTest import QTest

    scene, plots = window.scene3d, window.plots
    wait_frame(window, qtbot, lambda f: len(f.positions) > 0)
    base_font = qapp.font().pointSizeF()
    ball = scene.ball_item.size
    ball = float(np.max(ball)) if np.ndim(ball) else float(ball)
    tick = plots.loss_plot.getAxis("left").style["tickFont"]
    assert tick is not None
    base_tick = tick.pointSizeF()
    base_pen = plots.loss_curves[0].opts["pen"].widthF()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_F5)  # the shortcut: 150 %
    assert window.acts["presentation"].isChecked() and window.presentation.scale == 1.5
    window.step()
    wait_frame(window, qtbot, lambda f: f.steps.min() >= 1)
    assert qapp.font().pointSizeF() == pytest.approx(1.5 * base_font)
    assert float(np.max(scene.ball_item.size)) == pytest.approx(1.5 * ball)
    assert scene.trail_item.width == pytest.approx(1.5 * 2.5)
    assert plots.loss_plot.getAxis("left").style["tickFont"].pointSizeF() == pytest.approx(1.5 * base_tick)
    assert plots.loss_curves[0].opts["pen"].widthF() == pytest.approx(1.5 * base_pen)
    # the legend grows half as much as the rest (issue 24: at 150 % on 1366×768 it covered the 3D view)
    assert f"font-size: {10 * 1.25:.0f}pt" in window.stage.legend.styleSheet()
    window.acts["presentation_200"].trigger()
    assert qapp.font().pointSizeF() == pytest.approx(2 * base_font)
    QTest.keyClick(window, Qt.Key.Key_F5)  # off again
    assert qapp.font().pointSizeF() == pytest.approx(base_font)
    assert scene.trail_item.width == pytest.approx(2.5)


# -- 8. layout on projector and laptop screens --------------------------------------------------------------
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_the_essential_controls_fit_without_scrolling(window, qtbot, size, optimizer):
    """Landscape chooser, optimizer list, the selected optimizer's hyperparameters and Play, all in view."""
    window.resize(*size)
    window.session.set_optimizers([OptimizerSpec(optimizer, {})])
    opt = window.panel.optimizer_panel
    ids = [opt.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(opt.list.count())]
    opt.list.setCurrentRow(ids.index(optimizer))
    qtbot.waitUntil(lambda: window.width() == size[0] and window.height() == size[1], timeout=10000)
    assert window.panel.verticalScrollBar().value() == 0  # as the window opens: nothing scrolled
    toolbar = next(t for t in window.findChildren(QToolBar) if t.objectName() == "toolbar_run")
    widgets = {
        "landscape chooser": window.panel.landscape_combo,
        "optimizer list": opt.list,
        "Play": toolbar.widgetForAction(window.acts["play"]),
        **{f"{optimizer} {name}": spin for name, spin in opt.editor.spins.items()},
        **{f"{optimizer} {name}": check for name, check in opt.editor.checks.items()},
    }

    def in_view(w) -> bool:
        corner = w.mapTo(window, QPoint(w.width(), w.height()))
        shown = w.visibleRegion().boundingRect()
        return w.isVisible() and shown.size() == w.size() and window.rect().contains(corner - QPoint(1, 1))

    # the docks are laid out again from posted events: wait until they are, then say what is cut
    with contextlib.suppress(qtbot.TimeoutError):  # the assertions below say which is cut
        qtbot.waitUntil(lambda: all(in_view(w) for w in widgets.values()), timeout=10000)
    for name, w in widgets.items():
        assert w.isVisible(), name
        shown = w.visibleRegion().boundingRect()
        assert shown.size() == w.size(), f"{name}: only {shown.size()} of {w.size()} in view at {size}"
        corner = w.mapTo(window, QPoint(w.width(), w.height()))
        assert window.rect().contains(corner - QPoint(1, 1)), f"{name} ends outside the window at {size}"
    assert window.panel.verticalScrollBar().value() == 0


def test_a_preset_selects_one_of_its_optimizers_so_its_hyperparameters_show(window, actions):
    window.panel.optimizer_panel.list.setCurrentRow(0)  # gradient descent
    assert actions.open_preset("newton-saddle")  # Newton and saddle-free Newton only
    opt = window.panel.optimizer_panel
    assert opt.list.currentItem().data(Qt.ItemDataRole.UserRole) == "newton"
    assert opt.editor is not None and "lr" in opt.editor.spins
    assert opt.editor.spins["lr"].value() == 0.5
