"""The default camera shows the floor of a narrow valley (issue 24: momentum-speed and adam were seen side-on, the
near wall hiding the balls and the ★), keeps the usual view elsewhere, and a camera somebody moved stays."""

import math

import pytest

from landscape_gui.core.scenario.presets import load_preset


@pytest.fixture
def scene():
    from landscape_gui.drawing.qt_app import ensure_app
    from landscape_gui.drawing.surface_view import CachedGLView

    ensure_app()

    view = CachedGLView()
    yield view.scene3d
    view.close()


def test_a_narrow_valley_is_seen_over_its_near_wall(scene):
    # momentum-speed: J = x²/100 + 4y² on [-11, 11] × [-3, 3]; the box is 2 × 1 (aspect clipped to 1:2), heights
    # 0 … HEIGHT = 1 over J's range 0 … 1.21 + 36. From the floor's middle towards the camera (azimuth -62°) the
    # ray leaves the box through the wall y = -3 after 0.5 / sin 62° = 0.566, at x = 0.566 cos 62° · 11 = 2.93;
    # the wall's top there is (2.93²/100 + 36) / 37.21 = 0.9698 high: atan(0.9698 / 0.566) = 59.7°, + 3° spare.
    s = load_preset("momentum-speed")
    scene.set_landscape(s.build_landscape())
    d = 0.5 / math.sin(math.radians(62))
    x = d * math.cos(math.radians(62)) * 11
    wall = (x**2 / 100 + 36) / 37.21
    assert scene.camera()["elevation"] == pytest.approx(math.degrees(math.atan(wall / d)) + 3, abs=0.4)


@pytest.mark.parametrize("preset", ["rastrigin-restarts", "double-well", "saddle-escape"])
def test_hills_a_saddle_or_a_curve_keep_the_usual_view(scene, preset):
    scene.set_landscape(load_preset(preset).build_landscape())
    assert scene.camera()["elevation"] == 30.0


def test_a_camera_somebody_moved_stays_when_the_landscape_changes(scene):
    scene.set_landscape(load_preset("momentum-speed").build_landscape())
    scene.set_landscape(load_preset("double-well").build_landscape())
    assert scene.camera()["elevation"] == 30.0  # untouched: it followed the landscape's default
    scene.set_camera({"elevation": 45.0, "azimuth": 10.0})
    scene.set_landscape(load_preset("momentum-speed").build_landscape())
    assert (scene.camera()["elevation"], scene.camera()["azimuth"]) == (45.0, 10.0)


def test_export_camera_option_turns_the_view(tmp_path, capsys):
    import numpy as np
    from PIL import Image

    from landscape_gui.cli import main

    frames = {}
    for name, extra in (("default", []), ("overhead", ["--camera", "89,-90"])):
        out = tmp_path / name
        args = ["export", "momentum-speed", "-o", str(out), "--size", "160x90", "--fps", "1", "--duration", "1"]  # fmt: skip
        assert main(args + extra) == 0
        frames[name] = np.asarray(Image.open(next(out.iterdir())), dtype=int)
    changed = np.abs(frames["default"] - frames["overhead"]).sum(axis=2) > 30
    assert changed.mean() > 0.1  # a tenth of the frame differs: the surface seen from another place
    for bad in ("40", "100,3", "a,b", "30,20,0"):
        assert main(["export", "momentum-speed", "-o", str(tmp_path / "x"), "--camera", bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--camera" in err
    assert not (tmp_path / "x").exists()
