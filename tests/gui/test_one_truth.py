"""One truth for every frame (issue 22): the window and the exporter describe the same moment the same way.

The window's frame (the presenter's description of its worker's snapshot) and the exporter's (the presenter's
description of its own simulation at the same step) must be equal: the runs' labels, colours, opacities,
rings and statuses, the legend rows, the glyphs and their scales, the step caption, the basins' colours and
shares, and the numbers themselves. Every preset at several steps, and the cases the two once disagreed on:
random restarts with tied losses, basins shown, an lr edit, diverged runs.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from landscape_gui.core.scenario.model import ExportSettings, LandscapeSpec, OptimizerSpec, Scenario
from landscape_gui.core.scenario.presets import list_presets

PRESETS = [pid for pid, _ in list_presets()]


def content(frame) -> dict:
    """Everything a frame shows, in plain values a test compares with ``==``."""
    snap = frame.snapshot
    return {
        "step": frame.step,
        "runs": frame.runs,
        "best": frame.best,
        "legend": frame.legend,
        "caption": frame.caption,
        "glyphs": {
            k: (g.scale, g.runs.tolist(), g.starts.tolist(), g.vectors.tolist())
            for k, g in frame.glyphs.items()
        },
        "basins": None if frame.basins is None else (frame.basins.rows, frame.basins.rgba.tobytes()),
        "positions": snap.positions.tolist(),
        "values": snap.values.tolist(),
        "statuses": [r.status for r in snap.runs],
        "paths": [p.tolist() for p in snap.paths],
    }


def disagreements(a: dict, b: dict) -> list[str]:
    return [f"{k}: window {a[k]!r:.300} != export {b[k]!r:.300}" for k in a if a[k] != b[k]]


def exporter(window):
    """An exporter of the window's session: frame k shows step k, the first run's caption in its overlays."""
    from landscape_gui.export.render import FrameRenderer

    s = window.current_scenario()
    export = ExportSettings(size=(160, 96), steps_per_frame=1, overlays=("title", "legend", "step_caption"))
    return FrameRenderer(s, export, landscape=window.session.landscape)


def step_window(qtbot, window, target: int) -> int:
    """Step the window's runs to ``target`` (or as far as they go: runs that all converged stop); the step."""
    done = window.frame.step
    if target > done:
        serial = window.frame.snapshot.serial
        window.step(target - done)  # the worker steps, then sends one snapshot
        qtbot.waitUntil(lambda: window.frame.snapshot.serial > serial, timeout=60000)
    return window.frame.step


def settle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.frame is not None, timeout=60000)
    qtbot.waitUntil(window.settled, timeout=120000)
    window._redraw()


def compare(qtbot, window, steps) -> None:
    """The window's and the exporter's frames at each of ``steps`` (increasing) are equal."""
    window.session.set_view(step_caption=True)  # the export's caption overlay: the first run's
    window.table.clearSelection()
    qtbot.waitUntil(
        lambda: window.frame is not None and window.frame.snapshot.caption_run == 0, timeout=60000
    )
    settle(qtbot, window)
    renderer = exporter(window)
    try:
        for target in steps:
            k = step_window(qtbot, window, target)
            settle(qtbot, window)
            ours = content(window.frame)
            theirs = content(renderer.describe(k))
            assert disagreements(ours, theirs) == [], f"step {k}"
    finally:
        renderer.close()


