#!/usr/bin/env python3
"""Export speed, whole processes side by side in one run: ``landscape-gui export`` against manim Community
Edition and a matplotlib ``FuncAnimation`` script, and our own views and formats against each other.

Every contender makes the same 1920×1080, 30 fps, 5-second clip (150 frames) of the Rosenbrock race, each as
a fresh process (start-up, imports, rendering and encoding all counted):

- ``landscape-gui export rosenbrock-race -o x.mp4 --size 1920x1080 --fps 30 --duration 5`` (the 3D view),
  the same to a folder of PNG frames, and the same MP4 with ``--view map`` and ``--view composite``;
- manim CE (``manim_reference.py``): the surface at 48×48 patches, log height, the five paths traced with
  ``Create`` over 5 s, ``manim render --resolution 1920,1080 --frame_rate 30 --disable_caching -q h``;
- matplotlib (``matplotlib_reference.py``): the approach of the popular optimizer-animation scripts.

The baselines run in their own environment, ``benchmarks/.venv-manim`` (git-ignored), which this script makes
on its first run: on Debian, manim's ``manimpango`` builds from source and needs ``libpango1.0-dev pkg-config
libcairo2-dev`` (installed with apt-get when running as root; otherwise it says what to install), then
``pip install manim matplotlib imageio-ffmpeg``. The optimizer paths are computed here with the app's
simulation and handed to both baselines as JSON, so all three draw the same paths.

Rounds alternate the contenders (so a busy machine slows them alike) and the medians are compared with the
goals: ≥ 2× faster than manim, ≥ 5× faster than matplotlib, PNG frames within 1.2× of MP4, map and composite
views no slower than the 3D view.

    python benchmarks/bench_export_vs_manim.py [--rounds 3] [--skip-matplotlib]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "benchmarks" / ".venv-manim"
APT = ("libpango1.0-dev", "pkg-config", "libcairo2-dev")
SIZE, FPS, SECONDS = (1920, 1080), 30, 5


def baseline_env() -> Path:
    """The baselines' Python, after making their environment if it is not there yet."""
    python = VENV / "bin" / "python"
    ok = (
        python.exists()
        and subprocess.run(
            [str(python), "-c", "import manim, matplotlib, imageio_ffmpeg"], capture_output=True
        ).returncode
        == 0
    )
    if ok:
        return python
    if sys.platform.startswith("linux") and shutil.which("dpkg-query"):
        missing = [p for p in APT if subprocess.run(["dpkg-query", "-W", p], capture_output=True).returncode]
        if missing:
            if os.geteuid() != 0:
                sys.exit(f"manim needs: sudo apt-get install {' '.join(missing)} (then run this again)")
            print(f"apt-get install {' '.join(missing)} …", flush=True)
            subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *missing], check=True)
    print(f"making {VENV.relative_to(ROOT)} (manim, matplotlib, imageio-ffmpeg) …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "manim", "matplotlib", "imageio-ffmpeg"], check=True
    )
    return python


def write_paths(path: Path) -> None:
    """The preset's five optimizer paths (every step) and its domain, title and legend names, as JSON."""
    sys.path.insert(0, str(ROOT))
    from landscape_gui.core.frames.presenter import optimizer_label
    from landscape_gui.core.scenario.presets import load_preset

    scenario = load_preset("rosenbrock-race")
    sim = scenario.build_simulation(max_points=None)
    sim.step(scenario.steps)
    data = {
        "domain": [list(b) for b in sim.landscape.domain],
        "paths": [sim.path(g, 0).tolist() for g in range(len(sim.groups))],
        "names": [optimizer_label(o) for o in scenario.optimizers],
        "title": scenario.title,
        "steps": scenario.steps,
    }
    path.write_text(json.dumps(data), encoding="utf-8")


def frames_in(path: Path) -> int:
    if path.is_dir():
        return len(list(path.glob("*.png")))
    import imageio.v3 as iio

    return sum(1 for _ in iio.imiter(path, plugin="FFMPEG"))


