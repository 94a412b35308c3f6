"""Headless export of the lecture presets (OpenGL under Xvfb via pytest-xvfb): read back, deterministic, CLI."""

import os
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from landscape_gui import resources_dir
from landscape_gui.core.scenario.presets import LECTURE_ORDER, load_preset
from landscape_gui.export.writers import ExportCancelled

pytestmark = pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb gives one)"
)

SIZE, FPS, DURATION = (320, 240), 10, 1.0


@pytest.fixture(scope="module")
def qapp_gl():
    from landscape_gui.drawing.qt_app import ensure_app

    return ensure_app()


def read(path: Path) -> np.ndarray:
    return iio.imread(path, index=None, plugin="pillow" if path.suffix == ".gif" else "FFMPEG")[..., :3]


@pytest.mark.parametrize("preset_id", LECTURE_ORDER)
def test_each_preset_exports_to_mp4_and_gif(tmp_path, qapp_gl, preset_id):
    from landscape_gui.export.exporter import export_scenario

    scenario = load_preset(preset_id)
    for ext in ("mp4", "gif"):
        out = tmp_path / f"{preset_id}.{ext}"
        seen: list[int] = []
        export_scenario(
            scenario, out, size=SIZE, fps=FPS, duration=DURATION, progress=lambda d, t, s=seen: s.append(d)
        )
        frames = read(out)
        assert frames.shape == (FPS * DURATION, SIZE[1], SIZE[0], 3), ext
        assert seen[-1] == FPS * DURATION
        assert all(f.std() > 10 for f in frames), "a blank frame"  # never one flat colour
        changes = [
            np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(frames, frames[1:], strict=False)
        ]
        assert sum(c > 0.01 for c in changes) >= len(changes) - 1, "frames do not change over time"
        assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 0.2
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{preset_id}.gif", f"{preset_id}.mp4"]


def test_same_scenario_gives_the_same_frames(tmp_path, qapp_gl):
    from landscape_gui.export.exporter import export_scenario

    s = load_preset("sgd-noise")  # noise: seeded, so still deterministic
    a = export_scenario(s, tmp_path / "a", size=(200, 120), fps=5, duration=1, orbit=90)
    b = export_scenario(s, tmp_path / "b", size=(200, 120), fps=5, duration=1, orbit=90)
    names = sorted(p.name for p in a.iterdir())
    assert names == [f"frame_{i:05d}.png" for i in range(5)]
    for n in names:
        assert np.array_equal(np.asarray(Image.open(a / n)), np.asarray(Image.open(b / n)))
    first, last = (np.asarray(Image.open(a / n)) for n in (names[0], names[-1]))
    assert not np.array_equal(first, last)


def test_png_frames_are_exactly_the_rendered_frames(tmp_path, qapp_gl):
    """The frames go to the encoder without copies, while the next ones are drawn: none may be overwritten."""
    from landscape_gui.export.exporter import export_scenario, export_settings
    from landscape_gui.export.render import FrameRenderer

    s = load_preset("rosenbrock-race")  # a fixed camera: most rows repeat from frame to frame
    settings = {"size": (480, 270), "fps": 12, "duration": 1.5}
    out = export_scenario(s, tmp_path / "f", **settings)
    r = FrameRenderer(s, export_settings(s.export, s.steps, **settings))
    try:
        for k in range(r.total):
            assert np.array_equal(np.asarray(Image.open(out / f"frame_{k:05d}.png")), r.render(k)), k
    finally:
        r.close()


def test_exact_size_whatever_the_screen(tmp_path, qapp_gl):
    from landscape_gui.export.exporter import export_image

    out = export_image(load_preset("double-well"), tmp_path / "big.png", (2560, 1440))
    assert Image.open(out).size == (2560, 1440)
    out = export_image(load_preset("double-well"), tmp_path / "odd.png", (333, 211), step=0)
    assert Image.open(out).size == (333, 211)


def test_cancel_mid_export_leaves_nothing(tmp_path, qapp_gl):
    from landscape_gui.export.exporter import export_scenario

    calls = []

    def cancel():
        calls.append(1)
        return len(calls) >= 4

    for name in ("c.mp4", "c.gif", "frames"):
        calls.clear()
        with pytest.raises(ExportCancelled):
            export_scenario(
                load_preset("double-well"), tmp_path / name, size=SIZE, fps=FPS, duration=2, cancel=cancel
            )
    assert list(tmp_path.iterdir()) == []


def run_cli(*args, cwd):
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "landscape_gui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_cli_export_and_force(tmp_path):
    r = run_cli("export", "double-well", "-o", "dw.gif", "--size", "160x120", "--fps", "8", "--duration", "0.5",
                cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("wrote dw.gif") and r.stderr == ""
    assert read(tmp_path / "dw.gif").shape == (4, 120, 160, 3)
    r = run_cli("export", "double-well", "-o", "dw.gif", "--size", "160x120", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().endswith(
        "dw.gif already exists (use --force to overwrite it)"
    )
    assert len(r.stderr.strip().splitlines()) == 1
    scenario = resources_dir() / "presets" / "saddle-escape.toml"
    r = run_cli("export", str(scenario), "-o", "dw.gif", "--size", "160x120", "--fps", "5", "--duration", "1",
                "--orbit", "45", "--force", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert read(tmp_path / "dw.gif").shape == (5, 120, 160, 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "nope", "-o", "x.mp4"], "unknown preset 'nope'"),
        (["export", "double-well", "-o", "x.avi"], "unknown output format '.avi'"),
        (["export", "double-well", "-o", "x.mp4", "--size", "big"], "--size big: expected WIDTHxHEIGHT"),
        (["export", "double-well", "-o", "x.mp4", "--size", "321x240"], "even width and height"),
        (["export", "double-well", "-o", "x.mp4", "--fps", "0"], "--fps 0: expected an integer in 1 … 120"),
        (
            ["export", "double-well", "-o", "x.mp4", "--duration", "-1"],
            "--duration -1: expected a number in 0 … 3600",
        ),
        (
            ["export", "double-well", "-o", "x.mp4", "--view", "mapp"],
            "--view mapp: unknown value \"mapp\" (did you mean 'map'?)",
        ),
        (["export", "double-well", "-o", "nodir/x.mp4"], "does not exist"),
        (["export", "missing.toml", "-o", "x.mp4"], "missing.toml: cannot read"),
        (["export", "double-well"], "required: -o/--output"),
    ],
)
def test_cli_export_bad_arguments_one_line(tmp_path, args, message):
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_without_display_or_xvfb_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PATH"] = str(tmp_path)  # no Xvfb on it
    r = subprocess.run(
        [sys.executable, "-m", "landscape_gui", "export", "double-well", "-o", "x.gif"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2
    assert (
        r.stderr.strip()
        == "landscape-gui: error: no display: run it under xvfb-run (apt-get install xvfb), or install Xvfb"
    )


def test_presets_command_lists_id_then_title():
    r = subprocess.run(
        [sys.executable, "-m", "landscape_gui", "presets"], capture_output=True, text=True, timeout=60
    )
    rows = [line.split("\t") for line in r.stdout.strip().splitlines()]
    assert [row[0] for row in rows] == list(LECTURE_ORDER)
    assert all(len(row) == 2 and row[1] for row in rows)
