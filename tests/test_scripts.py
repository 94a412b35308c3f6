"""The README's Quick start: scripts/run must set up and then start the app (here: its --help)."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_scripts_run_sets_up_and_starts_the_app():
    out = subprocess.run(
        ["bash", "scripts/run", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage: landscape-gui" in out.stdout
    assert (ROOT / ".venv" / ".installed").exists()


def test_scripts_run_reads_and_writes_in_the_callers_folder(tmp_path):
    from landscape_gui import resources_dir

    (tmp_path / "mydemo.toml").write_text((resources_dir() / "presets" / "saddle-escape.toml").read_text())
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run"), "trace", "mydemo.toml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["title"] == "Escaping a saddle point"
