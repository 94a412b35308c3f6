#!/usr/bin/env python3
"""Where does full-batch gradient descent on a small tanh network train at the edge of stability?

The record of the search behind the "Edge of stability" lesson (``core/training/lessons.py``). Cohen et al.
(ICLR 2021) report that full-batch GD's sharpness λmax (the largest Hessian eigenvalue of the training loss)
rises until it reaches 2/lr and then hovers there while the loss keeps falling, not monotonically; clearest
with the mean squared error and small data. Each row here trains one setting from θ₀ = init(seed 0) for
``--steps`` steps, computes λmax of the exact Hessian every ``--every`` steps, and says what happened:

- ``edge``: λmax started below 0.8 × 2/lr, reached 0.95 × 2/lr, stayed within 0.85 … 1.15 × 2/lr from then
  on, the loss rose at some steps after and still ended lower than where the edge was reached
  (``edge, from near it``: the same, but λmax started at 0.8 × 2/lr or more, so there is little rise to see);
- ``starts above``: λmax began above 2/lr (GD first throws the network to a flatter place: a catapult);
- ``below``: λmax never reached 0.95 × 2/lr in the steps given;
- ``reaches it late``: it reached the edge with too few steps left for the loss to rise anywhere;
- ``leaves``: reached the edge, then fell well below it (as with the cross-entropy later in training);
- ``diverged``: a step gave a non-finite loss or a parameter beyond ±10⁶.

Columns: λmax/(2/lr) at the start, its maximum, the step it reached 0.95 × 2/lr, its range after, the steps
where the loss rose before and after, the loss there and at the end. Run with

    OPENBLAS_NUM_THREADS=1 benchmarks/edge_of_stability_search.py [--steps 3000] [--every 50] [--quick]

(``--quick`` tries only the chosen setting and its neighbours in lr.)
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import argparse
import time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape_gui.core.training import mlp_slice_problem, train
from landscape_gui.core.training.lessons import edge_of_stability_claims

#: (loss, layer sizes, samples, learning rates)
GRID = [
    ("mse", (2, 16, 16, 2), 200, (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)),
    ("mse", (2, 16, 16, 2), 50, (0.1, 0.2, 0.5)),
    ("mse", (2, 8, 8, 2), 200, (0.1, 0.2, 0.5)),
    ("mse", (2, 32, 2), 200, (0.1, 0.2, 0.5)),
    ("cross_entropy", (2, 16, 16, 2), 200, (0.5, 1.0, 2.0)),
    ("cross_entropy", (2, 16, 16, 2), 50, (0.5, 1.0, 2.0)),
]
QUICK = [("mse", (2, 16, 16, 2), 200, (0.1, 0.2, 0.3))]


def verdict(run, c) -> str:
    if run.status == "diverged":
        return "diverged"
    if c.start_ratio > 1.0:
        return "starts above"
    if c.reached is None:
        return "below"
    if c.hover[0] < 0.85:
        return "leaves"
    if c.hover[1] > 1.15:
        return "overshoots"
    if c.ups_after == 0:
        return "reaches it late"
    if c.start_ratio >= 0.8:
        return "edge, from near it"
    return "edge" if c.final_loss < c.loss_at_reached else "edge, loss flat"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--every", type=int, default=50)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(
        f"{'loss':14s} {'sizes':14s} {'n':>4s} {'lr':>5s} {'start':>6s} {'max':>6s} {'reached':>7s} "
        f"{'after':>12s} {'ups<':>5s} {'ups>':>5s} {'loss@':>7s} {'end':>7s}  verdict  [seconds]"
    )
    for loss, sizes, samples, lrs in QUICK if args.quick else GRID:
        problem = mlp_slice_problem(loss, sizes, samples)
        for lr in lrs:
            t0 = time.perf_counter()
            run = train(problem, [("gd", {"lr": lr})], steps=args.steps, seed=0, every=args.every).runs[0]
            c = edge_of_stability_claims(run)
            after = f"{c.hover[0]:.2f}…{c.hover[1]:.2f}" if c.hover else "-"
            at = f"{c.loss_at_reached:.4f}" if c.loss_at_reached is not None else "-"
            reached = str(c.reached) if c.reached is not None else "-"
            print(
                f"{loss:14s} {'-'.join(map(str, sizes)):14s} {samples:4d} {lr:5.2f} {c.start_ratio:6.2f} "
                f"{c.max_ratio:6.2f} {reached:>7s} {after:>12s} {c.ups_before:5d} {c.ups_after:5d} {at:>7s} "
                f"{c.final_loss:7.4f}  {verdict(run, c)}  [{time.perf_counter() - t0:.1f}]",
                flush=True,
            )


if __name__ == "__main__":
    main()
