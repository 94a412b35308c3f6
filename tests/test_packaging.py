"""The desktop program's files: the .desktop entry and AppStream metainfo pass their standard validators,
the icon's PNGs exist at every size and still match the SVG, the window uses them, and the bundle script
is ready to run (building the bundle itself takes minutes: packaging/build-bundle, by hand)."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from landscape_gui import resources_dir

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = resources_dir() / "desktop" / "landscape-gui.desktop"
METAINFO = next((resources_dir() / "desktop").glob("*.metainfo.xml"))
sys.path.insert(0, str(PACKAGING))

from render_icons import SIZES, png_path, render  # noqa: E402


def _validator(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        package = "desktop-file-utils" if "desktop" in name else "appstream"
        pytest.skip(f"{name} is not installed (Debian: {package}; scripts/setup.sh --test installs it)")
    return path


def test_desktop_entry_passes_desktop_file_validate():
    out = subprocess.run([_validator("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "error" not in out.stdout.lower() and "warning" not in out.stdout.lower(), out.stdout


def test_metainfo_passes_appstreamcli_validate():
    cmd = [_validator("appstreamcli"), "validate", "--no-net", str(METAINFO)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_desktop_entry_and_metainfo_agree():
    text = DESKTOP.read_text("utf-8")
    meta = METAINFO.read_text("utf-8")
    assert "Exec=landscape-gui %f" in text and "Icon=landscape-gui" in text
    assert f'<launchable type="desktop-id">{DESKTOP.name}</launchable>' in meta
    assert "<binary>landscape-gui</binary>" in meta
    assert (resources_dir() / "icons" / "landscape-gui.svg").is_file()


@pytest.mark.parametrize("size", SIZES)
def test_icon_png_exists_at_each_size_and_matches_the_svg(qapp, size):
    from PySide6.QtGui import QImage

    path = png_path(size)
    assert path.is_file(), f"{path} missing: run packaging/render_icons.py"
    committed = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    assert (committed.width(), committed.height()) == (size, size)
    fresh = render(size).convertToFormat(QImage.Format.Format_RGBA8888)

    def pixels(img):
        return np.frombuffer(img.constBits(), np.uint8)[: size * size * 4].astype(int)

    diff = np.abs(pixels(committed) - pixels(fresh))
    assert diff.mean() < 2.0, (
        f"{path.name} ({size}px) no longer matches the SVG: run packaging/render_icons.py"
    )


def test_the_window_icon_has_every_size(qapp):
    from landscape_gui.drawing.qt_app import app_icon

    sizes = {s.width() for s in app_icon().availableSizes()}
    assert set(SIZES) <= sizes


def test_bundle_script_is_ready_to_run():
    script = PACKAGING / "build-bundle"
    assert script.stat().st_mode & 0o100 and script.read_text().startswith("#!")
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "one-folder" in out.stdout, out.stderr
    spec = (PACKAGING / "landscape-gui.spec").read_text()
    assert "resources" in spec and '"licenses"' in spec
    for name in ("GPL-3.0.txt", "LGPL-3.0.txt", "THIRD-PARTY.md"):
        assert (PACKAGING / "licenses" / name).is_file()
