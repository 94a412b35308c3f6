"""The app installs like any Python program: a wheel built from the clone, installed into a fresh virtual
environment outside it, gives a working ``landscape-gui`` and ``python -m landscape_gui`` from any folder,
with the presets and icons inside the installed package.

Nothing is downloaded: the wheel is built with this environment's setuptools (``--no-build-isolation``)
from a copy of the sources in ``tmp_path`` (a build writes ``build/`` and ``*.egg-info`` beside the
sources, never into the clone), and installed with ``--no-deps``; the new environment sees this one's
packages (numpy, PySide6 ...) through a path file, whose folder's own ``.pth`` files (this checkout's
editable install among them) Python does not run, so ``landscape_gui`` comes from the wheel alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted(p.stem for p in (ROOT / "landscape_gui" / "resources" / "presets").glob("*.toml"))


def _run(args, cwd: Path, env: dict, timeout: float = 180) -> subprocess.CompletedProcess:
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(map(str, args))}:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv holding only the wheel, a folder outside the clone, its environment)."""
    tmp = tmp_path_factory.mktemp("install")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(XDG_CONFIG_HOME=str(tmp / "config"), XDG_CACHE_HOME=str(tmp / "cache"), HOME=str(tmp / "home"))
    env["PIP_NO_INDEX"] = "1"  # nothing is downloaded: a missing build requirement fails here, loudly

    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "landscape_gui", src / "landscape_gui", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    wheels = tmp / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, src],
        tmp,
        env,
    )
    (wheel,) = wheels.glob("landscape_gui-*.whl")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp, env)
    bin_dir = venv / "bin"
    _run([bin_dir / "python", "-m", "pip", "install", "--no-deps", "-q", wheel], tmp, env)
    site = _run(
        [bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp, env
    )
    (Path(site.stdout.strip()) / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return bin_dir, elsewhere, env


def test_the_package_comes_from_the_wheel(installed):
    bin_dir, cwd, env = installed
    out = _run(
        [bin_dir / "python", "-c", "import landscape_gui; print(landscape_gui.resources_dir())"], cwd, env
    )
    where = Path(out.stdout.strip())
    assert where.is_relative_to(bin_dir.parent) and not where.is_relative_to(ROOT), where
    assert (where / "icons" / "landscape-gui.svg").is_file()
    assert (where / "desktop" / "landscape-gui.desktop").is_file()


def test_presets_lists_every_preset(installed):
    bin_dir, cwd, env = installed
    out = _run([bin_dir / "landscape-gui", "presets"], cwd, env)
    listed = sorted(line.split()[0] for line in out.stdout.splitlines() if line.strip())
    assert listed == PRESETS and len(PRESETS) >= 13


def test_help_and_python_dash_m(installed):
    bin_dir, cwd, env = installed
    for cmd in ([bin_dir / "landscape-gui", "--help"], [bin_dir / "python", "-m", "landscape_gui", "--help"]):
        out = _run(cmd, cwd, env)
        assert "usage: landscape-gui" in out.stdout


def test_a_headless_export_of_a_preset(installed):
    bin_dir, cwd, env = installed
    out = cwd / "x.gif"
    _run(
        [
            bin_dir / "landscape-gui",
            "export",
            "sgd-noise",
            "-o",
            "x.gif",
            "--size",
            "160x90",
            "--duration",
            "0.2",
        ],
        cwd,
        env,
    )
    from PIL import Image

    with Image.open(out) as gif:
        assert gif.size == (160, 90) and gif.n_frames >= 2
