#!/usr/bin/env python3
"""Seconds to compute the 200 × 200 surface of ``mlp_slice`` (40 000 network evaluations over 200 samples).

Also times training the network from scratch (into a temporary cache folder, so the user's cache is neither
used nor touched), reading it back from that cache, and the exact gradient and Hessian of 1 000 points. The
surface is computed as the app does it, through ``DataLandscape.grid`` in chunks, with a progress callback;
each timing is the best of ``--repeats`` runs. Run with

    .venv/bin/python benchmarks/bench_mlp_slice.py [--resolution 200] [--repeats 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        from landscape_gui.core.allocator import keep_freed_memory
        from landscape_gui.core.data.mlp_slice import build_mlp_slice

        keep_freed_memory()
        t0 = time.perf_counter()
        ls = build_mlp_slice()
        train = time.perf_counter() - t0
        cached = best_of(args.repeats, build_mlp_slice)

        n = args.resolution
        calls = []
        surface = best_of(args.repeats, lambda: ls.grid(n, progress=lambda done, total: calls.append(done)))
        pts = np.random.default_rng(0).uniform(-1.0, 1.0, (1000, 2))
        grad = best_of(args.repeats, lambda: ls.grad(pts))
        hess = best_of(args.repeats, lambda: ls.hessian(pts))

    print(f"network {'–'.join(map(str, ls.model.net.sizes))}, P = {ls.n_parameters}, {ls.n_samples} samples")
    print(
        f"train from scratch (full-batch Adam) + directions: {train:.2f} s; read from cache: {cached:.3f} s"
    )
    print(
        f"surface {n}×{n} ({n * n} network evaluations over the data): {surface:.2f} s "
        f"({n * n / surface:,.0f} points/s; {len(calls) // args.repeats} progress calls)"
    )
    print(f"exact gradient of 1000 points: {grad:.3f} s; exact 2×2 Hessian of 1000 points: {hess:.3f} s")


if __name__ == "__main__":
    main()
