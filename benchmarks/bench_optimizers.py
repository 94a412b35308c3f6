#!/usr/bin/env python3
"""Particle-steps per second: our numpy core against torch.optim, Adam on Rosenbrock.

200 × 200 start points on a grid over Rosenbrock's domain, 500 Adam steps (lr 1e-3, torch's defaults):

1. ours, core loop: ``grads = landscape.grad(params); params, state = adam.update(params, grads, state, hp)``
   on column-major (N, 2) parameters, as :class:`Simulation` keeps them, (a) on one thread, (b) with the rows
   split between two threads that each run the whole loop on their half (torch uses its own threads too; the
   app does not do this: stepping halves in threads with a join per step measured slower than one thread
   on this project's 2-core VM);
   (c) ``Simulation.step``, what the app runs: the same plus the loss, divergence checks, gradient norms,
   statuses and decimated trajectory recording;
2. torch, as people write it: a (40 000, 2) float64 leaf tensor, the Rosenbrock loss computed in torch,
   ``loss.sum().backward(); opt.step(); opt.zero_grad()``;
3. torch with our exact gradient injected (``p.grad = torch.from_numpy(landscape.grad(...))``).

Each is run 3 times and the best time is kept; torch uses its default number of threads. The process first
sets the allocator as the app does (``landscape_gui.core.allocator``), which torch shares. The final positions
of ours and torch's are compared (max abs difference). Run with

    benchmarks/bench_optimizers.py [--steps 500] [--grid 200] [--repeats 3]

On its first run it makes benchmarks/.venv-compare (the app and torch 2.13.0), never touching the app's .venv.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, ["torch==2.13.0"])

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape_gui.core.allocator import keep_freed_memory
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.catalog import get_optimizer

WORKERS = min(4, os.cpu_count() or 1)


def starts(grid: int) -> np.ndarray:
    L = get_landscape("rosenbrock")
    (x0, x1), (y0, y1) = L.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid), indexing="ij")
    return np.column_stack([gx.ravel(), gy.ravel()])


def run_ours(p0: np.ndarray, steps: int) -> np.ndarray:
    L = get_landscape("rosenbrock")
    adam = get_optimizer("adam")
    hp = adam.resolve()
    params = np.array(p0, order="F")  # each coordinate contiguous, as Simulation keeps them
    state = adam.init(params)
    grad, update = L.grad, adam.update
    for _ in range(steps):
        params, state = update(params, grad(params), state, hp)
    return params


def run_ours_threaded(p0: np.ndarray, steps: int) -> np.ndarray:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WORKERS) as pool:
        return np.concatenate(list(pool.map(lambda rows: run_ours(rows, steps), np.array_split(p0, WORKERS))))


def run_simulation(p0: np.ndarray, steps: int) -> np.ndarray:
    from landscape_gui.core.analysis.simulation import Simulation

    sim = Simulation(get_landscape("rosenbrock"), p0, [("adam", {})])
    sim.step(steps)
    return sim.positions()[0]


def run_torch_autograd(p0: np.ndarray, steps: int) -> np.ndarray:
    import torch

    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1e-3)
    for _ in range(steps):
        x, y = p[:, 0], p[:, 1]
        loss = (1 - x) ** 2 + 100 * (y - x**2) ** 2
        loss.sum().backward()
        opt.step()
        opt.zero_grad()
    return p.detach().numpy().copy()


def run_torch_injected(p0: np.ndarray, steps: int) -> np.ndarray:
    import torch

    L = get_landscape("rosenbrock")
    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1e-3)
    for _ in range(steps):
        p.grad = torch.from_numpy(L.grad(p.detach().numpy()))
        opt.step()
    return p.detach().numpy().copy()


def best_of(fn, p0: np.ndarray, steps: int, repeats: int) -> tuple[float, np.ndarray]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn(p0, steps)
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=200, help="start points per axis (default 200)")
    ap.add_argument("--steps", type=int, default=500, help="Adam steps (default 500)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each, best kept (default 3)")
    args = ap.parse_args(argv)
    keep_freed_memory()

    p0 = starts(args.grid)
    work = p0.shape[0] * args.steps
    print(
        f"Adam (lr 1e-3) on Rosenbrock: {p0.shape[0]} particles × {args.steps} steps, best of {args.repeats}"
    )
    rows = [
        ("ours, core loop, 1 thread", run_ours),
        (f"ours, core loop, {WORKERS} threads", run_ours_threaded),
        ("ours, Simulation.step (app)", run_simulation),
    ]
    timed = []
    for name, fn in rows:
        t, final = best_of(fn, p0, args.steps, args.repeats)
        timed.append((name, t, final))
        print(f"  {name:<34} {work / t / 1e6:8.2f} M particle-steps/s  ({t:.3f} s)")
    ours = timed[0][2]
    for name, _, final in timed[1:]:
        assert np.array_equal(final, ours), f"{name} differs from the serial loop"
    try:
        import torch
    except ImportError:
        print("  torch is not installed: no comparison")
        return
    print(f"  torch {torch.__version__}, {torch.get_num_threads()} threads")
    t_auto, auto = best_of(run_torch_autograd, p0, args.steps, args.repeats)
    t_inj, inj = best_of(run_torch_injected, p0, args.steps, args.repeats)
    print(f"  {'torch autograd + Adam':<34} {work / t_auto / 1e6:8.2f} M particle-steps/s  ({t_auto:.3f} s)")
    print(
        f"  {'torch Adam, exact gradient':<34} {work / t_inj / 1e6:8.2f} M particle-steps/s  ({t_inj:.3f} s)"
    )
    for name, t, _ in timed:
        print(
            f"  ratio {name} / torch autograd: {t_auto / t:5.2f}×   (/ torch exact gradient: {t_inj / t:5.2f}×)"
        )
    print(f"  final positions, max |ours − torch autograd|:       {np.abs(ours - auto).max():.3e}")
    print(f"  final positions, max |ours − torch exact gradient|: {np.abs(ours - inj).max():.3e}")


if __name__ == "__main__":
    main()
