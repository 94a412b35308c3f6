#!/usr/bin/env python3
"""Basin map speed: ``landscape-gui basins`` as a whole process against the same work written with torch.optim.

The work: 200 × 200 start points on a grid over Rosenbrock's domain (``linspace`` per axis, edges included),
500 Adam steps each (torch's defaults, lr 1e-3 unless ``--lr``), each start's outcome (within ``tol`` of the
minimum (1, 1), diverged, or not settled), the shares, and a PNG of the map.

- ours: ``python -m landscape_gui basins --function rosenbrock --optimizer adam --grid 200 --steps 500
  -o OUT.png --format json``: it also finds and classifies the critical points, checks every step for
  divergence as the app does, and draws the legended map with Qt (offscreen);
- torch: a script run as its own process by the Python of ``benchmarks/.venv-compare`` (the benchmarks'
  environment, made on first use with the app and torch 2.13.0; never the app's ``.venv``): a (40 000, 2)
  float64 leaf tensor, the Rosenbrock loss in torch, ``loss.backward(); opt.step(); opt.zero_grad()``; the outcomes
  from the known minimum (1, 1), checked once at the end; a plain PNG (one colour per outcome, no legend)
  written with zlib. Torch runs on its default number of threads.

Each is run ``--repeats`` times as a fresh process; the best wall time is kept. Ours is also timed without
retiring (``--no-retire``): on this problem nothing retires (Adam's runs never do, and in 500 steps almost
no start gets within tol of (1, 1)), so the script also times, ours only, Himmelblau with GD, where all
starts settle and retire. The outcome shares
of both are printed (torch's autograd gradient rounds differently from our exact one, so a start on a
basin border may differ). Run with

    benchmarks/bench_basins.py [--lr 0.001] [--repeats 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

TORCH = "torch==2.13.0"

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [TORCH])

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TORCH_SCRIPT = r"""
import json, struct, sys, zlib
import torch

grid, steps, lr, tol, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
xs = torch.linspace(-2.0, 2.0, grid, dtype=torch.float64)
ys = torch.linspace(-1.0, 3.0, grid, dtype=torch.float64)
gx, gy = torch.meshgrid(xs, ys, indexing="ij")
p = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1).clone().requires_grad_(True)
opt = torch.optim.Adam([p], lr=lr)
for _ in range(steps):
    x, y = p[:, 0], p[:, 1]
    loss = ((1 - x) ** 2 + 100 * (y - x**2) ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
end = p.detach()
finite = torch.isfinite(end).all(dim=1) & (end.abs() <= 1e6).all(dim=1)
dist = torch.sqrt(((end - torch.tensor([1.0, 1.0], dtype=torch.float64)) ** 2).sum(dim=1))
label = torch.where(~finite, 2, torch.where(dist <= tol, 0, 1))  # 0 minimum, 1 not settled, 2 diverged
shares = {k: float((label == i).double().mean()) for i, k in enumerate(("minimum", "not_settled", "diverged"))}
colours = torch.tensor([[31, 119, 180], [222, 222, 222], [35, 35, 35]], dtype=torch.uint8)
img = colours[label.reshape(grid, grid).T.flip(0)]  # rows: y from top to bottom
raw = b"".join(b"\x00" + bytes(row.contiguous().numpy().tobytes()) for row in img)
def chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
with open(out, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", grid, grid, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
print(json.dumps({"shares": shares, "threads": torch.get_num_threads(), "version": torch.__version__}))
"""


def timed(cmd: list, env: dict, repeats: int) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeats):
        t = time.perf_counter()
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{r.stderr}")
        best, out = min(best, dt), r.stdout
    return best, out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=200)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate (default torch's, 1e-3)")
    ap.add_argument("--tol", type=float, default=1e-3)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-basins-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp / "xdg")}
    ours = [sys.executable, "-m", "landscape_gui", "basins", "--function", "rosenbrock", "--optimizer", "adam",
            "--set", f"lr={args.lr}", "--grid", str(args.grid), "--steps", str(args.steps), "--tol", str(args.tol),
            "-o", str(tmp / "ours.png"), "--format", "json"]  # fmt: skip
    script = tmp / "torch_basins.py"
    script.write_text(TORCH_SCRIPT)
    theirs = [
        sys.executable,  # benchmarks/.venv-compare, which has torch (ensure_env)
        str(script),
        str(args.grid),
        str(args.steps),
        str(args.lr),
        str(args.tol),
        str(tmp / "torch.png"),
    ]
    n = args.grid * args.grid
    print(f"Basins of Rosenbrock: {n} starts × {args.steps} Adam steps (lr {args.lr:g}), tol {args.tol:g}, "
          f"whole processes, best of {args.repeats}")  # fmt: skip
    t_ours, out_ours = timed(ours, env, args.repeats)
    t_slow, _ = timed([*ours, "--no-retire"], env, args.repeats)
    t_torch, out_torch = timed(theirs, env, args.repeats)
    data, tdata = json.loads(out_ours), json.loads(out_torch)
    shares = {o["kind"]: o["share"] for o in data["outcomes"]}
    print(f"  ours  (landscape-gui basins)           {t_ours:6.2f} s   shares {shares}")
    print(f"  ours without retiring (--no-retire)    {t_slow:6.2f} s")
    print(
        f"  torch {tdata['version']} ({tdata['threads']} threads)       {t_torch:6.2f} s   shares {tdata['shares']}"
    )
    print(f"  ratio torch / ours: {t_torch / t_ours:.2f}×   (goal ≥ 2×)")
    print(
        "  (Adam never retires: its step grows again as its average of g² decays; see core/analysis/basins.py)"
    )
    gd = [*ours[:4], "--function", "himmelblau", "--optimizer", "gd", "--set", "lr=0.01", "--grid", str(args.grid),
          "--steps", str(args.steps), "-o", str(tmp / "gd.png")]  # fmt: skip
    t_gd, _ = timed(gd, env, args.repeats)
    t_gd_slow, _ = timed([*gd, "--no-retire"], env, args.repeats)
    print(f"  where retiring applies, Himmelblau with GD (lr 0.01), same grid and steps: {t_gd:.2f} s, "
          f"without retiring {t_gd_slow:.2f} s: {t_gd_slow / t_gd:.2f}× faster")  # fmt: skip


if __name__ == "__main__":
    main()
