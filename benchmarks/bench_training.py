#!/usr/bin/env python3
"""Training the whole network of mlp_slice: seconds per 1000 steps, per plane surface, per exact Hessian.

Measured on the 2–16–16–2 tanh network (354 parameters) and its 200 two-moons points, best of ``--repeats``:

1. 1000 full-batch steps of each first-order optimizer through ``core.training.train`` (each step through
   ``advance``, with the full-data loss and accuracy recorded) — goal: under 1 s;
2. the loss surface on the PCA plane of an Adam path, 50 × 50 (the coarse one) and 200 × 200 — goal: under
   3 s for 200 × 200;
3. one exact 354 × 354 Hessian and its eigenvalues (one sharpness point);
4. the two lessons end to end (``core.training.lessons``: training, sharpness and, for the first, the plane).

Each figure is given twice, side by side: with numpy's BLAS threads as they are, and in a child process
started with ``OPENBLAS_NUM_THREADS=1`` (on a small shared machine the BLAS threads of a 354 × 354
eigendecomposition wait for each other: measured up to 30× slower there). The machine's load average is
printed before and after.

Then torch 2.13.0 (float64, ``nn.Linear`` layers loaded from θ₀, ``F.cross_entropy``, ``torch.optim``) trains
from the same θ₀ on the same data: the largest difference of its 1001 losses from ours, and its seconds for
1000 steps. Run with

    benchmarks/bench_training.py [--repeats 3] [--skip-torch]

On its first run it makes benchmarks/.venv-compare (the app and torch 2.13.0), never touching the app's .venv.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [] if "--skip-torch" in sys.argv or "--child" in sys.argv else ["torch==2.13.0"])

import argparse
import json
import os
import subprocess
import time

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape_gui.core.allocator import keep_freed_memory
from landscape_gui.core.training import mlp_slice_problem, plane_surface, project, train
from landscape_gui.core.training.lessons import ADAM_AND_SGD, EDGE_OF_STABILITY, adam_and_sgd_claims

OPTIMIZERS = [
    ("gd", {"lr": 0.1}),
    ("momentum", {"lr": 0.05, "momentum": 0.9}),
    ("nesterov", {"lr": 0.05}),
    ("adagrad", {"lr": 0.05}),
    ("rmsprop", {"lr": 0.001}),
    ("adam", {"lr": 0.01}),
    ("adamw", {"lr": 0.01}),
]


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def measure(repeats: int) -> dict[str, float]:
    """Every figure of this machine, in seconds, by name."""
    keep_freed_memory()
    problem = mlp_slice_problem()
    out: dict[str, float] = {}
    for oid, hp in OPTIMIZERS:
        out[f"1000 steps {oid}"] = best_of(
            repeats, lambda oid=oid, hp=hp: train(problem, [(oid, hp)], steps=1000)
        )
    path = train(problem, [("adam", {"lr": 0.01})], steps=1000).runs[0].path
    projection = project([path])
    out["PCA plane of 1001 points"] = best_of(repeats, lambda: project([path]))
    for n in (50, 200):
        out[f"surface {n}x{n}"] = best_of(repeats, lambda n=n: plane_surface(problem, projection, n))
    theta = path[-1]
    out["exact Hessian"] = best_of(repeats, lambda: problem.hessian_matrix(theta))
    out["Hessian + eigenvalues"] = best_of(repeats, lambda: problem.sharpness(theta))

    def lesson_one():
        training = ADAM_AND_SGD.train()
        claims = adam_and_sgd_claims(training)
        plane_surface(training.problem, project([r.path for r in training.runs]), 200)
        return claims

    out["lesson Adam and SGD (+ 200x200 surface)"] = best_of(1, lesson_one)
    out["lesson edge of stability (2 x 3000 steps, 122 Hessians)"] = best_of(1, EDGE_OF_STABILITY.train)
    return out


def torch_check() -> list[str]:
    """Our losses against torch.optim's from the same θ₀, and torch's seconds for 1000 steps."""
    import torch

    torch.set_default_dtype(torch.float64)
    problem = mlp_slice_problem()
    x = torch.tensor(problem.data.x)
    y = torch.tensor(problem.data.y.astype(np.int64))
    lines = []
    for oid, hp in [OPTIMIZERS[0], OPTIMIZERS[1], OPTIMIZERS[5]]:
        ours = train(problem, [(oid, hp)], steps=1000, seed=0)
        layers = []
        k = 0
        theta0 = ours.theta0
        for i, o in zip(problem.net.sizes[:-1], problem.net.sizes[1:], strict=True):
            lin = torch.nn.Linear(i, o)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(theta0[k : k + o * i].reshape(o, i)))
                k += o * i
                lin.bias.copy_(torch.tensor(theta0[k : k + o]))
                k += o
            layers.append(lin)
        params = [p for lin in layers for p in lin.parameters()]
        if oid == "adam":
            opt = torch.optim.Adam(params, lr=hp["lr"])
        else:
            opt = torch.optim.SGD(params, lr=hp["lr"], momentum=hp.get("momentum", 0.0))

        def loss_fn(layers=layers):
            h = x
            for lin in layers[:-1]:
                h = torch.tanh(lin(h))
            return torch.nn.functional.cross_entropy(layers[-1](h), y)

        losses = [loss_fn().item()]
        t0 = time.perf_counter()
        for _ in range(1000):
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            opt.step()
            with torch.no_grad():
                losses.append(loss_fn().item())
        seconds = time.perf_counter() - t0
        diff = np.abs(np.array(losses) - ours.runs[0].loss).max()
        lines.append(
            f"{oid:9s} torch 2.13 float64, 1000 steps: {seconds:.2f} s (with a second forward pass per step "
            f"for the loss at the new point, as ours records it); largest |loss difference| over 1001 "
            f"losses: {diff:.1e}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeats)))
        return
    load0 = os.getloadavg()
    ours = measure(args.repeats)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--repeats", str(args.repeats)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    single = json.loads(child.stdout)
    load1 = os.getloadavg()
    print(f"{os.cpu_count()} cores; load average {load0[0]:.2f} before, {load1[0]:.2f} after")
    print(
        f"{'seconds (best of ' + str(args.repeats) + ')':58s} {'BLAS threads as set':>20s} {'1 BLAS thread':>14s}"
    )
    for name, value in ours.items():
        print(f"{name:58s} {value:20.3f} {single[name]:14.3f}")
    if not args.skip_torch:
        for line in torch_check():
            print(line)


if __name__ == "__main__":
    main()
