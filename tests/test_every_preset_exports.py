"""Every preset exports in every view from the command line (issue 22: the map and composite views of a
[basins] preset crashed), and the rules once copied across layers now agree."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from landscape_gui.core.scenario.presets import list_presets

PRESETS = [pid for pid, _ in list_presets()]
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb)")


@needs_display
@pytest.mark.parametrize("view", ["3d", "map", "composite"])
@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_exports_in_every_view_from_the_command_line(tmp_path, preset, view):
    out = tmp_path / "frames"
    r = subprocess.run(
        [sys.executable, "-m", "landscape_gui", "export", preset, "-o", str(out), "--size", "160x96",
         "--fps", "10", "--duration", "0.2", "--view", view],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    frames = [np.asarray(Image.open(p)) for p in sorted(out.glob("frame_*.png"))]
    assert len(frames) == 2 and all(f.shape == (96, 160, 3) and f.std() > 5 for f in frames)


def test_export_ranges_are_the_files_ranges():
    from landscape_gui.core.scenario.files import ScenarioError, loads_scenario
    from landscape_gui.core.scenario.model import ExportSettings
    from landscape_gui.export.exporter import export_settings
    from landscape_gui.export.writers import ExportError

    base = '[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0.0, 0.0]]\n'
    for orbit in (1e9, -36000.5):
        with pytest.raises(ScenarioError, match="orbit: expected a number in -36000 … 36000"):
            loads_scenario(base + f"[export]\norbit = {orbit}\n")
        with pytest.raises(ExportError, match="orbit: expected a number in -36000 … 36000"):
            export_settings(ExportSettings(), 100, orbit=orbit)
    assert export_settings(ExportSettings(), 100, orbit=36000.0).orbit == 36000.0
    assert loads_scenario(base + "[export]\norbit = 36000.0\n").export.orbit == 36000.0


def test_a_typed_formula_gets_the_verdict_a_scenario_formula_gets(tmp_path):
    """`critical --expr` and a scenario's `expr` go through the same killable formula check and deadline."""
    slow = "arccosh(tanh(((y - (x*pi*0.5)**(min(e,pi)))^2)^50))"
    scenario = tmp_path / "slow.toml"
    scenario.write_text(
        f'[landscape]\nexpr = "{slow}"\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0.1, 0.1]]\n', "utf-8"
    )
    cli = subprocess.run(
        [sys.executable, "-m", "landscape_gui", "critical", "--expr", slow],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    from_file = subprocess.run(
        [sys.executable, "-m", "landscape_gui", "trace", str(scenario)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert cli.returncode == from_file.returncode == 2
    verdict = "formula is too complex to differentiate in time (over 3 s)"
    assert verdict in cli.stderr and verdict in from_file.stderr
