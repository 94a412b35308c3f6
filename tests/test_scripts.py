"""The README's Quick start: scripts/run must set up and then start the app (here: its --help)."""

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