@pytest.mark.parametrize("preset", PRESETS)
def test_window_and_export_show_every_preset_alike(qtbot, window, preset):
    assert window.files.open_preset(preset)
    steps = window.session.scenario.steps
    compare(qtbot, window, sorted({1, steps // 3, steps}))


def test_random_restarts_with_tied_losses_ring_the_run_the_summary_names(qtbot, window):
    window.session.set_landscape("himmelblau")
    window.session.set_optimizers([OptimizerSpec("gd", {"lr": 0.01})])
    window.session.set(steps=300)
    window.restarts.start(30, 3)
    qtbot.waitUntil(lambda: bool(window.restarts.summaries) and not window.restarts.computing, timeout=120000)
    compare(qtbot, window, [50, 300])
    # every run ends at a minimum of 0 (losses 1e-20 … 1e-30 by chance): a tie the same rule breaks alike
    assert window.frame.best == window.restarts.summaries[0].best()
    assert "best run" in window.restarts.panel.blocks[0][0].text()


def test_basins_shown_are_the_exported_basins(qtbot, window):
    assert window.files.open_preset("himmelblau-basins")
    # its map, then the map of the optimizer it compares with ([basins] compare = 1: momentum)
    qtbot.waitUntil(
        lambda: window.basins.shown is not None and window.basins.compared is not None, timeout=120000
    )
    compare(qtbot, window, [0, 100])
    rows = [r.text for r in window.frame.basins.rows]
    assert rows[-2].startswith("global minimum reached") and rows[-1].startswith("darker, 18.0 %: Momentum")


def test_an_lr_edit_is_in_both_frames(qtbot, window):
    assert window.files.open_preset("saddle-escape")
    window.session.set_optimizer(0, params={"lr": 0.1})  # GD escapes too at momentum's effective lr
    assert window.frame is None or window.frame.runs[0].label == "Gradient descent (lr 0.1)"
    compare(qtbot, window, [20, 100])
    assert window.frame.runs[0].label == "Gradient descent (lr 0.1)"  # the preset's label no longer true


def test_diverged_runs_are_never_the_best_in_either(qtbot, window):
    s = Scenario(
        LandscapeSpec("saddle"),
        (OptimizerSpec("gd", {"lr": 0.6}),),
        ((-1.0, 0.001), (0.5, 1.0), (1.0, 0.0)),  # off the ridge y = 0 GD at lr 0.6 diverges
        steps=40,
        highlight_best=True,
    )
    assert window.files.apply(s)
    compare(qtbot, window, [5, 40])
    frame = window.frame
    diverged = [r.status == "diverged" for r in frame.snapshot.runs]
    assert sum(diverged) == 2 and frame.best is not None and not diverged[frame.best]
    assert [look.opacity < 1 for look in frame.runs] == [k != frame.best for k in range(3)]


def test_the_runs_table_names_runs_as_the_legend_does(qtbot, window):
    """warmup-cosine races four SGD runs: the table said "SGD (noisy gradients)" four times, ignoring labels."""
    assert window.files.open_preset("warmup-cosine")
    window.step(5)
    qtbot.waitUntil(lambda: window.frame is not None and window.table.rowCount() == 4, timeout=60000)
    names = [window.table.item(r, 0).text() for r in range(4)]
    assert names == [o.label for o in window.session.optimizers] and len(set(names)) == 4
    assert all(row.text.startswith(name) for row, name in zip(window.frame.legend, names, strict=False))


def test_a_restored_session_keeps_the_lesson_and_the_labels(qtbot, tmp_path):
    from landscape_gui.gui.main_window import MainWindow

    first = MainWindow()  # the window fixture's QSettings path: this test's tmp_path
    qtbot.addWidget(first)
    assert first.files.open_preset("warmup-cosine")
    before = first.current_scenario()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    try:
        after = second.session.scenario
        assert (after.title, after.description) == (before.title, before.description) != ("", "")
        assert [o.label for o in after.optimizers] == [o.label for o in before.optimizers]
        assert after == replace(before, view=replace(before.view, camera=after.view.camera))
        assert second.stage.lesson.title.text() == before.title
    finally:
        second.close()


@pytest.fixture
def no_message_boxes(monkeypatch):
    """The dialogs' message boxes recorded instead of shown (a modal box would wait for a click)."""
    from PySide6.QtWidgets import QMessageBox

    said = []
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, k=kind, **_: said.append((k, a[1], a[2])))
    return said


@pytest.mark.parametrize("view", ["3d", "map", "composite"])
def test_every_preset_exports_in_every_view_from_the_dialog(qtbot, window, tmp_path, view, no_message_boxes):
    from landscape_gui.gui.export_dialog import ExportDialog

    trained = window.training_view.trained_for
    for preset in PRESETS:
        assert window.files.open_preset(preset)
        if window.current_scenario().training is not None:  # the dock's training, finished, is what exports
            qtbot.waitUntil(lambda: trained(window.current_scenario()) is not None, timeout=300000)
        dialog = ExportDialog(
            window.current_scenario(),
            window,
            folder=tmp_path,
            landscape=window.session.landscape,
            trained=trained,
        )
        dialog.view.setCurrentIndex(dialog.view.findData(view))
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("png"))
        dialog.res.setCurrentIndex(dialog.res.count() - 1)  # custom
        dialog.w.setValue(160)
        dialog.h.setValue(96)
        dialog.by_steps.setChecked(True)
        dialog.spf.setValue(max(1, window.session.scenario.steps))
        dialog.out.setText(str(tmp_path / f"{preset}-{view}"))
        with qtbot.waitSignal(dialog.exported, timeout=120000) as written:
            dialog.start()
        assert len(list(written.args[0].glob("frame_*.png"))) == 2, preset
    assert [k for k, *_ in no_message_boxes] == ["information"] * len(PRESETS)


def test_a_trained_network_not_finished_in_its_dock_is_not_trained_on_the_windows_thread(
    qtbot, window, tmp_path, no_message_boxes
):
    from landscape_gui.gui.export_dialog import ExportDialog

    assert window.files.open_preset("edge-of-stability")
    dialog = ExportDialog(
        window.current_scenario(), window, folder=tmp_path, landscape=window.session.landscape,
        trained=lambda scenario: None,  # the dock is still training
    )  # fmt: skip
    with qtbot.waitSignal(dialog.failed, timeout=60000) as failed:
        dialog.start()
    assert "not ready" in failed.args[0] and dialog.job is None


def test_a_failing_export_from_the_dialog_says_why_in_the_window(qtbot, window, tmp_path, no_message_boxes):
    from landscape_gui.gui.export_dialog import ExportDialog

    dialog = ExportDialog(
        window.current_scenario(), window, folder=tmp_path, landscape=window.session.landscape
    )
    dialog.out.setText(str(tmp_path / "no such folder" / "clip.mp4"))
    with qtbot.waitSignal(dialog.failed, timeout=60000) as failed:
        dialog.start()
    assert "no such folder" in failed.args[0] and "\n" not in failed.args[0]
    assert no_message_boxes == [("warning", "Cannot export", failed.args[0])]