def contenders(tmp: Path, baseline: Path, paths: Path, matplotlib: bool) -> dict:
    """name -> (command, output, environment additions)."""
    w, h = SIZE
    ours = [sys.executable, "-m", "landscape_gui", "export", "rosenbrock-race", "--size", f"{w}x{h}",
            "--fps", str(FPS), "--duration", str(SECONDS), "--force"]  # fmt: skip
    out = {
        "ours 3D → MP4": ([*ours, "-o", str(tmp / "ours.mp4")], tmp / "ours.mp4", {}),
        "ours 3D → PNG frames": ([*ours, "-o", str(tmp / "frames")], tmp / "frames", {}),
        "ours map → MP4": ([*ours, "--view", "map", "-o", str(tmp / "map.mp4")], tmp / "map.mp4", {}),
        "ours composite → MP4": (
            [*ours, "--view", "composite", "-o", str(tmp / "composite.mp4")],
            tmp / "composite.mp4",
            {},
        ),
        "manim CE": (
            [
                str(VENV / "bin" / "manim"),
                "render",
                "--resolution",
                f"{w},{h}",
                "--frame_rate",
                str(FPS),
                "--disable_caching",
                "-q",
                "h",
                "--media_dir",
                str(tmp / "manim"),
                "--progress_bar",
                "none",
                str(ROOT / "benchmarks" / "manim_reference.py"),
                "RosenbrockRace",
            ],  # fmt: skip
            tmp / "manim" / "videos" / "manim_reference" / f"{h}p{FPS}" / "RosenbrockRace.mp4",
            {"LANDSCAPE_MANIM_DATA": str(paths)},
        ),
    }
    if matplotlib:
        out["matplotlib"] = (
            [
                str(baseline),
                str(ROOT / "benchmarks" / "matplotlib_reference.py"),
                str(paths),
                str(tmp / "matplotlib.mp4"),
                "--size",
                f"{w}x{h}",
                "--frames",
                str(FPS * SECONDS),
                "--fps",
                str(FPS),
            ],  # fmt: skip
            tmp / "matplotlib.mp4",
            {},
        )
    return out


def timed(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-matplotlib", action="store_true", help="it takes about a minute a round")
    args = ap.parse_args()
    baseline = baseline_env()
    # Byte-code as an installed package has it (pip compiles on install; manim's environment is compiled): an
    # editable checkout run with PYTHONDONTWRITEBYTECODE set would compile the app's sources in every process.
    import compileall

    compileall.compile_dir(str(ROOT / "landscape_gui"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_paths(tmp / "paths.json")
        runs = contenders(tmp, baseline, tmp / "paths.json", not args.skip_matplotlib)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for r in range(args.rounds):
            for name, (cmd, _, env) in runs.items():
                times[name].append(timed(cmd, env))
            print(f"round {r + 1}/{args.rounds}: " + ", ".join(f"{n} {t[-1]:.1f} s" for n, t in times.items())
                  + f"  (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
        counts = {name: frames_in(out) for name, (_, out, _) in runs.items()}
    med = {name: statistics.median(t) for name, t in times.items()}
    n = FPS * SECONDS
    print(f"\nRosenbrock race, {SIZE[0]}×{SIZE[1]}, {FPS} fps, {SECONDS} s ({n} frames), whole processes, "
          f"median of {args.rounds} rounds (all in one run, interleaved)")  # fmt: skip
    for name, t in med.items():
        spread = f"{min(times[name]):.1f}–{max(times[name]):.1f}"
        print(f"  {name:24s} {t:6.1f} s  ({spread} s; {counts[name]} frames)")
    ours = med["ours 3D → MP4"]
    print(f"ratios (load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores)")
    print(f"  manim CE / ours MP4      {med['manim CE'] / ours:5.2f}×  (goal ≥ 2×)")
    if "matplotlib" in med:
        print(f"  matplotlib / ours MP4    {med['matplotlib'] / ours:5.2f}×  (goal ≥ 5×)")
    print(f"  ours PNG / ours MP4      {med['ours 3D → PNG frames'] / ours:5.2f}×  (goal ≤ 1.2×)")
    print(f"  ours map / ours 3D       {med['ours map → MP4'] / ours:5.2f}×  (goal ≤ 1×)")
    print(f"  ours composite / ours 3D {med['ours composite → MP4'] / ours:5.2f}×  (goal ≤ 1×)")


if __name__ == "__main__":
    main()
