#!/usr/bin/env python3
"""Export speed: ``landscape-gui export`` against a matplotlib FuncAnimation script, whole process each.

Both render the Rosenbrock race preset at 1920×1080, 150 frames at 30 fps, to H.264 MP4 through the same
ffmpeg binary (imageio-ffmpeg's), in the same run, each as a fresh Python process (start-up, imports,
rendering and encoding all counted). Goal: landscape-gui at least 5× faster.

    benchmarks/bench_export.py            # under xvfb-run, or with no display (a private Xvfb starts)

On its first run it makes benchmarks/.venv-compare (the app and matplotlib), never touching the app's .venv.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, ["matplotlib"])

ROOT = Path(__file__).resolve().parent.parent
SIZE, FRAMES, FPS = "1920x1080", 150, 30


def timed(cmd: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return elapsed


def frames_of(path: Path) -> int:
    import imageio.v3 as iio

    return sum(1 for _ in iio.imiter(path, plugin="FFMPEG"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ours = [sys.executable, "-m", "landscape_gui", "export", "rosenbrock-race", "-o", str(tmp / "ours.mp4"),
                "--size", SIZE, "--fps", str(FPS), "--duration", str(FRAMES / FPS), "--force"]  # fmt: skip
        ref = [sys.executable, str(ROOT / "benchmarks" / "matplotlib_reference.py"), str(tmp / "matplotlib.mp4"),
               "--size", SIZE, "--frames", str(FRAMES), "--fps", str(FPS)]  # fmt: skip
        t_ours = timed(ours, ROOT)
        t_ref = timed(ref, ROOT)
        n_ours, n_ref = frames_of(tmp / "ours.mp4"), frames_of(tmp / "matplotlib.mp4")
    print(f"Rosenbrock race, {SIZE}, {FRAMES} frames, H.264 via imageio-ffmpeg's ffmpeg, whole process each")
    print(f"  landscape-gui export      {t_ours:7.1f} s   ({n_ours} frames, {n_ours / t_ours:5.1f} frames/s)")
    print(f"  matplotlib FuncAnimation  {t_ref:7.1f} s   ({n_ref} frames, {n_ref / t_ref:5.1f} frames/s)")
    print(f"  speed-up                  {t_ref / t_ours:7.1f}×   (goal ≥ 5×)")


if __name__ == "__main__":
    main()
